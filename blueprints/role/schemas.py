"""Schemas of the role routes: role input, member changes, and the documented output rows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema

NOT_BLANK = "该字段不能为空。"


class OptionalInteger(fields.Integer):
    """An integer query parameter where an empty value means "not given"."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Blank is None; anything else as an integer."""
        if isinstance(value, str) and not value.strip():
            return None
        return super().deserialize(value, attr, data, **kwargs)


def id_list(**kwargs) -> fields.List:
    """A list of integer ids; the inner field gets the Chinese message too (core localises only
    top-level fields)."""
    inner = fields.Integer(error_messages={"invalid": "请填写合法的整数值。", "too_large": "数值太大。"})
    return fields.List(inner, **kwargs)


def _text(label: str, *, required: bool = False, max_len: int = 50) -> fields.String:
    """A required-or-not string that may not be blank, with the original's max length."""
    return fields.String(
        required=required,
        validate=[validate.Length(min=1, error=NOT_BLANK), validate.Length(max=max_len)],
        metadata={"label": label},
    )


class RoleCreateSchema(ApiSchema):
    """Role create: ``name`` and ``key`` required (contract §6.3 role); a JSON array creates many."""

    allow_bulk = True

    name = _text("角色名称", required=True)
    key = _text("权限字符", required=True)
    sort = fields.Integer(load_default=1, metadata={"label": "角色顺序"})
    status = fields.Boolean(load_default=True, metadata={"label": "角色状态"})
    description = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class RoleUpdateSchema(ApiSchema):
    """Role update: fields left out keep their values (the SPA PUTs whole rows)."""

    name = _text("角色名称", required=True)
    key = _text("权限字符", required=True)
    sort = fields.Integer(metadata={"label": "角色顺序"})
    status = fields.Boolean(metadata={"label": "角色状态"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class RoleUsersQueryArgsSchema(ApiSchema):
    """``get_role_users`` query: ``role_id`` is checked by the service (400 请选择角色)."""

    role_id = OptionalInteger(load_default=None, allow_none=True)
    authorized = fields.String(load_default=None, allow_none=True)
    name = fields.String(load_default=None, allow_none=True)
    dept = OptionalInteger(load_default=None, allow_none=True)
    page = fields.String(load_default=None, metadata={"description": "1-based page"})
    limit = fields.String(load_default=None, metadata={"description": "page size, at most 999"})


class AddRoleUsersSchema(ApiSchema):
    """``add_role_users`` body."""

    users_id = id_list(required=True)


class RemoveRoleUserSchema(ApiSchema):
    """``remove_role_user`` body; a missing or empty list is 400 请选择用户."""

    user_id = id_list(load_default=None, allow_none=True)


class SetRoleUsersSchema(ApiSchema):
    """``set_role_users`` body: ``left`` removes the users, ``right`` adds them."""

    direction = fields.String(required=True, validate=validate.OneOf(["left", "right"]))
    movedKeys = id_list(required=True)


class RoleMemberSchema(Schema):
    """A member as the role list and ``get_role_users`` show it."""

    id = fields.Integer()
    name = fields.String()
    dept__name = fields.String(allow_none=True)


class RoleSchema(CoreRowSchema):
    """A role row: columns, creator/modifier names and its (non-superuser) members."""

    users = fields.List(fields.Nested(RoleMemberSchema))
    name = fields.String()
    key = fields.String()
    sort = fields.Integer()
    status = fields.Boolean()
