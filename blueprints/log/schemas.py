"""Schemas of the log routes: the documented rows (the logs take no input)."""

from __future__ import annotations

from marshmallow import fields

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema


class NoInputSchema(ApiSchema):
    """The logs are written by the server only; nothing is accepted from clients."""


class LoginLogSchema(CoreRowSchema):
    """A login-log row (failed logins too: ``status`` false, ``msg`` the answer given)."""

    username = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    agent = fields.String(allow_none=True)
    browser = fields.String(allow_none=True)
    os = fields.String(allow_none=True)
    continent = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    isp = fields.String(allow_none=True)
    area_code = fields.String(allow_none=True)
    country_english = fields.String(allow_none=True)
    country_code = fields.String(allow_none=True)
    longitude = fields.String(allow_none=True)
    latitude = fields.String(allow_none=True)
    login_type = fields.Integer(metadata={"description": "1 normal login, 2 WeChat QR login"})
    status = fields.Boolean(allow_none=True, metadata={"description": "null on rows the original wrote"})
    msg = fields.String(allow_none=True)


class OperationLogSchema(CoreRowSchema):
    """An operation-log row: one logged API request, secrets masked."""

    request_modular = fields.String(allow_none=True)
    request_path = fields.String(allow_none=True)
    request_body = fields.String(allow_none=True, metadata={"description": "JSON text, secrets masked"})
    request_method = fields.String(allow_none=True)
    request_msg = fields.String(allow_none=True)
    request_ip = fields.String(allow_none=True)
    request_browser = fields.String(allow_none=True)
    response_code = fields.String(allow_none=True)
    request_os = fields.String(allow_none=True)
    json_result = fields.String(allow_none=True, metadata={"description": 'JSON text {"code", "msg"}'})
    status = fields.Boolean()
