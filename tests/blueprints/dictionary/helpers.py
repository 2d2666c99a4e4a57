"""Dictionary rows for tests."""

from __future__ import annotations

from types import SimpleNamespace

from app.extensions import db


def make_dict(app, value: str, parent=None, **fields) -> SimpleNamespace:
    """A dictionary (no parent) or one of its values."""
    from blueprints.dictionary.models import Dictionary

    with app.app_context():
        row = Dictionary(
            value=value,
            label=fields.pop("label", value),
            parent_id=getattr(parent, "id", parent),
            type=fields.pop("type", 0),
            is_value=fields.pop("is_value", parent is not None),
            status=fields.pop("status", True),
            sort=fields.pop("sort", 1),
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return SimpleNamespace(id=row.id, value=row.value, parent_id=row.parent_id)


def dict_row(app, row_id: int):
    """The stored row (or None)."""
    from blueprints.dictionary.models import Dictionary

    with app.app_context():
        return db.session.get(Dictionary, row_id)
