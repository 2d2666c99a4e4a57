"""Writing grants: menus, buttons with data ranges and custom depts, and column flags.

A non-superuser may grant or revoke only what they hold themselves: a menu of their enabled
roles, a button with a data range no wider than their own grant of it and custom depts within its
reach, and column flags their roles have (differences #12, contract §5.5 and §12.2.3). The role
being changed must be within this request's data scope. The plain CRUD of the grant tables
bypasses those checks, so its writes are for superusers only. Every write ends with
:func:`bump_permission_version`, and setting a grant twice keeps one row (differences #25).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from app.core.auth import current_user
from app.core.crud import MSG_NOT_FOUND, Resource
from app.core.datascope import apply_scope
from app.core.errors import ApiError
from app.core.listing import auto_filter_spec
from app.core.permissions import (
    bump_permission_version,
    can_grant_range,
    held_buttons,
    held_fields,
    held_menus,
    scope_depts_of,
)
from app.core.serialize import stamp_core_fields
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.menu.models import Menu, MenuButton, MenuField
from blueprints.permission.models import (
    FieldPermission,
    RoleMenuButtonPermission,
    RoleMenuPermission,
    role_menu_button_permission_dept,
)
from blueprints.permission.schemas import (
    RoleMenuButtonPermissionCreateSchema,
    RoleMenuButtonPermissionUpdateSchema,
    RoleMenuPermissionCreateSchema,
)
from blueprints.role.models import Role

RMBP = RoleMenuButtonPermission
LINKS = role_menu_button_permission_dept
FLAGS = ("is_query", "is_create", "is_update")
FLAG_NAMES = {"is_query": "查询", "is_create": "新增", "is_update": "编辑"}

MSG_SUPERUSER_ONLY = "只有超级管理员可以直接修改授权记录，请使用角色授权页面"
MSG_MENU_NOT_HELD = "您没有该菜单的权限，不能授予或收回"
MSG_BUTTON_NOT_HELD = "您没有该按钮的权限，不能授予或收回"
MSG_RANGE_TOO_WIDE = "data_range:不能授予超出您自己数据权限范围的数据权限"
MSG_DEPTS_OUT_OF_REACH = "dept:所选部门超出了您自己的数据权限范围"


# ---- lookups ---------------------------------------------------------------------------------


def scoped_role(role_id: int, *, label: str = "roleId", not_found_400: bool = False) -> Role:
    """A role this request may change (its data scope applies), or a refusal."""
    stmt = apply_scope(sa.select(Role).where(Role.id == role_id), Role)
    role = db.session.execute(stmt).scalar_one_or_none()
    if role is None:
        if not_found_400:
            raise ApiError(MSG_NOT_FOUND, 400)
        raise ApiError(f"{label}:角色不存在或不在您的数据权限范围内")
    return role


def _get_or_refuse(model: type, obj_id: int, label: str, what: str) -> Any:
    obj = db.session.get(model, obj_id)
    if obj is None:
        raise ApiError(f"{label}:{what}不存在")
    return obj


def check_depts_exist(dept_ids: Iterable[int], label: str = "dept") -> list[int]:
    """The ids, de-duplicated, once every one is a dept."""
    ids = list(dict.fromkeys(dept_ids or ()))
    if ids:
        found = set(db.session.execute(sa.select(Dept.id).where(Dept.id.in_(ids))).scalars())
        missing = [i for i in ids if i not in found]
        if missing:
            raise ApiError(f"{label}:部门不存在：{', '.join(map(str, missing))}")
    return ids


def require_superuser() -> None:
    """Refuse the plain grant CRUD's writes to anyone but a superuser."""
    user = current_user()
    if user is None or not user.is_superuser:
        raise ApiError(MSG_SUPERUSER_ONLY)


# ---- what the caller may hand out (differences #12) ------------------------------------------


def check_button_grant(button_id: int, data_range: int, depts: Sequence[int]) -> None:
    """Refuse a button, range or custom depts wider than the caller's own grant of that button."""
    user = current_user()
    if user.is_superuser:
        return
    held = held_buttons(user).get(button_id)
    if held is None:
        raise ApiError(MSG_BUTTON_NOT_HELD)
    if depts:
        # Stored depts count once the range becomes 4, so they must be in reach whatever the range.
        reach = scope_depts_of(user, held)
        if reach is not None and not set(depts) <= reach:
            raise ApiError(MSG_DEPTS_OUT_OF_REACH)
    # Custom depts and "the member's own dept (and below)" do not compare: a caller holding only
    # custom depts could otherwise hand out range 1/2, which reaches depts they never could.
    # (permissions.can_grant_range lets range 2 through for a held range 4.)
    if held.data_range == 4 and data_range in (1, 2):
        raise ApiError(MSG_RANGE_TOO_WIDE)
    if not can_grant_range(user, button_id, data_range, set(depts)):
        raise ApiError(MSG_RANGE_TOO_WIDE)


