"""The ``Dept`` model (table ``system_dept``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, table_name
from app.extensions import db


class Dept(db.Model, CoreModel):
    """A department in the tree that data scope is computed over."""

    __tablename__ = table_name("system_dept")

    wire_name = "Dept"
    verbose_name = "部门表"

    name: Mapped[str] = mapped_column(sa.String(64), info={"label": "部门名称"})
    key: Mapped[str | None] = mapped_column(sa.String(64), unique=True, info={"label": "关联字符"})
    sort: Mapped[int] = mapped_column(sa.Integer, default=1, info={"label": "显示排序"})
    owner: Mapped[str | None] = mapped_column(sa.String(32), info={"label": "负责人"})
    phone: Mapped[str | None] = mapped_column(sa.String(32), info={"label": "联系电话"})
    email: Mapped[str | None] = mapped_column(sa.String(32), info={"label": "邮箱"})
    status: Mapped[bool | None] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "部门状态"}
    )
    parent_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True, info={"label": "上级部门"})

    # No database foreign key (the original has none), so the join is spelled out.
    parent: Mapped[Dept | None] = relationship(
        "Dept",
        primaryjoin=lambda: foreign(Dept.parent_id) == Dept.id,
        remote_side=lambda: Dept.id,
    )
