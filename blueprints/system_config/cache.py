"""The shared dictionary and settings caches (contract §10, differences #28).

Each cache is one JSON value in the shared store under a versioned key
(``cache:<name>:data:<version>``); the current version is a random token under
``cache:<name>:version``. A change replaces the token, so every worker and host rebuilds on
its next read, and a rebuild racing a change can only ever write under a version nobody reads any
more. Each app also memoises the decoded value per version, so a warm read is one store GET and
no database query.

Invalidation is automatic: a session listener notes every flushed ``SystemConfig`` or
``Dictionary`` row (and ORM bulk updates/deletes of them) and replaces the version once the
transaction has committed, whoever wrote it (these areas, ``save_content``, ``flask init``,
test factories).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from itertools import chain
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.core.store import get_store
from app.extensions import db

CONFIG = "config"
DICTIONARY = "dictionary"
MEMO_KEY = "dvadmin_config_cache"
PENDING_KEY = "dvadmin_cache_pending"
# Orphaned data keys of old versions expire on their own.
DEFAULT_TTL = 24 * 3600

# Form item types with special values in the settings map.
IMG = 7
ARRAY = 11


def _version_key(name: str) -> str:
    return f"cache:{name}:version"


def _data_key(name: str, version: str) -> str:
    return f"cache:{name}:data:{version}"


def invalidate(*names: str) -> None:
    """Make every worker rebuild the named caches (all of them by default) on next use."""
    store = get_store()
    for name in names or (CONFIG, DICTIONARY):
        store.set(_version_key(name), uuid.uuid4().hex)


def _current_version(name: str) -> str:
    store = get_store()
    version = store.get(_version_key(name))
    if version is None:
        store.set(_version_key(name), uuid.uuid4().hex, nx=True)
        version = store.get(_version_key(name))
    return version


def _read(name: str, build: Callable[[sa.Connection], Any]) -> Any:
    """The cached value of ``name`` at the current version, rebuilt when missing."""
    version = _current_version(name)
    memo: dict[str, tuple[str, Any]] = current_app.extensions.setdefault(MEMO_KEY, {})
    hit = memo.get(name)
    if hit is not None and hit[0] == version:
        return hit[1]
    store = get_store()
    raw = store.get(_data_key(name, version))
    if raw is not None:
        value = json.loads(raw)
    else:
        if isinstance(db.engine.pool, sa.pool.StaticPool | sa.pool.SingletonThreadPool):
            # one shared connection (in-memory SQLite): nothing else could be newer
            value = build(db.session.connection())
        else:
            # A connection of its own: the request's transaction may hold a snapshot older
            # than the version just read (MariaDB's REPEATABLE READ), which would cache stale rows.
            with db.engine.connect() as conn:
                value = build(conn)
        ttl = int(current_app.config.get("CONFIG_CACHE_TTL_SECONDS", DEFAULT_TTL))
        store.set(_data_key(name, version), json.dumps(value, ensure_ascii=False), ttl=ttl)
    memo[name] = (version, value)
    return value


# ---- settings -----------------------------------------------------------------------------


def special_value(form_item_type: int | None, value: Any) -> Any:
    """A config value as ``/api/init/settings/`` serves it (contract §10)."""
    if form_item_type == IMG:
        if isinstance(value, list):
            first = value[0] if value else None
            return first.get("url") if isinstance(first, dict) else first
        return value
    if form_item_type == ARRAY and isinstance(value, list):
        items = [
            {"key": item.get("key"), "title": item.get("title"), "value": item.get("value")}
            for item in value
            if isinstance(item, dict)
        ]
        return sorted(items, key=lambda item: str(item["key"] if item["key"] is not None else ""))
    return value


def _build_settings(conn: sa.Connection) -> list[list[Any]]:
    """``[[group.key, status, raw value, served value], …]`` of every config item, by sort."""
    from blueprints.system_config.models import SystemConfig

    group = sa.orm.aliased(SystemConfig)
    rows = conn.execute(
        sa.select(
            group.key, SystemConfig.key, SystemConfig.status, SystemConfig.value, SystemConfig.form_item_type
        )
        .join(group, group.id == SystemConfig.parent_id)
        .order_by(SystemConfig.sort, SystemConfig.id)
    )
    return [
        [f"{group_key}.{key}", bool(status), value, special_value(form_item_type, value)]
        for group_key, key, status, value, form_item_type in rows
    ]


def settings_entries() -> list[list[Any]]:
    """Every config item as ``[group.key, status, raw value, served value]`` (shared cache)."""
    return _read(CONFIG, _build_settings)


def config_lookup(full_key: str) -> Any:
    """The stored value of config ``group.key`` (None when absent), whatever its status."""
    for key, _status, raw, _served in settings_entries():
        if key == full_key:
            return raw
    return None


def public_settings() -> dict[str, Any]:
    """``{group.key: value}`` of the items with ``status=true`` (the order is by sort)."""
    return {key: served for key, status, _raw, served in settings_entries() if status}


# ---- dictionaries ---------------------------------------------------------------------------


def _build_dictionaries(conn: sa.Connection) -> list[dict[str, Any]]:
    """Enabled top-level dictionaries with their enabled values, by sort."""
    from blueprints.dictionary.models import Dictionary

    parents = conn.execute(
        sa.select(Dictionary.id, Dictionary.value)
        .where(
            Dictionary.parent_id.is_(None),
            Dictionary.status.is_(True),
            Dictionary.is_value.is_(False),
        )
        .order_by(Dictionary.sort, Dictionary.id)
    ).all()
    entries = {pid: {"id": pid, "value": value, "children": []} for pid, value in parents}
    if entries:
        children = conn.execute(
            sa.select(
                Dictionary.parent_id, Dictionary.label, Dictionary.value, Dictionary.type, Dictionary.color
            )
            .where(Dictionary.parent_id.in_(list(entries)), Dictionary.status.is_(True))
            .order_by(Dictionary.sort, Dictionary.id)
        )
        for parent_id, label, value, type_, color in children:
            entries[parent_id]["children"].append(
                {"label": label, "value": value, "type": type_, "color": color}
            )
    return list(entries.values())


def dictionaries() -> list[dict[str, Any]]:
    """``[{id, value, children:[{label, value, type, color}]}]`` (shared cache; do not mutate)."""
    return _read(DICTIONARY, _build_dictionaries)


# ---- invalidation on commit -----------------------------------------------------------------


def _kinds() -> dict[type, str]:
    from blueprints.dictionary.models import Dictionary
    from blueprints.system_config.models import SystemConfig

    return {SystemConfig: CONFIG, Dictionary: DICTIONARY}


def _note(session: Session, names: set[str]) -> None:
    if names:
        session.info.setdefault(PENDING_KEY, set()).update(names)


def _after_flush(session: Session, _context: Any) -> None:
    kinds = _kinds()
    touched = {
        kinds[type(obj)] for obj in chain(session.new, session.dirty, session.deleted) if type(obj) in kinds
    }
    _note(session, touched)


def _on_orm_execute(state: Any) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    kind = _kinds().get(mapper.class_) if mapper is not None else None
    if kind:
        _note(state.session, {kind})


def _after_commit(session: Session) -> None:
    names = session.info.pop(PENDING_KEY, None)
    if names and has_app_context():
        invalidate(*sorted(names))


def install() -> None:
    """Listen for writes to config and dictionary rows on every session (idempotent)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _on_orm_execute),
        ("after_commit", _after_commit),
    ):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)
