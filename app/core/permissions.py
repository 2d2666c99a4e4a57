"""Button authorisation: compiled grants per role, cached per process, invalidated through the store."""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.core.errors import MSG_NO_PERMISSION, ApiError
from app.core.store import get_store
from app.extensions import db

# The original's method numbers; PATCH is authorised as PUT (differences #16).
METHOD_INDEX = {"GET": 0, "HEAD": 0, "POST": 1, "PUT": 2, "PATCH": 2, "DELETE": 3}
API_ALLOWED = re.compile(r"^[A-Za-z0-9_/{}.\-]+$")
_PLACEHOLDER = re.compile(r"\{[^/{}]*\}")
VERSION_KEY = "perm:version"


def compile_api(api: str) -> re.Pattern[str]:
    """A button ``api`` as an anchored, case-insensitive pattern; ``{name}`` is one segment."""
    parts = _PLACEHOLDER.split(api)
    pattern = "[^/]+".join(re.escape(p) for p in parts)
    return re.compile(f"^{pattern}$", re.IGNORECASE)


@dataclass
class Grants:
    """Compiled grants: per role, and the whitelist shared by every logged-in user."""

    version: str | None
    roles: dict[int, list[tuple[int, re.Pattern[str], int]]] = field(default_factory=dict)
    whitelist: list[tuple[int, re.Pattern[str], bool]] = field(default_factory=list)


_cache_lock = threading.Lock()
_cache: dict[str, Grants] = {}


def bump_permission_version() -> None:
    """Invalidate every worker's compiled grants (call after any grant, button, role change)."""
    get_store().set(VERSION_KEY, uuid.uuid4().hex)


def _load_grants(version: str | None) -> Grants:
    from blueprints.menu.models import MenuButton
    from blueprints.permission.models import RoleMenuButtonPermission
    from blueprints.whitelist.models import ApiWhiteList

    grants = Grants(version=version)
    rows = db.session.execute(
        sa.select(
            RoleMenuButtonPermission.role_id,
            MenuButton.api,
            MenuButton.method,
            RoleMenuButtonPermission.data_range,
        ).join(MenuButton, MenuButton.id == RoleMenuButtonPermission.menu_button_id)
    )
    for role_id, api, method, data_range in rows:
        if api:
            grants.roles.setdefault(role_id, []).append((method or 0, compile_api(api), data_range or 0))
    for url, method, enable_datasource in db.session.execute(
        sa.select(ApiWhiteList.url, ApiWhiteList.method, ApiWhiteList.enable_datasource)
    ):
        if url:
            grants.whitelist.append((method or 0, compile_api(url), bool(enable_datasource)))
    return grants


def current_grants() -> Grants:
    """The compiled grants, rebuilt only when the shared version changed."""
    version = get_store().get(VERSION_KEY)
    key = db.engine.url.render_as_string(hide_password=True)
    cached = _cache.get(key)
    if cached is not None and cached.version == version and version is not None:
        return cached
    if version is None:
        bump_permission_version()
        version = get_store().get(VERSION_KEY)
    grants = _load_grants(version)
    with _cache_lock:
        _cache[key] = grants
    return grants


def enabled_role_ids(user: Any) -> list[int]:
    """Ids of the user's roles whose status is on (disabled roles grant nothing)."""
    from blueprints.role.models import Role
    from blueprints.user.models import users_role

    rows = db.session.execute(
        sa.select(users_role.c.role_id)
        .join(Role, Role.id == users_role.c.role_id)
        .where(users_role.c.users_id == user.id, Role.status.is_(True))
    )
    return [r[0] for r in rows]


def matching_ranges(user: Any, method: str, path: str) -> tuple[list[int], bool]:
    """Data ranges of the user's grants matching this request, and whether the whitelist did."""
    index = METHOD_INDEX.get(method.upper())
    if index is None:
        return [], False
    grants = current_grants()
    ranges = [
        data_range
        for role_id in enabled_role_ids(user)
        for m, pattern, data_range in grants.roles.get(role_id, ())
        if m == index and pattern.match(path)
    ]
    whitelisted = any(m == index and p.match(path) for m, p, _ in grants.whitelist)
    return ranges, whitelisted


def has_button(user: Any, method: str, path: str) -> bool:
    """True when the user may call ``method path`` (superusers always may)."""
    if user.is_superuser:
        return True
    ranges, whitelisted = matching_ranges(user, method, path)
    return bool(ranges) or whitelisted


def require_button(user: Any, method: str, path: str) -> None:
    """Refuse (HTTP 200, code 4000) unless the user holds a matching button."""
    if not has_button(user, method, path):
        raise ApiError(MSG_NO_PERMISSION)
