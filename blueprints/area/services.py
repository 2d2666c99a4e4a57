"""Areas: the lazy tree list, writes that keep codes, parents and levels consistent, and the
loader behind ``flask init-area`` (contract §6.3 area, §8.2).

An area points at its parent by the parent's ``code`` (``pcode_id``), not by id; there is no
database foreign key, so renaming a code or moving a subtree is carried to the children here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import request

from app.core import envelope
from app.core.crud import MAX_ID, Resource
from app.core.errors import ApiError
from app.core.listing import FilterSpec, apply_filters, apply_ordering, auto_filter_spec, page_args, paginate
from app.core.serialize import serialize_rows
from app.core.timeutil import local_now
from app.extensions import db
from blueprints.area.models import Area
from blueprints.area.schemas import AreaWriteSchema

DATA_FILE = Path(__file__).parent / "data" / "pca-code.json"
PCODE_LABEL = "父地区编码"
# The parameters of the SPA's lazy tree requests; anything else (non-empty) is a search.
LAZY_PARAMS = {"page", "limit", "pcode", "ordering"}
LAZY_LIMIT = 999
# Deep enough for any real tree (province → township is 4); stops a corrupt cycle.
MAX_DEPTH = 32
# Key order of a row as the original serialises it (examples/area_root.json).
ROW_KEYS = (
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
)


def _area_filters() -> FilterSpec:
    spec = auto_filter_spec(Area, fk_columns=("pcode_id",), default_ordering=["code"])
    # A parent code matches exactly: ``pcode=11`` must not also match 1101.
    spec.fields["pcode"] = (Area.pcode_id, "exact")
    spec.fields["pcode_id"] = (Area.pcode_id, "exact")
    return spec


AREA_FILTERS = _area_filters()


def to_pinyin(name: str) -> str:
    """pypinyin NORMAL syllables joined, as the original stores them (北京市 → beijingshi)."""
    import pypinyin  # loads its dictionaries: only when an area is written

    return "".join("".join(item) for item in pypinyin.pinyin(name, style=pypinyin.NORMAL))[:255]


def initials_of(pinyin: str) -> str:
    """The first letter of the pinyin, uppercased, or ``#`` when it does not start with one."""
    first = pinyin[:1]
    return first.upper() if first.isascii() and first.isalpha() else "#"


def _children_counts(codes: Iterable[str]) -> dict[str, int]:
    codes = list(codes)
    if not codes:
        return {}
    rows = db.session.execute(
        sa.select(Area.pcode_id, sa.func.count()).where(Area.pcode_id.in_(codes)).group_by(Area.pcode_id)
    )
    return {code: int(count) for code, count in rows}


def _descendant_layers(code: str) -> list[list[str]]:
    """Codes below ``code``, one list per depth (one query per depth)."""
    layers: list[list[str]] = []
    seen = {code}
    frontier = [code]
    while frontier and len(layers) < MAX_DEPTH:
        found = db.session.execute(sa.select(Area.code).where(Area.pcode_id.in_(frontier))).scalars().all()
        frontier = [c for c in found if c not in seen]
        seen.update(frontier)
        if frontier:
            layers.append(frontier)
    return layers


def _is_self_or_below(candidate: Area, obj: Area) -> bool:
    """True when ``candidate`` is ``obj`` or lies in its subtree (walks up from the candidate)."""
    current: Area | None = candidate
    seen: set[int] = set()
    while current is not None and current.id not in seen and len(seen) < MAX_DEPTH:
        if current.id == obj.id or current.code == obj.code:
            return True
        seen.add(current.id)
        if not current.pcode_id:
            return False
        current = db.session.execute(
            sa.select(Area).where(Area.code == current.pcode_id).limit(1)
        ).scalar_one_or_none()
    return False


def _parent_by_id(raw: Any) -> Area:
    """The area whose id the request names as the parent, or a 4000 naming ``pcode``."""
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise ApiError(f"{PCODE_LABEL}:请填写合法的整数值。")
    try:
        parent_id = int(str(raw).strip())
    except ValueError:
        raise ApiError(f"{PCODE_LABEL}:请填写合法的整数值。") from None
    parent = db.session.get(Area, parent_id) if 0 < parent_id <= MAX_ID else None
    if parent is None:
        raise ApiError(f"{PCODE_LABEL}:无效主键 “{raw}” - 对象不存在。")
    return parent


