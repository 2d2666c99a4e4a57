"""Routes under ``/api/system/dept/``."""

from __future__ import annotations

from app.core import envelope
from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from blueprints.dept import services
from blueprints.dept.schemas import (
    DeptInfoQuerySchema,
    DeptMoveSchema,
    DeptSchema,
    DeptStatisticsSchema,
)

blp = EnvelopeBlueprint("dept", __name__, url_prefix="/api/system/dept", description="Departments")


@blp.route("/all_dept/", methods=["GET"])
@blp.response(200, envelope_doc())
@login_only
def all_dept():
    """Every active dept the caller may reach, for the SPA's dept tree (login only, data-scoped)."""
    return envelope.detail(services.all_dept(), "获取成功")


@blp.route("/move_up/", methods=["POST"])
@blp.arguments(DeptMoveSchema)
@blp.response(200, envelope_doc())
def move_up(body):
    """Swap a dept's place with the sibling before it."""
    services.move_dept(body["dept_id"], -1)
    return envelope.detail([], "上移成功")


@blp.route("/move_down/", methods=["POST"])
@blp.arguments(DeptMoveSchema)
@blp.response(200, envelope_doc())
def move_down(body):
    """Swap a dept's place with the sibling after it."""
    services.move_dept(body["dept_id"], 1)
    return envelope.detail([], "下移成功")


@blp.route("/dept_info/", methods=["GET"])
@blp.arguments(DeptInfoQuerySchema, location="query")
@blp.response(200, envelope_doc(DeptStatisticsSchema, "list"))
def dept_info(args):
    """User statistics of a dept; ``show_all=1`` counts its whole subtree."""
    data = services.dept_info(args["dept_id"], bool(args["show_all"]))
    # The original answers this object in the list envelope with page/limit/total = 1.
    return envelope.raw({"code": 2000, "page": 1, "limit": 1, "total": 1, "data": data, "msg": "success"})


register_crud(blp, services.resource, DeptSchema)
