"""A seeded database per test: ``flask init`` once per session, then its rows restored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db

_snapshots: dict[int, dict[str, list[dict]]] = {}


def table_counts(app) -> dict[str, int]:
    """Row count of every table."""
    with app.app_context():
        with db.engine.connect() as conn:
            return {
                t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in db.metadata.sorted_tables
            }


@pytest.fixture()
def seeded(app, runner):
    """The database as ``flask init --no-input`` leaves it (the real command the first time)."""
    snapshot = _snapshots.get(id(app))
    if snapshot is None:
        result = runner.invoke(args=["init", "--no-input"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.connect() as conn:
            snapshot = {
                t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                for t in db.metadata.sorted_tables
            }
        _snapshots[id(app)] = snapshot
        return app
    with app.app_context():
        with db.engine.begin() as conn:
            for table in db.metadata.sorted_tables:
                rows = snapshot[table.name]
                if rows:
                    conn.execute(table.insert(), rows)
        from app.core.permissions import bump_permission_version

        bump_permission_version()
    return app


def seeded_user(app, username: str):
    """A seeded user row, detached (``id``, ``username``, ``is_superuser``)."""
    from types import SimpleNamespace

    from blueprints.user.models import User

    with app.app_context():
        user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one()
        return SimpleNamespace(
            id=user.id, username=user.username, is_superuser=user.is_superuser, dept_id=user.dept_id
        )
