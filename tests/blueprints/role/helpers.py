"""Small builders and readers shared by the role and grant tests."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from app.extensions import db
from tests.support.factories import grant, make_button, make_role, make_user

ROLE = "/api/system/role/"
RMBP = "/api/system/role_menu_button_permission/"
RMP = "/api/system/role_menu_permission/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
NOT_FOUND = {"code": 400, "data": None, "msg": "接口地址不正确"}
PAGE_KEYS = ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
DETAIL_KEYS = ["code", "data", "msg"]
LIST_KEYS = ["code", "page", "limit", "total", "data", "msg"]
ROLE_KEYS = {
    "id",
    "modifier_name",
    "creator_name",
    "create_datetime",
    "update_datetime",
    "users",
    "description",
    "modifier",
    "dept_belong_id",
    "name",
    "key",
    "sort",
    "status",
    "creator",
}


def staff(app, *buttons: tuple[str, int, int], dept=None, role_fields=None, **user_fields) -> SimpleNamespace:
    """A user whose one role holds each ``(api, method, data_range)`` button; returns user and role."""
    role = make_role(app, **(role_fields or {}))
    made = []
    for api, method, data_range in buttons:
        button = make_button(app, api, method)
        grant(app, role, button, data_range)
        made.append(button)
    user = make_user(app, dept=dept, roles=[role], **user_fields)
    return SimpleNamespace(user=user, role=role, buttons=made)


def add_button(app, role, api: str, method: int, data_range: int = 3, depts=()):
    """Grant ``role`` a new button (with custom depts for range 4); returns the button."""
    from blueprints.permission.models import RoleMenuButtonPermission, role_menu_button_permission_dept

    button = make_button(app, api, method)
    grant(app, role, button, data_range)
    if depts:
        with app.app_context():
            rmbp_id = db.session.execute(
                sa.select(RoleMenuButtonPermission.id).where(
                    RoleMenuButtonPermission.role_id == role.id,
                    RoleMenuButtonPermission.menu_button_id == button.id,
                )
            ).scalar_one()
            db.session.execute(
                sa.insert(role_menu_button_permission_dept),
                [{"rolemenubuttonpermission_id": rmbp_id, "dept_id": getattr(d, "id", d)} for d in depts],
            )
            db.session.commit()
            _bump()
    return button


def _bump():
    from app.core.permissions import bump_permission_version

    bump_permission_version()


def make_menu(app, name: str = "菜单", parent=None, **fields) -> SimpleNamespace:
    """A menu."""
    from blueprints.menu.models import Menu

    with app.app_context():
        menu = Menu(name=name, sort=fields.pop("sort", 1), parent_id=getattr(parent, "id", parent), **fields)
        db.session.add(menu)
        db.session.commit()
        return SimpleNamespace(id=menu.id, name=menu.name)


def grant_menu(app, role, menu) -> None:
    """Give ``role`` the ``menu``."""
    from blueprints.permission.models import RoleMenuPermission

    with app.app_context():
        db.session.add(RoleMenuPermission(role_id=role.id, menu_id=getattr(menu, "id", menu)))
        db.session.commit()
        _bump()


def make_field(app, menu, field_name: str = "name", model: str = "Role", title: str | None = None):
    """A column (MenuField) of ``model`` under ``menu``."""
    from blueprints.menu.models import MenuField

    with app.app_context():
        row = MenuField(
            menu_id=getattr(menu, "id", menu), model=model, field_name=field_name, title=title or field_name
        )
        db.session.add(row)
        db.session.commit()
        _bump()
        return SimpleNamespace(id=row.id, field_name=field_name)


def grant_field(app, role, field, is_query=True, is_create=True, is_update=True) -> None:
    """Give ``role`` column flags on ``field``."""
    from blueprints.permission.models import FieldPermission

    with app.app_context():
        db.session.add(
            FieldPermission(
                role_id=role.id,
                field_id=field.id,
                is_query=is_query,
                is_create=is_create,
                is_update=is_update,
            )
        )
        db.session.commit()
        _bump()


def grant_tables(app) -> dict[str, list[tuple]]:
    """Every row of the grant and membership tables, to show that nothing was written."""
    from blueprints.permission.models import (
        FieldPermission,
        RoleMenuButtonPermission,
        RoleMenuPermission,
        role_menu_button_permission_dept,
    )
    from blueprints.role.models import Role
    from blueprints.user.models import users_role

    rmbp = RoleMenuButtonPermission
    fp = FieldPermission
    links = role_menu_button_permission_dept.c
    queries = {
        "roles": sa.select(Role.id, Role.name, Role.key, Role.status),
        "members": sa.select(users_role.c.users_id, users_role.c.role_id),
        "menus": sa.select(RoleMenuPermission.role_id, RoleMenuPermission.menu_id),
        "buttons": sa.select(rmbp.id, rmbp.role_id, rmbp.menu_button_id, rmbp.data_range),
        "depts": sa.select(links.rolemenubuttonpermission_id, links.dept_id),
        "fields": sa.select(fp.role_id, fp.field_id, fp.is_query, fp.is_create, fp.is_update),
    }
    with app.app_context():
        return {name: sorted(tuple(r) for r in db.session.execute(q)) for name, q in queries.items()}


def members(app, role) -> list[int]:
    """User ids holding ``role`` (one per membership row, duplicates shown)."""
    from blueprints.user.models import users_role

    with app.app_context():
        return sorted(
            db.session.execute(
                sa.select(users_role.c.users_id).where(users_role.c.role_id == getattr(role, "id", role))
            ).scalars()
        )


def superuser(app):
    """A superuser."""
    return make_user(app, superuser=True)
