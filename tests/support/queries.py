"""Count the SQL statements a request runs (a list page must cost the same at any size)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db


@contextmanager
def count_statements(app) -> Iterator[list[str]]:
    """Collect the statements run on ``app``'s engine inside the block."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def statements_for(app, client, method: str, url: str, **kwargs) -> int:
    """Run one request and return how many SQL statements it ran (asserting success)."""
    with count_statements(app) as statements:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 200 and response.json["code"] == 2000, response.get_data(as_text=True)
    return len(statements)