def check_button_revoke(button_id: int) -> None:
    """Refuse revoking a button the caller does not hold."""
    user = current_user()
    if not user.is_superuser and button_id not in held_buttons(user):
        raise ApiError(MSG_BUTTON_NOT_HELD)


def check_menus(menu_ids: Iterable[int]) -> None:
    """Refuse granting or revoking menus the caller does not hold."""
    user = current_user()
    if user.is_superuser:
        return
    if not set(menu_ids) <= held_menus(user):
        raise ApiError(MSG_MENU_NOT_HELD)


# ---- menus ---------------------------------------------------------------------------------


def menu_rows(menus: Sequence[Menu], role_id: int) -> list[dict[str, Any]]:
    """``[{id, name, parent, is_catalog, isCheck}]`` for the role, one query for the checks."""
    ids = [m.id for m in menus]
    checked: set[int] = set()
    if ids:
        checked = set(
            db.session.execute(
                sa.select(RoleMenuPermission.menu_id).where(
                    RoleMenuPermission.role_id == role_id, RoleMenuPermission.menu_id.in_(ids)
                )
            ).scalars()
        )
    return [
        {
            "id": m.id,
            "name": m.name,
            "parent": m.parent_id,
            "is_catalog": bool(m.is_catalog),
            "isCheck": m.id in checked,
        }
        for m in menus
    ]


def role_menus(role_id: int) -> list[dict[str, Any]]:
    """Every menu with whether the role has it."""
    scoped_role(role_id)
    menus = list(db.session.execute(sa.select(Menu).order_by(Menu.sort, Menu.id)).scalars())
    return menu_rows(menus, role_id)


def set_role_menu(role_id: int, menu_id: int, is_check: bool) -> dict[str, Any]:
    """Grant (one row, however often) or revoke a menu."""
    role = scoped_role(role_id)
    menu = _get_or_refuse(Menu, menu_id, "menuId", "菜单")
    check_menus([menu.id])
    _sync_menus(role.id, add=[menu.id] if is_check else [], remove=[] if is_check else [menu.id])
    db.session.commit()
    bump_permission_version()
    return menu_rows([menu], role.id)[0]


def _sync_menus(role_id: int, *, add: Iterable[int], remove: Iterable[int]) -> list[RoleMenuPermission]:
    """Ensure one row per added menu (extra duplicates deleted) and none per removed menu."""
    add, remove = list(add), list(remove)
    rows = list(
        db.session.execute(
            sa.select(RoleMenuPermission)
            .where(RoleMenuPermission.role_id == role_id, RoleMenuPermission.menu_id.in_(add + remove))
            .order_by(RoleMenuPermission.id)
        ).scalars()
    )
    kept: set[int] = set()
    for row in rows:
        if row.menu_id in add and row.menu_id not in kept:
            kept.add(row.menu_id)
        else:
            db.session.delete(row)
    created = []
    for menu_id in dict.fromkeys(add):
        if menu_id not in kept:
            row = RoleMenuPermission(role_id=role_id, menu_id=menu_id)
            stamp_core_fields(row, current_user(), creating=True)
            db.session.add(row)
            created.append(row)
    db.session.flush()
    return created


def save_auth(role_id: int, menu_ids: Sequence[int]) -> list[RoleMenuPermission]:
    """Make the role's menus exactly ``menu_ids``; returns the rows created."""
    role = scoped_role(role_id, label="role")
    wanted = list(dict.fromkeys(menu_ids))
    if wanted:
        found = set(db.session.execute(sa.select(Menu.id).where(Menu.id.in_(wanted))).scalars())
        missing = [i for i in wanted if i not in found]
        if missing:
            raise ApiError(f"menu:菜单不存在：{', '.join(map(str, missing))}")
    current = set(
        db.session.execute(
            sa.select(RoleMenuPermission.menu_id).where(RoleMenuPermission.role_id == role.id)
        ).scalars()
    )
    removed = current - set(wanted)
    added = [m for m in wanted if m not in current]
    check_menus(removed | set(added))
    # Every wanted menu is synced too, so duplicates of existing grants go as well.
    created = _sync_menus(role.id, add=wanted, remove=sorted(removed))
    db.session.commit()
    bump_permission_version()
    return created


