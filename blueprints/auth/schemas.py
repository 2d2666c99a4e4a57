"""Request and response schemas of the auth area."""

from marshmallow import fields, validate

from app.core.validation import ApiSchema


class LoginSchema(ApiSchema):
    """``POST /api/login/``: the password may be raw or md5 hex; the captcha only when enabled."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))
    captcha = fields.Raw(load_default=None)
    captchaKey = fields.Raw(load_default=None)


class RefreshSchema(ApiSchema):
    """``POST /token/refresh/``."""

    refresh = fields.String(required=True, validate=validate.Length(min=1, max=4096))


class LogoutSchema(ApiSchema):
    """``POST /api/logout/``: optionally the refresh token to revoke with the access token."""

    refresh = fields.String(load_default=None, validate=validate.Length(max=4096))


class TokenPairSchema(ApiSchema):
    """The raw refresh answer."""

    access = fields.String()
    refresh = fields.String()


class DeptInfoSchema(ApiSchema):
    """The user's department."""

    dept_id = fields.Integer(allow_none=True)
    dept_name = fields.String()


class RoleInfoSchema(ApiSchema):
    """One role of the user."""

    id = fields.Integer()
    name = fields.String()
    key = fields.String()


class LoginResultSchema(ApiSchema):
    """What a successful login returns in ``data`` (contract §3.2)."""

    refresh = fields.String()
    access = fields.String()
    username = fields.String()
    name = fields.String()
    userId = fields.Integer()
    avatar = fields.String(allow_none=True)
    user_type = fields.Integer()
    pwd_change_count = fields.Integer()
    dept_info = fields.Nested(DeptInfoSchema)
    role_info = fields.List(fields.Nested(RoleInfoSchema))


class CaptchaSchema(ApiSchema):
    """A captcha; empty when captchas are off."""

    key = fields.String()
    image_base = fields.String(metadata={"description": "data:image/png;base64,…"})