class AreaResource(Resource):
    """The area CRUD: computed pinyin/initials/level, parent by id, codes unique."""

    def to_dicts(self, rows: Sequence[Area]) -> list[dict[str, Any]]:
        """Columns plus ``pcode_count``, ``hasChild`` and ``pcode_info`` (two extra queries per page)."""
        base = serialize_rows(rows, fk_columns=("pcode_id",))
        if not rows:
            return base
        counts = _children_counts(row.code for row in rows)
        parent_codes = {row.pcode_id for row in rows if row.pcode_id}
        parents: dict[str, str] = {}
        if parent_codes:
            parents = dict(
                db.session.execute(sa.select(Area.code, Area.name).where(Area.code.in_(parent_codes))).all()
            )
        dicts = []
        for row, out in zip(rows, base, strict=True):
            count = counts.get(row.code, 0)
            out["pcode_count"] = count
            out["hasChild"] = count > 0
            out["pcode_info"] = (
                [{"name": parents[row.pcode_id], "code": row.pcode_id}] if row.pcode_id in parents else []
            )
            ordered = {key: out.pop(key) for key in ROW_KEYS if key in out}
            ordered.update(out)
            dicts.append(ordered)
        return dicts

    def validate_write(self, obj: Area | None, data: dict[str, Any], *, creating: bool) -> None:
        """Code unique; parent by id, never the row itself or below it; derived columns computed.

        Leaves in ``data`` only attributes of the row: ``pcode`` becomes ``pcode_id`` and
        ``level``, ``name`` brings ``pinyin`` and ``initials``.
        """
        code = data.get("code")
        if code is not None and (creating or code != obj.code):
            clash = db.session.execute(
                sa.select(Area.id).where(sa.func.lower(Area.code) == code.lower()).limit(1)
            ).first()
            if clash is not None and (obj is None or clash.id != obj.id):
                raise ApiError(f"地区编码“{code}”已存在，地区编码必须唯一", 400)
        if "pcode" in data:
            raw = data.pop("pcode")
            # The listed row carries the parent's code as a string; the selector sends an id number.
            unchanged = obj is not None and isinstance(raw, str) and raw.strip() == (obj.pcode_id or "")
            if raw in (None, ""):
                data["pcode_id"], data["level"] = None, 1
            elif not unchanged:
                parent = _parent_by_id(raw)
                if obj is not None and _is_self_or_below(parent, obj):
                    raise ApiError(f"{PCODE_LABEL}:不能把地区移到它自己或它的下级地区之下", 400)
                data["pcode_id"], data["level"] = parent.code, (parent.level or 0) + 1
        elif creating:
            data["pcode_id"], data["level"] = None, 1
        if "name" in data:
            data["pinyin"] = to_pinyin(data["name"])
            data["initials"] = initials_of(data["pinyin"])
        if data.get("enable", True) is None:
            data.pop("enable")

    def assign(self, obj: Area, data: dict[str, Any], *, creating: bool) -> None:
        """Copy input onto the row; a changed code or level is carried to the subtree."""
        if creating:
            obj.enable = True
            super().assign(obj, data, creating=True)
            return
        old_code, old_level = obj.code, obj.level
        layers = _descendant_layers(old_code) if data.get("level", old_level) != old_level else []
        super().assign(obj, data, creating=False)
        if obj.code != old_code:
            db.session.execute(
                sa.update(Area)
                .where(Area.pcode_id == old_code)
                .values(pcode_id=obj.code, update_datetime=local_now())
                .execution_options(synchronize_session=False)
            )
        for depth, codes in enumerate(layers, start=1):
            db.session.execute(
                sa.update(Area)
                .where(Area.code.in_(codes))
                .values(level=obj.level + depth, update_datetime=local_now())
                .execution_options(synchronize_session=False)
            )

    def before_delete(self, objs: Sequence[Area]) -> None:
        """Refuse areas that still have children outside the deleted set (nothing cascades)."""
        if not objs:
            return
        ids = [obj.id for obj in objs]
        left = dict(
            db.session.execute(
                sa.select(Area.pcode_id, sa.func.count())
                .where(Area.pcode_id.in_([obj.code for obj in objs]), Area.id.not_in(ids))
                .group_by(Area.pcode_id)
            ).all()
        )
        for obj in objs:
            if left.get(obj.code):
                raise ApiError(f"地区“{obj.name}”下还有{left[obj.code]}个下级地区，不能删除", 400)

    def list_response(self):
        """The SPA's lazy tree, or a search (contract §6.3 area, with filters honoured).

        Only ``page``/``limit``/``pcode`` (and ``ordering``): the enabled children of ``pcode``,
        or the enabled provinces, ``limit`` forced to 999 as the original. Any other non-empty
        parameter: the filters apply (``enable=true`` unless ``enable`` is one of them).
        """
        args = request.args
        spec = self.visible_filters()
        searching = any(
            value.strip() for name in args if name not in LAZY_PARAMS for value in args.getlist(name)
        )
        stmt = self.query()
        if searching:
            stmt = apply_filters(stmt, spec)
            if "enable" not in spec.fields or not (args.get("enable") or "").strip():
                stmt = stmt.where(Area.enable.is_(True))
            page = page_args()
        else:
            stmt = stmt.where(Area.enable.is_(True))
            pcode = (args.get("pcode") or "").strip() if "pcode" in spec.fields else ""
            stmt = stmt.where(Area.pcode_id == pcode) if pcode else stmt.where(Area.level == 1)
            page = page_args()
            page.limit = LAZY_LIMIT
        stmt = apply_ordering(stmt, spec)
        rows, total = paginate(db.session, stmt, page)
        return envelope.paged(self.serialize(rows), page=page.page, limit=page.limit, total=total)