# ---- buttons ---------------------------------------------------------------------------------


def _grants_of(role_id: int, button_ids: Sequence[int]) -> dict[int, list[RoleMenuButtonPermission]]:
    result: dict[int, list[RoleMenuButtonPermission]] = {}
    if not button_ids:
        return result
    rows = db.session.execute(
        sa.select(RMBP)
        .where(RMBP.role_id == role_id, RMBP.menu_button_id.in_(list(button_ids)))
        .order_by(RMBP.id)
    ).scalars()
    for row in rows:
        result.setdefault(row.menu_button_id, []).append(row)
    return result


def _depts_of(rmbp_ids: Sequence[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {i: [] for i in rmbp_ids}
    if not rmbp_ids:
        return result
    rows = db.session.execute(
        sa.select(LINKS.c.rolemenubuttonpermission_id, LINKS.c.dept_id)
        .where(LINKS.c.rolemenubuttonpermission_id.in_(list(rmbp_ids)))
        .order_by(LINKS.c.id)
    )
    for rmbp_id, dept_id in rows:
        result[rmbp_id].append(dept_id)
    return result


def button_rows(buttons: Sequence[MenuButton], role_id: int) -> list[dict[str, Any]]:
    """``[{id, menu, name, isCheck, data_range, role_menu_btn_perm_id, dept}]`` in two queries."""
    grants = _grants_of(role_id, [b.id for b in buttons])
    firsts = {bid: rows[0] for bid, rows in grants.items()}
    depts = _depts_of([g.id for g in firsts.values()])
    out = []
    for button in buttons:
        grant = firsts.get(button.id)
        out.append(
            {
                "id": button.id,
                "menu": button.menu_id,
                "name": button.name,
                "isCheck": grant is not None,
                "data_range": None if grant is None else grant.data_range,
                "role_menu_btn_perm_id": None if grant is None else grant.id,
                "dept": None if grant is None else depts.get(grant.id, []),
            }
        )
    return out


def field_rows(fields: Sequence[MenuField], role_id: int) -> list[dict[str, Any]]:
    """``[{id, field_name, title, is_query, is_create, is_update}]`` (false without a grant)."""
    flags: dict[int, FieldPermission] = {}
    if fields:
        rows = db.session.execute(
            sa.select(FieldPermission)
            .where(FieldPermission.role_id == role_id, FieldPermission.field_id.in_([f.id for f in fields]))
            .order_by(FieldPermission.id)
        ).scalars()
        for row in rows:
            flags.setdefault(row.field_id, row)
    out = []
    for f in fields:
        perm = flags.get(f.id)
        item = {"id": f.id, "field_name": f.field_name, "title": f.title}
        for flag in FLAGS:
            item[flag] = bool(getattr(perm, flag)) if perm is not None else False
        out.append(item)
    return out


def role_menu_btn_field(role_id: int, menu_id: int) -> dict[str, Any]:
    """The buttons and columns of a menu with the role's grants of them."""
    scoped_role(role_id)
    _get_or_refuse(Menu, menu_id, "menuId", "菜单")
    buttons = list(
        db.session.execute(
            sa.select(MenuButton)
            .where(MenuButton.menu_id == menu_id)
            .order_by(MenuButton.name.desc(), MenuButton.id)
        ).scalars()
    )
    fields = list(
        db.session.execute(
            sa.select(MenuField).where(MenuField.menu_id == menu_id).order_by(MenuField.id)
        ).scalars()
    )
    return {"menu_btn": button_rows(buttons, role_id), "menu_field": field_rows(fields, role_id)}


def _replace_depts(rmbp_id: int, dept_ids: Sequence[int]) -> None:
    db.session.execute(sa.delete(LINKS).where(LINKS.c.rolemenubuttonpermission_id == rmbp_id))
    if dept_ids:
        db.session.execute(
            sa.insert(LINKS), [{"rolemenubuttonpermission_id": rmbp_id, "dept_id": d} for d in dept_ids]
        )


def _delete_grants(rows: Sequence[RoleMenuButtonPermission]) -> None:
    ids = [row.id for row in rows]
    if ids:
        db.session.execute(sa.delete(LINKS).where(LINKS.c.rolemenubuttonpermission_id.in_(ids)))
        db.session.execute(sa.delete(RMBP).where(RMBP.id.in_(ids)))


def set_role_menu_btn(
    role_id: int, button_id: int, is_check: bool, data_range: int | None, dept_ids: Sequence[int] | None
) -> dict[str, Any]:
    """Grant a button with a range (one row, updated if present) or revoke it."""
    role = scoped_role(role_id)
    button = _get_or_refuse(MenuButton, button_id, "btnId", "按钮")
    data_range = data_range or 0
    depts = check_depts_exist(dept_ids or [])
    if data_range != 4:
        depts = []  # custom depts mean something only for range 4
    if is_check:
        check_button_grant(button.id, data_range, depts)
    else:
        check_button_revoke(button.id)
    rows = _grants_of(role.id, [button.id]).get(button.id, [])
    if is_check:
        grant = rows[0] if rows else None
        _delete_grants(rows[1:])
        if grant is None:
            grant = RMBP(role_id=role.id, menu_button_id=button.id)
            stamp_core_fields(grant, current_user(), creating=True)
            db.session.add(grant)
        else:
            stamp_core_fields(grant, current_user(), creating=False)
        grant.data_range = data_range
        db.session.flush()
        _replace_depts(grant.id, depts)
    else:
        _delete_grants(rows)
    db.session.commit()
    bump_permission_version()
    return button_rows([button], role.id)[0]


def set_data_range(rmbp_id: int, data_range: int, dept_ids: Sequence[int] | None) -> RoleMenuButtonPermission:
    """Set a grant's range and replace its custom depts (an empty list clears them)."""
    grant = _get_or_refuse(RMBP, rmbp_id, "role_menu_btn_perm_id", "授权记录")
    scoped_role(grant.role_id, label="role_menu_btn_perm_id")
    depts = check_depts_exist(dept_ids or [])
    if grant.menu_button_id is not None:
        check_button_grant(grant.menu_button_id, data_range, depts)
    else:
        require_superuser()
    grant.data_range = data_range
    stamp_core_fields(grant, current_user(), creating=False)
    _replace_depts(grant.id, depts)
    db.session.commit()
    bump_permission_version()
    return grant


def dept_choices(button_id: int | None) -> list[dict[str, Any]]:
    """Every dept, disabled unless the caller's own grant of the button reaches it."""
    user = current_user()
    reach: set[int] | None = None
    if not user.is_superuser:
        held = held_buttons(user).get(button_id) if button_id is not None else None
        reach = scope_depts_of(user, held) if held is not None else set()
    rows = db.session.execute(sa.select(Dept.id, Dept.name, Dept.parent_id).order_by(Dept.sort, Dept.id))
    return [
        {"id": i, "name": name, "parent": parent, "disabled": reach is not None and i not in reach}
        for i, name, parent in rows
    ]


# ---- columns ---------------------------------------------------------------------------------


def set_role_menu_field(role_id: int, items: Sequence[dict[str, Any]]) -> None:
    """Upsert the role's flags per column; a non-superuser changes only flags they hold."""
    role = scoped_role(role_id, not_found_400=True)
    wanted: dict[int, dict[str, Any]] = {}
    for item in items:
        wanted[item["id"]] = item
    if not wanted:
        return
    found = set(db.session.execute(sa.select(MenuField.id).where(MenuField.id.in_(list(wanted)))).scalars())
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ApiError(f"id:字段不存在：{', '.join(map(str, missing))}")
    existing: dict[int, list[FieldPermission]] = {}
    for row in db.session.execute(
        sa.select(FieldPermission)
        .where(FieldPermission.role_id == role.id, FieldPermission.field_id.in_(list(wanted)))
        .order_by(FieldPermission.id)
    ).scalars():
        existing.setdefault(row.field_id, []).append(row)
    user = current_user()
    if not user.is_superuser:
        mine = held_fields(user)
        for field_id, item in wanted.items():
            rows = existing.get(field_id)
            have = mine.get(field_id, (False, False, False))
            for index, flag in enumerate(FLAGS):
                before = bool(getattr(rows[0], flag)) if rows else False
                # The SPA sends every column of the menu: unchanged flags pass.
                if bool(item[flag]) != before and not have[index]:
                    raise ApiError(
                        f"{flag}:您没有该列的{FLAG_NAMES[flag]}权限，不能授予或收回（字段 {field_id}）"
                    )
    for field_id, item in wanted.items():
        rows = existing.get(field_id, [])
        for extra in rows[1:]:
            db.session.delete(extra)
        if rows:
            row = rows[0]
            stamp_core_fields(row, user, creating=False)
        else:
            row = FieldPermission(role_id=role.id, field_id=field_id)
            stamp_core_fields(row, user, creating=True)
            db.session.add(row)
        for flag in FLAGS:
            setattr(row, flag, bool(item[flag]))
    db.session.commit()
    bump_permission_version()


# ---- the plain CRUD of the grant tables (superusers write) --------------------------------


class GrantResource(Resource):
    """Plain CRUD over a grant table: anyone with the button reads, only superusers write."""

    # wire name of a body key -> (column, model it points at, label)
    refs: dict[str, tuple[str, type, str]] = {}

    def validate_write(self, obj: Any | None, data: dict[str, Any], *, creating: bool) -> None:
        """Superusers only; referenced rows must exist."""
        require_superuser()
        for key, (_column, model, label) in self.refs.items():
            value = data.get(key)
            if value is not None and db.session.get(model, value) is None:
                raise ApiError(f"{label}:对象不存在")

    def create(self, data):
        """Create, then refresh the compiled grants."""
        created = super().create(data)
        bump_permission_version()
        return created

    def update(self, obj_id: int, data: dict[str, Any]) -> Any:
        """Update, then refresh the compiled grants."""
        obj = super().update(obj_id, data)
        bump_permission_version()
        return obj

    def before_delete(self, objs: Sequence[Any]) -> None:
        """Superusers only."""
        require_superuser()

    def delete(self, objs: Sequence[Any]) -> None:
        """Delete, then refresh the compiled grants."""
        super().delete(objs)
        bump_permission_version()


class ButtonGrantResource(GrantResource):
    """``role_menu_button_permission`` rows, with their custom depts."""

    refs = {
        "role": ("role_id", Role, "关联角色"),
        "menu_button": ("menu_button_id", MenuButton, "关联菜单按钮"),
    }

    def validate_write(self, obj: Any | None, data: dict[str, Any], *, creating: bool) -> None:
        """Superusers only; role, button and depts must exist."""
        super().validate_write(obj, data, creating=creating)
        if data.get("dept"):
            check_depts_exist(data["dept"], "数据权限-关联部门")

    def assign(self, obj: Any, data: dict[str, Any], *, creating: bool) -> None:
        """Columns, then the custom depts once the row has an id."""
        depts = data.get("dept")
        super().assign(obj, {k: v for k, v in data.items() if k != "dept"}, creating=creating)
        if depts is not None:
            if obj.id is None:
                db.session.add(obj)
                db.session.flush()
            _replace_depts(obj.id, list(dict.fromkeys(depts)))

    def before_delete(self, objs: Sequence[Any]) -> None:
        """Superusers only; the custom depts go with the rows."""
        super().before_delete(objs)
        ids = [obj.id for obj in objs]
        if ids:
            db.session.execute(sa.delete(LINKS).where(LINKS.c.rolemenubuttonpermission_id.in_(ids)))


class MenuGrantResource(GrantResource):
    """``role_menu_permission`` rows."""

    refs = {"role": ("role_id", Role, "关联角色"), "menu": ("menu_id", Menu, "关联菜单")}


button_resource = ButtonGrantResource(
    model=RMBP,
    filters=auto_filter_spec(RMBP, fk_columns=("role_id", "menu_button_id")),
    create_schema=RoleMenuButtonPermissionCreateSchema,
    update_schema=RoleMenuButtonPermissionUpdateSchema,
    fk_columns=("role_id", "menu_button_id"),
    m2m={"dept": (LINKS, "rolemenubuttonpermission_id", "dept_id")},
    scoped=False,
)

menu_resource = MenuGrantResource(
    model=RoleMenuPermission,
    filters=auto_filter_spec(RoleMenuPermission, fk_columns=("role_id", "menu_id")),
    create_schema=RoleMenuPermissionCreateSchema,
    fk_columns=("role_id", "menu_id"),
    scoped=False,
)


def grant_dicts(rows: Sequence[RoleMenuButtonPermission]) -> list[dict[str, Any]]:
    """Button grant rows as the plain CRUD serialises them."""
    return button_resource.serialize(rows)


def menu_grant_dicts(rows: Sequence[RoleMenuPermission]) -> list[dict[str, Any]]:
    """Menu grant rows as the plain CRUD serialises them."""
    return menu_resource.serialize(rows)
