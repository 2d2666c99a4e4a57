"""The example plugin's model: a note (table ``<TABLE_PREFIX>example_note``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import CoreModel, LongText, table_name
from app.extensions import db


class Note(db.Model, CoreModel):
    """A short note; CoreModel adds id, creator, dept_belong_id and the timestamps."""

    __tablename__ = table_name("example_note")

    # The key MenuField rows and column permissions use for this model.
    wire_name = "ExampleNote"
    verbose_name = "示例笔记"

    title: Mapped[str] = mapped_column(sa.String(100), info={"label": "标题"})
    content: Mapped[str | None] = mapped_column(LongText, info={"label": "内容"})
    sort: Mapped[int | None] = mapped_column(sa.Integer, default=1, info={"label": "排序"})
