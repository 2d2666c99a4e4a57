"""Alembic environment for Flask-Migrate, adjusted for the original's schema (decisions #26)."""

import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

import app.models  # noqa: F401  (registers every table on db.metadata)
from app.core.models import table_name

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# The version table carries the prefix too, so two prefixed installs can share a database.
VERSION_TABLE = table_name("alembic_version")


def get_engine():
    """Return the Flask-SQLAlchemy engine of the current app."""
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    """Return the engine URL, escaped for the ini parser."""
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db


def _head_means_all_heads():
    """With plugin branches (plugins/<name>/migrations) there are several heads.

    ``flask db upgrade`` and ``flask db stamp head`` ask for "head"; here that means every
    head, so the core's revisions and each loaded plugin's are applied together.
    """
    script = context.script
    if len(script.get_heads()) <= 1:
        return

    def as_heads(revision):
        if isinstance(revision, tuple | list):
            return tuple("heads" if r == "head" else r for r in revision)
        return "heads" if revision == "head" else revision

    upgrade_revs, stamp_revs = script._upgrade_revs, script._stamp_revs
    script._upgrade_revs = lambda destination, current: upgrade_revs(as_heads(destination), current)
    script._stamp_revs = lambda revision, heads: stamp_revs(as_heads(revision), heads)


_head_means_all_heads()


def get_metadata():
    """Return the metadata autogenerate compares against."""
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def _signature(obj):
    """Return what makes two indexes or unique keys equivalent: columns and uniqueness."""
    unique = True if isinstance(obj, sa.UniqueConstraint) else bool(getattr(obj, "unique", False))
    return tuple(c.name for c in obj.columns), unique


_database_signatures = {}


def _in_database(table_name_):
    """Return the index and unique-key signatures the connected database has for a table."""
    if table_name_ not in _database_signatures:
        inspector = sa.inspect(context.get_bind())
        found = set()
        if inspector.has_table(table_name_):
            for index in inspector.get_indexes(table_name_):
                found.add((tuple(index["column_names"]), bool(index.get("unique"))))
            for unique in inspector.get_unique_constraints(table_name_):
                found.add((tuple(unique["column_names"]), True))
        _database_signatures[table_name_] = found
    return _database_signatures[table_name_]


def _in_models(table_name_):
    """Return the index and unique-key signatures the models declare for a table."""
    table = get_metadata().tables.get(table_name_)
    if table is None:
        return set()
    items = list(table.indexes) + [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    return {_signature(item) for item in items}


def include_object(obj, name, type_, reflected, compare_to):
    """Compare only what the project owns, so an adopted database checks clean.

    Tables that are not ours (Django's auth_*, django_*, other prefixes) are left alone, and
    so are the original's foreign keys to them. Index names need not match the original's
    (decisions #23): an index or unique key is only added or dropped when no index with the
    same columns and uniqueness exists on the other side.
    """
    if compare_to is not None:
        return True
    if type_ == "table":
        return not reflected
    if type_ == "foreign_key_constraint":
        return not reflected
    if type_ in ("index", "unique_constraint"):
        other = _in_models(obj.table.name) if reflected else _in_database(obj.table.name)
        return _signature(obj) not in other
    return True


def configure_args():
    """Return the app's Migrate() arguments with this project's defaults."""
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    # SQLite can only ALTER by copying the table.
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("include_object", include_object)
    conf_args["version_table"] = VERSION_TABLE
    return conf_args


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=get_metadata(),
        literal_binds=True,
        **{k: v for k, v in configure_args().items() if k != "process_revision_directives"},
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = configure_args()
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
