"""Test helpers for the area tests: area rows, users holding exact buttons, column rows."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import sqlalchemy as sa

from app.extensions import db
from tests.support.factories import grant, make_button, make_role, make_user

URL = "/api/system/area/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
NOT_FOUND = {"code": 400, "data": None, "msg": "接口地址不正确"}
PAGE_KEYS = ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
LIST_KEYS = ["code", "page", "limit", "total", "data", "msg"]
DETAIL_KEYS = ["code", "data", "msg"]
# A row's keys in the original's order (examples/area_root.json).
ROW_KEYS = [
    "id",
    "modifier_name",
    "creator_name",
    "create_datetime",
    "update_datetime",
    "pcode_count",
    "hasChild",
    "pcode_info",
    "description",
    "modifier",
    "dept_belong_id",
    "name",
    "code",
    "level",
    "pinyin",
    "initials",
    "enable",
    "creator",
    "pcode",
]

_seq = itertools.count(1)


def make_area(app, name: str, code: str, parent=None, *, enable: bool = True, level: int | None = None):
    """An area below ``parent`` (a snapshot or None), its level one below the parent's."""
    from blueprints.area.models import Area
    from blueprints.area.services import initials_of, to_pinyin

    with app.app_context():
        pinyin = to_pinyin(name)
        row = Area(
            name=name,
            code=code,
            level=level or (parent.level + 1 if parent else 1),
            pinyin=pinyin,
            initials=initials_of(pinyin),
            enable=enable,
            pcode_id=parent.code if parent else None,
        )
        db.session.add(row)
        db.session.commit()
        return SimpleNamespace(id=row.id, name=name, code=code, level=row.level, pcode_id=row.pcode_id)


def area_row(app, area_id: int):
    """The stored row as a namespace, or None."""
    from blueprints.area.models import Area

    with app.app_context():
        row = db.session.get(Area, area_id)
        if row is None:
            return None
        return SimpleNamespace(**{c: getattr(row, c) for c in row.__mapper__.columns.keys()})


def area_by_code(app, code: str):
    """The stored row with ``code``, or None."""
    from blueprints.area.models import Area

    with app.app_context():
        area_id = db.session.execute(sa.select(Area.id).where(Area.code == code)).scalar_one_or_none()
    return None if area_id is None else area_row(app, area_id)


def count_areas(app) -> int:
    """Rows in the area table."""
    from blueprints.area.models import Area

    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Area)).scalar_one()


def staff_with(app, buttons):
    """A non-superuser whose one role holds ``buttons`` ``[(api, method)]``."""
    role = make_role(app, f"area{next(_seq)}")
    for api, method in buttons:
        grant(app, role, make_button(app, api, method), 3)
    user = make_user(app, roles=[role])
    user.role = role
    return user


def make_field(app, field_name: str, model: str = "Area"):
    """A column (MenuField) of ``model``."""
    from app.core.permissions import bump_permission_version
    from blueprints.menu.models import Menu, MenuField

    with app.app_context(), app.test_request_context():
        menu = Menu(name=f"地区{next(_seq)}", sort=1)
        db.session.add(menu)
        db.session.flush()
        row = MenuField(menu_id=menu.id, model=model, field_name=field_name, title=field_name)
        db.session.add(row)
        db.session.commit()
        bump_permission_version()
        return SimpleNamespace(id=row.id, field_name=field_name)


def grant_field(app, role, field, *, is_query=True, is_create=True, is_update=True) -> None:
    """Give ``role`` column flags on ``field``."""
    from app.core.permissions import bump_permission_version
    from blueprints.permission.models import FieldPermission

    with app.app_context(), app.test_request_context():
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
        bump_permission_version()
