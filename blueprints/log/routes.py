"""Routes under ``/api/system/login_log/`` and ``/api/system/operation_log/``."""

from app.core.openapi import EnvelopeBlueprint

login_blp = EnvelopeBlueprint(
    "login_log", __name__, url_prefix="/api/system/login_log", description="Login log"
)
operation_blp = EnvelopeBlueprint(
    "operation_log", __name__, url_prefix="/api/system/operation_log", description="Operation log"
)

BLUEPRINTS = (login_blp, operation_blp)
