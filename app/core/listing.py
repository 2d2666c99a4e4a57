"""List queries: pagination, per-field filters, search, date ranges and ordering (contract §2.3-2.4)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import request
from werkzeug.datastructures import MultiDict

from app.core.errors import ApiError

MAX_LIMIT = 999
DEFAULT_LIMIT = 10
# Query parameters that never act as field filters.
RESERVED_PARAMS = {
    "page",
    "limit",
    "search",
    "ordering",
    "query",
    "create_datetime_after",
    "create_datetime_before",
    "update_datetime_after",
    "update_datetime_before",
}
TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


@dataclass
class PageArgs:
    """The requested page and its size."""

    page: int
    limit: int

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.limit


def page_args(args: MultiDict | None = None, default_limit: int = DEFAULT_LIMIT) -> PageArgs:
    """Read ``page`` and ``limit`` with the edge rules of differences #24."""
    args = request.args if args is None else args
    raw_page = (args.get("page") or "").strip()
    if raw_page == "":
        page = 1
    else:
        try:
            page = int(raw_page)
        except ValueError:
            page = 0
        if page < 1:
            raise ApiError("page:请填写合法的整数值。")
    try:
        limit = int((args.get("limit") or "").strip() or default_limit)
    except ValueError:
        limit = default_limit
    if limit <= 0:
        limit = default_limit
    return PageArgs(page=page, limit=min(limit, MAX_LIMIT))


Clause = Any
# A search term builds a clause from the search text; a (field name, builder) pair names the
# field it reads, so it can be dropped when that field is hidden from the caller.
SearchTerm = Callable[[str], Clause] | tuple[str, Callable[[str], Clause]]


@dataclass
class FilterSpec:
    """How one list view filters, searches and orders.

    ``fields`` maps a query parameter to ``(column, lookup)``; lookups are ``exact`` and
    ``icontains``. ``m2m`` maps a parameter to a callable building the clause for one id.
    ``search`` holds callables taking the search text. ``ordering_fields`` maps a name to a
    column; ``default_ordering`` is a list of ``field`` / ``-field`` names.
    """

    model: type
    fields: dict[str, tuple[Any, str]] = field(default_factory=dict)
    m2m: dict[str, Callable[[int], Clause]] = field(default_factory=dict)
    search: list[SearchTerm] = field(default_factory=list)
    ordering_fields: dict[str, Any] = field(default_factory=dict)
    default_ordering: list[str] = field(default_factory=list)
    date_ranges: bool = True


def django_name(column_key: str, fk_columns: Iterable[str]) -> str:
    """Wire name of a column: a foreign key ``dept_id`` is ``dept`` as in Django."""
    if column_key in fk_columns and column_key.endswith("_id"):
        return column_key[: -len("_id")]
    return column_key


def auto_filter_spec(
    model: type,
    *,
    fk_columns: Iterable[str] = (),
    exact_only: Iterable[str] | None = None,
    m2m: dict[str, Callable[[int], Clause]] | None = None,
    search: list[SearchTerm] | None = None,
    default_ordering: list[str] | None = None,
) -> FilterSpec:
    """Build the spec Django's ``filter_fields='__all__'`` would give.

    Every column is a filter: strings with ``icontains``, everything else exact, JSON skipped.
    With ``exact_only`` (a view's explicit ``filter_fields`` list) only those fields filter,
    all exactly, strings included.
    """
    fk_columns = set(fk_columns) | {"creator_id"}
    mapper = sa.inspect(model)
    fields: dict[str, tuple[Any, str]] = {}
    ordering: dict[str, Any] = {}
    allowed = set(exact_only) if exact_only is not None else None
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        name = django_name(attr.key, fk_columns)
        col = getattr(model, attr.key)
        ordering[name] = col
        if name != attr.key:
            ordering[attr.key] = col
        if isinstance(column.type, sa.JSON):
            continue
        if allowed is not None:
            if name in allowed:
                fields[name] = (col, "exact")
            continue
        lookup = "icontains" if _is_string(column.type) else "exact"
        fields[name] = (col, lookup)
        if name != attr.key:
            fields[attr.key] = (col, lookup)
    m2m = dict(m2m or {})
    if allowed is not None:
        m2m = {k: v for k, v in m2m.items() if k in allowed}
    return FilterSpec(
        model=model,
        fields=fields,
        m2m=m2m,
        search=list(search or []),
        ordering_fields=ordering,
        default_ordering=list(default_ordering or ["-create_datetime"]),
    )


def _is_string(type_: sa.types.TypeEngine) -> bool:
    return isinstance(type_, (sa.String, sa.Text)) and not isinstance(type_, sa.Enum)


def _python_type(column: Any) -> type | None:
    try:
        return column.type.python_type
    except (NotImplementedError, AttributeError):
        return None


