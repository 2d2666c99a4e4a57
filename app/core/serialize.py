"""Rows to wire dicts: formatted datetimes, FKs as ids, M2Ms as id lists, creator/modifier names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from app.core.timeutil import format_datetime
from app.extensions import db


def _wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def column_dict(
    obj: Any,
    *,
    fk_columns: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> dict[str, Any]:
    """Every column of ``obj``; foreign keys named as Django names them (``dept_id`` → ``dept``)."""
    fk = set(fk_columns) | {"creator_id"}
    skip = set(exclude)
    out: dict[str, Any] = {}
    for attr in sa.inspect(type(obj)).column_attrs:
        key = attr.key
        if key in skip:
            continue
        name = key[: -len("_id")] if key in fk and key.endswith("_id") else key
        out[name] = _wire_value(getattr(obj, key))
    return out


def user_names(ids: Iterable[Any]) -> dict[int, str]:
    """``{user id: name}`` for the given ids in one query."""
    from blueprints.user.models import User

    wanted: set[int] = set()
    for raw in ids:
        if raw is None or raw == "":
            continue
        try:
            wanted.add(int(raw))
        except (TypeError, ValueError):
            continue
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(User.id, User.name).where(User.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def add_core_names(rows: Sequence[Any], dicts: Sequence[dict[str, Any]]) -> None:
    """Add ``creator_name`` and ``modifier_name`` to each dict, one query for the whole page."""
    ids: list[Any] = []
    for obj in rows:
        ids.append(getattr(obj, "creator_id", None))
        ids.append(getattr(obj, "modifier", None))
    names = user_names(ids)
    for obj, out in zip(rows, dicts, strict=True):
        out["creator_name"] = names.get(_as_int(getattr(obj, "creator_id", None)))
        out["modifier_name"] = names.get(_as_int(getattr(obj, "modifier", None)))


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def m2m_ids(
    table: sa.Table, owner_col: str, target_col: str, owner_ids: Iterable[int]
) -> dict[int, list[int]]:
    """``{owner id: [target ids]}`` from an association table in one query."""
    owner_ids = list(owner_ids)
    result: dict[int, list[int]] = {i: [] for i in owner_ids}
    if not owner_ids:
        return result
    owner = table.c[owner_col]
    target = table.c[target_col]
    rows = db.session.execute(sa.select(owner, target).where(owner.in_(owner_ids)).order_by(table.c.id))
    for owner_id, target_id in rows:
        result.setdefault(owner_id, []).append(target_id)
    return result


def m2m_ids_many(
    specs: dict[str, tuple[sa.Table, str, str]], owner_ids: Iterable[int]
) -> dict[str, dict[int, list[int]]]:
    """Several link tables read in one UNION query: ``{name: {owner id: [target ids]}}``."""
    owner_ids = list(owner_ids)
    result: dict[str, dict[int, list[int]]] = {name: {i: [] for i in owner_ids} for name in specs}
    if not owner_ids or not specs:
        return result
    parts = [
        sa.select(
            sa.literal(name).label("name"),
            table.c.id,
            table.c[owner].label("owner"),
            table.c[target].label("target"),
        ).where(table.c[owner].in_(owner_ids))
        for name, (table, owner, target) in specs.items()
    ]
    query = parts[0] if len(parts) == 1 else sa.union_all(*parts)
    for name, _link_id, owner_id, target_id in sorted(db.session.execute(query), key=lambda r: (r[0], r[1])):
        result[name].setdefault(owner_id, []).append(target_id)
    return result


def serialize_rows(
    rows: Sequence[Any],
    *,
    fk_columns: Iterable[str] = (),
    exclude: Iterable[str] = (),
    m2m: dict[str, tuple[sa.Table, str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Serialise CoreModel rows in a fixed number of queries (one for names, one for all M2Ms)."""
    fk_columns = list(fk_columns)
    dicts = [column_dict(obj, fk_columns=fk_columns, exclude=exclude) for obj in rows]
    if rows and hasattr(rows[0], "creator_id"):
        add_core_names(rows, dicts)
    if m2m and rows:
        links = m2m_ids_many(m2m, [obj.id for obj in rows])
        for name, mapping in links.items():
            for obj, out in zip(rows, dicts, strict=True):
                out[name] = mapping.get(obj.id, [])
    return dicts


def stamp_core_fields(obj: Any, user: Any, *, creating: bool) -> None:
    """Set ``creator``, ``modifier`` and ``dept_belong_id`` as the original's serializer does."""
    if user is None:
        return
    obj.modifier = str(user.id)
    if creating:
        obj.creator_id = user.id
        if not getattr(obj, "dept_belong_id", None) and getattr(user, "dept_id", None):
            obj.dept_belong_id = str(user.dept_id)
