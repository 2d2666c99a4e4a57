"""The ``Area`` model (table ``system_area``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, table_name
from app.extensions import db


class Area(db.Model, CoreModel):
    """A province, city, county or township, keyed by its administrative code."""

    __tablename__ = table_name("system_area")

    wire_name = "Area"
    verbose_name = "地区表"

    name: Mapped[str] = mapped_column(sa.String(100), info={"label": "名称"})
    code: Mapped[str] = mapped_column(sa.String(20), unique=True, info={"label": "地区编码"})
    level: Mapped[int] = mapped_column(sa.BigInteger, info={"label": "地区层级(1省份 2城市 3区县 4乡级)"})
    pinyin: Mapped[str] = mapped_column(sa.String(255), info={"label": "拼音"})
    initials: Mapped[str] = mapped_column(sa.String(20), info={"label": "首字母"})
    enable: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "是否启用"}
    )
    # The parent's ``code``, not its id (Django's to_field="code").
    pcode_id: Mapped[str | None] = mapped_column(sa.String(20), index=True, info={"label": "父地区编码"})

    # No database foreign key (the original has none), so the join is spelled out.
    pcode: Mapped[Area | None] = relationship(
        "Area",
        primaryjoin=lambda: foreign(Area.pcode_id) == Area.code,
        remote_side=lambda: Area.code,
        info={"label": "父地区编码"},
    )
