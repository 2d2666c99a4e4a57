"""Grants compiled once, cached per process, invalidated for every worker through the store.

One compile holds everything a request's authorisation needs: each role's buttons (pattern,
method, data range, custom depts), the whitelist, role menus, column permissions, role status,
the dept tree and (filled lazily) users' role lists. A request reads one store key (the
version) and touches the database only when the version changed (differences #16, #28).
Call :func:`bump_permission_version` after any change to grants, buttons, whitelist, roles,
memberships, column rows or depts.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import g

from app.core.errors import MSG_NO_PERMISSION, ApiError
from app.core.store import get_store
from app.extensions import db

# The original's method numbers; PATCH is authorised as PUT (differences #16).
METHOD_INDEX = {"GET": 0, "HEAD": 0, "POST": 1, "PUT": 2, "PATCH": 2, "DELETE": 3}
API_ALLOWED = re.compile(r"^[A-Za-z0-9_/{}.\-]+$")
_PLACEHOLDER = re.compile(r"\{[^/{}]*\}")
VERSION_KEY = "perm:version"
# Data ranges, narrowest first: 0 own, 2 own dept, 4 custom depts, 1 dept and below, 3 all.
RANGE_RANK = {0: 0, 2: 1, 4: 1, 1: 2, 3: 3}


_RULE_ARGUMENT = re.compile(r"<[^>]*>")


def api_key(api: str) -> str:
    """A button ``api`` or whitelist ``url`` in canonical form: lower case, placeholders ``{}``.

    Requests are matched by their routed rule in the same form (:func:`rule_key`), so a ``{id}``
    placeholder matches a path parameter and never an action name such as ``multiple_delete``,
    and a request without its trailing slash matches its route (differences #16, decisions #7).
    """
    return _PLACEHOLDER.sub("{}", api.strip()).lower()


def rule_key() -> str:
    """The current request's route rule in :func:`api_key` form (the path when unrouted)."""
    from flask import request

    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return _RULE_ARGUMENT.sub("{}", rule).lower()


@dataclass(frozen=True)
class ButtonGrant:
    """One role's grant of one button."""

    button_id: int
    method: int
    key: str
    data_range: int
    rmbp_id: int


@dataclass
class Grants:
    """Everything compiled from the grant tables at one version."""

    version: str | None
    roles: dict[int, list[ButtonGrant]] = field(default_factory=dict)
    # (method, api key) → grants, per role: a request's check is a dictionary lookup
    role_index: dict[int, dict[tuple[int, str], list[ButtonGrant]]] = field(default_factory=dict)
    role_status: dict[int, bool] = field(default_factory=dict)
    role_menus: dict[int, set[int]] = field(default_factory=dict)
    whitelist: dict[tuple[int, str], list[bool]] = field(default_factory=dict)
    custom_depts: dict[int, frozenset[int]] = field(default_factory=dict)
    model_fields: dict[str, dict[str, int]] = field(default_factory=dict)
    field_perms: dict[int, dict[int, tuple[bool, bool, bool]]] = field(default_factory=dict)
    dept_parent: dict[int, int | None] = field(default_factory=dict)
    dept_name: dict[int, str] = field(default_factory=dict)
    dept_children: dict[int, list[int]] = field(default_factory=dict)
    user_roles: dict[int, tuple[int, ...]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def subtree(self, dept_id: int | None) -> set[int]:
        """``dept_id`` and every dept below it, from the cached tree (no query)."""
        if dept_id is None:
            return set()
        seen, stack = set(), [dept_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.dept_children.get(current, ()))
        return seen


_cache_lock = threading.Lock()
_cache: dict[str, Grants] = {}


def bump_permission_version() -> None:
    """Invalidate every worker's compiled grants."""
    get_store().set(VERSION_KEY, uuid.uuid4().hex)
    g.pop("access", None)


def _load(version: str | None) -> Grants:
    from blueprints.dept.models import Dept
    from blueprints.menu.models import MenuButton, MenuField
    from blueprints.permission.models import (
        FieldPermission,
        RoleMenuButtonPermission,
        RoleMenuPermission,
        role_menu_button_permission_dept,
    )
    from blueprints.role.models import Role
    from blueprints.whitelist.models import ApiWhiteList

    grants = Grants(version=version)
    session = db.session
    rmbp = RoleMenuButtonPermission
    rows = session.execute(
        sa.select(
            rmbp.id, rmbp.role_id, rmbp.data_range, MenuButton.id, MenuButton.api, MenuButton.method
        ).join(MenuButton, MenuButton.id == rmbp.menu_button_id)
    )
    for rmbp_id, role_id, data_range, button_id, api, method in rows:
        if api:
            button = ButtonGrant(button_id, method or 0, api_key(api), data_range or 0, rmbp_id)
            grants.roles.setdefault(role_id, []).append(button)
            grants.role_index.setdefault(role_id, {}).setdefault((button.method, button.key), []).append(
                button
            )
    links = role_menu_button_permission_dept.c
    custom: dict[int, set[int]] = {}
    for rmbp_id, dept_id in session.execute(sa.select(links.rolemenubuttonpermission_id, links.dept_id)):
        custom.setdefault(rmbp_id, set()).add(dept_id)
    grants.custom_depts = {k: frozenset(v) for k, v in custom.items()}
    grants.role_status = {
        rid: bool(status) for rid, status in session.execute(sa.select(Role.id, Role.status))
    }
    for role_id, menu_id in session.execute(
        sa.select(RoleMenuPermission.role_id, RoleMenuPermission.menu_id)
    ):
        grants.role_menus.setdefault(role_id, set()).add(menu_id)
    for url, method, enable_datasource in session.execute(
        sa.select(ApiWhiteList.url, ApiWhiteList.method, ApiWhiteList.enable_datasource)
    ):
        if url:
            grants.whitelist.setdefault((method or 0, api_key(url)), []).append(bool(enable_datasource))
    for field_id, model, field_name in session.execute(
        sa.select(MenuField.id, MenuField.model, MenuField.field_name)
    ):
        grants.model_fields.setdefault(model, {})[field_name] = field_id
    fp = FieldPermission
    for role_id, field_id, q, c, u in session.execute(
        sa.select(fp.role_id, fp.field_id, fp.is_query, fp.is_create, fp.is_update)
    ):
        old = grants.field_perms.setdefault(role_id, {}).get(field_id, (False, False, False))
        grants.field_perms[role_id][field_id] = (old[0] or bool(q), old[1] or bool(c), old[2] or bool(u))
    for dept_id, parent_id, name in session.execute(sa.select(Dept.id, Dept.parent_id, Dept.name)):
        grants.dept_parent[dept_id] = parent_id
        grants.dept_name[dept_id] = name
        if parent_id is not None:
            grants.dept_children.setdefault(parent_id, []).append(dept_id)
    return grants


def current_grants() -> Grants:
    """The compiled grants, rebuilt only when the shared version changed."""
    store = get_store()
    version = store.get(VERSION_KEY)
    if version is None:
        store.set(VERSION_KEY, uuid.uuid4().hex, nx=True)
        version = store.get(VERSION_KEY)
    key = db.engine.url.render_as_string(hide_password=True)
    cached = _cache.get(key)
    if cached is not None and cached.version == version:
        return cached
    grants = _load(version)
    with _cache_lock:
        _cache[key] = grants
    return grants


def role_ids(user: Any, *, enabled_only: bool = True) -> tuple[int, ...]:
    """The user's role ids (enabled ones by default: disabled roles grant nothing)."""
    from blueprints.user.models import users_role

    grants = current_grants()
    ids = grants.user_roles.get(user.id)
    if ids is None:
        rows = db.session.execute(sa.select(users_role.c.role_id).where(users_role.c.users_id == user.id))
        ids = tuple(sorted(r[0] for r in rows))
        with grants.lock:
            grants.user_roles[user.id] = ids
    if enabled_only:
        return tuple(r for r in ids if grants.role_status.get(r, False))
    return ids


@dataclass
class Access:
    """What authorised this request: matching grants, and whether the whitelist matched."""

    user: Any
    grants: list[ButtonGrant]
    whitelisted: bool
    skip_scope: bool

    @property
    def allowed(self) -> bool:
        """True when a button or a whitelist row matched."""
        return bool(self.grants) or self.whitelisted


def access_for(user: Any, method: str, key: str) -> Access:
    """Match ``method`` and a route key against the user's enabled roles' buttons and the whitelist."""
    index = METHOD_INDEX.get(method.upper())
    grants = current_grants()
    if index is None:
        return Access(user, [], False, False)
    wanted = (index, key)
    matched = [
        grant for role_id in role_ids(user) for grant in grants.role_index.get(role_id, {}).get(wanted, ())
    ]
    white = grants.whitelist.get(wanted, [])
    # enable_datasource=false on a matching whitelist row skips data scope (contract §5.4)
    return Access(user, matched, bool(white), any(enabled is False for enabled in white))


def current_access() -> Access:
    """This request's access, computed once."""
    from flask import request

    from app.core.auth import current_user

    access = g.get("access")
    if access is None:
        access = g.access = access_for(current_user(), request.method, rule_key())
    return access


def has_button(user: Any, method: str, api: str) -> bool:
    """True when the user may call ``method`` on the route written as ``api`` (superusers may)."""
    if user.is_superuser:
        return True
    return access_for(user, method, api_key(api)).allowed


def require_button(user: Any, method: str) -> None:
    """Refuse (HTTP 200, code 4000) unless the user holds a button or whitelist row for this route."""
    if user.is_superuser:
        return
    access = access_for(user, method, rule_key())
    g.access = access
    if not access.allowed:
        raise ApiError(MSG_NO_PERMISSION)


# ---- column permissions (differences #15) ----------------------------------------------


def field_permission_map(user: Any, model: str) -> dict[str, dict[str, bool]]:
    """``{field: {is_create, is_query, is_update}}`` as ``*/field_permission/`` returns it."""
    grants = current_grants()
    fields = grants.model_fields.get(model, {})
    if user.is_superuser:
        return {name: {"is_create": True, "is_query": True, "is_update": True} for name in sorted(fields)}
    merged: dict[str, list[bool]] = {}
    for role_id in role_ids(user):
        perms = grants.field_perms.get(role_id, {})
        for name, field_id in fields.items():
            if field_id in perms:
                current = merged.setdefault(name, [False, False, False])
                q, c, u = perms[field_id]
                current[0] |= q
                current[1] |= c
                current[2] |= u
    return {n: {"is_create": v[1], "is_query": v[0], "is_update": v[2]} for n, v in sorted(merged.items())}


def _field_flags(user: Any, model: str) -> dict[str, tuple[bool, bool, bool]] | None:
    if user is None or user.is_superuser:
        return None
    grants = current_grants()
    fields = grants.model_fields.get(model)
    if not fields:
        return None
    result: dict[str, tuple[bool, bool, bool]] = {}
    roles = role_ids(user)
    for name, field_id in fields.items():
        q = c = u = False
        for role_id in roles:
            perm = grants.field_perms.get(role_id, {}).get(field_id)
            if perm:
                q, c, u = q or perm[0], c or perm[1], u or perm[2]
        result[name] = (q, c, u)
    return result


def hidden_fields(user: Any, model: str) -> set[str]:
    """Fields a non-superuser may not see: configured for the model, no role grants is_query."""
    flags = _field_flags(user, model)
    if flags is None:
        return set()
    return {name for name, (q, _c, _u) in flags.items() if not q and name != "id"}


def check_field_writes(
    user: Any, model: str, data: dict[str, Any], current: dict[str, Any] | None, labels: dict[str, str]
) -> None:
    """Refuse a create that sets a field without ``is_create``, or an update that changes a
    field without ``is_update`` (an unchanged value passes: the SPA PUTs whole rows)."""
    flags = _field_flags(user, model)
    if flags is None:
        return
    for name, value in data.items():
        if name not in flags or name == "id":
            continue
        _q, can_create, can_update = flags[name]
        if current is None:
            if not can_create and value not in (None, "", []):
                raise ApiError(f"{labels.get(name, name)}:没有新增该字段的权限")
        elif not can_update and _normalise(current.get(name)) != _normalise(value):
            raise ApiError(f"{labels.get(name, name)}:没有修改该字段的权限")


def _normalise(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(_normalise(v) for v in value)
    if value == "":
        return None
    return value


# ---- what a non-superuser holds (differences #12) --------------------------------------


def held_buttons(user: Any) -> dict[int, ButtonGrant]:
    """The widest grant per button id across the user's enabled roles."""
    grants = current_grants()
    held: dict[int, ButtonGrant] = {}
    for role_id in role_ids(user):
        for grant in grants.roles.get(role_id, ()):
            best = held.get(grant.button_id)
            if best is None or RANGE_RANK.get(grant.data_range, 0) > RANGE_RANK.get(best.data_range, 0):
                held[grant.button_id] = grant
    return held


def held_menus(user: Any) -> set[int]:
    """Menu ids granted to the user's enabled roles."""
    grants = current_grants()
    menus: set[int] = set()
    for role_id in role_ids(user):
        menus |= grants.role_menus.get(role_id, set())
    return menus


def held_fields(user: Any) -> dict[int, tuple[bool, bool, bool]]:
    """Column permission flags per MenuField id, OR-merged over the user's enabled roles."""
    grants = current_grants()
    merged: dict[int, tuple[bool, bool, bool]] = {}
    for role_id in role_ids(user):
        for field_id, (q, c, u) in grants.field_perms.get(role_id, {}).items():
            old = merged.get(field_id, (False, False, False))
            merged[field_id] = (old[0] or q, old[1] or c, old[2] or u)
    return merged


def scope_depts_of(user: Any, grant: ButtonGrant) -> set[int] | None:
    """Depts a grant lets ``user`` reach; None means every dept (range 3)."""
    grants = current_grants()
    if grant.data_range == 3:
        return None
    if grant.data_range == 1:
        return grants.subtree(user.dept_id)
    if grant.data_range == 2:
        return {user.dept_id} if user.dept_id is not None else set()
    if grant.data_range == 4:
        return set(grants.custom_depts.get(grant.rmbp_id, ()))
    return set()


def can_grant_range(user: Any, button_id: int, data_range: int, depts: set[int] | None = None) -> bool:
    """True when ``user`` may hand out ``button_id`` with ``data_range`` (and custom ``depts``).

    A grant may reach no further than the caller's own: 3 allows anything; 1 (own dept and below)
    allows 0, 1, 2 and custom depts inside that subtree; 2 (own dept) allows 0, 2 and custom depts
    inside it; 4 (custom depts) allows 0 and custom depts among its own; 0 allows 0. Ranges 1 and 2 are relative to
    the member's dept, which may lie anywhere, so a caller without a relative range of that
    width cannot hand them out.
    """
    if user.is_superuser:
        return True
    held = held_buttons(user).get(button_id)
    if held is None:
        return False
    allowed = {3: {0, 1, 2, 3, 4}, 1: {0, 1, 2, 4}, 2: {0, 2, 4}, 4: {0, 4}, 0: {0}}.get(held.data_range, {0})
    if data_range not in allowed:
        return False
    if data_range == 4:
        reach = scope_depts_of(user, held)
        return reach is None or set(depts or ()) <= reach
    return True


def role_within_holdings(user: Any, role_id: int) -> bool:
    """True when every grant of ``role_id`` is one ``user`` holds (menus, buttons, columns)."""
    if user.is_superuser:
        return True
    grants = current_grants()
    if not grants.role_menus.get(role_id, set()) <= held_menus(user):
        return False
    for grant in grants.roles.get(role_id, ()):
        depts = set(grants.custom_depts.get(grant.rmbp_id, ()))
        if not can_grant_range(user, grant.button_id, grant.data_range, depts):
            return False
    mine = held_fields(user)
    for field_id, flags in grants.field_perms.get(role_id, {}).items():
        have = mine.get(field_id, (False, False, False))
        if any(want and not ok for want, ok in zip(flags, have, strict=True)):
            return False
    return True
