"""Departments: the tree, its write rules, moves and statistics (contract §6.3 dept).

Dept rows are scoped by their own ``id`` (contract §5.4 step 10), not by ``dept_belong_id``.
Every write bumps the permission version: the dept tree is part of the compiled grants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import Resource
from app.core.datascope import apply_scope, reachable_depts
from app.core.errors import ApiError
from app.core.listing import apply_filters, apply_ordering, auto_filter_spec
from app.core.permissions import bump_permission_version, current_access
from app.core.serialize import serialize_rows, stamp_core_fields
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.dept.schemas import DeptWriteSchema

MSG_NO_DEPT = "部门不存在"
# Wire names of the write schema that are stored under another attribute.

DEPT_FILTERS = auto_filter_spec(
    Dept, fk_columns=("parent_id",), exact_only=("name", "id", "parent"), default_ordering=["sort"]
)


def dept_children() -> dict[int | None, list[int]]:
    """``{parent id: [child ids]}`` of every dept, in one query."""
    children: dict[int | None, list[int]] = {}
    for dept_id, parent_id in db.session.execute(sa.select(Dept.id, Dept.parent_id)):
        children.setdefault(parent_id, []).append(dept_id)
    return children


def subtree(children: dict[int | None, list[int]], root: int) -> set[int]:
    """``root`` and every dept below it (safe on a corrupt tree with a cycle)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, ()))
    return seen


def scoped(stmt: sa.Select) -> sa.Select:
    """Limit a dept query to the depts this request may reach (by their own id)."""
    return apply_scope(stmt, Dept, dept_column=Dept.id)


def _parent_clause(column: Any, parent_id: int | None) -> Any:
    return column.is_(None) if parent_id is None else column == parent_id


def move_among_siblings(siblings: list[Any], obj: Any, step: int) -> None:
    """Swap ``obj``'s ``sort`` with the sibling ``step`` places away (siblings by sort, id).

    Equal sorts cannot express an order, so then the whole sibling list is renumbered in the
    new order. At either end nothing changes.
    """
    index = next(i for i, row in enumerate(siblings) if row.id == obj.id)
    other = index + step
    if other < 0 or other >= len(siblings):
        return
    neighbour = siblings[other]
    if (obj.sort or 0) != (neighbour.sort or 0):
        obj.sort, neighbour.sort = neighbour.sort, obj.sort
        return
    siblings[index], siblings[other] = neighbour, obj
    for position, row in enumerate(siblings, start=1):
        if row.sort != position:
            row.sort = position


