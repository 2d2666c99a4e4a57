"""List totals cached in the store, invalidated by per-table write versions.

Counting a large table is the one cost of a list page that grows with the data (InnoDB counts by
scanning). The total of a given statement is kept until any write through this app touches one
of the tables it reads (the session events below bump those tables' versions, on every worker),
or for ``COUNT_CACHE_SECONDS`` at most, which bounds staleness after writes from outside the app
(another backend, plain SQL). ``COUNT_CACHE_SECONDS=0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from app.core.store import get_store

DIRTY_KEY = "dvadmin_dirty_tables"


def _tables_of(stmt: sa.Select) -> list[str]:
    found = find_tables(stmt, include_joins=True, include_aliases=True, include_selects=True)
    return sorted({t.name for t in found if isinstance(t, sa.Table)})


# Statement shape (SQLAlchemy's cache key) → (SQL text, tables read): compiling an ORM statement
# on every request costs milliseconds, so each shape is compiled once per process.
_SHAPES: dict[object, tuple[str, list[str]]] = {}
_MAX_SHAPES = 1024


def _shape(session: Session, count_stmt: sa.Select, source: sa.Select) -> tuple[str, list[str], list]:
    cache_key = count_stmt._generate_cache_key()
    values = [bind.effective_value for bind in cache_key.bindparams]
    known = _SHAPES.get(cache_key.key)
    if known is None:
        known = (str(count_stmt.compile(dialect=session.get_bind().dialect)), _tables_of(source))
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[cache_key.key] = known
    return known[0], known[1], values


def cached_count(session: Session, count_stmt: sa.Select, source: sa.Select) -> int:
    """``count_stmt``'s value, from the cache when no table of ``source`` changed since."""
    ttl = int(current_app.config.get("COUNT_CACHE_SECONDS") or 0)
    if ttl <= 0:
        return session.execute(count_stmt).scalar_one()
    store = get_store()
    sql, tables, values = _shape(session, count_stmt, source)
    versions = store.mget([f"tv:{name}" for name in tables])
    digest = hashlib.sha1(repr((sql, values, versions)).encode()).hexdigest()
    key = f"cnt:{digest}"
    hit = store.get(key)
    if hit is not None:
        return int(hit)
    total = session.execute(count_stmt).scalar_one()
    store.set(key, total, ttl=ttl)
    return total


def _mark(session: Session, names: set[str]) -> None:
    session.info.setdefault(DIRTY_KEY, set()).update(names)


def _tables_of_object(obj: Any) -> set[str]:
    mapper = sa.inspect(obj).mapper
    names = {t.name for t in mapper.tables}
    for rel in mapper.relationships:
        if rel.secondary is not None:
            names.add(rel.secondary.name)
    return names


def _after_flush(session: Session, _context) -> None:
    names: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        names |= _tables_of_object(obj)
    _mark(session, names)


def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None:
            _mark(state.session, {table.name})


def _after_commit(session: Session) -> None:
    names = session.info.pop(DIRTY_KEY, None)
    if names and has_app_context() and current_app.config.get("COUNT_CACHE_SECONDS"):
        store = get_store()
        version = uuid.uuid4().hex
        for name in names:
            store.set(f"tv:{name}", version)


def _after_rollback(session: Session) -> None:
    session.info.pop(DIRTY_KEY, None)


def install() -> None:
    """Listen on every ORM session (once per process)."""
    if sa.event.contains(Session, "after_commit", _after_commit):
        return
    sa.event.listen(Session, "after_flush", _after_flush)
    sa.event.listen(Session, "do_orm_execute", _on_execute)
    sa.event.listen(Session, "after_commit", _after_commit)
    sa.event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
