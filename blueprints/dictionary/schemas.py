"""Input and output schemas of the dictionary routes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema

# 0 text, 1 number, 2 date, 3 datetime, 4 time, 5 files, 6 boolean, 7 images.
VALUE_TYPES = list(range(8))


class DictionaryWriteSchema(ApiSchema):
    """Dictionary create/update body; the SPA PUTs whole rows, computed keys are dropped."""

    allow_bulk = True

    label = fields.String(allow_none=True, validate=validate.Length(max=100), metadata={"label": "字典名称"})
    value = fields.String(
        required=True, validate=validate.Length(min=1, max=100), metadata={"label": "字典编号"}
    )
    type = fields.Integer(
        allow_none=True, validate=validate.OneOf(VALUE_TYPES), metadata={"label": "数据值类型"}
    )
    color = fields.String(allow_none=True, validate=validate.Length(max=20), metadata={"label": "颜色"})
    is_value = fields.Boolean(allow_none=True, metadata={"label": "是否为value值"})
    status = fields.Boolean(allow_none=True, metadata={"label": "状态"})
    sort = fields.Integer(allow_none=True, metadata={"label": "显示排序"})
    remark = fields.String(allow_none=True, validate=validate.Length(max=2000), metadata={"label": "备注"})
    parent = fields.Integer(allow_none=True, metadata={"label": "父级"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )

    @ma.pre_load
    def _numbers_as_text(self, data, **_kwargs):
        """A number typed into ``value`` or ``label`` is kept as its text, as DRF's CharField does."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key in ("value", "label"):
            if isinstance(out.get(key), int | float) and not isinstance(out.get(key), bool):
                out[key] = str(out[key])
        return out


class DictionarySchema(CoreRowSchema):
    """A dictionary row as the list, retrieve and write routes return it."""

    label = fields.String(allow_none=True)
    value = fields.String(allow_none=True)
    type = fields.Integer()
    color = fields.String(allow_none=True)
    is_value = fields.Boolean()
    status = fields.Boolean()
    sort = fields.Integer(allow_none=True)
    remark = fields.String(allow_none=True)
    parent = fields.Integer(allow_none=True)
