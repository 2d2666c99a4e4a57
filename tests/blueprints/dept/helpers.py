"""Test helpers for the dept and menu areas: users holding exact buttons, menus, menu grants."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from app.extensions import db
from tests.support.factories import grant, make_button, make_role, make_user

NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
NO_TOKEN = {"code": 401, "data": None, "msg": "身份认证信息未提供。"}
NOT_FOUND = {"code": 400, "data": None, "msg": "接口地址不正确"}
LIST_KEYS = ["code", "page", "limit", "total", "data", "msg"]
DETAIL_KEYS = ["code", "data", "msg"]
METHODS = {"get": 0, "post": 1, "put": 2, "patch": 2, "delete": 3}

_seq = itertools.count(1)


def user_with(app, buttons, data_range: int = 3, dept=None, depts=()):
    """A user whose one role holds ``buttons`` (``[(api, method)]``) with ``data_range``.

    With ``data_range=4`` the grants reach ``depts``.
    """
    role = make_role(app, f"r{next(_seq)}x")
    for api, method in buttons:
        button = make_button(app, api, method)
        if data_range == 4:
            grant_custom(app, role, button, depts)
        else:
            grant(app, role, button, data_range)
    user = make_user(app, dept=dept, roles=[role])
    user.role = role
    return user


def grant_custom(app, role, button, depts) -> None:
    """Give ``role`` the ``button`` with the custom range (4) over ``depts``."""
    from app.core.permissions import bump_permission_version
    from blueprints.permission.models import RoleMenuButtonPermission, role_menu_button_permission_dept

    with app.app_context():
        row = RoleMenuButtonPermission(role_id=role.id, menu_button_id=button.id, data_range=4)
        db.session.add(row)
        db.session.flush()
        for dept in depts:
            db.session.execute(
                role_menu_button_permission_dept.insert().values(
                    rolemenubuttonpermission_id=row.id, dept_id=getattr(dept, "id", dept)
                )
            )
        db.session.commit()
        bump_permission_version()


def make_menu(app, name: str | None = None, parent=None, **fields) -> SimpleNamespace:
    """A menu."""
    from blueprints.menu.models import Menu

    with app.app_context():
        menu = Menu(
            name=name or f"菜单{next(_seq)}",
            sort=fields.pop("sort", 1),
            parent_id=getattr(parent, "id", parent),
            **fields,
        )
        db.session.add(menu)
        db.session.commit()
        return SimpleNamespace(id=menu.id, name=menu.name, parent_id=menu.parent_id)


def grant_menu(app, role, *menus) -> None:
    """Grant ``menus`` to ``role`` (RoleMenuPermission) and invalidate the compiled grants."""
    from app.core.permissions import bump_permission_version
    from blueprints.permission.models import RoleMenuPermission

    with app.app_context():
        for menu in menus:
            db.session.add(RoleMenuPermission(role_id=role.id, menu_id=menu.id))
        db.session.commit()
        bump_permission_version()


def call(client, method: str, url: str, headers=None, body=None):
    """Send a request with a JSON body (GET sends none) and return the response."""
    kwargs = {"headers": headers or {}}
    if body is not None:
        kwargs["json"] = body
    return getattr(client, method)(url, **kwargs)