class DeptResource(Resource):
    """The dept CRUD with the tree's rules."""

    def scope(self, stmt: sa.Select) -> sa.Select:
        """Depts are scoped by their own id."""
        return scoped(stmt) if self.scoped else stmt

    def to_dicts(self, rows: Sequence[Dept]) -> list[dict[str, Any]]:
        """Columns plus parent name, status label, child and user counts (four queries in all)."""
        from blueprints.user.models import User

        dicts = serialize_rows(rows, fk_columns=("parent_id",))
        if not rows:
            return dicts
        ids = [row.id for row in rows]
        parent_ids = {row.parent_id for row in rows if row.parent_id is not None}
        names: dict[int, str] = {}
        if parent_ids:
            names = dict(
                db.session.execute(sa.select(Dept.id, Dept.name).where(Dept.id.in_(parent_ids))).all()
            )
        children = dict(
            db.session.execute(
                sa.select(Dept.parent_id, sa.func.count())
                .where(Dept.parent_id.in_(ids))
                .group_by(Dept.parent_id)
            ).all()
        )
        users = dict(
            db.session.execute(
                sa.select(User.dept_id, sa.func.count()).where(User.dept_id.in_(ids)).group_by(User.dept_id)
            ).all()
        )
        for row, out in zip(rows, dicts, strict=True):
            if row.parent_id in names:
                out["parent_name"] = names[row.parent_id]
            out["status_label"] = "启用" if row.status else "禁用"
            out["has_children"] = int(children.get(row.id, 0))
            out["hasChild"] = bool(children.get(row.id))
            out["dept_user_count"] = int(users.get(row.id, 0))
        return dicts

    def validate_write(self, obj: Dept | None, data: dict[str, Any], *, creating: bool) -> None:
        """Key unique (any case); parent exists, not itself or below, and within the caller's reach."""
        if "key" in data:
            key = (data["key"] or "").strip() or None
            data["key"] = key
            if key:
                stmt = sa.select(Dept.id).where(sa.func.lower(Dept.key) == key.lower())
                if obj is not None:
                    stmt = stmt.where(Dept.id != obj.id)
                if db.session.execute(stmt.limit(1)).first():
                    raise ApiError(f"关联字符“{key}”已被其他部门使用，关联字符必须唯一", 400)
        if creating and data.get("parent") is None:
            user = current_user()
            data["parent"] = getattr(user, "dept_id", None)
        if "parent" not in data:
            return
        parent = data["parent"]
        if not creating and parent == obj.parent_id:
            return
        if parent is not None:
            exists = db.session.execute(sa.select(Dept.id).where(Dept.id == parent)).first()
            if not exists:
                raise ApiError(f"上级部门:无效主键 “{parent}” - 对象不存在。")
            if not creating and parent in subtree(dept_children(), obj.id):
                raise ApiError("上级部门:不能把部门移到它自己或它的下级部门之下", 400)
        reach = reachable_depts(current_access())
        if reach is not None and parent not in reach:
            raise ApiError("上级部门:只能选择您数据权限范围内的部门")

    def assign(self, obj: Dept, data: dict[str, Any], *, creating: bool) -> None:
        """Copy input onto the row; a new dept's ``sort`` is computed by :meth:`create`."""
        if creating:
            data = {k: v for k, v in data.items() if k != "sort"}
        super().assign(obj, data, creating=creating)

    def create(self, data: dict[str, Any] | list[dict[str, Any]]) -> list[Dept]:
        """Create depts: ``sort`` after the real parent's last child, ``dept_belong_id`` = own id."""
        items = data if isinstance(data, list) else [data]
        created = []
        for item in items:
            self.check_columns(None, item)
            self.validate_write(None, item, creating=True)
            obj = Dept()
            self.assign(obj, item, creating=True)
            last = db.session.execute(
                sa.select(sa.func.max(Dept.sort)).where(_parent_clause(Dept.parent_id, obj.parent_id))
            ).scalar()
            obj.sort = (last or 0) + 1
            stamp_core_fields(obj, current_user(), creating=True)
            db.session.add(obj)
            db.session.flush()
            obj.dept_belong_id = str(obj.id)
            created.append(obj)
        db.session.commit()
        bump_permission_version()
        return created

    def update(self, obj_id: int, data: dict[str, Any]) -> Dept:
        """Update a visible dept."""
        obj = super().update(obj_id, data)
        bump_permission_version()
        return obj

    def before_delete(self, objs: Sequence[Dept]) -> None:
        """Refuse depts with sub-depts or users; clear the grant and message links to the rest."""
        from blueprints.message.models import message_center_target_dept
        from blueprints.permission.models import role_menu_button_permission_dept
        from blueprints.user.models import User

        ids = {obj.id for obj in objs}
        if not ids:
            return
        children = dept_children()
        for obj in objs:
            left = [c for c in children.get(obj.id, ()) if c not in ids]
            if left:
                raise ApiError(f"部门“{obj.name}”下还有{len(left)}个子部门，不能删除", 400)
        users = dict(
            db.session.execute(
                sa.select(User.dept_id, sa.func.count()).where(User.dept_id.in_(ids)).group_by(User.dept_id)
            ).all()
        )
        for obj in objs:
            if users.get(obj.id):
                raise ApiError(f"部门“{obj.name}”下还有{users[obj.id]}个用户，不能删除", 400)
        links = role_menu_button_permission_dept
        db.session.execute(sa.delete(links).where(links.c.dept_id.in_(ids)))
        targets = message_center_target_dept
        db.session.execute(sa.delete(targets).where(targets.c.dept_id.in_(ids)))

    def delete(self, objs: Sequence[Dept]) -> None:
        """Delete visible depts in one transaction."""
        super().delete(objs)
        bump_permission_version()

    def list_response(self):
        """Active depts (of ``parent`` when given), filtered and scoped, not paginated."""
        stmt = self.query().where(Dept.status.is_(True))
        stmt = apply_ordering(apply_filters(stmt, self.filters), self.filters)
        rows = list(db.session.execute(stmt).scalars())
        return envelope.listing(self.serialize(rows))


