"""The ``DownloadCenter`` model (table ``download_center``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import CoreModel, table_name
from app.extensions import db


class DownloadCenter(db.Model, CoreModel):
    """An asynchronous export task and the file it produced."""

    __tablename__ = table_name("download_center")

    wire_name = "DownloadCenter"
    verbose_name = "下载中心"

    task_name: Mapped[str] = mapped_column(sa.String(255), info={"label": "任务名称"})
    # 0 created, 1 running, 2 done, 3 failed.
    task_status: Mapped[int] = mapped_column(sa.SmallInteger, default=0, info={"label": "是否可下载"})
    file_name: Mapped[str | None] = mapped_column(sa.String(255), info={"label": "文件名"})
    # Django FileField: the path relative to MEDIA_ROOT (files/dlct/...).
    url: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger, default=0, info={"label": "文件大小"})
    md5sum: Mapped[str | None] = mapped_column(sa.String(36), info={"label": "文件md5"})
