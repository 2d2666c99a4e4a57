"""Schemas of the file routes: the multipart upload, the editable fields, the documented row."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema

UPLOAD_METHODS = (0, 1)


class FileUploadSchema(ApiSchema):
    """The multipart file part; its absence is refused by the service, naming ``file``."""

    file = Upload(load_default=None, metadata={"description": "the file (multipart/form-data)"})


class FileUploadFormSchema(ApiSchema):
    """The optional form fields sent with an upload."""

    upload_method = fields.Integer(
        load_default=0,
        allow_none=True,
        validate=validate.OneOf(UPLOAD_METHODS),
        metadata={"label": "上传方式", "description": "0 默认上传, 1 文件选择器上传"},
    )


class FileUpdateSchema(ApiSchema):
    """What a PUT/PATCH may change; the stored path, size, hash and types stay the server's."""

    name = fields.String(
        allow_none=True,
        validate=[validate.Length(min=1), validate.Length(max=200)],
        metadata={"label": "名称"},
    )
    upload_method = fields.Integer(
        allow_none=True, validate=validate.OneOf(UPLOAD_METHODS), metadata={"label": "上传方式"}
    )
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class FileSchema(CoreRowSchema):
    """A file row as the API returns it."""

    name = fields.String(allow_none=True)
    url = fields.String(
        allow_none=True, metadata={"description": "relative to the API base, e.g. media/files/a/b/<md5>.png"}
    )
    file_url = fields.String()
    engine = fields.String(metadata={"example": "local"})
    mime_type = fields.String()
    size = fields.String(metadata={"description": "bytes, as a string"})
    md5sum = fields.String()
    upload_method = fields.Integer(allow_none=True)
    file_type = fields.Integer(allow_none=True, metadata={"description": "0 图片, 1 视频, 2 音频, 3 其他"})
