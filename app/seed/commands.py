"""``flask init`` and ``flask createsuperuser``."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.seed.loader import DEFAULT_PASSWORD, Seeder, SeedError, pending_users, read_seed_dir

SEED_DIR = Path(__file__).resolve().parent / "data"


def interactive(no_input: bool) -> bool:
    """True when the command may prompt: a terminal on stdin and no ``--no-input``."""
    return not no_input and sys.stdin is not None and sys.stdin.isatty()


def production() -> bool:
    """True under ``APP_ENV=production``."""
    return current_app.config.get("APP_ENV") == "production"


def check_schema() -> None:
    """Refuse early, with a clear message, when the database is unreachable or not migrated."""
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        inspector = sa.inspect(db.engine)
        tables = set(inspector.get_table_names())
    except sa.exc.SQLAlchemyError as exc:
        raise click.ClickException(
            f"cannot reach the database at {url}: {getattr(exc, 'orig', exc)}"
        ) from None
    missing = []
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            missing.append(table.name)
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        raise click.ClickException(
            f"the database at {url} is not fully migrated (missing: {shown}); run `flask db upgrade` first"
        )


def plugin_seed_dir(name: str) -> Path:
    """The ``SEED_DIR`` of ``plugins.<name>``, or a clear error."""
    try:
        module = importlib.import_module(f"plugins.{name}")
    except ModuleNotFoundError as exc:
        if exc.name in (f"plugins.{name}", "plugins"):
            raise click.ClickException(f"unknown plugin {name!r} (no package plugins/{name})") from None
        raise
    seed_dir = getattr(module, "SEED_DIR", None)
    if not seed_dir:
        raise click.ClickException(f"plugin {name!r} has no seed data (it defines no SEED_DIR)")
    return Path(seed_dir)


def invalidate_caches() -> None:
    """Every worker re-reads grants, settings and dictionaries after a seed run."""
    from app.core.permissions import bump_permission_version

    bump_permission_version()
    try:
        from blueprints.system_config.cache import invalidate
    except ImportError:  # pragma: no cover - the cache module ships with the system_config area
        from app.core.store import get_store

        for name in ("config", "dictionary"):
            get_store().delete(f"cache:{name}:version")
        return
    invalidate()


def prompt_password(label: str) -> str:
    """Ask twice, hidden, and apply the password policy."""
    from app.core.passwords import policy_errors

    raw = click.prompt(label, hide_input=True, confirmation_prompt=True)
    problem = policy_errors(raw)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    return raw


def choose_password(data: dict[str, Any], password: str | None, allow_default: bool, no_input: bool) -> str:
    """The raw password for seeded users this run creates (differences #3, #9)."""
    from app.core.passwords import policy_errors

    if password is not None:
        problem = policy_errors(password)
        if problem:
            raise click.ClickException(f"--password refused: {problem}")
        return password
    if allow_default or not production():
        return DEFAULT_PASSWORD
    to_create = pending_users(data)
    if not to_create:
        return DEFAULT_PASSWORD  # nobody gets it
    if interactive(no_input):
        return prompt_password(f"Password for the new users {', '.join(to_create)}")
    raise click.ClickException(
        f"production: refusing to create {', '.join(to_create)} with the well-known default password; "
        "give --password <strong password> (or --allow-default-password to accept it knowingly)"
    )


def replace_default_password(data: dict[str, Any], value: str) -> None:
    """In production the seeded ``base.default_password`` (used by user create, import and
    reset-to-default) is not the well-known one: the password given, or empty (differences #3)."""
    for group in data.get("system_config") or []:
        if group.get("key") != "base":
            continue
        for item in group.get("children") or []:
            if item.get("key") == "default_password" and item.get("value") == DEFAULT_PASSWORD:
                item["value"] = value


@click.command("init")
@click.option(
    "-y", "--reset", is_flag=True, help="Restore seeded rows to their seeded values (nothing is deleted)."
)
@click.option("--app", "app_name", metavar="NAME", help="Seed only the plugin plugins.NAME (its SEED_DIR).")
@click.option("--no-input", is_flag=True, help="Never prompt.")
@click.option("--password", default=None, help="Raw password for the seeded users this run creates.")
@click.option(
    "--allow-default-password",
    is_flag=True,
    help=f"In production, accept the well-known seed password ({DEFAULT_PASSWORD}).",
)
@with_appcontext
def init_command(
    reset: bool, app_name: str | None, no_input: bool, password: str | None, allow_default_password: bool
) -> None:
    """Seed depts, roles, users, menus, grants, whitelist, dictionaries and config (idempotent)."""
    started = time.monotonic()
    seed_dir = plugin_seed_dir(app_name) if app_name else SEED_DIR
    try:
        data = read_seed_dir(seed_dir)
    except SeedError as exc:
        raise click.ClickException(str(exc)) from None
    check_schema()
    raw_password = choose_password(data, password, allow_default_password, no_input)
    if production() and not allow_default_password:
        replace_default_password(data, password or "")
    if reset and interactive(no_input):
        click.confirm(
            "-y restores every seeded menu, button, dept, role, dictionary and config row to its seeded "
            "values (rows you added are kept; passwords are not touched). Continue?",
            abort=True,
        )
    click.echo(f"seeding from {seed_dir}{' (reset)' if reset else ''}")
    seeder = Seeder(data, reset=reset, password=raw_password, echo=click.echo)
    try:
        tally = seeder.run()
        if tally.changed:
            db.session.commit()
        else:
            db.session.rollback()
    except SeedError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc}; nothing was written") from None
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        raise click.ClickException(
            f"database error: {getattr(exc, 'orig', exc)}; nothing was written"
        ) from None
    if tally.changed:
        invalidate_caches()
    for line in tally.lines():
        click.echo(line)
    elapsed = time.monotonic() - started
    if not tally.changed:
        click.echo(f"nothing changed: the database already holds this seed data ({elapsed:.1f}s)")
        return
    click.echo(f"done in {elapsed:.1f}s")
    if seeder.created_users:
        shown = "the password given" if raw_password != DEFAULT_PASSWORD else DEFAULT_PASSWORD
        click.echo(
            f"log in as {seeder.created_users[0]} with {shown} (POST /api/login/ or the SPA); "
            "seeded users must choose a new password at first login"
        )


