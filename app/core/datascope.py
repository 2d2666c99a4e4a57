"""Data scope by ``dept_belong_id`` (contract §5.4, differences #14).

The range that applies is the widest among the caller's enabled roles' grants of buttons that
match this request; several grants give the union of what each reaches. A request allowed only by
a whitelist row sees the caller's own records, unless that row has ``enable_datasource=false``,
which skips data scope. Superusers see everything.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.core.permissions import Access, current_access, current_grants


def scope_clause(access: Access, model: type, *, dept_column: Any = None) -> Any | None:
    """The WHERE clause limiting ``model`` for this access, or None for no limit."""
    user = access.user
    if user is None or user.is_superuser or access.skip_scope:
        return None
    column = dept_column if dept_column is not None else getattr(model, "dept_belong_id", None)
    if column is None:
        return None
    grants = current_grants()
    depts: set[int] = set()
    own = not access.grants
    for grant in access.grants:
        if grant.data_range == 3:
            return None
        if grant.data_range == 0:
            own = True
        elif grant.data_range == 1:
            depts |= grants.subtree(user.dept_id)
        elif grant.data_range == 2 and user.dept_id is not None:
            depts.add(user.dept_id)
        elif grant.data_range == 4:
            depts |= grants.custom_depts.get(grant.rmbp_id, frozenset())
    clauses = []
    if depts:
        integer = isinstance(column.type, sa.Integer)
        # dept_belong_id is a varchar: bind strings so MariaDB can use the index (traps #12)
        clauses.append(column.in_(sorted(depts) if integer else sorted(str(d) for d in depts)))
    if own and hasattr(model, "creator_id"):
        clauses.append(model.creator_id == user.id)
    if not clauses:
        return sa.false()
    return sa.or_(*clauses)


def apply_scope(stmt: sa.Select, model: type, *, dept_column: Any = None) -> sa.Select:
    """Limit ``stmt`` to the rows this request may reach."""
    clause = scope_clause(current_access(), model, dept_column=dept_column)
    return stmt if clause is None else stmt.where(clause)


def reachable_depts(access: Access) -> set[int] | None:
    """Depts this request may place rows in; None means any (differences #12)."""
    user = access.user
    if user is None or user.is_superuser or access.skip_scope:
        return None
    grants = current_grants()
    reach: set[int] = set()
    for grant in access.grants:
        if grant.data_range == 3:
            return None
        if grant.data_range == 1:
            reach |= grants.subtree(user.dept_id)
        elif grant.data_range in (0, 2) and user.dept_id is not None:
            reach.add(user.dept_id)
        elif grant.data_range == 4:
            reach |= grants.custom_depts.get(grant.rmbp_id, frozenset())
    if not access.grants and user.dept_id is not None:
        reach.add(user.dept_id)
    return reach
