"""Routes under ``/api/system/login_log/`` and ``/api/system/operation_log/``: read-only.

Only list and retrieve are offered (differences #21); any other method on these paths answers
the core's 405 envelope (code 4000). Rows are written by the login and the operation-log hook.
"""

from __future__ import annotations

import marshmallow as ma

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import Resource
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from app.core.permissions import field_permission_map
from blueprints.log import services
from blueprints.log.commands import purge_logs
from blueprints.log.schemas import LoginLogSchema, OperationLogSchema

login_blp = EnvelopeBlueprint(
    "login_log", __name__, url_prefix="/api/system/login_log", description="Login log"
)
operation_blp = EnvelopeBlueprint(
    "operation_log", __name__, url_prefix="/api/system/operation_log", description="Operation log"
)

BLUEPRINTS = (login_blp, operation_blp)
COMMANDS = (purge_logs,)


def register_read_only(blp: EnvelopeBlueprint, resource: Resource, item_schema: type[ma.Schema]) -> None:
    """Add list and retrieve (filters, data scope, column permissions as every resource)."""
    name = resource.model.__name__

    @blp.route("/", endpoint=f"{name}_list", methods=["GET"])
    @blp.response(200, envelope_doc(item_schema, "page"))
    def list_rows():
        """List with filters, date ranges, ordering and pagination (newest first)."""
        return resource.list_response()

    @blp.route("/<int:id>/", endpoint=f"{name}_item", methods=["GET"])
    @blp.response(200, envelope_doc(item_schema))
    def retrieve(id):  # noqa: A002 - the path parameter is named id (decisions #10)
        """Retrieve one row."""
        return envelope.detail(resource.serialize_one(resource.get_or_400(id)), "获取成功")


register_read_only(login_blp, services.login_resource, LoginLogSchema)
register_read_only(operation_blp, services.operation_resource, OperationLogSchema)


@login_blp.route("/field_permission/", methods=["GET"])
@login_blp.response(200, envelope_doc())
@login_only
def login_log_field_permission():
    """Column permissions of the login log for the caller: ``{field: {is_create, is_query, is_update}}``."""
    return envelope.detail(field_permission_map(current_user(), "LoginLog"))
