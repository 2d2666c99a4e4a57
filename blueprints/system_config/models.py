"""The ``SystemConfig`` model (table ``system_config``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.models import CoreModel, JsonCol, table_name
from app.extensions import db


class SystemConfig(db.Model, CoreModel):
    """A config group (no parent) or one item of a group."""

    __tablename__ = table_name("system_config")
    # The original's unique_together; NULL parent_ids never collide, as in Django.
    __table_args__ = (sa.UniqueConstraint("key", "parent_id"),)

    wire_name = "SystemConfig"
    verbose_name = "系统配置表"

    title: Mapped[str] = mapped_column(sa.String(50), info={"label": "标题"})
    key: Mapped[str] = mapped_column(sa.String(100), index=True, info={"label": "键"})
    # JSON values: reassign rather than mutate in place, the type does not track changes.
    value: Mapped[Any | None] = mapped_column(JsonCol, info={"label": "值"})
    sort: Mapped[int] = mapped_column(sa.Integer, default=0, info={"label": "排序"})
    # False means backend-only: hidden from /api/init/settings/.
    status: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "启用状态"}
    )
    data_options: Mapped[Any | None] = mapped_column(JsonCol, info={"label": "数据options"})
    form_item_type: Mapped[int] = mapped_column(sa.Integer, default=0, info={"label": "表单类型"})
    rule: Mapped[Any | None] = mapped_column(JsonCol, info={"label": "校验规则"})
    placeholder: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "提示信息"})
    setting: Mapped[Any | None] = mapped_column(JsonCol, info={"label": "配置"})
    parent_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True, info={"label": "父级"})

    # No database foreign key (the original has none), so the join is spelled out.
    parent: Mapped[SystemConfig | None] = relationship(
        "SystemConfig",
        primaryjoin=lambda: foreign(SystemConfig.parent_id) == SystemConfig.id,
        remote_side=lambda: SystemConfig.id,
    )
