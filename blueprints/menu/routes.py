"""Routes under ``/api/system/menu/``, ``/api/system/menu_button/`` and ``/api/system/column/``."""

from app.core.openapi import EnvelopeBlueprint

blp = EnvelopeBlueprint("menu", __name__, url_prefix="/api/system/menu", description="Menus")
button_blp = EnvelopeBlueprint(
    "menu_button", __name__, url_prefix="/api/system/menu_button", description="Menu buttons (API grants)"
)
column_blp = EnvelopeBlueprint("column", __name__, url_prefix="/api/system/column", description="Columns")

BLUEPRINTS = (blp, button_blp, column_blp)
