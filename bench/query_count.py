"""Count the SQL statements each request runs, in-process (no server), with the test client.

Run from the repository root: ``.venv/bin/python bench/query_count.py [-v] [--mariadb]``.
By default the app runs on a temporary SQLite file; ``--mariadb`` uses a fresh MariaDB database
(dropped at the end). Redis is not needed: the in-process store stands in (it runs no SQL).

Reuse for other endpoints::

    count = count_queries(app, lambda: client.get("/api/system/user/", headers=auth))
    print(count.statements, count.checkouts)
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARIADB_DB = "dvadmin_bench_qc"
PASSWORD = "Bench12345x"


@dataclass
class QueryCount:
    """What one call ran: the SQL text of each statement and the pool checkouts (pings)."""

    statements: list[str] = field(default_factory=list)
    checkouts: int = 0
    response: Any = None

    def __len__(self) -> int:
        return len(self.statements)


def count_queries(app, client_call: Callable[[], Any]) -> QueryCount:
    """Run ``client_call()`` and count the SQL statements sent on the app's engine meanwhile.

    Call the endpoint once before counting: the first connection runs dialect set-up queries.
    ``checkouts`` counts connections taken from the pool; with ``pool_pre_ping`` each one costs
    an extra round trip to the database that is not a SQL statement.
    """
    import sqlalchemy as sa

    from app.extensions import db

    count = QueryCount()

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        count.statements.append(" ".join(statement.split()))

    def on_checkout(*_args) -> None:
        count.checkouts += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", on_execute)
    sa.event.listen(engine.pool, "checkout", on_checkout)
    try:
        count.response = client_call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
        sa.event.remove(engine.pool, "checkout", on_checkout)
    return count


def _mariadb(sql: str) -> None:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def make_app(database_url: str):
    """A testing app on ``database_url``, migrated and seeded (passwords ``PASSWORD``), captcha off."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": None})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["init", "--no-input", "--password", PASSWORD])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    with app.app_context():
        # the seed turns the login captcha on, as the original does; the bench logs in by API
        import sqlalchemy as sa

        from app.extensions import db
        from blueprints.system_config.models import SystemConfig

        db.session.execute(sa.update(SystemConfig).where(SystemConfig.key == "captcha_state").values(value=False))
        db.session.commit()
    return app


def measure(app, verbose: bool = False) -> dict[str, QueryCount]:
    """Count login and user_info (each after one uncounted warm-up call)."""
    client = app.test_client()
    body = {"username": "superadmin", "password": hashlib.md5(PASSWORD.encode()).hexdigest()}

    def login():
        return client.post("/api/login/", json=body)

    access = login().get_json()["data"]["access"]
    headers = {"Authorization": f"JWT {access}"}

    def user_info():
        return client.get("/api/system/user/user_info/", headers=headers)

    counts = {}
    for name, call in (("login", login), ("user_info", user_info)):
        call()
        counts[name] = count = count_queries(app, call)
        code = count.response.get_json().get("code")
        print(
            f"{name}: {len(count)} statements, {count.checkouts} pool checkout(s), "
            f"HTTP {count.response.status_code} code {code}"
        )
        if verbose:
            for statement in count.statements:
                print(f"    {statement[:150]}")
    return counts


def main() -> None:
    """Build the app on SQLite (or MariaDB), count, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print each statement")
    parser.add_argument("--mariadb", action="store_true", help="use MariaDB at 127.0.0.1:3306")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import logging

    logging.disable(logging.WARNING)  # the "REDIS_URL is not set" warning is expected here
    with tempfile.TemporaryDirectory() as tmp:
        if args.mariadb:
            _mariadb(f"DROP DATABASE IF EXISTS `{MARIADB_DB}`")
            _mariadb(f"CREATE DATABASE `{MARIADB_DB}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
            url = f"mysql+pymysql://root@127.0.0.1:3306/{MARIADB_DB}?charset=utf8mb4"
        else:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        try:
            app = make_app(url)
            measure(app, args.verbose)
            from app.extensions import db

            with app.app_context():
                db.engine.dispose()
        finally:
            if args.mariadb:
                _mariadb(f"DROP DATABASE IF EXISTS `{MARIADB_DB}`")


if __name__ == "__main__":
    main()
