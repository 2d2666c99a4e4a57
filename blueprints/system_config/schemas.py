"""Input and output schemas of the system config and ``/api/init/`` routes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema

# form_item_type → its label (the original's choices, shown as form_item_type_label).
FORM_ITEM_TYPES = {
    0: "text",
    1: "datetime",
    2: "date",
    3: "textarea",
    4: "select",
    5: "checkbox",
    6: "radio",
    7: "img",
    8: "file",
    9: "switch",
    10: "number",
    11: "array",
    12: "imgs",
    13: "foreignkey",
    14: "manytomany",
    15: "time",
}


class SystemConfigWriteSchema(ApiSchema):
    """Config create/update body (a group, or an item of a group)."""

    allow_bulk = True

    title = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={"label": "标题"})
    key = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"label": "键"})
    value = fields.Raw(allow_none=True, metadata={"label": "值"})
    sort = fields.Integer(allow_none=True, metadata={"label": "排序"})
    status = fields.Boolean(allow_none=True, metadata={"label": "启用状态"})
    data_options = fields.Raw(allow_none=True, metadata={"label": "数据options"})
    form_item_type = fields.Integer(
        allow_none=True, validate=validate.OneOf(list(FORM_ITEM_TYPES)), metadata={"label": "表单类型"}
    )
    rule = fields.List(fields.Raw(), allow_none=True, metadata={"label": "校验规则"})
    placeholder = fields.String(
        allow_none=True, validate=validate.Length(max=50), metadata={"label": "提示信息"}
    )
    setting = fields.Raw(allow_none=True, metadata={"label": "配置"})
    parent = fields.Integer(allow_none=True, metadata={"label": "父级"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class SaveContentItemSchema(SystemConfigWriteSchema):
    """One item of the ``save_content`` array: updated when ``id`` is given, created otherwise."""

    id = fields.Integer(allow_none=True, metadata={"label": "id"})


class ConfigItemSchema(CoreRowSchema):
    """A config row."""

    title = fields.String()
    key = fields.String()
    value = fields.Raw(allow_none=True)
    sort = fields.Integer()
    status = fields.Boolean()
    data_options = fields.Raw(allow_none=True)
    form_item_type = fields.Integer()
    form_item_type_label = fields.String(metadata={"example": "text"})
    rule = fields.Raw(allow_none=True)
    placeholder = fields.String(allow_none=True)
    setting = fields.Raw(allow_none=True)
    parent = fields.Integer(allow_none=True)


class ConfigSchema(ConfigItemSchema):
    """A config row with the items under it, as list and retrieve return it."""

    children = fields.List(fields.Nested(ConfigItemSchema))


class TableFieldSchema(ma.Schema):
    """One column a config may point at."""

    title = fields.String()
    field = fields.String()


class AssociationTableSchema(ma.Schema):
    """A table a foreign-key config may point at (``get_association_table`` item)."""

    tableName = fields.String(metadata={"example": "用户表"})
    table = fields.String(metadata={"example": "Users"})
    tableFields = fields.List(fields.Nested(TableFieldSchema))


class TableDataQuerySchema(ApiSchema):
    """``get_table_data`` query string (page and limit are read as every list reads them)."""

    search = fields.String(load_default=None, metadata={"description": "searched in setting.searchField"})
    page = fields.String(load_default=None)
    limit = fields.String(load_default=None)


class RelationInfoQuerySchema(ApiSchema):
    """``get_relation_info`` query string."""

    varName = fields.String(load_default=None)
    table = fields.String(load_default=None)
    relationIds = fields.String(load_default=None)


class InitSettingsQuerySchema(ApiSchema):
    """``/api/init/settings/`` query string."""

    key = fields.String(
        load_default="", metadata={"description": "'|'-separated key prefixes, e.g. login|base"}
    )


class InitDictionaryQuerySchema(ApiSchema):
    """``/api/init/dictionary/`` query string."""

    dictionary_key = fields.String(
        load_default="", metadata={"description": "'all', or one dictionary's code"}
    )


class DictionaryValueSchema(ma.Schema):
    """One value of a dictionary, as the SPA's dictionary store keeps it."""

    label = fields.String(allow_none=True)
    value = fields.String(allow_none=True)
    type = fields.Integer()
    color = fields.String(allow_none=True)
