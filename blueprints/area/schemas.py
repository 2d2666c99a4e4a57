"""Input and output schemas of the area routes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema


class AreaWriteSchema(ApiSchema):
    """Area create/update body. ``pinyin``, ``initials`` and ``level`` are computed, so dropped.

    ``pcode`` is the parent row's **id** (the SPA's table selector); the row's own parent code,
    as the list serves it, means "unchanged" on update (the SPA PUTs whole rows back).
    """

    allow_bulk = True

    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"label": "名称"})
    code = fields.String(
        required=True, validate=validate.Length(min=1, max=20), metadata={"label": "地区编码"}
    )
    pcode = fields.Raw(allow_none=True, metadata={"label": "父地区编码", "description": "parent area id"})
    enable = fields.Boolean(allow_none=True, metadata={"label": "是否启用"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )

    @ma.pre_load
    def _strip(self, data, **_kwargs):
        """Trim ``name`` and ``code``, so that blanks read as empty."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key in ("name", "code"):
            if isinstance(out.get(key), str):
                out[key] = out[key].strip()
        return out


class ParentBriefSchema(ma.Schema):
    """``pcode_info`` item."""

    name = fields.String()
    code = fields.String()


class AreaSchema(CoreRowSchema):
    """An area row as the list, retrieve and write routes return it."""

    name = fields.String()
    code = fields.String()
    level = fields.Integer(metadata={"description": "1 province, 2 city, 3 county, 4 township"})
    pinyin = fields.String(metadata={"example": "beijingshi"})
    initials = fields.String(metadata={"example": "B"})
    enable = fields.Boolean()
    pcode = fields.String(allow_none=True, metadata={"description": "the parent's code"})
    pcode_count = fields.Integer(metadata={"description": "number of child areas"})
    hasChild = fields.Boolean()
    pcode_info = fields.List(fields.Nested(ParentBriefSchema), metadata={"description": "[] for a root"})
