"""``flask adopt``: take over a database written by the original django-vue3-admin backend.

Dry run by default: it reads the database and reports, and changes nothing. The original's
tables (those revision ``0001_original_schema`` creates, with the configured ``TABLE_PREFIX``)
must all be there with all their columns; otherwise the database is "not the original's
shape", the command says what is missing and exits 1.

``--apply`` stamps ``0001_original_schema`` in the project's version table and upgrades to every
head (core and plugins): additive only, existing rows untouched (decisions #25, #26). MariaDB
commits DDL implicitly (traps #13), so this cannot be rolled back: back up first.

``--apply-seed-fixes`` (a separate opt-in) rewrites the original seed's wrong button routes and
gives the seed ``admin`` user the ``admin`` role (differences #26), each only where the row still
holds the exact original value, then bumps the permission version.

Both write options ask for confirmation on a terminal; without one they need ``--yes``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.core.models import table_name

ORIGINAL_REVISION = "0001_original_schema"
# The original's framework tables: their presence says Django wrote this database.
DJANGO_MARKERS = ("django_migrations", "django_content_type")

PERMISSION_OLD = "/api/system/role_menu_button_permision/"
PERMISSION_NEW = "/api/system/role_menu_button_permission/"


@dataclass(frozen=True)
class ButtonFix:
    """One seed button whose original api/method is wrong: (value, old api, old method) → new."""

    value: str
    old_api: str
    old_method: int
    new_api: str
    new_method: int
    why: str


SEED_BUTTON_FIXES: tuple[ButtonFix, ...] = (
    *(
        ButtonFix(value, PERMISSION_OLD + path, method, PERMISSION_NEW + path, method, "misspelled route")
        for value, path, method in (
            ("role:AllDataRangeDept", "role_to_dept_all/", 0),
            ("role:AllCanMenu", "get_role_menu/", 0),
            ("role:AllMenuButton", "get_role_menu_btn_field/", 0),
            ("role:SetMenu", "set_role_menu/", 2),
            ("role:SetMenuButton", "set_role_menu_btn/", 2),
            ("role:SetDataRange", "set_role_menu_btn_data_range/", 2),
        )
    ),
    *(
        ButtonFix(
            value, f"/api/system/{area}/mode_{way}/", 1, f"/api/system/{area}/move_{way}/", 1, "mode_ → move_"
        )
        for value, area, way in (
            ("menu:MoveUp", "menu", "up"),
            ("menu:MoveDown", "menu", "down"),
            ("dept:MoveUp", "dept", "up"),
            ("dept:MoveDown", "dept", "down"),
        )
    ),
    ButtonFix(
        "messageCenter:Delete",
        "/api/system/menu/{id}/",
        3,
        "/api/system/message_center/{id}/",
        3,
        "pointed at the menu route",
    ),
    ButtonFix("file:Update", "/api/system/file/{id}/", 1, "/api/system/file/{id}/", 2, "update is PUT"),
    ButtonFix(
        "user:Export",
        "/api/system/user/export/",
        1,
        "/api/system/user/export_data/",
        0,
        "the SPA's export route",
    ),
    ButtonFix(
        "user:Import",
        "/api/system/user/import/",
        1,
        "/api/system/user/import_data/",
        1,
        "the SPA's import route",
    ),
    ButtonFix(
        "user:ImportTemplate",
        "/api/system/user/import/",
        0,
        "/api/system/user/import_data/",
        0,
        "the SPA's template route",
    ),
)
METHOD_NAMES = {0: "GET", 1: "POST", 2: "PUT", 3: "DELETE", 4: "PATCH"}


@dataclass
class Report:
    """What ``flask adopt`` found and what it would do."""

    expected: dict[str, list[str]]
    tables: set[str]
    missing_tables: list[str] = field(default_factory=list)
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    django: list[str] = field(default_factory=list)
    version_table: str = ""
    versions: list[str] | None = None
    unknown_versions: list[str] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    seed_fixes: list[str] = field(default_factory=list)

    @property
    def adoptable(self) -> bool:
        return not self.missing_tables and not self.missing_columns and not self.unknown_versions

    @property
    def adopted(self) -> bool:
        return bool(self.versions)


# ---- reading the database --------------------------------------------------------------------


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def expected_original_shape(script=None) -> dict[str, list[str]]:
    """``{table: [columns]}`` of revision 0001, found by running it on an in-memory SQLite."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    script = script or _script()
    module = script.get_revision(ORIGINAL_REVISION).module
    engine = sa.create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            with Operations.context(MigrationContext.configure(conn)):
                module.upgrade()
            inspector = sa.inspect(conn)
            return {t: [c["name"] for c in inspector.get_columns(t)] for t in inspector.get_table_names()}
    finally:
        engine.dispose()


