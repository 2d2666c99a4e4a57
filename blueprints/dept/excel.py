"""Dept export, import templates and import (contract §6.2, §6.4; differences #12, #14, #15, #20).

Depts are scoped by their own id. An import names the parent by name among the active depts the
caller may reach; a blank parent means the caller's own dept, as a create through the form does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from app.core import envelope
from app.core.auth import current_user
from app.core.datascope import reachable_depts
from app.core.errors import ApiError
from app.core.excel import (
    KEY_LABEL,
    ExportColumn,
    ImportField,
    ImportRow,
    export_response,
    read_uploaded_import,
    stream_rows,
    template_response,
    visible_columns,
)
from app.core.listing import apply_filters, apply_ordering
from app.core.permissions import bump_permission_version, check_field_writes, current_access, hidden_fields
from app.core.serialize import stamp_core_fields
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.dept.services import DEPT_FILTERS, DeptResource, dept_children, subtree

WIRE_MODEL = "Dept"
EXPORT_FILENAME = "导出部门表.xlsx"
TEMPLATE_FILENAME = "导入部门表模板.xlsx"
UPDATE_TEMPLATE_FILENAME = "更新部门表模板.xlsx"
STATUS_TEXT = {True: "启用", False: "禁用"}

EXPORT_COLUMNS = [
    ExportColumn("name", "部门名称", "name"),
    ExportColumn("key", "部门标识", "key"),
    ExportColumn("parent_name", "上级部门", "parent"),
    ExportColumn("owner", "负责人", "owner"),
    ExportColumn("phone", "联系电话", "phone"),
    ExportColumn("email", "邮箱", "email"),
    ExportColumn("status", "部门状态", "status"),
    ExportColumn("sort", "显示排序", "sort"),
]
CHUNK = 1000


def import_fields(parent_names: Sequence[str] = ()) -> list[ImportField]:
    """The import columns in template order."""
    return [
        ImportField("name", "部门名称", required=True, max_length=64),
        ImportField("key", "部门标识", max_length=64),
        ImportField("parent", "上级部门", options=list(parent_names)),
    ]


def _visible_fields(fields: list[ImportField]) -> list[ImportField]:
    hidden = hidden_fields(current_user(), WIRE_MODEL)
    return [f for f in fields if f.name not in hidden]


def reachable_parents() -> list[tuple[int, str]]:
    """``(id, name)`` of the active depts this request may place depts under, by sort."""
    stmt = sa.select(Dept.id, Dept.name).where(Dept.status.is_(True)).order_by(Dept.sort, Dept.id)
    reach = reachable_depts(current_access())
    if reach is not None:
        if not reach:
            return []
        stmt = stmt.where(Dept.id.in_(sorted(reach)))
    return [(row.id, row.name) for row in db.session.execute(stmt)]


def filtered_query(resource: DeptResource) -> sa.Select:
    """Every dept this request may see (any status), with the list's filters and ordering."""
    return apply_ordering(apply_filters(resource.query(), DEPT_FILTERS), DEPT_FILTERS)


def _names() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Dept.id, Dept.name)).all())


# ---- export and templates ---------------------------------------------------------------------


def export_depts(resource: DeptResource):
    """The xlsx of the depts this request may see, without hidden columns."""
    columns = visible_columns(EXPORT_COLUMNS, hidden_fields(current_user(), WIRE_MODEL))
    stmt = filtered_query(resource).with_only_columns(
        Dept.name, Dept.key, Dept.parent_id, Dept.owner, Dept.phone, Dept.email, Dept.status, Dept.sort
    )
    names = _names()

    def rows() -> Iterator[dict[str, Any]]:
        for row in stream_rows(db.session, stmt):
            yield {
                "name": row.name,
                "key": row.key,
                "parent_name": names.get(row.parent_id),
                "owner": row.owner,
                "phone": row.phone,
                "email": row.email,
                "status": STATUS_TEXT[bool(row.status)],
                "sort": row.sort,
            }

    return export_response(EXPORT_FILENAME, columns, rows())


def _unique(pairs: Sequence[tuple[int, str]]) -> list[str]:
    return list(dict.fromkeys(name for _id, name in pairs if name))


def import_template():
    """The empty dept import template, with a drop-down of the parents the caller may use."""
    return template_response(TEMPLATE_FILENAME, _visible_fields(import_fields(_unique(reachable_parents()))))


def update_template(resource: DeptResource):
    """The update template: the key column and every dept this request may see."""
    fields = _visible_fields(import_fields(_unique(reachable_parents())))
    stmt = filtered_query(resource).with_only_columns(Dept.id, Dept.name, Dept.key, Dept.parent_id)
    names = _names()

    def rows() -> Iterator[list[Any]]:
        for row in stream_rows(db.session, stmt):
            values = {"name": row.name, "key": row.key, "parent": names.get(row.parent_id)}
            yield [row.id, *(values[f.name] for f in fields)]

    return template_response(UPDATE_TEMPLATE_FILENAME, fields, rows(), with_key=True)


