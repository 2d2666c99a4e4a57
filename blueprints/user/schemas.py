"""Schemas of the current-user routes."""

from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
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


def _username_field(required: bool = True) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(min=1, max=50),
        metadata={"label": "用户账号"},
    )


class UserWriteSchema(ApiSchema):
    """Fields an admin may set on a user; computed and protected keys the SPA sends back are dropped."""

    allow_bulk = True

    username = _username_field()
    name = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"label": "姓名"})
    email = fields.Email(allow_none=True, validate=validate.Length(max=255), metadata={"label": "邮箱"})
    mobile = fields.String(allow_none=True, validate=validate.Length(max=255), metadata={"label": "电话"})
    avatar = fields.String(allow_none=True, validate=validate.Length(max=255), metadata={"label": "头像"})
    gender = fields.Integer(allow_none=True, validate=validate.OneOf([0, 1, 2]), metadata={"label": "性别"})
    user_type = fields.Integer(
        allow_none=True, validate=validate.OneOf([0, 1]), metadata={"label": "用户类型"}
    )
    is_active = fields.Boolean(metadata={"label": "锁定"})
    dept = fields.Integer(allow_none=True, metadata={"label": "所属部门"})
    role = fields.List(fields.Integer(), allow_none=True, metadata={"label": "关联角色"})
    post = fields.List(fields.Integer(), allow_none=True, metadata={"label": "关联岗位"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )
    is_superuser = fields.Boolean(metadata={"label": "超级用户状态"})
    is_staff = fields.Boolean(metadata={"label": "工作人员状态"})


class UserCreateSchema(UserWriteSchema):
    """``POST /api/system/user/``: the SPA sends md5(password); an API client may send it raw."""

    password = fields.String(allow_none=True, validate=validate.Length(max=128), metadata={"label": "密码"})


class ResetPasswordSchema(ApiSchema):
    """``reset_password``: the SPA sends md5 hex in both fields."""

    newPassword = fields.String(load_default=None, validate=validate.Length(max=128))
    newPassword2 = fields.String(load_default=None, validate=validate.Length(max=128))


class UserRowSchema(CoreRowSchema):
    """One row of the user list (documentation; the wire row carries every column but password)."""

    username = fields.String()
    name = fields.String()
    is_active = fields.Boolean()
    is_locked = fields.Boolean()
    dept = fields.Integer(allow_none=True)
    dept_name = fields.String(allow_none=True)
    dept_name_all = fields.String(allow_none=True)
    role = fields.List(fields.Integer())
    role_info = fields.List(fields.Dict())
