"""flask-smorest glue: the Api and Blueprint subclasses, the parser, envelope docs, auth markers."""

from __future__ import annotations

import json
from collections.abc import Callable
from copy import deepcopy
from typing import Any

import marshmallow as ma
from flask import Request
from flask_smorest import Api, Blueprint
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser

from app.core.errors import ApiError
from app.core.validation import first_error_message

JSON_TYPES = {"application/json"}


class EnvelopeParser(FlaskParser):
    """Parse arguments; every failure becomes an envelope error that names the field."""

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        """Refuse a body that is neither JSON nor empty, and malformed JSON, with a clear text."""
        body = req.get_data(cache=True)
        if body and not is_json_request(req):
            raise ApiError(f"不支持请求中的媒体类型 “{req.mimetype or '无'}”。")
        if not body:
            return webargs_core.missing
        return parse_json_bytes(body)

    def parse(
        self,
        argmap,
        req=None,
        *,
        location=None,
        unknown=webargs_core._UNKNOWN_DEFAULT_PARAM,
        validate=None,
        error_status_code=None,
        error_headers=None,
    ):
        """Parse as webargs does; a JSON array body means bulk when the schema allows it."""
        req = req if req is not None else self.get_default_request()
        if (location or self.location) == "json":
            body = self.load_json(req, None)
            if isinstance(body, list):
                schema = self._get_schema(argmap, req)
                if not getattr(schema, "allow_bulk", False):
                    raise ApiError("数据格式错误：应为 JSON 对象")
                if not body:
                    raise ApiError("数据格式错误：列表不能为空")
                try:
                    return schema.load(body, many=True)
                except ma.ValidationError as error:
                    self.handle_error(error, req, schema, error_status_code=None, error_headers=None)
        return super().parse(
            argmap,
            req,
            location=location,
            unknown=unknown,
            validate=validate,
            error_status_code=error_status_code,
            error_headers=error_headers,
        )

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """Raise the envelope error instead of webargs' 422."""
        raise ApiError(first_error_message(error.messages, schema))


def is_json_request(req: Request) -> bool:
    """True when the content type is JSON (``application/json`` or ``+json``)."""
    mimetype = (req.mimetype or "").lower()
    return mimetype in JSON_TYPES or mimetype.endswith("+json")


def parse_json_bytes(body: bytes) -> Any:
    """Decode a JSON body or raise the envelope error for malformed JSON."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(f"JSON 解析错误：{getattr(exc, 'msg', '编码错误')}") from exc
    except RecursionError:
        raise ApiError("JSON 解析错误：嵌套层级过深") from None
    if "\\ud" in text.lower():
        # escaped lone surrogates decode to text no database can store
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError("JSON 解析错误：包含无效的 Unicode 字符") from None
    return data


class EnvelopeBlueprint(Blueprint):
    """Blueprint whose arguments are parsed by :class:`EnvelopeParser`."""

    ARGUMENTS_PARSER = EnvelopeParser()


class EnvelopeApi(Api):
    """Api that leaves error handling to ``app.core.errors`` (one envelope for all)."""

    def _register_error_handlers(self) -> None:
        """Our handlers are registered by the factory; keep smorest's out of the way."""


_ENVELOPE_CACHE: dict[tuple[Any, str], type[ma.Schema]] = {}


def envelope(data: Any = None, kind: str = "detail") -> type[ma.Schema]:
    """An OpenAPI schema for the envelope around ``data`` (a schema class, or None for any).

    ``kind`` is ``detail`` (code, data, msg), ``list`` (code, page, limit, total, data, msg)
    or ``page`` (code, msg, page, limit, total, is_next, is_previous, data).
    """
    key = (data, kind)
    if key in _ENVELOPE_CACHE:
        return _ENVELOPE_CACHE[key]
    many = kind in {"list", "page"}
    if data is None:
        data_field: ma.fields.Field = ma.fields.Raw(allow_none=True)
        base = "Any"
    else:
        data_field = ma.fields.Nested(data, many=many, allow_none=True)
        base = data.__name__.removesuffix("Schema")
    attrs: dict[str, Any] = {
        "code": ma.fields.Integer(metadata={"example": 2000}),
        "msg": ma.fields.String(metadata={"example": "success"}),
        "data": data_field,
    }
    if many:
        attrs.update(
            page=ma.fields.Integer(),
            limit=ma.fields.Integer(),
            total=ma.fields.Integer(),
        )
    if kind == "page":
        attrs.update(is_next=ma.fields.Boolean(), is_previous=ma.fields.Boolean())
    suffix = {"detail": "Envelope", "list": "ListEnvelope", "page": "PageEnvelope"}[kind]
    schema = type(f"{base}{suffix}", (ma.Schema,), attrs)
    _ENVELOPE_CACHE[key] = schema
    return schema


class ErrorEnvelopeSchema(ma.Schema):
    """The error envelope: ``code`` 400/4000 with HTTP 200, 401/404/500 with that HTTP status."""

    code = ma.fields.Integer(metadata={"example": 4000})
    data = ma.fields.Raw(allow_none=True)
    msg = ma.fields.String(metadata={"example": "username:该字段是必填项。"})


AUTH_POLICY_ATTR = "_auth_policy"
PUBLIC = "public"
LOGIN = "login"


def _mark(func: Callable, policy: str, doc: dict | None = None) -> Callable:
    setattr(func, AUTH_POLICY_ATTR, policy)
    if doc:
        apidoc = deepcopy(getattr(func, "_apidoc", {}))
        apidoc.setdefault("manual_doc", {}).update(doc)
        func._apidoc = apidoc
    return func


def view_attribute(app, name: str, default=None):
    """An attribute set by a marker on the view matched by this request (the method of a
    ``MethodView`` wins over the view function)."""
    from flask import request

    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    value = getattr(view, name, default)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        method = getattr(view_class, request.method.lower(), None)
        if method is None and request.method == "HEAD":
            method = getattr(view_class, "get", None)
        value = getattr(method, name, value)
    return value


BODY_LIMIT_ATTR = "_body_limit"


def body_limit(config_key: str, default: int, message: Callable[[int], str]) -> Callable:
    """Give a view its own request-size limit (uploads), read from config ``config_key``;
    ``message(limit)`` is the refusal text."""

    def mark(func: Callable) -> Callable:
        setattr(func, BODY_LIMIT_ATTR, (config_key, default, message))
        return func

    return mark


def public(func: Callable) -> Callable:
    """Open a view to anonymous callers and document it with ``security: []``."""
    return _mark(func, PUBLIC, {"security": []})


def login_only(func: Callable) -> Callable:
    """A view any logged-in user may call, without a button (differences #11)."""
    return _mark(
        func,
        LOGIN,
        {"description": "Needs a valid login; no button is required."},
    )


class CoreRowSchema(ma.Schema):
    """The columns every CoreModel row carries on the wire (contract §4.1); area row schemas extend it."""

    id = ma.fields.Integer()
    description = ma.fields.String(allow_none=True)
    creator = ma.fields.Integer(allow_none=True)
    creator_name = ma.fields.String(allow_none=True)
    modifier = ma.fields.String(
        allow_none=True, metadata={"description": "the modifier's user id, as a string"}
    )
    modifier_name = ma.fields.String(allow_none=True)
    dept_belong_id = ma.fields.String(allow_none=True, metadata={"description": "a dept id, as a string"})
    create_datetime = ma.fields.String(allow_none=True, metadata={"example": "2024-01-01 12:00:00"})
    update_datetime = ma.fields.String(allow_none=True, metadata={"example": "2024-01-01 12:00:00"})
