"""Routes under ``/api/system/file/``; ``register`` also mounts ``/media/``, the clause pages and
the built SPA (``blueprints.web``), so the factory needs no entry of its own for them."""

from __future__ import annotations

from flask import Flask

from app.core import envelope
from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint, body_limit
from app.core.openapi import envelope as envelope_doc
from blueprints.file import services
from blueprints.file.schemas import (
    FileSchema,
    FileUploadFormSchema,
    FileUploadSchema,
)

blp = EnvelopeBlueprint("file", __name__, url_prefix="/api/system/file", description="Files")

resource = services.resource


register_crud(blp, resource, FileSchema, create=False)


# Uploads are multipart, so they sit beside the standard routes instead of their JSON create.
@blp.route("/", endpoint="file_upload", methods=["POST"])
@body_limit("UPLOAD_MAX_BYTES", services.DEFAULT_MAX_BYTES, lambda _limit: services.too_large_message())
@blp.arguments(FileUploadSchema, location="files")
@blp.arguments(FileUploadFormSchema, location="form")
@blp.doc(consumes=["multipart/form-data"])
@blp.response(200, envelope_doc(FileSchema))
def upload(files, form):
    """Upload one file (multipart field ``file``); stored under a server-chosen name."""
    row = services.upload_file(files.get("file"), form.get("upload_method"))
    return envelope.detail(resource.serialize_one(row), "新增成功")


@blp.route("/get_all/", endpoint="file_get_all", methods=["GET"])
@blp.response(200, envelope_doc(FileSchema, "list"))
def get_all():
    """Every file the caller may see (the list's filters apply), without pagination."""
    return envelope.detail(resource.all_response_rows())


def register(app: Flask) -> None:
    """Mount ``/media/``, the clause pages and the SPA."""
    from blueprints.web.routes import register as register_web

    register_web(app)
