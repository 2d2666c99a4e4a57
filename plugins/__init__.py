"""Optional packages found at start-up, each exposing ``init_app(app)`` (see plugins/example/).

A plugin is a package in this folder (or in a folder of config ``PLUGIN_PATHS``), imported as
``plugins.<name>``. It may declare, at package level:

* ``BLUEPRINTS`` (or ``blp``): flask-smorest blueprints; the loader registers them with the Api,
  so they get the auth guard, the envelope errors and a place in ``/swagger.json``;
* models: imported by the package, so their tables join ``db.metadata`` (name them with
  ``app.core.models.table_name``);
* ``COMMANDS``: click commands added to ``flask``;
* ``SEED_DIR``: a folder in the seed format, loaded by ``flask init --app <name>``;
* a ``migrations/`` folder next to its ``__init__.py``: alembic revisions on their own branch,
  applied by ``flask db upgrade`` with the core's;
* ``init_app(app)``: anything else (hooks, config defaults).

Config ``PLUGINS`` (default: every package found) and ``PLUGINS_DISABLED`` choose which load.
A plugin that fails to import or whose ``init_app`` raises is logged and skipped. A plugin whose
blueprint name, URL rule, table or command clashes with the core or with a plugin loaded before
it is refused, before anything of it is registered, with a log line naming both sides. The app
starts either way.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)

PLUGIN_DIR = Path(__file__).resolve().parent
# Commands the ``flask`` group has whatever the app registers.
RESERVED_COMMANDS = {"run", "shell", "routes", "db"}
_TABLE_CLASH = re.compile(r"Table '([^']+)' is already defined")
# Tables each plugin added to the shared metadata on its first import (one import per process).
_PLUGIN_TABLES: dict[str, list[Any]] = {}
_MIGRATE_HOOKED = False


class PluginClash(Exception):
    """A plugin would take a name the core or another plugin already owns."""


# ---- finding plugins -------------------------------------------------------------------------


def search_paths(app: Flask | None = None) -> list[str]:
    """This folder, then the folders of config ``PLUGIN_PATHS`` (absolute)."""
    extra = (app.config.get("PLUGIN_PATHS") if app is not None else None) or []
    if isinstance(extra, str):
        extra = [p for p in extra.split(os.pathsep) if p]
    paths = [str(PLUGIN_DIR)]
    for path in extra:
        resolved = str(Path(path).resolve())
        if resolved not in paths:
            paths.append(resolved)
    return paths


def discover(paths: list[str] | None = None) -> list[str]:
    """Names of the plugin packages in ``paths`` (default: this folder), sorted."""
    names = {
        m.name
        for m in pkgutil.iter_modules(paths or [str(PLUGIN_DIR)])
        if m.ispkg and not m.name.startswith("_")
    }
    return sorted(names)


def plugin_dir(name: str, paths: list[str]) -> Path | None:
    """The folder of plugin ``name``: the first of ``paths`` that has it."""
    for path in paths:
        candidate = Path(path) / name
        if (candidate / "__init__.py").is_file():
            return candidate
    return None


def _extend_package_path(paths: list[str]) -> None:
    """Let ``plugins.<name>`` import from the extra folders too."""
    package_path = globals()["__path__"]
    for path in paths:
        if path not in package_path:
            package_path.append(path)


# ---- loading ---------------------------------------------------------------------------------


def load_plugins(app: Flask) -> list[str]:
    """Import, check and register the enabled plugins; return the names loaded.

    Also kept in ``app.extensions["dvadmin_plugins"]``; details (blueprints, tables, seed
    folder, migrations) in ``app.extensions["dvadmin_plugin_info"]``, refusals and failures in
    ``app.extensions["dvadmin_plugin_errors"]``.
    """
    paths = search_paths(app)
    _extend_package_path(paths[1:])
    found = discover(paths)
    names = list(app.config.get("PLUGINS") or found)
    disabled = set(app.config.get("PLUGINS_DISABLED") or [])
    info: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    loaded: list[str] = []
    app.extensions["dvadmin_plugins"] = loaded
    app.extensions["dvadmin_plugin_info"] = info
    app.extensions["dvadmin_plugin_errors"] = errors
    for name in names:
        if name in disabled:
            log.info("plugin %r is disabled by config", name)
            continue
        try:
            info[name] = _load_one(app, name, info)
        except PluginClash as exc:
            errors[name] = f"refused: {exc}"
            log.error("plugin %r refused: %s", name, exc)
            continue
        except Exception as exc:  # noqa: BLE001 - a bad plugin must not take the app down
            errors[name] = f"failed: {exc!r}"
            log.exception("plugin %r failed to load and was skipped", name)
            continue
        loaded.append(name)
        log.info("plugin %r loaded", name)
    # Schema history: loaded plugins, and installed ones switched off by config (their recorded
    # revisions must stay resolvable); not those refused or failing.
    migrations = []
    for name in found:
        if name in errors:
            continue
        folder = plugin_dir(name, paths)
        if folder is not None and (folder / "migrations").is_dir():
            migrations.append(str(folder / "migrations"))
    app.extensions["dvadmin_plugin_migrations"] = migrations
    _hook_migrate()
    return loaded


def _load_one(app: Flask, name: str, others: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Import one plugin, check it against the app, then register it (nothing on a clash)."""
    from app.extensions import api, db

    module_name = f"{__name__}.{name}"
    fresh = module_name not in sys.modules
    before = set(db.metadata.tables)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        _forget_tables(set(db.metadata.tables) - before)
        _forget_classes(module_name)
        match = _TABLE_CLASH.search(str(exc))
        if match:
            raise PluginClash(
                f"its model table {match.group(1)!r} clashes with {_table_owner(match.group(1), others)}"
            ) from exc
        raise
    if fresh:
        _PLUGIN_TABLES[name] = [db.metadata.tables[t] for t in sorted(set(db.metadata.tables) - before)]
    tables = _PLUGIN_TABLES.get(name, [])
    blueprints = list(getattr(module, "BLUEPRINTS", None) or ([module.blp] if hasattr(module, "blp") else []))
    commands = list(getattr(module, "COMMANDS", ()) or ())
    try:
        _check_tables(module_name, tables, before if fresh else None, others)
        _check_blueprints(app, blueprints, others)
        _check_commands(app, commands)
    except PluginClash:
        _forget_tables({t.name for t in tables})
        raise
    _remember_tables(tables)
    blueprints_before = set(app.blueprints)
    try:
        init_app = getattr(module, "init_app", None)
        if init_app is None:
            log.warning("plugin %r has no init_app(app)", name)
        else:
            init_app(app)
    except Exception:
        _forget_tables({t.name for t in tables})
        raise
    unchecked = set(app.blueprints) - blueprints_before
    if unchecked:
        log.warning(
            "plugin %r registered blueprints %s in init_app: declare them in BLUEPRINTS so they are"
            " checked for clashes",
            name,
            sorted(unchecked),
        )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    for command in commands:
        app.cli.add_command(command)
    seed_dir = getattr(module, "SEED_DIR", None)
    return {
        "module": module_name,
        "blueprints": [b.name for b in blueprints] + sorted(unchecked),
        "tables": [t.name for t in tables],
        "commands": [c.name for c in commands],
        "seed_dir": str(seed_dir) if seed_dir else None,
    }


