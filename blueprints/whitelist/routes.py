"""Routes under ``/api/system/api_white_list/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint(
    "api_white_list", __name__, url_prefix="/api/system/api_white_list", description="API whitelist"
)
