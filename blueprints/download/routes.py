"""Routes under ``/api/system/download_center/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint(
    "download_center", __name__, url_prefix="/api/system/download_center", description="Downloads"
)
