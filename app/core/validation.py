"""Input schemas: unknown keys ignored, DRF-style Chinese messages, ``<label>:<message>``."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

REQUIRED = "该字段是必填项。"
NULL = "该字段不能为 null。"

_INVALID = {
    fields.String: "请填写合法的字符串。",
    fields.Integer: "请填写合法的整数值。",
    fields.Float: "请填写合法的数字。",
    fields.Decimal: "请填写合法的数字。",
    fields.Boolean: "必须是有效的布尔值。",
    fields.DateTime: "日期时间格式错误。",
    fields.Date: "日期格式错误。",
    fields.Email: "请输入合法的邮件地址。",
    fields.List: "请提供一个列表。",
    fields.Dict: "请提供一个字典。",
    fields.Nested: "请提供一个字典。",
}


def _invalid_text(field: fields.Field) -> str:
    for cls in type(field).__mro__:
        if cls in _INVALID:
            return _INVALID[cls]
    return "格式错误。"


class ChineseLength(validate.Length):
    """``Length`` with DRF's Chinese texts, naming the bound that failed."""

    def __call__(self, value):
        """Check the length; an empty string reads as "may not be blank"."""
        length = len(value)
        if self.equal is not None and length != self.equal:
            raise ma.ValidationError(f"请确保这个字段长度为 {self.equal} 个字符。")
        if self.min is not None and length < self.min:
            if length == 0:
                raise ma.ValidationError("该字段不能为空。")
            raise ma.ValidationError(f"请确保这个字段至少包含 {self.min} 个字符。")
        if self.max is not None and length > self.max:
            raise ma.ValidationError(f"请确保这个字段不能超过 {self.max} 个字符。")
        return value


def _localise_validators(field: fields.Field) -> None:
    for index, validator in enumerate(field.validators):
        if type(validator) is validate.Length and validator.error is None:
            field.validators[index] = ChineseLength(
                min=validator.min, max=validator.max, equal=validator.equal
            )
        elif isinstance(validator, validate.Range) and validator.error is None:
            if validator.min is not None and validator.max is not None:
                validator.error = "请确保该值在 {min} 到 {max} 之间。"
            elif validator.max is not None:
                validator.error = "请确保该值小于或者等于 {max}。"
            else:
                validator.error = "请确保该值大于或者等于 {min}。"
        elif isinstance(validator, validate.Email):
            validator.error = "请输入合法的邮件地址。"
        elif isinstance(validator, validate.URL):
            validator.error = "请输入合法的URL。"
        elif isinstance(validator, validate.OneOf) and validator.error == validate.OneOf.default_message:
            validator.error = "“{input}” 不是合法选项。"


# Blank strings the SPA's forms send for empty optional fields of these types mean "no value".
_BLANK_AS_NONE = (
    fields.Email,
    fields.Integer,
    fields.Float,
    fields.Decimal,
    fields.Date,
    fields.DateTime,
    fields.Boolean,
)
INT64 = 2**63 - 1


class ApiSchema(ma.Schema):
    """Base for every input schema: the SPA sends whole rows back, so unknown keys are dropped."""

    class Meta:
        unknown = ma.EXCLUDE

    error_messages = {"type": "数据格式错误：应为 JSON 对象"}

    @ma.pre_load
    def _blank_as_none(self, data, **_kwargs):
        """``""`` for an optional non-text field is None (an empty form field)."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name, field in self.fields.items():
            key = field.data_key or name
            if out.get(key) == "" and field.allow_none and isinstance(field, _BLANK_AS_NONE):
                out[key] = None
        return out

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Give every field (and a list's items) DRF's Chinese messages."""
        _localise(field_obj)


def _localise(field_obj: fields.Field) -> None:
    """DRF's Chinese messages on one field, recursing into list items."""
    field_obj.error_messages = {
        **field_obj.error_messages,
        "required": REQUIRED,
        "null": NULL,
        "invalid": _invalid_text(field_obj),
    }
    if isinstance(field_obj, fields.String):
        field_obj.error_messages["invalid_utf8"] = "请填写合法的字符串。"
    if isinstance(field_obj, fields.Integer):
        field_obj.error_messages["too_large"] = "数值太大。"
        if not any(isinstance(v, validate.Range) for v in field_obj.validators):
            # beyond 64 bits no column can hold it (and SQLite raises OverflowError)
            field_obj.validators.append(validate.Range(min=-INT64, max=INT64))
    _localise_validators(field_obj)
    if isinstance(field_obj, fields.List):
        _localise(field_obj.inner)


def field_label(schema: ma.Schema | None, name: str) -> str:
    """Chinese label of a field when the schema gives one, the wire name otherwise."""
    if schema is not None:
        for fname, field in schema.fields.items():
            if (field.data_key or fname) == name:
                return field.metadata.get("label") or name
    return name


def _first_message(messages: Any) -> tuple[list[str], str]:
    """Walk nested marshmallow messages down to the first leaf: (path, text)."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            path, text = _first_message(value)
            return [str(key), *path], text
        return [], "数据错误"
    if isinstance(messages, (list, tuple)):
        if messages and all(isinstance(m, str) for m in messages):
            return [], messages[0]
        for value in messages:
            return _first_message(value)
        return [], "数据错误"
    return [], str(messages)


def first_error_message(messages: Any, schema: ma.Schema | None = None) -> str:
    """``<label>:<message>`` for the first failing field (decisions #4)."""
    if isinstance(messages, dict) and set(messages) <= {
        "json",
        "query",
        "form",
        "files",
        "view_args",
        "headers",
    }:
        # webargs wraps the errors in their location
        for value in messages.values():
            messages = value
            break
    path, text = _first_message(messages)
    path = [p for p in path if p != "_schema"]
    if not path:
        return text
    label = field_label(schema, path[0]) if len(path) == 1 else ".".join(path)
    if len(path) > 1 and path[0].isdigit():
        label = f"第{int(path[0]) + 1}条:{field_label(schema, path[1])}"
    return f"{label}:{text}"


def validation_message(error: ma.ValidationError, schema: ma.Schema | None = None) -> str:
    """The envelope message for a marshmallow ``ValidationError``."""
    return first_error_message(error.messages, schema)
