"""Routes under ``/api/system/role_menu_permission/`` and ``/api/system/role_menu_button_permission/``."""

from app.core.openapi import EnvelopeBlueprint

menu_blp = EnvelopeBlueprint(
    "role_menu_permission", __name__, url_prefix="/api/system/role_menu_permission", description="Role menu grants"
)
button_blp = EnvelopeBlueprint(
    "role_menu_button_permission",
    __name__,
    url_prefix="/api/system/role_menu_button_permission",
    description="Role button grants, data ranges and column grants",
)

BLUEPRINTS = (menu_blp, button_blp)
