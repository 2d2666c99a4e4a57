"""Routes under ``/api/system/file/`` (``/media/<path>`` is served by this area too)."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint("file", __name__, url_prefix="/api/system/file", description="Files")
