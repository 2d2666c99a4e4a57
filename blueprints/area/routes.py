"""Routes under ``/api/system/area/``."""

from __future__ import annotations

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from app.core.permissions import field_permission_map
from blueprints.area import services
from blueprints.area.commands import init_area
from blueprints.area.schemas import AreaSchema

blp = EnvelopeBlueprint("area", __name__, url_prefix="/api/system/area", description="Areas")

COMMANDS = (init_area,)


@blp.route("/field_permission/", methods=["GET"])
@blp.response(200, envelope_doc())
@login_only
def field_permission():
    """Column permissions of the area model for the caller: ``{field: {is_create, is_query, is_update}}``."""
    return envelope.detail(field_permission_map(current_user(), "Area"))


register_crud(blp, services.resource, AreaSchema)
