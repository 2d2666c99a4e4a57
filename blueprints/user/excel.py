"""User export, import templates and import (contract §6.3 user, §6.4; differences #12, #14, #15, #20, #27)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from flask import request

from app.core import envelope
from app.core.auth import current_user, revoke_user_tokens
from app.core.datascope import reachable_depts
from app.core.errors import ApiError
from app.core.excel import (
    KEY_LABEL,
    ExportColumn,
    ImportField,
    ImportRow,
    export_response,
    read_uploaded_import,
    stream_rows,
    template_response,
    visible_columns,
)
from app.core.listing import apply_filters, apply_ordering
from app.core.passwords import make_password, run_off_hub
from app.core.permissions import (
    bump_permission_version,
    check_field_writes,
    current_access,
    current_grants,
    hidden_fields,
    role_within_holdings,
)
from app.core.serialize import stamp_core_fields
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.role.models import Role
from blueprints.user.admin import UserResource, default_password, unlock
from blueprints.user.models import User, users_role

WIRE_MODEL = "Users"
EXPORT_FILENAME = "导出用户表.xlsx"
TEMPLATE_FILENAME = "导入用户表模板.xlsx"
UPDATE_TEMPLATE_FILENAME = "更新用户表模板.xlsx"

EXPORT_COLUMNS = [
    ExportColumn("username", "用户账号", "username"),
    ExportColumn("name", "用户名称", "name"),
    ExportColumn("email", "用户邮箱", "email"),
    ExportColumn("mobile", "手机号码", "mobile"),
    ExportColumn("gender", "用户性别", "gender"),
    ExportColumn("is_active", "帐号状态", "is_active"),
    ExportColumn("last_login", "最后登录时间", "last_login"),
    ExportColumn("dept_name", "部门名称", "dept"),
    ExportColumn("dept_owner", "部门负责人", "dept"),
]
GENDER_TEXT = {0: "未知", 1: "男", 2: "女"}
# The model's mapping (differences #27), not the original import's inverted one.
GENDER_CHOICES = {"未知": 0, "男": 1, "女": 2}
ACTIVE_CHOICES = {"启用": True, "禁用": False}
# The export writes 停用; accept it back.
ACTIVE_ALIASES = {"停用": False}
CHUNK = 1000


def import_fields(dept_names: Sequence[str] = (), role_names: Sequence[str] = ()) -> list[ImportField]:
    """The import columns in template order; drop-down lists for depts and roles."""
    return [
        ImportField("username", "登录账号", required=True, max_length=50),
        ImportField("name", "用户名称", required=True, max_length=40),
        ImportField("email", "用户邮箱", max_length=255, email=True),
        ImportField("mobile", "手机号码", max_length=255),
        ImportField("gender", "用户性别", choices=GENDER_CHOICES),
        ImportField("is_active", "帐号状态", choices=ACTIVE_CHOICES, aliases=ACTIVE_ALIASES),
        ImportField("dept", "部门", options=list(dept_names)),
        ImportField("role", "角色", options=list(role_names), many=True),
    ]


def _visible_fields(fields: list[ImportField]) -> list[ImportField]:
    hidden = hidden_fields(current_user(), WIRE_MODEL)
    return [f for f in fields if f.name not in hidden]


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


# ---- what the caller may pick -------------------------------------------------------------------


def reachable_active_depts() -> list[tuple[int, str]]:
    """``(id, name)`` of the active depts this request may place users in, by sort."""
    stmt = sa.select(Dept.id, Dept.name).where(Dept.status.is_(True)).order_by(Dept.sort, Dept.id)
    reach = reachable_depts(current_access())
    if reach is not None:
        if not reach:
            return []
        stmt = stmt.where(Dept.id.in_(sorted(reach)))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def grantable_roles() -> list[tuple[int, str]]:
    """``(id, name)`` of the roles the caller may hand out (differences #12)."""
    caller = current_user()
    rows = db.session.execute(sa.select(Role.id, Role.name).order_by(Role.sort, Role.id)).all()
    return [(row.id, row.name) for row in rows if role_within_holdings(caller, row.id)]


def _unique_names(pairs: Sequence[tuple[int, str]]) -> list[str]:
    return list(dict.fromkeys(name for _id, name in pairs if name))


# ---- export -------------------------------------------------------------------------------------


def filtered_query(resource: UserResource) -> sa.Select:
    """The list's rows for this request: scope, filters, search, ``show_all`` subtree, ordering."""
    args = request.args.copy()
    stmt = resource.query()
    if args.get("show_all") == "1" and (args.get("dept") or "").strip():
        try:
            dept_id = int(args["dept"])
        except ValueError:
            raise ApiError("dept:请填写合法的整数值。") from None
        stmt = stmt.where(User.dept_id.in_(current_grants().subtree(dept_id)))
        args.pop("dept")
    spec = resource.visible_filters()
    return apply_ordering(apply_filters(stmt, spec, args), spec, args)


def export_users(resource: UserResource):
    """The xlsx of the users this request may see, without hidden columns."""
    columns = visible_columns(EXPORT_COLUMNS, hidden_fields(current_user(), WIRE_MODEL))
    stmt = filtered_query(resource).with_only_columns(
        User.username,
        User.name,
        User.email,
        User.mobile,
        User.gender,
        User.is_active,
        User.last_login,
        User.dept_id,
    )
    # depts are few: read them before the server-side cursor holds the connection
    depts = {
        row.id: (row.name, row.owner) for row in db.session.execute(sa.select(Dept.id, Dept.name, Dept.owner))
    }

    def rows() -> Iterator[dict[str, Any]]:
        for row in stream_rows(db.session, stmt):
            dept = depts.get(row.dept_id, (None, None))
            yield {
                "username": row.username,
                "name": row.name,
                "email": row.email,
                "mobile": row.mobile,
                "gender": GENDER_TEXT.get(row.gender, "未知"),
                "is_active": "启用" if row.is_active else "停用",
                "last_login": row.last_login,
                "dept_name": dept[0],
                "dept_owner": dept[1],
            }

    return export_response(EXPORT_FILENAME, columns, rows())


# ---- templates -----------------------------------------------------------------------------------


def import_template():
    """The empty import template with drop-downs for gender, status, depts and roles."""
    fields = import_fields(_unique_names(reachable_active_depts()), _unique_names(grantable_roles()))
    return template_response(TEMPLATE_FILENAME, _visible_fields(fields))


def update_template(resource: UserResource):
    """The update template: the key column and every user this request may see."""
    fields = _visible_fields(
        import_fields(_unique_names(reachable_active_depts()), _unique_names(grantable_roles()))
    )
    # role ids per user in the same streamed query (MariaDB and SQLite both have group_concat)
    role_list = (
        sa.select(sa.func.group_concat(users_role.c.role_id))
        .where(users_role.c.users_id == User.id)
        .scalar_subquery()
    )
    stmt = filtered_query(resource).with_only_columns(
        User.id,
        User.username,
        User.name,
        User.email,
        User.mobile,
        User.gender,
        User.is_active,
        User.dept_id,
        role_list.label("role_ids"),
    )
    dept_names = current_grants().dept_name
    role_names = dict(db.session.execute(sa.select(Role.id, Role.name)).all())

    def rows() -> Iterator[list[Any]]:
        for row in stream_rows(db.session, stmt):
            role_ids = sorted(int(r) for r in str(row.role_ids or "").split(",") if r.strip())
            values = {
                "username": row.username,
                "name": row.name,
                "email": row.email,
                "mobile": row.mobile,
                "gender": row.gender if row.gender in GENDER_TEXT else 0,
                "is_active": bool(row.is_active),
                "dept": dept_names.get(row.dept_id),
                "role": [role_names[r] for r in role_ids if r in role_names],
            }
            yield [row.id, *(f.display(values[f.name]) for f in fields)]

    return template_response(UPDATE_TEMPLATE_FILENAME, fields, rows(), with_key=True)


# ---- import --------------------------------------------------------------------------------------


def _by_name(pairs: Sequence[tuple[int, str]]) -> dict[str, list[int]]:
    names: dict[str, list[int]] = {}
    for id_, name in pairs:
        names.setdefault(name, []).append(id_)
    return names


def _resolve_one(names: dict[str, list[int]], name: str) -> tuple[int | None, str | None]:
    ids = names.get(name, [])
    if not ids:
        return None, f"“{name}”不存在或超出数据权限范围"
    if len(ids) > 1:
        return None, f"“{name}”对应多个部门，请先修改重名的部门"
    return ids[0], None


def import_users(resource: UserResource, body: dict[str, Any]):
    """Create or update users from an uploaded file; every row is checked, nothing is written on error."""
    caller = current_user()
    fields = import_fields()
    labels = {f.name: f.label for f in fields}
    rows, errors, existing = read_uploaded_import(resource, body, fields, CHUNK)
    current_roles: dict[int, set[int]] = {k: set() for k in existing}
    for chunk in _chunks(list(existing)):
        for user_id, role_id in db.session.execute(
            sa.select(users_role.c.users_id, users_role.c.role_id).where(users_role.c.users_id.in_(chunk))
        ):
            current_roles[user_id].add(role_id)

    dept_names = _by_name(reachable_active_depts())
    all_depts = current_grants().dept_name
    scoped_caller = reachable_depts(current_access()) is not None
    role_rows = db.session.execute(sa.select(Role.id, Role.name)).all()
    roles_by_name = _by_name([(r.id, r.name) for r in role_rows])
    taken = _taken_usernames([row.values["username"] for row in rows if "username" in row.values])

    seen_usernames: dict[str, int] = {}
    plans: list[tuple[ImportRow, User | None, dict[str, Any]]] = []
    for row in rows:
        obj = None
        if row.key is not None:
            obj = existing.get(row.key)
            if obj is None:
                errors.add(row.number, KEY_LABEL, f"用户“{row.key}”不存在或无权修改")
                continue
        data = dict(row.values)
        username = data.get("username")
        if username is not None:
            lowered = username.lower()
            if lowered in seen_usernames:
                errors.add(row.number, labels["username"], f"与第{seen_usernames[lowered]}行重复")
            else:
                seen_usernames[lowered] = row.number
                owner = taken.get(lowered)
                if owner is not None and (obj is None or owner != obj.id):
                    errors.add(row.number, labels["username"], "已存在")
        if "dept" in data:
            name = data["dept"]
            if obj is not None and obj.dept_id is not None and all_depts.get(obj.dept_id) == name:
                data["dept"] = obj.dept_id  # unchanged, even if outside the caller's reach now
            else:
                dept_id, problem = _resolve_one(dept_names, name)
                if problem:
                    errors.add(row.number, labels["dept"], problem)
                    data.pop("dept")
                else:
                    data["dept"] = dept_id
        if "role" in data:
            wanted: list[int] = []
            for name in data["role"]:
                ids = roles_by_name.get(name, [])
                if not ids:
                    errors.add(row.number, labels["role"], f"“{name}”不存在")
                elif len(ids) > 1:
                    errors.add(row.number, labels["role"], f"“{name}”对应多个角色，请先修改重名的角色")
                else:
                    wanted.append(ids[0])
            held = current_roles.get(obj.id, set()) if obj is not None else set()
            if obj is not None and obj.id == caller.id and set(wanted) != held:
                errors.add(row.number, labels["role"], "不能修改自己的角色")
            for role_id in set(wanted) - held:
                if not role_within_holdings(caller, role_id):
                    names = next(n for i, n in role_rows if i == role_id)
                    errors.add(row.number, labels["role"], f"不能授予超出自身权限的角色“{names}”")
            data["role"] = list(dict.fromkeys(wanted))
        if obj is not None and obj.id == caller.id and data.get("is_active") is False:
            errors.add(row.number, labels["is_active"], "不能禁用自己的账号")
        if obj is None and scoped_caller and "dept" not in row.values:
            # a caller limited to some depts cannot create users outside every dept (#12)
            errors.add(row.number, labels["dept"], "该字段是必填项。")
        current = None
        if obj is not None:
            current = {
                "username": obj.username,
                "name": obj.name,
                "email": obj.email,
                "mobile": obj.mobile,
                "gender": obj.gender,
                "is_active": bool(obj.is_active),
                "dept": obj.dept_id,
                "role": sorted(current_roles.get(obj.id, set())),
            }
        try:
            check_field_writes(caller, WIRE_MODEL, data, current, labels)
        except ApiError as refusal:
            label, _, text = refusal.msg.partition(":")
            errors.add(row.number, label, text or refusal.msg)
        plans.append((row, obj, data))
    errors.raise_if_any()
    created, updated = _write(caller, plans, {r.id: r for r in _roles([p[2].get("role", []) for p in plans])})
    return envelope.detail({"created": created, "updated": updated}, "导入成功！")


def _taken_usernames(usernames: list[str]) -> dict[str, int]:
    """``{lowercased username: user id}`` of existing users (any case, superusers included)."""
    lowered = sorted({u.lower() for u in usernames})
    found: dict[str, int] = {}
    for chunk in _chunks(lowered):
        for user_id, username in db.session.execute(
            sa.select(User.id, User.username).where(sa.func.lower(User.username).in_(chunk))
        ):
            found[username.lower()] = user_id
    return found


def _roles(lists: list[list[int]]) -> list[Role]:
    wanted = sorted({r for ids in lists for r in ids})
    if not wanted:
        return []
    return list(db.session.execute(sa.select(Role).where(Role.id.in_(wanted))).scalars())


def _default_password_hash() -> str:
    value = default_password()
    # Without a configured default the account cannot log in until an admin sets a password.
    return run_off_hub(make_password, value) if value else ""


def _write(caller: User, plans: list[tuple[ImportRow, User | None, dict[str, Any]]], roles: dict[int, Role]):
    created = updated = 0
    password = _default_password_hash() if any(obj is None for _r, obj, _d in plans) else ""
    for _row, obj, data in plans:
        creating = obj is None
        if creating:
            obj = User(gender=0, is_active=True, user_type=0, password=password, pwd_change_count=0)
            db.session.add(obj)
        was_active = bool(obj.is_active)
        for key in ("username", "name", "email", "mobile", "gender", "is_active"):
            if key in data:
                setattr(obj, key, data[key])
        if "dept" in data:
            obj.dept_id = data["dept"]
            obj.dept_belong_id = str(obj.dept_id)
        if not obj.name:
            obj.name = obj.username
        if "role" in data:
            obj.role = [roles[r] for r in data["role"] if r in roles]
        stamp_core_fields(obj, caller, creating=creating)
        if creating:
            created += 1
            continue
        updated += 1
        if "is_active" in data:
            if data["is_active"] and (not was_active or obj.login_error_count):
                unlock(obj)
            if not data["is_active"] and was_active:
                revoke_user_tokens(obj)
    db.session.commit()
    bump_permission_version()
    return created, updated
