"""Input and output schemas of the note routes."""

from __future__ import annotations

from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema


class ExampleNoteWriteSchema(ApiSchema):
    """Note create/update body (unknown keys, such as computed ones the SPA sends back, are dropped)."""

    allow_bulk = True

    title = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"label": "标题"})
    content = fields.String(allow_none=True, metadata={"label": "内容"})
    sort = fields.Integer(allow_none=True, metadata={"label": "排序"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class ExampleNoteSchema(CoreRowSchema):
    """A note as the list, retrieve and write routes return it."""

    title = fields.String()
    content = fields.String(allow_none=True)
    sort = fields.Integer(allow_none=True)