def _index_signatures(inspector, table: str) -> set[tuple[tuple[str, ...], bool]]:
    found = set()
    for index in inspector.get_indexes(table):
        found.add((tuple(index["column_names"]), bool(index.get("unique"))))
    for unique in inspector.get_unique_constraints(table):
        found.add((tuple(unique["column_names"]), True))
    pk = inspector.get_pk_constraint(table).get("constrained_columns") or []
    if pk:
        found.add((tuple(pk), True))
    return found


def _plan(inspector, tables: set[str]) -> list[str]:
    """What the models have that the database lacks: tables, columns, wider columns, indexes."""
    from app.extensions import db

    lines = []
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            lines.append(f"create table {table.name}")
            continue
        existing = {c["name"]: c for c in inspector.get_columns(table.name)}
        for column in table.columns:
            have = existing.get(column.name)
            if have is None:
                null = "NULL" if column.nullable else "NOT NULL"
                lines.append(
                    f"add column {table.name}.{column.name} {column.type.compile(db.engine.dialect)} {null}"
                )
                continue
            want_len = getattr(column.type, "length", None)
            have_len = getattr(have["type"], "length", None)
            if isinstance(column.type, sa.String) and want_len and have_len and have_len < want_len:
                lines.append(f"widen column {table.name}.{column.name} from length {have_len} to {want_len}")
        indexes = _index_signatures(inspector, table.name)
        wanted = [(tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes]
        wanted += [
            (tuple(c.name for c in u.columns), True)
            for u in table.constraints
            if isinstance(u, sa.UniqueConstraint)
        ]
        for columns, unique in wanted:
            if (columns, unique) not in indexes:
                kind = "unique index" if unique else "index"
                lines.append(f"add {kind} on {table.name} ({', '.join(columns)})")
    return lines


def _versions(conn, tables: set[str], version_table: str) -> list[str] | None:
    if version_table not in tables:
        return None
    rows = conn.execute(sa.text(f"SELECT version_num FROM {version_table}"))  # noqa: S608 - our own name
    return sorted(r[0] for r in rows)


def _pending(script, versions: list[str] | None) -> tuple[list[tuple[str, str]], list[str]]:
    """Revisions an upgrade to all heads would run, oldest first; and unknown recorded ones."""
    current = list(versions) if versions else [ORIGINAL_REVISION]
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = [v for v in current if v not in known]
    if unknown:
        return [], unknown
    applied = {rev.revision for rev in script.iterate_revisions(tuple(current), "base")}
    pending = [
        (rev.revision, (rev.doc or "").splitlines()[0] if rev.doc else "")
        for rev in script.walk_revisions()
        if rev.revision not in applied
    ]
    pending.reverse()
    return pending, []


def seed_fix_candidates(conn) -> tuple[list[tuple[int, ButtonFix]], tuple[int, int] | None]:
    """Buttons still holding an original wrong value, and ``(admin user id, admin role id)``."""
    from blueprints.user.models import users_role

    button = sa.table(
        table_name("system_menu_button"),
        sa.column("id"),
        sa.column("value"),
        sa.column("api"),
        sa.column("method"),
    )
    rows = conn.execute(
        sa.select(button.c.id, button.c.value, button.c.api, button.c.method).where(
            button.c.value.in_([fix.value for fix in SEED_BUTTON_FIXES])
        )
    ).all()
    by_value = {fix.value: fix for fix in SEED_BUTTON_FIXES}
    buttons = []
    for row in rows:
        fix = by_value.get(row.value)
        # exact values only: MariaDB compares case-insensitively, Python does not
        if (
            fix is not None
            and row.value == fix.value
            and row.api == fix.old_api
            and row.method == fix.old_method
        ):
            buttons.append((row.id, fix))
    users = sa.table(table_name("system_users"), sa.column("id"), sa.column("username"))
    roles = sa.table(table_name("system_role"), sa.column("id"), sa.column("key"))
    admin = conn.execute(sa.select(users.c.id, users.c.username).where(users.c.username == "admin")).all()
    admin = [r for r in admin if r.username == "admin"]
    role = conn.execute(
        sa.select(roles.c.id, roles.c.key).where(roles.c.key == "admin").order_by(roles.c.id)
    ).all()
    role = [r for r in role if r.key == "admin"]
    grant = None
    if admin and role:
        has_role = conn.execute(
            sa.select(sa.func.count()).select_from(users_role).where(users_role.c.users_id == admin[0].id)
        ).scalar_one()
        if not has_role:
            grant = (admin[0].id, role[0].id)
    return sorted(buttons, key=lambda item: item[0]), grant


def _describe_fixes(buttons, grant) -> list[str]:
    lines = []
    for button_id, fix in buttons:
        old = f"{METHOD_NAMES.get(fix.old_method, fix.old_method)} {fix.old_api}"
        new = f"{METHOD_NAMES.get(fix.new_method, fix.new_method)} {fix.new_api}"
        lines.append(f"button {fix.value} (id {button_id}): {old} → {new} ({fix.why})")
    if grant:
        lines.append(f"user admin (id {grant[0]}): add role admin (id {grant[1]}); it has no role")
    return lines


def inspect_database() -> Report:
    """Compare the connected database with the original's shape and the project's head."""
    from app.extensions import db

    script = _script()
    expected = expected_original_shape(script)
    inspector = sa.inspect(db.engine)
    tables = set(inspector.get_table_names())
    report = Report(expected=expected, tables=tables, version_table=table_name("alembic_version"))
    report.django = [t for t in DJANGO_MARKERS if t in tables]
    for table, columns in sorted(expected.items()):
        if table not in tables:
            report.missing_tables.append(table)
            continue
        have = [c["name"] for c in inspector.get_columns(table)]
        missing = [c for c in columns if c not in have]
        if missing:
            report.missing_columns[table] = missing
        extra = [c for c in have if c not in columns]
        if extra:
            report.extra_columns[table] = extra
    with db.engine.connect() as conn:
        report.versions = _versions(conn, tables, report.version_table)
        if not report.missing_tables and not report.missing_columns:
            report.seed_fixes = _describe_fixes(*seed_fix_candidates(conn))
    report.pending, report.unknown_versions = _pending(script, report.versions)
    if report.adoptable:
        report.plan = _plan(inspector, tables)
    return report


# ---- printing ----------------------------------------------------------------------------------


def print_report(report: Report) -> None:
    """The human-readable report."""
    echo = click.echo
    present = len(report.expected) - len(report.missing_tables)
    echo(f"Original tables (prefix {table_name('')!r}): {present} of {len(report.expected)} present.")
    if report.django:
        echo(f"Django framework tables found: {', '.join(report.django)} (left alone).")
    for table, columns in sorted(report.extra_columns.items()):
        echo(f"  {table}: columns not in the original's schema: {', '.join(columns)}")
    if not report.adoptable:
        echo("")
        echo("NOT the original's shape; nothing was changed.")
        for table in report.missing_tables:
            echo(f"  missing table: {table}")
        for table, columns in sorted(report.missing_columns.items()):
            echo(f"  missing columns in {table}: {', '.join(columns)}")
        for version in report.unknown_versions:
            echo(
                f"  {report.version_table} records revision {version!r}, which no enabled migration"
                " folder has (a disabled or missing plugin?)"
            )
        if len(report.missing_tables) == len(report.expected):
            echo("  (check TABLE_PREFIX; for a new, empty database use `flask db upgrade` instead)")
        return
    echo("Every original table and column is present.")
    if report.adopted:
        echo(f"Already adopted: {report.version_table} is at {', '.join(report.versions)}.")
    else:
        echo(f"Not adopted yet: would create {report.version_table} stamped at {ORIGINAL_REVISION}.")
    if report.pending:
        echo("Would apply these revisions:")
        for revision, doc in report.pending:
            echo(f"  {revision}: {doc}")
    if report.plan:
        echo("Schema changes (additive; existing rows untouched):")
        for line in report.plan:
            echo(f"  {line}")
    if not report.pending and not report.plan:
        echo("The schema is up to date; nothing to apply.")
    if report.seed_fixes:
        echo("Seed fixes available (--apply-seed-fixes):")
        for line in report.seed_fixes:
            echo(f"  {line}")
    else:
        echo("Seed fixes: none needed.")


# ---- writing -------------------------------------------------------------------------------------


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise click.ClickException("no terminal to confirm on: pass --yes to apply")
    if not click.confirm(question, default=False):
        raise click.ClickException("aborted; nothing was changed")


def apply_schema(report: Report) -> None:
    """Stamp 0001 (unless adopted already) and upgrade to every head."""
    from flask_migrate import stamp, upgrade

    try:
        if not report.adopted:
            stamp(revision=ORIGINAL_REVISION)
            click.echo(f"stamped {report.version_table} at {ORIGINAL_REVISION}")
        if report.pending:
            upgrade(revision="heads")
    except SystemExit as exc:  # flask_migrate reports alembic errors by exiting
        raise click.ClickException(
            "the upgrade stopped (see the error above). MariaDB commits each schema change as it goes:"
            " run `flask adopt` to see where the database stands, or restore the backup."
        ) from exc


def run_seed_fixes() -> list[str]:
    """Apply the seed fixes still applicable; return what changed."""
    from app.core.permissions import bump_permission_version
    from app.extensions import db
    from blueprints.user.models import users_role

    button = sa.table(
        table_name("system_menu_button"), sa.column("id"), sa.column("api"), sa.column("method")
    )
    with db.engine.begin() as conn:
        buttons, grant = seed_fix_candidates(conn)
        changed = []
        for button_id, fix in buttons:
            result = conn.execute(
                sa.update(button)
                .where(
                    button.c.id == button_id, button.c.api == fix.old_api, button.c.method == fix.old_method
                )
                .values(api=fix.new_api, method=fix.new_method)
            )
            if result.rowcount:
                changed.extend(_describe_fixes([(button_id, fix)], None))
        if grant:
            conn.execute(sa.insert(users_role).values(users_id=grant[0], role_id=grant[1]))
            changed.extend(_describe_fixes([], grant))
    if changed:
        bump_permission_version()
    return changed


@click.command("adopt")
@click.option("--apply", "apply_", is_flag=True, help="Stamp 0001_original_schema and upgrade to head.")
@click.option(
    "--apply-seed-fixes", is_flag=True, help="Fix the original seed's wrong button routes and admin's role."
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (needed without a terminal).")
@with_appcontext
def adopt(apply_: bool, apply_seed_fixes: bool, yes: bool) -> None:
    """Take over a database of the original django-vue3-admin backend (dry run by default).

    Back up the database first: MariaDB cannot roll back schema changes.
    """
    report = inspect_database()
    print_report(report)
    if not report.adoptable:
        sys.exit(1)
    if not apply_ and not apply_seed_fixes:
        click.echo("")
        click.echo("Dry run: nothing was changed. Back up the database, then run with --apply.")
        return
    work = []
    if apply_ and (not report.adopted or report.pending):
        work.append("change the schema (cannot be rolled back on MariaDB)")
    if apply_seed_fixes and report.seed_fixes:
        work.append(f"apply {len(report.seed_fixes)} seed fix(es)")
    if not work:
        click.echo("Nothing to do.")
        return
    _confirm(f"This will {' and '.join(work)}. Have you backed up the database? Continue?", yes)
    if apply_ and (not report.adopted or report.pending):
        apply_schema(report)
        after = inspect_database()
        click.echo(f"Adopted: {after.version_table} is at {', '.join(after.versions or [])}.")
        if after.plan or after.pending:
            raise click.ClickException("the schema still differs from the models: " + "; ".join(after.plan))
        click.echo("The schema matches the models.")
    if apply_seed_fixes:
        changed = run_seed_fixes()
        if changed:
            click.echo("Seed fixes applied:")
            for line in changed:
                click.echo(f"  {line}")
            click.echo("Permission caches refreshed.")
        else:
            click.echo("Seed fixes: none needed.")


COMMANDS = (adopt,)
