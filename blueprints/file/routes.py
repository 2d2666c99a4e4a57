"""Routes under ``/api/system/file/``; ``register`` also mounts ``/media/``, the clause pages and
the built SPA (``blueprints.web``), so the factory needs no entry of its own for them."""

from __future__ import annotations

from flask import Flask
from flask.views import MethodView

from app.core import envelope
from app.core.crud import IdsSchema, KeysSchema, parse_ids
from app.core.errors import ApiError
from app.core.openapi import EnvelopeBlueprint, body_limit
from app.core.openapi import envelope as envelope_doc
from blueprints.file import services
from blueprints.file.schemas import (
    FileSchema,
    FileUpdatePartialSchema,
    FileUpdateSchema,
    FileUploadFormSchema,
    FileUploadSchema,
)

blp = EnvelopeBlueprint("file", __name__, url_prefix="/api/system/file", description="Files")

resource = services.resource


@blp.route("/", endpoint="files")
class FilesView(MethodView):
    """The file list, and uploads."""

    @blp.response(200, envelope_doc(FileSchema, "page"))
    def get(self):
        """List files with filters (name, mime_type, upload_method, file_type) and pagination."""
        return resource.list_response()

    @body_limit("UPLOAD_MAX_BYTES", services.DEFAULT_MAX_BYTES, lambda _limit: services.too_large_message())
    @blp.arguments(FileUploadSchema, location="files")
    @blp.arguments(FileUploadFormSchema, location="form")
    @blp.doc(consumes=["multipart/form-data"])
    @blp.response(200, envelope_doc(FileSchema))
    def post(self, files, form):
        """Upload one file (multipart field ``file``); stored under a server-chosen name."""
        row = services.upload_file(files.get("file"), form.get("upload_method"))
        return envelope.detail(resource.serialize_one(row), "新增成功")


@blp.route("/<int:id>/", endpoint="file_item")
class FileItemView(MethodView):
    """One file."""

    @blp.response(200, envelope_doc(FileSchema))
    def get(self, id):  # noqa: A002 - the path parameter is named id (decisions #10)
        """Retrieve one file."""
        return envelope.detail(resource.serialize_one(resource.get_or_400(id)), "获取成功")

    @blp.arguments(FileUpdateSchema)
    @blp.response(200, envelope_doc(FileSchema))
    def put(self, body, id):  # noqa: A002
        """Update a file's name, upload method or description."""
        return envelope.detail(resource.serialize_one(resource.update(id, body)), "更新成功")

    @blp.arguments(FileUpdatePartialSchema(partial=True))
    @blp.response(200, envelope_doc(FileSchema))
    def patch(self, body, id):  # noqa: A002
        """Update some of a file's editable fields."""
        return envelope.detail(resource.serialize_one(resource.update(id, body)), "更新成功")

    @blp.response(200, envelope_doc())
    def delete(self, id):  # noqa: A002
        """Delete a file row (and the stored file when no other row uses it)."""
        resource.delete([resource.get_or_400(id)])
        return envelope.detail([], "删除成功")


@blp.route("/multiple_delete/", endpoint="file_multiple_delete", methods=["DELETE"])
@blp.arguments(KeysSchema)
@blp.response(200, envelope_doc(None, "list"))
def multiple_delete(body):
    """Delete the files whose ids are in ``keys`` (only those the caller may see)."""
    if body.get("keys") is None:
        raise ApiError("未获取到keys字段", 400)
    resource.delete(resource.visible(parse_ids(body["keys"], "keys")))
    return envelope.listing([], "删除成功")


@blp.route("/get_by_ids/", endpoint="file_get_by_ids", methods=["POST"])
@blp.arguments(IdsSchema)
@blp.response(200, envelope_doc(FileSchema, "list"))
def get_by_ids(body):
    """Files by id (only those the caller may see); ``data`` is null for no ids."""
    ids = parse_ids(body.get("ids"), "ids")
    if not ids:
        return envelope.detail(None)
    return envelope.detail(resource.serialize(resource.visible(ids)))


@blp.route("/get_all/", endpoint="file_get_all", methods=["GET"])
@blp.response(200, envelope_doc(FileSchema, "list"))
def get_all():
    """Every file the caller may see (the list's filters apply), without pagination."""
    return envelope.detail(resource.all_response_rows())


def register(app: Flask) -> None:
    """Mount ``/media/``, the clause pages and the SPA."""
    from blueprints.web.routes import register as register_web

    register_web(app)