def coerce_value(name: str, column: Any, raw: str) -> Any:
    """Turn a query-string value into the column's type, or refuse naming the field."""
    py = _python_type(column)
    value = raw.strip()
    if py is bool:
        lowered = value.lower()
        if lowered in TRUE_VALUES:
            return True
        if lowered in FALSE_VALUES:
            return False
        raise ApiError(f"{name}:必须是有效的布尔值。")
    if py is int:
        try:
            number = int(value)
        except ValueError:
            raise ApiError(f"{name}:请填写合法的整数值。") from None
        if not -(2**63) < number < 2**63:
            raise ApiError(f"{name}:请填写合法的整数值。")
        return number
    if py is float:
        try:
            return float(value)
        except (ValueError, OverflowError):
            raise ApiError(f"{name}:请填写合法的数字。") from None
    if py is datetime:
        return parse_datetime(name, value)
    if py is date:
        return parse_datetime(name, value).date()
    return value


def parse_datetime(name: str, value: str, *, end_of_day: bool = False) -> datetime:
    """Parse ``YYYY-MM-DD[ HH:MM[:SS]]``; a bare date may stand for the end of that day."""
    text = value.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d" and end_of_day:
            parsed = parsed.replace(hour=23, minute=59, second=59, microsecond=999999)
        return parsed
    raise ApiError(f"{name}:日期时间格式错误。")


def apply_filters(stmt: sa.Select, spec: FilterSpec, args: MultiDict | None = None) -> sa.Select:
    """Apply field filters, M2M filters, date ranges and search to ``stmt``."""
    args = request.args if args is None else args
    for name in args:
        if name in RESERVED_PARAMS:
            continue
        values = [v for v in args.getlist(name) if v.strip() != ""]
        if not values:
            continue
        if name in spec.fields:
            column, lookup = spec.fields[name]
            stmt = stmt.where(_field_clause(name, column, lookup, values))
        elif name in spec.m2m:
            ids = [coerce_value(name, sa.column(name, sa.Integer), v) for v in values]
            stmt = stmt.where(sa.or_(*(spec.m2m[name](i) for i in ids)))
    if spec.date_ranges:
        stmt = _apply_date_ranges(stmt, spec.model, args)
    term = (args.get("search") or "").strip()
    if term and spec.search:
        builders = [entry[1] if isinstance(entry, tuple) else entry for entry in spec.search]
        stmt = stmt.where(sa.or_(*(build(term) for build in builders)))
    return stmt


def without_fields(spec: FilterSpec, hidden: set[str]) -> FilterSpec:
    """The spec minus filters, search terms and orderings on ``hidden`` fields (differences #15)."""
    if not hidden:
        return spec
    return replace(
        spec,
        fields={
            k: v for k, v in spec.fields.items() if k not in hidden and django_name(k, [k]) not in hidden
        },
        m2m={k: v for k, v in spec.m2m.items() if k not in hidden},
        search=[e for e in spec.search if not (isinstance(e, tuple) and e[0] in hidden)],
        ordering_fields={k: v for k, v in spec.ordering_fields.items() if k not in hidden},
        default_ordering=[o for o in spec.default_ordering if o.lstrip("-") not in hidden],
    )


def _field_clause(name: str, column: Any, lookup: str, values: list[str]) -> Clause:
    if len(values) >= 2:
        # Two values make an inclusive range (differences #24).
        low = coerce_value(name, column, values[0])
        high = coerce_value(name, column, values[1])
        return column.between(low, high)
    if lookup == "icontains":
        return column.icontains(values[0].strip(), autoescape=True)
    return column == coerce_value(name, column, values[0])


def _apply_date_ranges(stmt: sa.Select, model: type, args: MultiDict) -> sa.Select:
    for field_name in ("create_datetime", "update_datetime"):
        column = getattr(model, field_name, None)
        if column is None:
            continue
        after = (args.get(f"{field_name}_after") or "").strip()
        before = (args.get(f"{field_name}_before") or "").strip()
        if after:
            stmt = stmt.where(column >= parse_datetime(f"{field_name}_after", after))
        if before:
            stmt = stmt.where(column <= parse_datetime(f"{field_name}_before", before, end_of_day=True))
    return stmt


def apply_ordering(stmt: sa.Select, spec: FilterSpec, args: MultiDict | None = None) -> sa.Select:
    """Order by ``ordering`` (unknown names ignored) or the default, with ``id`` as tiebreaker."""
    args = request.args if args is None else args
    requested = [
        part.strip()
        for part in (args.get("ordering") or "").split(",")
        if part.strip() and part.strip().lstrip("-") in spec.ordering_fields
    ]
    names = requested or spec.default_ordering
    clauses = []
    for name in names:
        column = spec.ordering_fields.get(name.lstrip("-")) or getattr(spec.model, name.lstrip("-"), None)
        if column is None:
            continue
        clauses.append(column.desc() if name.startswith("-") else column.asc())
    pk = sa.inspect(spec.model).primary_key[0]
    descending = bool(names) and names[0].startswith("-")
    clauses.append(pk.desc() if descending else pk.asc())
    return stmt.order_by(*clauses)


def paginate(session, stmt: sa.Select, args: PageArgs) -> tuple[list[Any], int]:
    """Return one page of rows and the total: two queries, whatever the page size."""
    from app.core.countcache import cached_count

    count_stmt = sa.select(sa.func.count()).select_from(
        stmt.order_by(None).with_only_columns(*stmt.selected_columns[:1]).subquery()
    )
    total = cached_count(session, count_stmt, stmt)
    if args.offset >= total:
        return [], total
    rows = session.execute(stmt.limit(args.limit).offset(args.offset)).scalars().all()
    return list(rows), total
