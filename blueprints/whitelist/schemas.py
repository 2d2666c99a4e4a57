"""Schemas of the API whitelist routes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.permissions import API_ALLOWED
from app.core.validation import ApiSchema

NOT_BLANK = "该字段不能为空。"
MSG_URL_CHARS = "只能包含字母、数字和 _ / { } . -，并以 / 开头"


def check_url(value: str) -> None:
    """A literal path: the characters a button ``api`` may hold (differences #16), leading ``/``."""
    if value and (not API_ALLOWED.match(value) or not value.startswith("/")):
        raise ma.ValidationError(MSG_URL_CHARS)


def _url(required: bool) -> fields.String:
    return fields.String(
        required=required,
        validate=[validate.Length(min=1, error=NOT_BLANK), validate.Length(max=200), check_url],
        metadata={"label": "url", "description": "path; `{id}` stands for one segment"},
    )


def _method(**kwargs) -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=0, max=3),
        metadata={"label": "接口请求方法", "description": "0 GET, 1 POST, 2 PUT, 3 DELETE"},
        **kwargs,
    )


class ApiWhiteListCreateSchema(ApiSchema):
    """Whitelist row input; a JSON array creates several."""

    allow_bulk = True

    url = _url(required=True)
    method = _method(load_default=0)
    enable_datasource = fields.Boolean(load_default=True, metadata={"label": "激活数据权限"})
    description = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class ApiWhiteListUpdateSchema(ApiSchema):
    """Whitelist row update: fields left out keep their values."""

    url = _url(required=True)
    method = _method()
    enable_datasource = fields.Boolean(metadata={"label": "激活数据权限"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class ApiWhiteListSchema(CoreRowSchema):
    """A whitelist row."""

    url = fields.String()
    method = fields.Integer(allow_none=True)
    enable_datasource = fields.Boolean()
