"""Routes under ``/api/system/system_config/`` and the public ``/api/init/`` bootstrap routes."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint(
    "system_config", __name__, url_prefix="/api/system/system_config", description="System config"
)
init_blp = EnvelopeBlueprint(
    "init", __name__, url_prefix="/api/init", description="SPA bootstrap: settings, dictionaries"
)

BLUEPRINTS = (blp, init_blp)
