"""Routes under ``/api/system/dept/``."""

from __future__ import annotations

from flask.views import MethodView

from app.core import envelope
from app.core.crud import register_crud
from app.core.excel import XLSX_MIMETYPE, ImportFileSchema
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from blueprints.dept import excel, services
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


# ---- Excel export, import templates and import (contract §6.2, §6.4) ---------------------------


@blp.route("/export_data/", methods=["GET"])
@blp.response(200, description="xlsx 文件", content_type=XLSX_MIMETYPE)
def export_data():
    """Export the depts the caller may see as xlsx."""
    return excel.export_depts(services.resource)


@blp.route("/import_data/", endpoint="import_data")
class DeptImportView(MethodView):
    """The import template (GET) and the import of an uploaded file (POST)."""

    @blp.response(200, description="xlsx 文件", content_type=XLSX_MIMETYPE)
    def get(self):
        """Download the dept import template."""
        return excel.import_template()

    @blp.arguments(ImportFileSchema)
    @blp.response(200, envelope_doc())
    def post(self, body):
        """Import depts from an uploaded xlsx (by ``url`` or ``file`` id); all rows or none."""
        return excel.import_depts(services.resource, body)


@blp.route("/update_template/", methods=["GET"])
@blp.response(200, description="xlsx 文件", content_type=XLSX_MIMETYPE)
def update_template():
    """Download the depts the caller may see as an update template."""
    return excel.update_template(services.resource)
