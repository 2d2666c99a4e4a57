"""Routes under ``/api/system/menu/``, ``/api/system/menu_button/`` and ``/api/system/column/``."""

from __future__ import annotations

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from blueprints.menu import services
from blueprints.menu.schemas import (
    AutoMatchSchema,
    BatchCreateSchema,
    ButtonSchema,
    ColumnSchema,
    MenuMoveSchema,
    MenuSchema,
    RouterItemSchema,
)

blp = EnvelopeBlueprint("menu", __name__, url_prefix="/api/system/menu", description="Menus")
button_blp = EnvelopeBlueprint(
    "menu_button", __name__, url_prefix="/api/system/menu_button", description="Menu buttons (API grants)"
)
column_blp = EnvelopeBlueprint("column", __name__, url_prefix="/api/system/column", description="Columns")

BLUEPRINTS = (blp, button_blp, column_blp)


@blp.route("/web_router/", methods=["GET"])
@blp.response(200, envelope_doc(RouterItemSchema, "list"))
@login_only
def web_router():
    """The caller's active menus as a flat list for the SPA's router (login only)."""
    return envelope.listing(services.router_menus(current_user(), active_only=True), "获取成功")


@blp.route("/get_all_menu/", methods=["GET"])
@blp.response(200, envelope_doc(RouterItemSchema, "list"))
def get_all_menu():
    """Every menu the caller may see, disabled ones included."""
    return envelope.listing(services.router_menus(current_user(), active_only=False), "获取成功")


@blp.route("/move_up/", methods=["POST"])
@blp.arguments(MenuMoveSchema)
@blp.response(200, envelope_doc())
def move_up(body):
    """Swap a menu's place with the sibling before it."""
    services.move_menu(body["menu_id"], -1)
    return envelope.detail([], "上移成功")


@blp.route("/move_down/", methods=["POST"])
@blp.arguments(MenuMoveSchema)
@blp.response(200, envelope_doc())
def move_down(body):
    """Swap a menu's place with the sibling after it."""
    services.move_menu(body["menu_id"], 1)
    return envelope.detail([], "下移成功")


register_crud(blp, services.menu_resource, MenuSchema)


@button_blp.route("/menu_button_all_permission/", methods=["GET"])
@button_blp.response(200, envelope_doc())
@login_only
def menu_button_all_permission():
    """The button codes the caller holds (all for a superuser), for the SPA's ``v-auth``."""
    return envelope.detail(services.button_values(current_user()))


@button_blp.route("/batch_create/", methods=["POST"])
@button_blp.arguments(BatchCreateSchema)
@button_blp.response(200, envelope_doc(ButtonSchema, "list"))
def batch_create(body):
    """Create a menu's eight standard buttons from its component name (superusers only)."""
    created = services.batch_create(body["menu"])
    return envelope.listing(services.button_resource.serialize(created), "批量创建成功")


register_crud(button_blp, services.button_resource, ButtonSchema)


@column_blp.route("/get_models/", methods=["GET"])
@column_blp.response(200, envelope_doc())
def get_models():
    """The models column permissions can be set on."""
    return envelope.detail(services.model_list())


@column_blp.route("/auto_match_fields/", methods=["POST"])
@column_blp.arguments(AutoMatchSchema)
@column_blp.response(200, envelope_doc(ColumnSchema, "list"))
def auto_match_fields(body):
    """Add a column row for every field of ``model`` that ``menu`` does not list yet."""
    created = services.auto_match_fields(body["menu"], body["model"])
    return envelope.listing(services.column_resource.serialize(created), "匹配成功")


register_crud(column_blp, services.column_resource, ColumnSchema)
