"""Routes under ``/api/system/role/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint("role", __name__, url_prefix="/api/system/role", description="Roles")