resource = DeptResource(
    model=Dept,
    filters=DEPT_FILTERS,
    create_schema=DeptWriteSchema,
    fk_columns=("parent_id",),
    paginated=False,
)


def all_dept() -> list[dict[str, Any]]:
    """``[{name, id, parent}]`` of the active depts the caller may reach, by sort."""
    stmt = scoped(sa.select(Dept.name, Dept.id, Dept.parent_id).where(Dept.status.is_(True)))
    stmt = apply_filters(stmt, DEPT_FILTERS).order_by(Dept.sort, Dept.id)
    return [{"name": name, "id": id_, "parent": parent} for name, id_, parent in db.session.execute(stmt)]


def visible_dept(dept_id: int) -> Dept:
    """A dept within the caller's scope, or code 400 部门不存在."""
    dept = db.session.execute(scoped(sa.select(Dept).where(Dept.id == dept_id))).scalar_one_or_none()
    if dept is None:
        raise ApiError(MSG_NO_DEPT, 400)
    return dept


def move_dept(dept_id: int, step: int) -> None:
    """Move a dept one place up (``-1``) or down (``1``) among its siblings."""
    dept = visible_dept(dept_id)
    siblings = list(
        db.session.execute(
            sa.select(Dept).where(_parent_clause(Dept.parent_id, dept.parent_id)).order_by(Dept.sort, Dept.id)
        ).scalars()
    )
    move_among_siblings(siblings, dept, step)
    db.session.commit()
    bump_permission_version()


def dept_info(dept_id: int, show_all: bool) -> dict[str, Any]:
    """User counts of a dept (and its subtree with ``show_all``), by gender and by sub-dept."""
    from blueprints.user.models import User

    dept = visible_dept(dept_id)
    children = dept_children()
    counted = subtree(children, dept.id) if show_all else {dept.id}
    kids = db.session.execute(
        scoped(sa.select(Dept.id, Dept.name).where(Dept.parent_id == dept.id)).order_by(Dept.sort, Dept.id)
    ).all()
    kid_trees = {kid.id: subtree(children, kid.id) for kid in kids}
    wanted = counted.union(*kid_trees.values())
    per_dept: dict[int, int] = {}
    gender = {"male": 0, "female": 0, "unknown": 0}
    names = {1: "male", 2: "female"}
    rows = db.session.execute(
        sa.select(User.dept_id, User.gender, sa.func.count())
        .where(User.dept_id.in_(wanted))
        .group_by(User.dept_id, User.gender)
    )
    for row_dept, row_gender, count in rows:
        per_dept[row_dept] = per_dept.get(row_dept, 0) + count
        if row_dept in counted:
            key = names.get(row_gender, "unknown")
            gender[key] += count
    return {
        "dept_name": dept.name,
        "dept_user": sum(per_dept.get(d, 0) for d in counted),
        "owner": dept.owner,
        "description": dept.description,
        "gender": gender,
        "sub_dept_map": [
            {"name": kid.name, "count": sum(per_dept.get(d, 0) for d in kid_trees[kid.id])} for kid in kids
        ],
    }
