"""Routes under ``/api/system/area/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint("area", __name__, url_prefix="/api/system/area", description="Areas")
