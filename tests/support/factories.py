"""Factories for test rows. Each opens its own app context and returns plain values."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

from app.core.passwords import make_hash, md5_hex
from app.extensions import db

_seq = itertools.count(1)
PASSWORD = "Passw0rd!x"


def _snapshot(obj: Any, *names: str) -> SimpleNamespace:
    return SimpleNamespace(**{n: getattr(obj, n) for n in names})


def make_dept(app, name: str | None = None, parent=None, **fields) -> SimpleNamespace:
    """A department."""
    from blueprints.dept.models import Dept

    with app.app_context():
        dept = Dept(
            name=name or f"部门{next(_seq)}",
            sort=fields.pop("sort", 1),
            status=fields.pop("status", True),
            parent_id=getattr(parent, "id", parent),
            **fields,
        )
        db.session.add(dept)
        db.session.commit()
        return _snapshot(dept, "id", "name", "parent_id")


def make_role(app, key: str | None = None, *, status: bool = True, **fields) -> SimpleNamespace:
    """A role."""
    from blueprints.role.models import Role

    n = next(_seq)
    with app.app_context():
        role = Role(
            name=fields.pop("name", f"角色{n}"),
            key=key or f"role{n}",
            sort=fields.pop("sort", n),
            status=status,
            **fields,
        )
        db.session.add(role)
        db.session.commit()
        return _snapshot(role, "id", "name", "key", "status")


def make_user(
    app,
    username: str | None = None,
    *,
    password: str = PASSWORD,
    stored_hash: str | None = None,
    dept=None,
    roles=(),
    superuser: bool = False,
    active: bool = True,
    **fields,
) -> SimpleNamespace:
    """A user whose stored hash is pbkdf2(md5(password)), as the original writes it."""
    from blueprints.role.models import Role
    from blueprints.user.models import User

    n = next(_seq)
    with app.app_context():
        user = User(
            username=username or f"user{n}",
            name=fields.pop("name", f"用户{n}"),
            password=stored_hash or make_hash(md5_hex(password)),
            is_superuser=superuser,
            is_active=active,
            dept_id=getattr(dept, "id", dept),
            dept_belong_id=str(getattr(dept, "id", dept)) if dept is not None else None,
            **fields,
        )
        if roles:
            user.role = [db.session.get(Role, getattr(r, "id", r)) for r in roles]
        db.session.add(user)
        db.session.commit()
        snap = _snapshot(user, "id", "username", "name", "dept_id", "is_superuser")
        snap.password = password
        return snap


def make_button(app, api: str, method: int = 0, value: str | None = None, menu=None) -> SimpleNamespace:
    """A menu button (creating a menu when none is given)."""
    from blueprints.menu.models import Menu, MenuButton

    n = next(_seq)
    with app.app_context():
        if menu is None:
            menu_row = Menu(name=f"菜单{n}", sort=1)
            db.session.add(menu_row)
            db.session.flush()
            menu_id = menu_row.id
        else:
            menu_id = getattr(menu, "id", menu)
        button = MenuButton(
            name=f"按钮{n}", value=value or f"btn:{n}", api=api, method=method, menu_id=menu_id
        )
        db.session.add(button)
        db.session.commit()
        return _snapshot(button, "id", "api", "method", "value", "menu_id")


def grant(app, role, button, data_range: int = 3) -> None:
    """Give ``role`` the ``button`` with a data range, and invalidate the compiled grants."""
    from app.core.permissions import bump_permission_version
    from blueprints.permission.models import RoleMenuButtonPermission

    with app.app_context():
        db.session.add(
            RoleMenuButtonPermission(role_id=role.id, menu_button_id=button.id, data_range=data_range)
        )
        db.session.commit()
        bump_permission_version()


def set_config(app, group: str, key: str, value: Any, **fields) -> None:
    """Create or change a system config value ``group.key``."""
    import sqlalchemy as sa

    from blueprints.system_config.models import SystemConfig

    with app.app_context():
        parent = db.session.execute(
            sa.select(SystemConfig).where(SystemConfig.key == group, SystemConfig.parent_id.is_(None))
        ).scalar_one_or_none()
        if parent is None:
            parent = SystemConfig(title=group, key=group, sort=0, status=True, form_item_type=0)
            db.session.add(parent)
            db.session.flush()
        row = db.session.execute(
            sa.select(SystemConfig).where(SystemConfig.key == key, SystemConfig.parent_id == parent.id)
        ).scalar_one_or_none()
        if row is None:
            row = SystemConfig(
                title=key,
                key=key,
                parent_id=parent.id,
                sort=0,
                status=True,
                form_item_type=fields.pop("form_item_type", 0),
            )
            db.session.add(row)
        row.value = value
        db.session.commit()


def token_for(app, user) -> dict[str, str]:
    """Issue tokens for a user directly (no login round trip)."""
    from app.core.auth import issue_tokens
    from blueprints.user.models import User

    with app.app_context(), app.test_request_context():
        row = db.session.get(User, user.id)
        access, refresh = issue_tokens(row)
        return {"access": access, "refresh": refresh}
