"""Routes under ``/api/system/download_center/``: read and delete; export jobs create the rows."""

from __future__ import annotations

from flask.views import MethodView

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import IdsSchema, KeysSchema, parse_ids
from app.core.errors import ApiError
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from app.core.permissions import field_permission_map
from blueprints.download.schemas import DownloadTaskSchema
from blueprints.download.services import resource

blp = EnvelopeBlueprint(
    "download_center", __name__, url_prefix="/api/system/download_center", description="Downloads"
)


@blp.route("/", endpoint="tasks", methods=["GET"])
@blp.response(200, envelope_doc(DownloadTaskSchema, "page"))
def task_list():
    """The caller's download tasks (every task for a superuser), filtered and paginated."""
    return resource.list_response()


@blp.route("/<int:id>/", endpoint="task_item")
class TaskItemView(MethodView):
    """One download task."""

    @blp.response(200, envelope_doc(DownloadTaskSchema))
    def get(self, id):  # noqa: A002 - the path parameter is named id (decisions #10)
        """Retrieve one of the caller's tasks."""
        return envelope.detail(resource.serialize_one(resource.get_or_400(id)), "获取成功")

    @blp.response(200, envelope_doc())
    def delete(self, id):  # noqa: A002
        """Delete one of the caller's tasks and its file."""
        resource.delete([resource.get_or_400(id)])
        return envelope.detail([], "删除成功")


@blp.route("/multiple_delete/", endpoint="task_multiple_delete", methods=["DELETE"])
@blp.arguments(KeysSchema)
@blp.response(200, envelope_doc(None, "list"))
def multiple_delete(body):
    """Delete the caller's tasks whose ids are in ``keys``."""
    if body.get("keys") is None:
        raise ApiError("未获取到keys字段", 400)
    resource.delete(resource.visible(parse_ids(body["keys"], "keys")))
    return envelope.listing([], "删除成功")


@blp.route("/get_by_ids/", endpoint="task_get_by_ids", methods=["POST"])
@blp.arguments(IdsSchema)
@blp.response(200, envelope_doc(DownloadTaskSchema, "list"))
def get_by_ids(body):
    """The caller's tasks by id; ``data`` is null for no ids."""
    ids = parse_ids(body.get("ids"), "ids")
    if not ids:
        return envelope.detail(None)
    return envelope.detail(resource.serialize(resource.visible(ids)))


@blp.route("/field_permission/", endpoint="task_field_permission", methods=["GET"])
@blp.response(200, envelope_doc())
@login_only
def field_permission():
    """Column permissions of the download-center model for the caller (differences #27)."""
    return envelope.detail(field_permission_map(current_user(), "DownloadCenter"))
