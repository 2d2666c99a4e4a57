"""The standard resource routes every system area gets (contract §6.2).

``Resource`` holds what varies per area (model, schemas, filters, serialisation, scope);
``register_crud`` adds list/create, retrieve/update/PATCH/delete, ``multiple_delete`` and
``get_by_ids`` to a blueprint. Services of an area subclass ``Resource`` to add rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask.views import MethodView

from app.core import envelope
from app.core.auth import current_user
from app.core.datascope import apply_scope
from app.core.errors import ApiError
from app.core.listing import FilterSpec, apply_filters, apply_ordering, page_args, paginate, without_fields
from app.core.openapi import EnvelopeBlueprint
from app.core.openapi import envelope as envelope_doc
from app.core.permissions import check_field_writes, hidden_fields
from app.core.serialize import serialize_rows, stamp_core_fields
from app.core.validation import ApiSchema
from app.extensions import db

MSG_NOT_FOUND = "接口地址不正确"
MAX_ID = 2**63 - 1


class KeysSchema(ApiSchema):
    """``multiple_delete`` body."""

    keys = ma.fields.List(ma.fields.Raw(), load_default=None)


class IdsSchema(ApiSchema):
    """``get_by_ids`` body."""

    ids = ma.fields.List(ma.fields.Raw(), load_default=None)


def parse_ids(values: Sequence[Any] | None, name: str) -> list[int]:
    """Integer ids from a body list; blanks are dropped, anything else is refused by name."""
    ids: list[int] = []
    for value in values or []:
        if value in ("", None):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise ApiError(f"{name}:请填写合法的整数值。") from None
        if not -MAX_ID <= number <= MAX_ID:
            raise ApiError(f"{name}:请填写合法的整数值。")
        ids.append(number)
    return ids


@dataclass
class Resource:
    """What one CRUD resource needs; override the hooks for an area's own rules."""

    model: type
    filters: FilterSpec
    create_schema: type[ApiSchema]
    update_schema: type[ApiSchema] | None = None
    fk_columns: Sequence[str] = ()
    exclude: Sequence[str] = ()
    m2m: dict[str, tuple[sa.Table, str, str]] = field(default_factory=dict)
    paginated: bool = True
    base_filter: Callable[[sa.Select], sa.Select] | None = None
    # Data scope by dept_belong_id (differences #14); off for resources the original left open.
    scoped: bool = True
    # Column permissions by the model's MenuField rows (differences #15).
    column_permissions: bool = True

    # ---- queries ---------------------------------------------------------------

    def query(self) -> sa.Select:
        """Rows this resource serves before filters: the base filter and the data scope."""
        stmt = sa.select(self.model)
        if self.base_filter is not None:
            stmt = self.base_filter(stmt)
        return self.scope(stmt)

    def scope(self, stmt: sa.Select) -> sa.Select:
        """Data scope of the caller (contract §5.4)."""
        if not self.scoped:
            return stmt
        return apply_scope(stmt, self.model)

    @property
    def wire_model(self) -> str:
        """The original's class name of the model, as MenuField rows store it."""
        return getattr(self.model, "wire_name", "") or self.model.__name__

    def labels(self) -> dict[str, str]:
        """Field labels of the input schema, for messages that name a field."""
        schema = self.create_schema()
        return {(f.data_key or n): f.metadata.get("label") or n for n, f in schema.fields.items()}

    def get_or_400(self, obj_id: int) -> Any:
        """One row visible to the caller, or code 400 接口地址不正确 (as the original)."""
        if not 0 < obj_id <= MAX_ID:
            raise ApiError(MSG_NOT_FOUND, 400)
        pk = sa.inspect(self.model).primary_key[0]
        obj = db.session.execute(self.query().where(pk == obj_id)).scalar_one_or_none()
        if obj is None:
            raise ApiError(MSG_NOT_FOUND, 400)
        return obj

    def retrieve(self, obj_id: int) -> Any:
        """The row the retrieve route returns (areas add side effects, e.g. marking it read)."""
        return self.get_or_400(obj_id)

    def visible(self, ids: Sequence[int]) -> list[Any]:
        """Rows among ``ids`` visible to the caller."""
        if not ids:
            return []
        pk = sa.inspect(self.model).primary_key[0]
        return list(db.session.execute(self.query().where(pk.in_(ids))).scalars())

    # ---- serialisation ---------------------------------------------------------

    def to_dicts(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """Wire dicts for rows, in a fixed number of queries (areas add computed keys here)."""
        return serialize_rows(rows, fk_columns=self.fk_columns, exclude=self.exclude, m2m=self.m2m)

    def serialize(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """Wire dicts without the fields the caller may not see."""
        dicts = self.to_dicts(rows)
        if self.column_permissions:
            hidden = hidden_fields(current_user(), self.wire_model)
            if hidden:
                for row in dicts:
                    for name in hidden:
                        row.pop(name, None)
        return dicts

    def serialize_one(self, obj: Any) -> dict[str, Any]:
        """Wire dict for one row."""
        return self.serialize([obj])[0]

    # ---- writes ------------------------------------------------------------------

    def assign(self, obj: Any, data: dict[str, Any], *, creating: bool) -> None:
        """Copy validated input onto the row.

        A foreign key arrives under its wire name (``parent``) and goes to its column
        (``parent_id``, as listed in ``fk_columns``); a null for a NOT NULL column keeps the stored
        value, or the model's default on create (the SPA sends empty form fields as null).
        """
        columns = sa.inspect(self.model).columns
        for key, value in data.items():
            attr = f"{key}_id" if f"{key}_id" in self.fk_columns else key
            column = columns.get(attr)
            if value is None and column is not None and not column.nullable:
                continue
            setattr(obj, attr, value)

    def validate_write(self, obj: Any | None, data: dict[str, Any], *, creating: bool) -> None:
        """Business rules before a write (uniqueness, references …); raise ApiError."""

    def check_columns(self, obj: Any | None, data: dict[str, Any]) -> None:
        """Refuse writes to columns the caller may not create or change."""
        if not self.column_permissions:
            return
        current = None if obj is None else self.to_dicts([obj])[0]
        check_field_writes(current_user(), self.wire_model, data, current, self.labels())

    def create(self, data: dict[str, Any] | list[dict[str, Any]]) -> list[Any]:
        """Create one row or, for a list, all of them in one transaction."""
        items = data if isinstance(data, list) else [data]
        created = []
        for item in items:
            self.check_columns(None, item)
            self.validate_write(None, item, creating=True)
            obj = self.model()
            self.assign(obj, item, creating=True)
            stamp_core_fields(obj, current_user(), creating=True)
            db.session.add(obj)
            db.session.flush()
            created.append(obj)
        db.session.commit()
        return created

    def update(self, obj_id: int, data: dict[str, Any]) -> Any:
        """Update a visible row."""
        obj = self.get_or_400(obj_id)
        self.check_columns(obj, data)
        self.validate_write(obj, data, creating=False)
        self.assign(obj, data, creating=False)
        stamp_core_fields(obj, current_user(), creating=False)
        db.session.commit()
        return obj

    def before_delete(self, objs: Sequence[Any]) -> None:
        """Refuse deletes of rows in use and clear dependants (traps #7)."""

    def delete(self, objs: Sequence[Any]) -> None:
        """Delete visible rows in one transaction."""
        self.before_delete(objs)
        for obj in objs:
            db.session.delete(obj)
        db.session.commit()

    # ---- the list ----------------------------------------------------------------

    def visible_filters(self) -> FilterSpec:
        """The filter spec without the fields the caller may not see."""
        if not self.column_permissions:
            return self.filters
        return without_fields(self.filters, hidden_fields(current_user(), self.wire_model))

    def list_response(self):
        """The list route's envelope: filtered, ordered, paginated."""
        spec = self.visible_filters()
        stmt = apply_ordering(apply_filters(self.query(), spec), spec)
        if not self.paginated:
            rows = list(db.session.execute(stmt).scalars())
            return envelope.listing(self.serialize(rows))
        args = page_args()
        rows, total = paginate(db.session, stmt, args)
        return envelope.paged(self.serialize(rows), page=args.page, limit=args.limit, total=total)


def register_crud(
    blp: EnvelopeBlueprint,
    resource: Resource,
    item_schema: type[ma.Schema] | None = None,
    *,
    create: bool = True,
    update: bool = True,
) -> None:
    """Add the standard routes of ``resource`` to ``blp`` (paths relative to its prefix).

    ``create=False`` leaves out POST on the list (an area with its own create, e.g. a multipart
    upload, registers it beside); ``update=False`` leaves out PUT and PATCH (read-and-delete
    resources). Retrieval goes through :meth:`Resource.retrieve`.
    """
    create_schema = resource.create_schema
    update_schema = resource.update_schema or create_schema
    # A distinct class keeps the PATCH schema's OpenAPI name apart from the PUT one.
    partial_schema = type(
        f"{update_schema.__name__.removesuffix('Schema')}PartialSchema", (update_schema,), {}
    )
    list_kind = "page" if resource.paginated else "list"
    name = resource.model.__name__

    @blp.response(200, envelope_doc(item_schema, list_kind))
    def list_rows(self):
        """List with filters, search, ordering and pagination."""
        return resource.list_response()

    @blp.arguments(create_schema)
    @blp.response(200, envelope_doc(item_schema))
    def create_rows(self, body):
        """Create one row, or several when the body is a JSON array."""
        created = resource.create(body)
        data = resource.serialize(created)
        return envelope.detail(data if isinstance(body, list) else data[0], "新增成功")

    @blp.response(200, envelope_doc(item_schema))
    def retrieve_row(self, id):  # noqa: A002 - the path parameter is named id (decisions #10)
        """Retrieve one row."""
        return envelope.detail(resource.serialize_one(resource.retrieve(id)), "获取成功")

    @blp.arguments(update_schema)
    @blp.response(200, envelope_doc(item_schema))
    def update_row(self, body, id):  # noqa: A002
        """Update a whole row."""
        return envelope.detail(resource.serialize_one(resource.update(id, body)), "更新成功")

    @blp.arguments(partial_schema(partial=True))
    @blp.response(200, envelope_doc(item_schema))
    def patch_row(self, body, id):  # noqa: A002
        """Update some fields of a row."""
        return envelope.detail(resource.serialize_one(resource.update(id, body)), "更新成功")

    @blp.response(200, envelope_doc())
    def delete_row(self, id):  # noqa: A002
        """Delete one row."""
        resource.delete([resource.get_or_400(id)])
        return envelope.detail([], "删除成功")

    list_methods = {"get": list_rows, **({"post": create_rows} if create else {})}
    item_methods = {"get": retrieve_row, "delete": delete_row}
    if update:
        item_methods.update(put=update_row, patch=patch_row)
    blp.route("/", endpoint=f"{name}_list")(type(f"{name}ListView", (MethodView,), list_methods))
    blp.route("/<int:id>/", endpoint=f"{name}_item")(type(f"{name}ItemView", (MethodView,), item_methods))

    @blp.route("/multiple_delete/", endpoint=f"{name}_multiple_delete", methods=["DELETE"])
    @blp.arguments(KeysSchema)
    @blp.response(200, envelope_doc(None, "list"))
    def multiple_delete(body):
        """Delete the rows whose ids are in ``keys`` (only those the caller may see)."""
        if body.get("keys") is None:
            raise ApiError("未获取到keys字段", 400)
        ids = parse_ids(body["keys"], "keys")
        resource.delete(resource.visible(ids))
        return envelope.listing([], "删除成功")

    @blp.route("/get_by_ids/", endpoint=f"{name}_get_by_ids", methods=["POST"])
    @blp.arguments(IdsSchema)
    @blp.response(200, envelope_doc(item_schema, "list"))
    def get_by_ids(body):
        """Rows by id (only those the caller may see); ``data`` is null for no ids."""
        ids = parse_ids(body.get("ids"), "ids")
        if not ids:
            return envelope.detail(None)
        return envelope.detail(resource.serialize(resource.visible(ids)))
