"""Schemas of the download-center routes: the documented row."""

from __future__ import annotations

from marshmallow import fields

from app.core.openapi import CoreRowSchema


class DownloadTaskSchema(CoreRowSchema):
    """A download task as the API returns it."""

    task_name = fields.String()
    task_status = fields.Integer(
        metadata={"description": "0 任务已创建, 1 任务进行中, 2 任务完成, 3 任务失败"}
    )
    file_name = fields.String(allow_none=True)
    url = fields.String(allow_none=True, metadata={"description": "media/<path>, relative; null until done"})
    size = fields.Integer()
    md5sum = fields.String(allow_none=True)
