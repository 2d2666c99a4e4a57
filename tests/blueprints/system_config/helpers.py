"""Config rows and staff users for tests."""

from __future__ import annotations

from types import SimpleNamespace

from app.extensions import db
from tests.support.factories import grant, make_button, make_role, make_user


def make_config(app, key: str, parent=None, value=None, **fields) -> SimpleNamespace:
    """A config group (no parent) or an item of a group."""
    from blueprints.system_config.models import SystemConfig

    with app.app_context():
        row = SystemConfig(
            key=key,
            title=fields.pop("title", key),
            parent_id=getattr(parent, "id", parent),
            value=value,
            sort=fields.pop("sort", 0),
            status=fields.pop("status", True),
            form_item_type=fields.pop("form_item_type", 0),
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return SimpleNamespace(id=row.id, key=row.key, parent_id=row.parent_id)


def config_row(app, row_id: int):
    """The stored row (or None)."""
    from blueprints.system_config.models import SystemConfig

    with app.app_context():
        return db.session.get(SystemConfig, row_id)


def staff_with(app, dept, buttons, data_range=3):
    """A non-superuser in ``dept`` whose role holds ``buttons`` [(api, method)]."""
    role = make_role(app)
    for api, method in buttons:
        grant(app, role, make_button(app, api, method), data_range)
    return make_user(app, dept=dept, roles=[role])