# ---- import --------------------------------------------------------------------------------------


def import_depts(resource: DeptResource, body: dict[str, Any]):
    """Create or update depts from an uploaded file; every row is checked, nothing is written on error."""
    caller = current_user()
    fields = import_fields()
    labels = {f.name: f.label for f in fields}
    rows, errors, existing = read_uploaded_import(resource, body, fields, CHUNK)
    names = _names()
    parents: dict[str, list[int]] = {}
    for id_, name in reachable_parents():
        parents.setdefault(name, []).append(id_)
    reach = reachable_depts(current_access())
    children = dept_children()
    taken = _taken_keys([row.values["key"] for row in rows if row.values.get("key")])

    seen_keys: dict[str, int] = {}
    plans: list[tuple[ImportRow, Dept | None, dict[str, Any]]] = []
    for row in rows:
        obj = None
        if row.key is not None:
            obj = existing.get(row.key)
            if obj is None:
                errors.add(row.number, KEY_LABEL, f"部门“{row.key}”不存在或无权修改")
                continue
        data = dict(row.values)
        key = data.get("key")
        if key:
            lowered = key.lower()
            if lowered in seen_keys:
                errors.add(row.number, labels["key"], f"与第{seen_keys[lowered]}行重复")
            else:
                seen_keys[lowered] = row.number
                owner = taken.get(lowered)
                if owner is not None and (obj is None or owner != obj.id):
                    errors.add(row.number, labels["key"], "已被其他部门使用")
        if "parent" in data:
            name = data.pop("parent")
            if obj is not None and obj.parent_id is not None and names.get(obj.parent_id) == name:
                data["parent"] = obj.parent_id
            else:
                ids = parents.get(name, [])
                if not ids:
                    errors.add(row.number, labels["parent"], f"“{name}”不存在或超出数据权限范围")
                elif len(ids) > 1:
                    errors.add(row.number, labels["parent"], f"“{name}”对应多个部门，请先修改重名的部门")
                elif obj is not None and ids[0] in subtree(children, obj.id):
                    errors.add(row.number, labels["parent"], "不能把部门移到它自己或它的下级部门之下")
                else:
                    data["parent"] = ids[0]
        elif obj is None:
            data["parent"] = caller.dept_id
            if reach is not None and caller.dept_id not in reach:
                errors.add(row.number, labels["parent"], "只能选择您数据权限范围内的部门")
        current = None
        if obj is not None:
            current = {"name": obj.name, "key": obj.key, "parent": obj.parent_id}
        try:
            check_field_writes(caller, WIRE_MODEL, data, current, labels)
        except ApiError as refusal:
            label, _, text = refusal.msg.partition(":")
            errors.add(row.number, label, text or refusal.msg)
        plans.append((row, obj, data))
    errors.raise_if_any()
    created, updated = _write(caller, plans)
    return envelope.detail({"created": created, "updated": updated}, "导入成功！")


def _taken_keys(keys: list[str]) -> dict[str, int]:
    lowered = sorted({k.lower() for k in keys})
    found: dict[str, int] = {}
    for start in range(0, len(lowered), CHUNK):
        chunk = lowered[start : start + CHUNK]
        for dept_id, key in db.session.execute(
            sa.select(Dept.id, Dept.key).where(sa.func.lower(Dept.key).in_(chunk))
        ):
            found[key.lower()] = dept_id
    return found


def _write(caller: Any, plans: list[tuple[ImportRow, Dept | None, dict[str, Any]]]) -> tuple[int, int]:
    created = updated = 0
    last_sort = {
        parent: value or 0
        for parent, value in db.session.execute(
            sa.select(Dept.parent_id, sa.func.max(Dept.sort)).group_by(Dept.parent_id)
        )
    }
    new: list[Dept] = []
    for _row, obj, data in plans:
        creating = obj is None
        if creating:
            obj = Dept(status=True)
            db.session.add(obj)
        if "name" in data:
            obj.name = data["name"]
        if "key" in data:
            obj.key = data["key"] or None
        if "parent" in data:
            obj.parent_id = data["parent"]
        if creating:
            # after the real parent's last child (differences #27)
            obj.sort = last_sort.get(obj.parent_id, 0) + 1
            last_sort[obj.parent_id] = obj.sort
            new.append(obj)
            created += 1
        else:
            updated += 1
        stamp_core_fields(obj, caller, creating=creating)
    db.session.flush()
    for obj in new:
        obj.dept_belong_id = str(obj.id)
    db.session.commit()
    bump_permission_version()
    return created, updated
