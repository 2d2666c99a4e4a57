"""Routes under ``/api/system/message_center/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint(
    "message_center", __name__, url_prefix="/api/system/message_center", description="Messages"
)
