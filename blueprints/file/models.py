"""The ``FileList`` model (table ``system_file_list``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import CoreModel, table_name
from app.extensions import db


class FileList(db.Model, CoreModel):
    """An uploaded file (attachment) and where it is stored."""

    __tablename__ = table_name("system_file_list")

    wire_name = "FileList"
    verbose_name = "文件管理"

    name: Mapped[str | None] = mapped_column(sa.String(200), info={"label": "名称"})
    # Django FileField: the path relative to MEDIA_ROOT (files/<m>/<d>/<md5><ext>).
    url: Mapped[str | None] = mapped_column(sa.String(100))
    # NOT NULL but blank=True in the original: Django's implicit default is "".
    file_url: Mapped[str] = mapped_column(sa.String(255), default="", info={"label": "文件地址"})
    engine: Mapped[str] = mapped_column(sa.String(100), default="local", info={"label": "引擎"})
    mime_type: Mapped[str] = mapped_column(sa.String(100), default="", info={"label": "Mime类型"})
    # Bytes, as a string.
    size: Mapped[str] = mapped_column(sa.String(36), default="", info={"label": "文件大小"})
    md5sum: Mapped[str] = mapped_column(sa.String(36), default="", info={"label": "文件md5"})
    # 0 default upload, 1 file selector upload.
    upload_method: Mapped[int | None] = mapped_column(sa.SmallInteger, default=0, info={"label": "上传方式"})
    # 0 image, 1 video, 2 audio, 3 other.
    file_type: Mapped[int | None] = mapped_column(sa.SmallInteger, default=3, info={"label": "文件类型"})
