"""Dictionaries: two levels, dictionary (its ``value`` is the code) → its values.

No data scope (the original leaves it off). A dictionary's code is unique among the top-level
rows and a value unique within its dictionary, both ignoring case on every database (MariaDB's
collation compares that way anyway). Every committed write refreshes the shared dictionary cache
through the session listener of :mod:`blueprints.system_config.cache`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import request

from app.core import envelope
from app.core.crud import Resource
from app.core.errors import ApiError
from app.core.listing import (
    apply_filters,
    apply_ordering,
    auto_filter_spec,
    coerce_value,
    page_args,
    paginate,
)
from app.extensions import db
from blueprints.dictionary.models import Dictionary
from blueprints.dictionary.schemas import DictionaryWriteSchema

# Columns that are NOT NULL without a database default: a null in the body keeps the stored value.

DICTIONARY_FILTERS = auto_filter_spec(
    Dictionary,
    fk_columns=("parent_id",),
    search=[("label", lambda term: Dictionary.label.icontains(term, autoescape=True))],
    default_ordering=["sort"],
)
# ``parent`` picks the level the list shows (see DictionaryResource.list_response).
DICTIONARY_FILTERS.fields.pop("parent", None)
DICTIONARY_FILTERS.fields.pop("parent_id", None)


def _missing_parent(value: Any) -> ApiError:
    return ApiError(f"父级:无效主键 “{value}” - 对象不存在。")


class DictionaryResource(Resource):
    """The dictionary CRUD with its two-level tree rules."""

    def validate_write(self, obj: Dictionary | None, data: dict[str, Any], *, creating: bool) -> None:
        """Parent exists and is top level; no loops; code unique at its level (any case)."""
        if isinstance(data.get("value"), str):
            data["value"] = data["value"].strip()
            if not data["value"]:
                raise ApiError("字典编号:该字段不能为空。")
        parent_id = data["parent"] if "parent" in data else getattr(obj, "parent_id", None)
        value = data["value"] if "value" in data else getattr(obj, "value", None)
        moved = obj is None or parent_id != obj.parent_id
        if parent_id is not None and moved:
            self._check_parent(obj, parent_id)
        renamed = obj is None or (value or "").lower() != (obj.value or "").lower()
        if value and (moved or renamed):
            self._check_unique(obj, parent_id, value)

    def _check_parent(self, obj: Dictionary | None, parent_id: int) -> None:
        if obj is not None and parent_id == obj.id:
            raise ApiError("父级:不能选择自己作为父级")
        parent = db.session.execute(
            sa.select(Dictionary.id, Dictionary.parent_id).where(Dictionary.id == parent_id)
        ).first()
        if parent is None:
            raise _missing_parent(parent_id)
        if parent.parent_id is not None:
            # Two levels only: this also refuses moving a dictionary below one of its own values.
            raise ApiError("父级:字典只有两级，不能选择字典值作为父级")
        if obj is not None:
            has_values = db.session.execute(
                sa.select(Dictionary.id).where(Dictionary.parent_id == obj.id).limit(1)
            ).first()
            if has_values:
                raise ApiError("父级:该字典下还有字典值，不能移到其他字典之下")

    def _check_unique(self, obj: Dictionary | None, parent_id: int | None, value: str) -> None:
        level = Dictionary.parent_id.is_(None) if parent_id is None else Dictionary.parent_id == parent_id
        stmt = sa.select(Dictionary.id).where(level, sa.func.lower(Dictionary.value) == value.lower())
        if obj is not None:
            stmt = stmt.where(Dictionary.id != obj.id)
        if db.session.execute(stmt.limit(1)).first():
            if parent_id is None:
                raise ApiError("字典编号:字典编号不能重复")
            raise ApiError("字典编号:同一字典下的值不能重复")

    def before_delete(self, objs: Sequence[Dictionary]) -> None:
        """Refuse to delete a dictionary that still has values (the original's PROTECT)."""
        ids = {obj.id for obj in objs}
        if not ids:
            return
        counts = dict(
            db.session.execute(
                sa.select(Dictionary.parent_id, sa.func.count())
                .where(Dictionary.parent_id.in_(ids), Dictionary.id.not_in(ids))
                .group_by(Dictionary.parent_id)
            ).all()
        )
        for obj in objs:
            if counts.get(obj.id):
                name = obj.label or obj.value
                raise ApiError(f"字典“{name}”下还有{counts[obj.id]}个字典值，请先删除字典值")

    def list_response(self):
        """Values of ``?parent=<id>``, or the top-level dictionaries; filtered, searched, paginated."""
        raw = (request.args.get("parent") or "").strip()
        stmt = self.query()
        if raw:
            stmt = stmt.where(Dictionary.parent_id == coerce_value("parent", Dictionary.parent_id, raw))
        else:
            stmt = stmt.where(Dictionary.parent_id.is_(None))
        spec = self.visible_filters()
        stmt = apply_ordering(apply_filters(stmt, spec), spec)
        args = page_args()
        rows, total = paginate(db.session, stmt, args)
        return envelope.paged(self.serialize(rows), page=args.page, limit=args.limit, total=total)


resource = DictionaryResource(
    model=Dictionary,
    filters=DICTIONARY_FILTERS,
    create_schema=DictionaryWriteSchema,
    fk_columns=("parent_id",),
    scoped=False,
)