resource = AreaResource(
    model=Area,
    filters=AREA_FILTERS,
    create_schema=AreaWriteSchema,
    fk_columns=("pcode_id",),
    scoped=False,
)


# ---- flask init-area ---------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRecord:
    """One node of the division file, flattened."""

    code: str
    name: str
    level: int
    pcode: str | None


@dataclass
class SyncResult:
    """What ``sync_areas`` did."""

    total: int
    inserted: int = 0
    renamed: int = 0

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return bool(self.inserted or self.renamed)


def read_division_file(path: Path = DATA_FILE) -> list[AreaRecord]:
    """Flatten a ``pca-code.json`` style tree (``[{code, name, children}]``), parents first."""
    with open(path, encoding="utf-8") as handle:
        tree = json.load(handle)
    records: list[AreaRecord] = []
    seen: set[str] = set()

    def walk(nodes: Any, level: int, pcode: str | None) -> None:
        if not isinstance(nodes, list):
            raise ValueError(f"expected a list of areas under {pcode or 'the root'}")
        for node in nodes:
            code, name = str(node["code"]).strip(), str(node["name"]).strip()
            if not code or not name or len(code) > 20 or len(name) > 100:
                raise ValueError(f"bad area entry {node.get('code')!r} {node.get('name')!r}")
            if code in seen:
                raise ValueError(f"area code {code} appears twice")
            seen.add(code)
            records.append(AreaRecord(code=code, name=name, level=level, pcode=pcode))
            walk(node.get("children") or [], level + 1, code)

    walk(tree, 1, None)
    return records


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sync_areas(
    records: Sequence[AreaRecord],
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> SyncResult:
    """Insert the codes the table lacks and rename the ones whose name changed, in one transaction.

    Rows the file does not know, and the parent, level and ``enable`` of known codes, are left as
    they are. ``progress(n)`` is called as records are handled. Nothing is written on failure.
    """
    result = SyncResult(total=len(records))
    step = progress or (lambda _n: None)
    try:
        existing = dict(db.session.execute(sa.select(Area.code, Area.name)).all())
        now = local_now()
        missing = [r for r in records if r.code not in existing]
        renamed = [r for r in records if r.code in existing and existing[r.code] != r.name]
        step(len(records) - len(missing) - len(renamed))
        for batch in _batches(missing, batch_size):
            rows = []
            for record in batch:
                pinyin = to_pinyin(record.name)
                rows.append(
                    {
                        "name": record.name,
                        "code": record.code,
                        "level": record.level,
                        "pinyin": pinyin,
                        "initials": initials_of(pinyin),
                        "enable": True,
                        "pcode_id": record.pcode,
                        "create_datetime": now,
                        "update_datetime": now,
                    }
                )
            db.session.execute(sa.insert(Area), rows)
            result.inserted += len(rows)
            step(len(rows))
        table = Area.__table__
        for batch in _batches(renamed, batch_size):
            rows = []
            for record in batch:
                pinyin = to_pinyin(record.name)
                rows.append(
                    {
                        "b_code": record.code,
                        "b_name": record.name,
                        "b_pinyin": pinyin,
                        "b_initials": initials_of(pinyin),
                    }
                )
            db.session.execute(
                table.update()
                .where(table.c.code == sa.bindparam("b_code"))
                .values(
                    name=sa.bindparam("b_name"),
                    pinyin=sa.bindparam("b_pinyin"),
                    initials=sa.bindparam("b_initials"),
                    update_datetime=now,
                ),
                rows,
            )
            result.renamed += len(rows)
            step(len(rows))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result
