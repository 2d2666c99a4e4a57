"""Routes under ``/api/system/download_center/``: read and delete; export jobs create the rows."""

from __future__ import annotations

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from app.core.permissions import field_permission_map
from blueprints.download.schemas import DownloadTaskSchema
from blueprints.download.services import resource

blp = EnvelopeBlueprint(
    "download_center", __name__, url_prefix="/api/system/download_center", description="Downloads"
)


# read and delete only: export jobs create the rows (POST/PUT/PATCH answer 方法 … 不被允许)
register_crud(blp, resource, DownloadTaskSchema, create=False, update=False)


@blp.route("/field_permission/", endpoint="task_field_permission", methods=["GET"])
@blp.response(200, envelope_doc())
@login_only
def field_permission():
    """Column permissions of the download-center model for the caller (differences #27)."""
    return envelope.detail(field_permission_map(current_user(), "DownloadCenter"))
