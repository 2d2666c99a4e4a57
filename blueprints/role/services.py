"""Roles: CRUD rules, members, and the no-escalation rules of membership changes.

Membership changes by a non-superuser (differences #12, contract §12.2.3) need: a role whose
grants are all held by the caller, target users that exist, are not superusers, are not the
caller, and are within the caller's reach for this request. Deleting a role in use is refused
(differences #18); otherwise its grants go with it (traps #7).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import Resource
from app.core.datascope import apply_scope, reachable_depts
from app.core.errors import ApiError
from app.core.listing import auto_filter_spec, page_args
from app.core.permissions import bump_permission_version, current_access, role_within_holdings
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.role.models import Role
from blueprints.role.schemas import RoleCreateSchema, RoleUpdateSchema
from blueprints.user.models import User, users_role

MSG_KEY_TAKEN = "权限字符必须唯一"
MSG_NAME_TAKEN = "角色名称:该字段必须唯一。"
MSG_PICK_ROLE = "请选择角色"
MSG_PICK_USERS = "请选择用户"
MSG_SELF = "不能修改自己的角色"
MSG_SUPERUSER = "不能修改超级管理员的角色"
MSG_ROLE_EXCEEDS = "该角色的权限超出了您自己拥有的权限，不能分配或移除其成员"
MSG_ENABLE_EXCEEDS = "该角色的权限超出了您自己拥有的权限，不能启用"


def role_members(role_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """``{role id: [{id, name, dept__name}]}`` of non-superuser members, in one query."""
    result: dict[int, list[dict[str, Any]]] = {rid: [] for rid in role_ids}
    if not role_ids:
        return result
    link = users_role.c
    rows = db.session.execute(
        sa.select(link.role_id, User.id, User.name, Dept.name)
        .join(User, User.id == link.users_id)
        .outerjoin(Dept, Dept.id == User.dept_id)
        .where(link.role_id.in_(list(role_ids)), User.is_superuser.is_(False))
        .order_by(link.id)
    )
    for role_id, user_id, name, dept_name in rows:
        result.setdefault(role_id, []).append({"id": user_id, "name": name, "dept__name": dept_name})
    return result


class RoleResource(Resource):
    """The role resource: members on every row, unique keys, deletes only of unused roles."""

    def to_dicts(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """Columns plus ``users``, two queries for the whole page (names, members)."""
        dicts = super().to_dicts(rows)
        members = role_members([row.id for row in rows])
        for row, out in zip(rows, dicts, strict=True):
            out["users"] = members.get(row.id, [])
        return dicts

    def validate_write(self, obj: Role | None, data: dict[str, Any], *, creating: bool) -> None:
        """``key`` unique ignoring case (decisions #27), ``name`` unique; no enabling beyond one's grants."""
        own_id = None if obj is None else obj.id
        key = data.get("key")
        if key is not None and _taken(Role.key, key, own_id):
            raise ApiError(MSG_KEY_TAKEN, 400)
        name = data.get("name")
        if name is not None and _taken(Role.name, name, own_id):
            raise ApiError(MSG_NAME_TAKEN)
        user = current_user()
        enabling = obj is not None and data.get("status") is True and not obj.status
        # Re-enabling a disabled role would hand its grants back to its members.
        if enabling and not user.is_superuser and not role_within_holdings(user, obj.id):
            raise ApiError(MSG_ENABLE_EXCEEDS)

    def create(self, data):
        """Create, then refresh the compiled grants (a role's status is part of them)."""
        created = super().create(data)
        bump_permission_version()
        return created

    def update(self, obj_id: int, data: dict[str, Any]) -> Role:
        """Update; a changed status invalidates the compiled grants."""
        before = bool(self.get_or_400(obj_id).status)
        obj = super().update(obj_id, data)
        if bool(obj.status) != before:
            bump_permission_version()
        return obj

    def before_delete(self, objs: Sequence[Role]) -> None:
        """Refuse roles that users hold; delete the grants of the others (traps #7)."""
        ids = [obj.id for obj in objs]
        if not ids:
            return
        link = users_role.c
        counts = dict(
            db.session.execute(
                sa.select(link.role_id, sa.func.count()).where(link.role_id.in_(ids)).group_by(link.role_id)
            ).all()
        )
        for obj in objs:
            if counts.get(obj.id):
                raise ApiError(f"角色“{obj.name}”已分配给 {counts[obj.id]} 个用户，请先移除这些用户再删除")
        delete_role_grants(ids)

    def delete(self, objs: Sequence[Role]) -> None:
        """Delete, then invalidate the compiled grants."""
        super().delete(objs)
        bump_permission_version()


def _taken(column: Any, value: str, own_id: int | None) -> bool:
    stmt = sa.select(Role.id).where(sa.func.lower(column) == value.lower())
    if own_id is not None:
        stmt = stmt.where(Role.id != own_id)
    return db.session.execute(stmt.limit(1)).first() is not None


def delete_role_grants(role_ids: Sequence[int]) -> None:
    """Delete the menu, button (with custom depts), column and message links of roles."""
    from blueprints.message.models import message_center_target_role
    from blueprints.permission.models import (
        FieldPermission,
        RoleMenuButtonPermission,
        RoleMenuPermission,
        role_menu_button_permission_dept,
    )

    rmbp_ids = sa.select(RoleMenuButtonPermission.id).where(RoleMenuButtonPermission.role_id.in_(role_ids))
    links = role_menu_button_permission_dept.c
    session = db.session
    session.execute(
        sa.delete(role_menu_button_permission_dept).where(
            links.rolemenubuttonpermission_id.in_(rmbp_ids.scalar_subquery())
        )
    )
    for model in (RoleMenuButtonPermission, RoleMenuPermission, FieldPermission):
        session.execute(sa.delete(model).where(model.role_id.in_(role_ids)))
    session.execute(
        sa.delete(message_center_target_role).where(message_center_target_role.c.role_id.in_(role_ids))
    )


resource = RoleResource(
    model=Role,
    filters=auto_filter_spec(
        Role,
        search=[
            lambda q: Role.name.icontains(q, autoescape=True),
            lambda q: Role.key.icontains(q, autoescape=True),
        ],
        default_ordering=["sort"],
    ),
    create_schema=RoleCreateSchema,
    update_schema=RoleUpdateSchema,
)


# ---- members -------------------------------------------------------------------------------


def role_users_response(args: dict[str, Any]):
    """``get_role_users``: members (``authorized=1``) or non-members, paginated and scoped."""
    role_id = args.get("role_id")
    if role_id is None:
        raise ApiError(MSG_PICK_ROLE, 400)
    # The role itself must be one this request may see.
    if db.session.execute(apply_scope(sa.select(Role.id).where(Role.id == role_id), Role)).first() is None:
        raise ApiError("role_id:角色不存在")
    link = users_role.c
    member = sa.exists().where(link.users_id == User.id, link.role_id == role_id)
    authorized = str(args.get("authorized") or "").strip().lower() in {"1", "true"}
    stmt = (
        sa.select(User.id, User.name, Dept.name.label("dept__name"))
        .outerjoin(Dept, Dept.id == User.dept_id)
        .where(User.is_superuser.is_(False), member if authorized else ~member)
    )
    if args.get("name"):
        stmt = stmt.where(User.name.icontains(args["name"].strip(), autoescape=True))
    if args.get("dept") is not None:
        stmt = stmt.where(User.dept_id == args["dept"])
    stmt = apply_scope(stmt, User)
    paging = page_args()
    total = db.session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
    rows = []
    if paging.offset < total:
        rows = db.session.execute(
            stmt.order_by(User.create_datetime.desc(), User.id.desc())
            .limit(paging.limit)
            .offset(paging.offset)
        ).all()
    data = [{"id": r.id, "name": r.name, "dept__name": r.dept__name} for r in rows]
    return envelope.paged(data, page=paging.page, limit=paging.limit, total=total)


def _unique(ids: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _check_member_change(role: Role, user_ids: list[int]) -> None:
    """Refuse unknown users always; for non-superusers every rule of differences #12."""
    targets = list(db.session.execute(sa.select(User).where(User.id.in_(user_ids))).scalars())
    missing = sorted(set(user_ids) - {t.id for t in targets})
    if missing:
        raise ApiError(f"用户不存在：{', '.join(map(str, missing))}")
    caller = current_user()
    if caller.is_superuser:
        return
    if caller.id in user_ids:
        raise ApiError(MSG_SELF)
    if not role_within_holdings(caller, role.id):
        raise ApiError(MSG_ROLE_EXCEEDS)
    reach = reachable_depts(current_access())
    for target in targets:
        if target.is_superuser:
            raise ApiError(MSG_SUPERUSER)
        if reach is not None and target.dept_id not in reach and target.creator_id != caller.id:
            raise ApiError(f"用户“{target.name}”不在您的数据权限范围内")


def change_members(role_id: int, user_ids: Sequence[int], *, add: bool) -> Role:
    """Add or remove members of a visible role, idempotently; refresh the compiled grants."""
    role = resource.get_or_400(role_id)
    ids = _unique(user_ids)
    if not ids:
        raise ApiError(MSG_PICK_USERS, 400)
    _check_member_change(role, ids)
    link = users_role.c
    if add:
        held = set(
            db.session.execute(
                sa.select(link.users_id).where(link.role_id == role.id, link.users_id.in_(ids))
            ).scalars()
        )
        new = [{"users_id": uid, "role_id": role.id} for uid in ids if uid not in held]
        if new:
            db.session.execute(sa.insert(users_role), new)
    else:
        db.session.execute(sa.delete(users_role).where(link.role_id == role.id, link.users_id.in_(ids)))
    db.session.commit()
    bump_permission_version()
    return role
