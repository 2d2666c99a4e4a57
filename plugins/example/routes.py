"""Routes under ``/api/example/note/``: the standard CRUD set, data-scoped, with docs."""

from __future__ import annotations

from app.core.crud import Resource, register_crud
from app.core.listing import auto_filter_spec
from app.core.openapi import EnvelopeBlueprint
from plugins.example.models import Note
from plugins.example.schemas import ExampleNoteSchema, ExampleNoteWriteSchema

blp = EnvelopeBlueprint(
    "example_note", __name__, url_prefix="/api/example/note", description="Example plugin notes"
)

resource = Resource(
    model=Note,
    filters=auto_filter_spec(Note, default_ordering=["sort", "-create_datetime"]),
    create_schema=ExampleNoteWriteSchema,
)

register_crud(blp, resource, ExampleNoteSchema)
