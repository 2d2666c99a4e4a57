"""Fixtures: a session app on the real database and Redis, cleaned after every test.

Which database and Redis: ``TEST_DB`` = ``mariadb`` (default) or ``sqlite``, or an explicit
``TEST_DATABASE_URL``; ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) or ``none`` for
the in-process fallbacks. A service that cannot be reached fails the run under ``CI=true`` and
skips it locally, with the reason.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.support.probe import register_probe

MARIADB_SERVER = os.environ.get("TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/")
# One database per run, so two runs on one server never share tables.
MARIADB_DB = os.environ.get("TEST_MARIADB_DB", f"dvadmin_flask_test_{uuid.uuid4().hex[:8]}")


def _unreachable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: a service the suite needs must be up)", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str | None:
    """The Redis the tests use, or None in fallback mode."""
    value = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    return None if value.lower() in {"", "none", "off"} else value


def _drop_database() -> None:
    engine = sa.create_engine(MARIADB_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{MARIADB_DB}`"))
    finally:
        engine.dispose()


def _prepare_database(tmp_dir: Path) -> str:
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        return explicit
    kind = os.environ.get("TEST_DB", "mariadb").lower()
    if kind == "sqlite":
        return f"sqlite:///{tmp_dir / 'test.sqlite3'}"
    engine = sa.create_engine(MARIADB_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{MARIADB_DB}`"))
            conn.execute(
                sa.text(f"CREATE DATABASE `{MARIADB_DB}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
            )
    except sa.exc.OperationalError as exc:
        _unreachable(f"MariaDB at {MARIADB_SERVER} is not reachable: {exc.orig}")
    finally:
        engine.dispose()
    return f"{MARIADB_SERVER.rstrip('/')}/{MARIADB_DB}?charset=utf8mb4"


def make_app(database_url: str, prefix: str, **overrides):
    """A testing app on the given database, sharing Redis under ``prefix``."""
    config = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url(),
        "REDIS_KEY_PREFIX": prefix,
        **overrides,
    }
    application = create_app(config)
    # Every test app carries the probe, as the Api singleton's spec follows the newest app.
    register_probe(application)
    return application


@pytest.fixture(scope="session")
def _settings(tmp_path_factory):
    url = redis_url()
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        except redis.exceptions.RedisError as exc:
            _unreachable(f"Redis at {url} is not reachable: {exc}")
    database_url = _prepare_database(tmp_path_factory.mktemp("db"))
    return {"database_url": database_url, "prefix": f"dvtest:{uuid.uuid4().hex[:8]}:"}


@pytest.fixture(scope="session")
def app(_settings):
    """The session app: migrated to head, with the test-only probe blueprint."""
    from flask_migrate import upgrade

    application = make_app(_settings["database_url"], _settings["prefix"])
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        application.extensions["dvadmin_store"].clear_prefix()
        db.engine.dispose()
    if _settings["database_url"].startswith("mysql") and not os.environ.get("TEST_DATABASE_URL"):
        _drop_database()


@pytest.fixture(autouse=True)
def _clean(request):
    """Empty every table and the store after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        application.extensions["dvadmin_store"].clear_prefix()


@pytest.fixture()
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture()
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture()
def second_app(_settings, app):
    """Another app instance on the same database and Redis (another worker or host)."""
    other = make_app(_settings["database_url"], _settings["prefix"])
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture()
def login_as(app):
    """``login_as(user)`` returns ``{"Authorization": "JWT <access>"}`` for that user."""
    from tests.support.factories import token_for

    def _login(user, prefix="JWT"):
        return {"Authorization": f"{prefix} {token_for(app, user)['access']}"}

    return _login


@pytest.fixture()
def tmp_instance():
    """A throwaway instance folder."""
    with tempfile.TemporaryDirectory() as path:
        yield Path(path)
