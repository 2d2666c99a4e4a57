"""Input and output schemas of the menu, menu_button and column routes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema


def _flag(label: str) -> fields.Boolean:
    return fields.Boolean(metadata={"label": label})


class MenuWriteSchema(ApiSchema):
    """Menu create/update body (``name`` optional as in the original)."""

    allow_bulk = True

    name = fields.String(validate=validate.Length(max=64), metadata={"label": "菜单名称"})
    icon = fields.String(allow_none=True, validate=validate.Length(max=64), metadata={"label": "菜单图标"})
    sort = fields.Integer(allow_none=True, metadata={"label": "显示排序"})
    is_link = _flag("是否外链")
    link_url = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "链接地址"}
    )
    is_catalog = _flag("是否目录")
    web_path = fields.String(
        allow_none=True, validate=validate.Length(max=128), metadata={"label": "路由地址"}
    )
    component = fields.String(
        allow_none=True, validate=validate.Length(max=128), metadata={"label": "组件地址"}
    )
    component_name = fields.String(
        allow_none=True, validate=validate.Length(max=50), metadata={"label": "组件名称"}
    )
    status = _flag("菜单状态")
    cache = _flag("是否页面缓存")
    visible = _flag("侧边栏中是否显示")
    is_iframe = _flag("框架外显示")
    is_affix = _flag("是否固定")
    parent = fields.Integer(allow_none=True, metadata={"label": "上级菜单"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class MenuPermissionSchema(ma.Schema):
    """A button of a menu as the menu list shows it."""

    id = fields.Integer()
    name = fields.String()
    value = fields.String()


class MenuSchema(CoreRowSchema):
    """A menu row as the list, retrieve and write routes return it."""

    name = fields.String()
    icon = fields.String(allow_none=True)
    sort = fields.Integer(allow_none=True)
    is_link = fields.Boolean()
    link_url = fields.String(allow_none=True)
    is_catalog = fields.Boolean()
    web_path = fields.String(allow_none=True)
    component = fields.String(allow_none=True)
    component_name = fields.String(allow_none=True)
    status = fields.Boolean()
    cache = fields.Boolean()
    visible = fields.Boolean()
    is_iframe = fields.Boolean()
    is_affix = fields.Boolean()
    parent = fields.Integer(allow_none=True)
    menuPermission = fields.List(fields.Nested(MenuPermissionSchema), allow_none=True)
    hasChild = fields.Boolean()


class RouterItemSchema(ma.Schema):
    """A ``web_router`` / ``get_all_menu`` row."""

    id = fields.Integer()
    parent = fields.Integer(allow_none=True)
    icon = fields.String(allow_none=True)
    sort = fields.Integer(allow_none=True)
    path = fields.String(allow_none=True)
    name = fields.String()
    title = fields.String()
    is_link = fields.Boolean()
    link_url = fields.String(allow_none=True)
    is_catalog = fields.Boolean()
    web_path = fields.String(allow_none=True)
    component = fields.String(allow_none=True)
    component_name = fields.String(allow_none=True)
    cache = fields.Boolean()
    visible = fields.Boolean()
    is_iframe = fields.Boolean()
    is_affix = fields.Boolean()
    status = fields.Boolean()


class MenuMoveSchema(ApiSchema):
    """``move_up`` / ``move_down`` body."""

    menu_id = fields.Integer(required=True)

    @ma.pre_load
    def _blank(self, data, **_kwargs):
        return {k: v for k, v in dict(data).items() if not (k == "menu_id" and v in ("", None))}


class ButtonWriteSchema(ApiSchema):
    """Menu button create/update body."""

    allow_bulk = True

    name = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"label": "名称"})
    value = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"label": "权限值"}
    )
    api = fields.String(
        required=True, validate=validate.Length(min=1, max=200), metadata={"label": "接口地址"}
    )
    method = fields.Integer(
        allow_none=True, validate=validate.OneOf([0, 1, 2, 3]), metadata={"label": "接口请求方法"}
    )
    menu = fields.Integer(required=True, metadata={"label": "关联菜单"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class ButtonSchema(ma.Schema):
    """A menu button row."""

    id = fields.Integer()
    name = fields.String()
    value = fields.String()
    api = fields.String()
    method = fields.Integer(allow_none=True, metadata={"description": "0 GET, 1 POST, 2 PUT, 3 DELETE"})
    menu = fields.Integer()


class BatchCreateSchema(ApiSchema):
    """``batch_create`` body."""

    menu = fields.Integer(required=True, metadata={"label": "关联菜单"})


class ColumnWriteSchema(ApiSchema):
    """Menu field (column) create/update body."""

    allow_bulk = True

    model = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"label": "表名"})
    field_name = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"label": "模型表字段名"}
    )
    title = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"label": "字段显示名"}
    )
    menu = fields.Integer(required=True, metadata={"label": "菜单"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class ColumnSchema(CoreRowSchema):
    """A menu field row."""

    model = fields.String()
    field_name = fields.String()
    title = fields.String()
    menu = fields.Integer()


class ModelInfoSchema(ma.Schema):
    """A model column permissions can be set on."""

    app = fields.String(metadata={"example": "dvadmin.system"})
    title = fields.String(metadata={"example": "用户表"})
    key = fields.String(metadata={"example": "Users"})


class AutoMatchSchema(ApiSchema):
    """``auto_match_fields`` body (both keys needed, else 参数错误)."""

    menu = fields.Raw(load_default=None)
    model = fields.Raw(load_default=None)
