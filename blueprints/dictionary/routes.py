"""Routes under ``/api/system/dictionary/``."""

from __future__ import annotations

from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint
from blueprints.dictionary import services
from blueprints.dictionary.schemas import DictionarySchema

blp = EnvelopeBlueprint(
    "dictionary", __name__, url_prefix="/api/system/dictionary", description="Dictionaries"
)

register_crud(blp, services.resource, DictionarySchema)