# ---- clash checks ----------------------------------------------------------------------------


def _normalise_rule(rule: str) -> str:
    """A URL rule with its converters blanked and no trailing slash (strict_slashes is off)."""
    return re.sub(r"<[^>]*>", "<>", rule).rstrip("/") or "/"


def _owner_of_blueprint(blueprint_name: str, others: dict[str, dict[str, Any]]) -> str:
    for plugin, details in others.items():
        if blueprint_name in details.get("blueprints", ()):
            return f"plugin {plugin!r}"
    return "the core"


def _check_blueprints(app: Flask, blueprints: list, others: dict[str, dict[str, Any]]) -> None:
    """Refuse a blueprint name or URL rule the app already has."""
    from flask import Flask as _Flask

    existing: dict[str, tuple[str, str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        existing.setdefault(_normalise_rule(rule.rule), (rule.rule, rule.endpoint))
    for blueprint in blueprints:
        if blueprint.name in app.blueprints:
            raise PluginClash(
                f"its blueprint name {blueprint.name!r} clashes with"
                f" {_owner_of_blueprint(blueprint.name, others)}'s blueprint {blueprint.name!r}"
            )
        # A throwaway app shows the rules the blueprint would add, without touching this one.
        probe = _Flask(f"plugin-probe-{blueprint.name}")
        probe.register_blueprint(blueprint)
        for rule in probe.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            key = _normalise_rule(rule.rule)
            if key in existing:
                theirs, endpoint = existing[key]
                owner = _owner_of_blueprint(endpoint.split(".", 1)[0], others)
                raise PluginClash(
                    f"its route {rule.rule} (endpoint {rule.endpoint}) clashes with {owner}'s route"
                    f" {theirs} (endpoint {endpoint})"
                )


def _table_owner(table: str, others: dict[str, dict[str, Any]]) -> str:
    """Who defines ``table``: a plugin, or the core model's class."""
    for plugin, details in others.items():
        if table in details.get("tables", ()):
            return f"plugin {plugin!r}'s table {table!r}"
    for mapper in _mappers():
        if getattr(mapper.local_table, "name", None) == table:
            cls = mapper.class_
            if not cls.__module__.startswith(f"{__name__}."):
                return f"the core's table {table!r} ({cls.__module__}.{cls.__name__})"
    return f"the existing table {table!r}"


def _check_tables(module_name: str, tables: list, before: set[str] | None, others) -> None:
    """Refuse a plugin model mapped onto a table it did not create (``extend_existing``)."""
    from app.extensions import db

    own = {t.name for t in tables}
    for mapper in _mappers():
        cls = mapper.class_
        if cls.__module__ != module_name and not cls.__module__.startswith(module_name + "."):
            continue
        table = getattr(mapper.local_table, "name", None)
        if table and table not in own and (before is None or table in before):
            raise PluginClash(f"its model {cls.__name__} maps {_table_owner(table, others)}")
    for table in tables:
        if table.name in db.metadata.tables and db.metadata.tables[table.name] is not table:
            raise PluginClash(
                f"its model table {table.name!r} clashes with {_table_owner(table.name, others)}"
            )


def _check_commands(app: Flask, commands: list) -> None:
    for command in commands:
        if command.name in app.cli.commands or command.name in RESERVED_COMMANDS:
            raise PluginClash(f"its command 'flask {command.name}' clashes with an existing command")


def _mappers() -> list:
    """The mapped classes' mappers (a class whose mapping failed has a manager but no mapper)."""
    from app.extensions import db

    return [m.mapper for m in list(db.Model.registry._managers) if m.is_mapped]  # noqa: SLF001


def _forget_classes(module_name: str) -> None:
    """Drop the classes a failed plugin import left in the registry (half-mapped ones too)."""
    from sqlalchemy.orm import instrumentation

    from app.extensions import db

    registry = db.Model.registry
    for manager in list(registry._managers):  # noqa: SLF001
        module = manager.class_.__module__
        if module == module_name or module.startswith(module_name + "."):
            registry._dispose_cls(manager.class_)  # noqa: SLF001
            registry._managers.pop(manager, None)  # noqa: SLF001
            instrumentation._instrumentation_factory.unregister(manager.class_)  # noqa: SLF001


def _forget_tables(names: set[str]) -> None:
    """Take tables of a plugin that is not loaded out of the shared metadata."""
    from app.extensions import db

    for table_name in names:
        table = db.metadata.tables.get(table_name)
        if table is not None:
            db.metadata.remove(table)


def _remember_tables(tables: list) -> None:
    """Put a plugin's tables back into the metadata if an earlier app refused it in this process."""
    from app.extensions import db

    for table in tables:
        if table.name not in db.metadata.tables:
            db.metadata._add_table(table.name, table.schema, table)  # noqa: SLF001


# ---- migrations ------------------------------------------------------------------------------


def version_locations(config):
    """Flask-Migrate configure hook: the core's revisions plus each plugin's ``migrations/``."""
    folders = current_app.extensions.get("dvadmin_plugin_migrations") or []
    if folders:
        core = Path(config.get_main_option("script_location")) / "versions"
        joined = os.pathsep.join([str(core), *folders])
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", joined.replace("%", "%%"))
    return config


def _hook_migrate() -> None:
    """Install :func:`version_locations` once on the shared ``Migrate`` object."""
    global _MIGRATE_HOOKED
    if _MIGRATE_HOOKED:
        return
    from app.extensions import migrate

    migrate.configure(version_locations)
    _MIGRATE_HOOKED = True
