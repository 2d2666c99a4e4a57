"""The ``Role`` model (table ``system_role``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import CoreModel, table_name
from app.extensions import db


class Role(db.Model, CoreModel):
    """A role: a named set of menu, button and field grants."""

    __tablename__ = table_name("system_role")

    wire_name = "Role"
    verbose_name = "角色表"

    name: Mapped[str] = mapped_column(sa.String(64), info={"label": "角色名称"})
    # Unique ignoring case on MariaDB only (utf8mb4_general_ci); services check case-insensitively.
    key: Mapped[str] = mapped_column(sa.String(64), unique=True, info={"label": "权限字符"})
    sort: Mapped[int] = mapped_column(sa.Integer, default=1, info={"label": "角色顺序"})
    status: Mapped[bool] = mapped_column(
        sa.Boolean(create_constraint=False), default=True, info={"label": "角色状态"}
    )