@click.command("createsuperuser")
@click.option("--username", default=None)
@click.option("--email", default=None)
@click.option("--password", default=None, help="Raw password (prompted, hidden, when omitted).")
@click.option("--no-input", is_flag=True, help="Never prompt: --username and --password are required.")
@with_appcontext
def createsuperuser_command(
    username: str | None, email: str | None, password: str | None, no_input: bool
) -> None:
    """Create a superuser (with the admin role when it exists)."""
    from app.core.passwords import make_password, policy_errors
    from blueprints.dept.models import Dept
    from blueprints.role.models import Role
    from blueprints.user.models import User

    check_schema()
    ask = interactive(no_input)
    if not username:
        if not ask:
            raise click.ClickException("--username is required with --no-input (or without a terminal)")
        username = click.prompt("Username").strip()
    if email is None and ask:
        email = click.prompt("Email address", default="", show_default=False).strip() or None
    if not username or len(username) > 150:
        raise click.ClickException("the username must be 1 to 150 characters")
    taken = db.session.execute(
        sa.select(User.id).where(sa.func.lower(User.username) == username.lower()).limit(1)
    ).first()
    if taken:
        raise click.ClickException(f"a user named {username!r} already exists")
    if password is None:
        if not ask:
            raise click.ClickException("--password is required with --no-input (or without a terminal)")
        password = prompt_password("Password")
    problem = policy_errors(password)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    role = db.session.execute(sa.select(Role).where(sa.func.lower(Role.key) == "admin")).scalar_one_or_none()
    dept = db.session.execute(
        sa.select(Dept).where(Dept.parent_id.is_(None)).order_by(Dept.sort, Dept.id).limit(1)
    ).scalar_one_or_none()
    user = User(
        username=username,
        name=username,
        email=email,
        password=make_password(password),
        is_superuser=True,
        is_staff=True,
        is_active=True,
        pwd_change_count=1,  # they chose this password themselves
        dept_id=dept.id if dept else None,
        dept_belong_id=str(dept.id) if dept else None,
    )
    user.role = [role] if role is not None else []
    db.session.add(user)
    db.session.commit()
    from app.core.permissions import bump_permission_version

    bump_permission_version()
    extra = "" if role is not None else " (no admin role yet: run `flask init` to seed it)"
    click.echo(f"superuser {username!r} created{extra}; log in with that username and password")


COMMANDS = (init_command, createsuperuser_command)
