"""The ``Dictionary`` model (table ``system_dictionary``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, table_name
from app.extensions import db


class Dictionary(db.Model, CoreModel):
    """A dictionary (parent row, ``value`` is its key) or one of its values (child row)."""

    __tablename__ = table_name("system_dictionary")

    wire_name = "Dictionary"
    verbose_name = "字典表"

    label: Mapped[str | None] = mapped_column(sa.String(100), info={"label": "字典名称"})
    value: Mapped[str | None] = mapped_column(sa.String(200), info={"label": "字典编号"})
    # 0 text, 1 number, 2 date, 3 datetime, 4 time, 5 files, 6 boolean, 7 images.
    type: Mapped[int] = mapped_column(sa.Integer, default=0, info={"label": "数据值类型"})
    color: Mapped[str | None] = mapped_column(sa.String(20), info={"label": "颜色"})
    is_value: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=False, info={"label": "是否为value值"}
    )
    status: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "状态"}
    )
    sort: Mapped[int | None] = mapped_column(sa.Integer, default=1, info={"label": "显示排序"})
    remark: Mapped[str | None] = mapped_column(sa.String(2000), info={"label": "备注"})
    parent_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True, info={"label": "父级"})

    # No database foreign key (the original has none), so the join is spelled out.
    parent: Mapped[Dictionary | None] = relationship(
        "Dictionary",
        primaryjoin=lambda: foreign(Dictionary.parent_id) == Dictionary.id,
        remote_side=lambda: Dictionary.id,
    )
