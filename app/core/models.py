"""The declarative base, column types matching the original schema, and ``CoreModel``."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from app.core.timeutil import local_now

# One prefix per process, read at import (decisions #26); the original's default is "dvadmin_".
TABLE_PREFIX: str = os.environ.get("TABLE_PREFIX", "dvadmin_")

# bigint ids on MariaDB; SQLite autoincrements only INTEGER PRIMARY KEY (traps #5).
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# datetime(6) as the original's columns (traps #10).
DateTime6 = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# longtext on MariaDB (sa.Text alone makes a 64 KB TEXT there).
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
# JSON stored as SQL NULL for None (traps #9).
JsonCol = sa.JSON(none_as_null=True)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_name(name: str) -> str:
    """Return ``name`` with the configured table prefix."""
    return f"{TABLE_PREFIX}{name}"


class Base(DeclarativeBase):
    """Declarative base with a naming convention for constraints."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class CoreModel:
    """Columns every system table shares (contract §4.1).

    ``creator_id`` is a plain column: the original declares no database foreign keys.
    """

    # Class name as the original stores it in MenuField.model and config settings (traps #15).
    wire_name: str = ""
    verbose_name: str = ""

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    description: Mapped[str | None] = mapped_column(sa.String(255))
    modifier: Mapped[str | None] = mapped_column(sa.String(255))
    dept_belong_id: Mapped[str | None] = mapped_column(sa.String(255))
    update_datetime: Mapped[datetime | None] = mapped_column(DateTime6, default=local_now, onupdate=local_now)
    create_datetime: Mapped[datetime | None] = mapped_column(DateTime6, default=local_now)

    @declared_attr
    def creator_id(cls) -> Mapped[int | None]:  # noqa: N805
        """创建人: the id of the user who created the row."""
        return mapped_column(sa.BigInteger, index=True)


def model_columns(model: type) -> list[str]:
    """Return the column attribute names of a mapped class, in table order."""
    return [c.key for c in sa.inspect(model).column_attrs]


def set_attrs(obj: Any, values: dict[str, Any]) -> None:
    """Assign each key of ``values`` to ``obj``."""
    for key, value in values.items():
        setattr(obj, key, value)
