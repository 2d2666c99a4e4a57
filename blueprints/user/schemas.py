"""Schemas of the current-user routes."""

from marshmallow import fields, validate

from app.core.validation import ApiSchema
from blueprints.auth.schemas import DeptInfoSchema, RoleInfoSchema


class UserInfoSchema(ApiSchema):
    """``user_info`` data (contract §3.8)."""

    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    mobile = fields.String(allow_none=True)
    user_type = fields.Integer()
    gender = fields.Integer()
    email = fields.String(allow_none=True)
    avatar = fields.String(allow_none=True)
    dept = fields.Integer(allow_none=True)
    is_superuser = fields.Boolean()
    role = fields.List(fields.Integer())
    pwd_change_count = fields.Integer()
    dept_info = fields.Nested(DeptInfoSchema)
    role_info = fields.List(fields.Nested(RoleInfoSchema))


class UpdateUserInfoSchema(ApiSchema):
    """``update_user_info``: the caller's own profile fields."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"label": "姓名"})
    email = fields.Email(
        allow_none=True, load_default=None, validate=validate.Length(max=255), metadata={"label": "邮箱"}
    )
    mobile = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=255), metadata={"label": "电话"}
    )
    avatar = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=255), metadata={"label": "头像"}
    )
    gender = fields.Integer(
        allow_none=True, load_default=None, validate=validate.OneOf([0, 1, 2]), metadata={"label": "性别"}
    )


class ChangePasswordSchema(ApiSchema):
    """``change_password``: the SPA sends raw passwords here."""

    oldPassword = fields.String(load_default=None, validate=validate.Length(max=128))
    newPassword = fields.String(load_default=None, validate=validate.Length(max=128))
    newPassword2 = fields.String(load_default=None, validate=validate.Length(max=128))


class LoginChangePasswordSchema(ApiSchema):
    """``login_change_password``: the forced first change; the SPA sends md5 hex."""

    username = fields.String(load_default=None, validate=validate.Length(max=150))
    password = fields.String(load_default=None, validate=validate.Length(max=128))
    password_regain = fields.String(load_default=None, validate=validate.Length(max=128))
