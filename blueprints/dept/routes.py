"""Routes under ``/api/system/dept/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint("dept", __name__, url_prefix="/api/system/dept", description="Departments")
