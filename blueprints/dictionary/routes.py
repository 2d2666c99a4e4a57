"""Routes under ``/api/system/dictionary/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint(
    "dictionary", __name__, url_prefix="/api/system/dictionary", description="Dictionaries"
)
