"""Schemas of the grant routes: the setters' bodies, the plain CRUD input and the output rows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema
from blueprints.role.schemas import OptionalInteger

INVALID_INT = "请填写合法的整数值。"

DATA_RANGES = [0, 1, 2, 3, 4]


def id_list(**kwargs) -> fields.List:
    """A list of integer ids; the inner field gets the Chinese message too (core localises only
    top-level fields)."""
    inner = fields.Integer(error_messages={"invalid": INVALID_INT, "too_large": "数值太大。"})
    return fields.List(inner, **kwargs)


def _data_range(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.OneOf(DATA_RANGES), metadata={"label": "data_range"}, **kwargs)


class RoleMenuQueryArgsSchema(ApiSchema):
    """``get_role_menu`` query."""

    roleId = fields.Integer(required=True)


class RoleMenuBtnFieldQueryArgsSchema(ApiSchema):
    """``get_role_menu_btn_field`` query."""

    roleId = fields.Integer(required=True)
    menuId = fields.Integer(required=True)


class DeptAllQueryArgsSchema(ApiSchema):
    """``role_to_dept_all`` query: the button whose custom depts are being chosen."""

    menu_button = OptionalInteger(load_default=None, allow_none=True)


class SetRoleMenuSchema(ApiSchema):
    """``set_role_menu`` body."""

    roleId = fields.Integer(required=True)
    menuId = fields.Integer(required=True)
    isCheck = fields.Boolean(required=True)


class SetRoleMenuBtnSchema(ApiSchema):
    """``set_role_menu_btn`` body; ``data_range`` 0 and no depts unless given."""

    roleId = fields.Integer(required=True)
    btnId = fields.Integer(required=True)
    isCheck = fields.Boolean(required=True)
    data_range = _data_range(load_default=0, allow_none=True)
    dept = id_list(load_default=list, allow_none=True)


class SetDataRangeSchema(ApiSchema):
    """``set_role_menu_btn_data_range`` body; ``dept`` replaces the custom depts."""

    role_menu_btn_perm_id = fields.Integer(required=True)
    data_range = _data_range(required=True)
    dept = id_list(load_default=list, allow_none=True)


class FieldGrantSchema(ApiSchema):
    """One column grant of ``set_role_menu_field`` (the body is a JSON array of these)."""

    allow_bulk = True

    id = fields.Integer(required=True)
    is_query = fields.Boolean(load_default=False)
    is_create = fields.Boolean(load_default=False)
    is_update = fields.Boolean(load_default=False)


class SaveAuthSchema(ApiSchema):
    """``save_auth`` body: the role's whole menu set."""

    role = fields.Integer(required=True, metadata={"label": "关联角色"})
    menu = id_list(required=True, metadata={"label": "关联菜单"})


class RoleMenuButtonPermissionCreateSchema(ApiSchema):
    """Plain create of a button grant (superusers only)."""

    allow_bulk = True

    role = fields.Integer(required=True, metadata={"label": "关联角色"})
    menu_button = fields.Integer(required=True, allow_none=True, metadata={"label": "关联菜单按钮"})
    data_range = fields.Integer(
        load_default=0, validate=validate.OneOf(DATA_RANGES), metadata={"label": "数据权限范围"}
    )
    dept = id_list(load_default=list, metadata={"label": "数据权限-关联部门"})
    description = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=255))


class RoleMenuButtonPermissionUpdateSchema(ApiSchema):
    """Plain update of a button grant (superusers only)."""

    role = fields.Integer(required=True, metadata={"label": "关联角色"})
    menu_button = fields.Integer(required=True, allow_none=True, metadata={"label": "关联菜单按钮"})
    data_range = fields.Integer(validate=validate.OneOf(DATA_RANGES), metadata={"label": "数据权限范围"})
    dept = id_list(metadata={"label": "数据权限-关联部门"})
    description = fields.String(allow_none=True, validate=validate.Length(max=255))


class RoleMenuPermissionCreateSchema(ApiSchema):
    """Plain create or update of a menu grant (superusers only)."""

    allow_bulk = True

    role = fields.Integer(required=True, metadata={"label": "关联角色"})
    menu = fields.Integer(required=True, metadata={"label": "关联菜单"})
    description = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=255))


class RoleMenuButtonPermissionSchema(CoreRowSchema):
    """A button grant row."""

    data_range = fields.Integer()
    menu_button = fields.Integer(allow_none=True)
    role = fields.Integer()
    dept = fields.List(fields.Integer())


class RoleMenuPermissionSchema(CoreRowSchema):
    """A menu grant row."""

    menu = fields.Integer()
    role = fields.Integer()


class RoleMenuSchema(Schema):
    """A menu as the grant page shows it."""

    id = fields.Integer()
    name = fields.String()
    parent = fields.Integer(allow_none=True)
    is_catalog = fields.Boolean()
    isCheck = fields.Boolean()


class RoleMenuButtonSchema(Schema):
    """A button of a menu with the role's grant of it (nulls when not granted)."""

    id = fields.Integer()
    menu = fields.Integer()
    name = fields.String()
    isCheck = fields.Boolean()
    data_range = fields.Integer(allow_none=True)
    role_menu_btn_perm_id = fields.Integer(allow_none=True)
    dept = fields.List(fields.Integer(), allow_none=True)


class RoleMenuFieldSchema(Schema):
    """A column of a menu with the role's flags (false when not granted)."""

    id = fields.Integer()
    field_name = fields.String()
    title = fields.String()
    is_query = fields.Boolean()
    is_create = fields.Boolean()
    is_update = fields.Boolean()


class RoleMenuBtnFieldSchema(Schema):
    """``get_role_menu_btn_field`` data."""

    menu_btn = fields.List(fields.Nested(RoleMenuButtonSchema))
    menu_field = fields.List(fields.Nested(RoleMenuFieldSchema))


class DeptChoiceSchema(Schema):
    """A dept for the custom data range picker."""

    id = fields.Integer()
    name = fields.String()
    parent = fields.Integer(allow_none=True)
    disabled = fields.Boolean()
