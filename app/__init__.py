"""The app factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BaseConfig, config_for

# Route modules; each exposes ``blp`` or a ``BLUEPRINTS`` tuple, and optionally ``COMMANDS``
# (click commands for ``flask``) and ``register(app)`` (plain Flask routes or hooks).
BLUEPRINTS = (
    "blueprints.auth.routes",
    "blueprints.user.routes",
    "blueprints.role.routes",
    "blueprints.dept.routes",
    "blueprints.menu.routes",
    "blueprints.permission.routes",
    "blueprints.dictionary.routes",
    "blueprints.system_config.routes",
    "blueprints.area.routes",
    "blueprints.file.routes",
    "blueprints.log.routes",
    "blueprints.whitelist.routes",
    "blueprints.message.routes",
    "blueprints.download.routes",
)


def create_app(config: type[BaseConfig] | str | Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, CLI, plugins."""
    app = Flask(__name__, instance_relative_config=True)
    configure(app, config)
    register_extensions(app)
    register_hooks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    register_plugins(app)
    return app


def configure(app: Flask, config: type[BaseConfig] | str | Mapping[str, Any] | None) -> None:
    """Load a config class (by APP_ENV by default), then overrides, then derived values."""
    overrides: Mapping[str, Any] = {}
    if isinstance(config, Mapping):
        overrides, config = config, config.get("APP_ENV")
    cls = config if isinstance(config, type) else config_for(config)
    app.config.from_object(cls)
    app.config.update(overrides)
    cls.finalize(app.config, app.instance_path)
    _configure_logging(app)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not uri.startswith("sqlite"):
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DB_MAX_OVERFLOW"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if uri.startswith("sqlite") and app.config["APP_ENV"] == "production":
        logging.getLogger(__name__).warning("production is running on SQLite: use MySQL/MariaDB")
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    if app.config.get("TRUSTED_PROXY_COUNT"):
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    from app.core.auth import AuthHeaderMiddleware

    app.wsgi_app = AuthHeaderMiddleware(app.wsgi_app)
    app.url_map.strict_slashes = False
    # "//" in a path is a 404 envelope, not a redirect built from the Host header
    app.url_map.merge_slashes = False


def _configure_logging(app: Flask) -> None:
    """Log to stderr at ``LOG_LEVEL`` unless the host (gunicorn, pytest) set up logging already."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    for name in ("app", "blueprints", "plugins"):
        logging.getLogger(name).setLevel(level)


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons and create per-app objects."""
    import_module("app.models")  # every table in the metadata
    from app.core import countcache
    from app.core.auth import configure_jwt
    from app.core.jobs import init_jobs
    from app.core.storage import init_storage
    from app.core.store import init_store
    from app.extensions import api, db, migrate, sock

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_root() / "migrations"))
    configure_jwt(app)
    init_store(app)
    init_jobs(app)
    init_storage(app)
    countcache.install()
    api.init_app(app)
    sock.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def _sqlite_pragmas(app: Flask) -> None:
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        engine = db.engine

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()


def register_hooks(app: Flask) -> None:
    """Request hooks: size limit, CORS preflight, the auth guard, response headers."""
    from app.core.auth import guard_request
    from app.core.web import check_body_size, cors_preflight, finish_response, register_web

    app.before_request(check_body_size)
    app.before_request(cors_preflight)
    app.before_request(guard_request)
    app.after_request(finish_response)
    register_web(app)
    from app.core.oplog import init_oplog

    init_oplog(app)


def register_blueprints(app: Flask) -> None:
    """Register each system area's blueprint with the Api (and so with the OpenAPI spec)."""
    from importlib import import_module

    from app.extensions import api

    for name in BLUEPRINTS:
        module = import_module(name)
        for blueprint in getattr(module, "BLUEPRINTS", None) or (module.blp,):
            api.register_blueprint(blueprint)
        for command in getattr(module, "COMMANDS", ()):
            app.cli.add_command(command)
        if hasattr(module, "register"):
            module.register(app)


def register_error_handlers(app: Flask) -> None:
    """One envelope for every error."""
    from app.core.errors import register_error_handlers as register

    register(app)


def register_cli(app: Flask) -> None:
    """``flask`` commands."""
    from app.cli import register_commands

    register_commands(app)


def register_plugins(app: Flask) -> None:
    """Load the packages under ``plugins/`` (a later issue fills this in)."""
    from plugins import load_plugins

    load_plugins(app)
