"""``flask adopt`` on ``original-seeded-db.sql``, the original backend's seeded MariaDB database.

Self-contained (its own databases, no conftest database fixtures): the dump is loaded into a fresh
database and an app is built on it without running the test migrations. MariaDB comes from
``TEST_MARIADB_URL``; if it cannot be reached the module is skipped, or fails under ``CI=true``.
The temp databases are dropped at the end.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.models import table_name
from app.extensions import db
from tests.conftest import make_app

DUMP = Path(__file__).resolve().parents[3] / "shared/spec/original-seeded-db.sql"
MARIADB_SERVER = os.environ.get("TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/")
HEADS = {"0003_project_indexes", "example_0001_note"}


def _unreachable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: MariaDB must be up for the adopt tests)", pytrace=False)
    pytest.skip(reason)


def _url(name: str) -> str:
    url = sa.engine.make_url(MARIADB_SERVER).set(database=name, query={"charset": "utf8mb4"})
    return url.render_as_string(hide_password=False)


def split_sql(text: str) -> list[str]:
    """Statements of a mysqldump file, honouring quotes and comments (for when no client exists)."""
    statements, current, i, quote = [], [], 0, None
    while i < len(text):
        ch = text[i]
        if quote:
            current.append(ch)
            if ch == "\\" and quote != "`":
                current.append(text[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            current.append(ch)
        elif text.startswith("--", i) and (i == 0 or text[i - 1] == "\n"):
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        elif ch == ";":
            statement = "".join(current).strip()
            if statement:
                statements.append(statement)
            current = []
        else:
            current.append(ch)
        i += 1
    tail = "".join(current).strip()
    if tail:
        statements.append(tail)
    # the sandbox line is a comment to every server; drop it and empty leftovers
    return [s for s in (re.sub(r"^/\*M!999999.*?\*/", "", s, flags=re.S).strip() for s in statements) if s]


def load_dump(server, name: str) -> None:
    """Create database ``name`` and load the seeded dump into it."""
    with server.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"))
    url = sa.engine.make_url(MARIADB_SERVER)
    client = shutil.which("mariadb") or shutil.which("mysql")
    if client and not url.password:
        with DUMP.open("rb") as dump:
            subprocess.run(
                [
                    client,
                    f"-h{url.host or '127.0.0.1'}",
                    f"-P{url.port or 3306}",
                    f"-u{url.username or 'root'}",
                    name,
                ],
                stdin=dump,
                check=True,
                capture_output=True,
            )
        return
    engine = sa.create_engine(_url(name), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in split_sql(DUMP.read_text(encoding="utf-8")):
                conn.exec_driver_sql(statement.replace("%", "%%"))
    finally:
        engine.dispose()


def snapshot(server, name: str) -> dict:
    """information_schema facts and row counts of a database: what "changes nothing" compares."""
    with server.connect() as conn:
        facts = {}
        for key, sql in (
            ("tables", "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=:s"),
            (
                "columns",
                "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS"
                " WHERE TABLE_SCHEMA=:s",
            ),
            (
                "indexes",
                "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA=:s",
            ),
        ):
            facts[key] = sorted(tuple(r) for r in conn.execute(sa.text(sql), {"s": name}))
        facts["rows"] = {
            t: conn.execute(sa.text(f"SELECT COUNT(*) FROM `{name}`.`{t}`")).scalar_one()
            for (t,) in facts["tables"]
        }
        facts["buttons"] = sorted(
            tuple(r)
            for r in conn.execute(
                sa.text(f"SELECT id, value, api, method FROM `{name}`.`dvadmin_system_menu_button`")
            )
        )
        return facts


@pytest.fixture(scope="module")
def server():
    engine = sa.create_engine(MARIADB_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        _unreachable(f"MariaDB at {MARIADB_SERVER} is not reachable: {exc.orig}")
    if table_name("") != "dvadmin_":
        engine.dispose()
        pytest.skip("the dump's tables carry the prefix dvadmin_; TABLE_PREFIX differs")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def databases(server):
    """``make(name_suffix)`` loads the dump into a new database; all are dropped at the end."""
    created, apps = [], []

    def make(kind: str):
        name = f"dvf_adopt_{kind}_{uuid.uuid4().hex[:8]}"
        created.append(name)
        load_dump(server, name)
        application = make_app(_url(name), f"dvtest:adopt:{uuid.uuid4().hex[:8]}:", REDIS_URL=None)
        apps.append(application)
        return name, application

    yield make
    for application in apps:
        with application.app_context():
            db.engine.dispose()
    with server.connect() as conn:
        for name in created:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))


@pytest.fixture(scope="module")
def original(databases):
    """The seeded dump, adopted step by step by the tests below (in file order)."""
    return databases("orig")


def adopt(application, *args):
    return application.test_cli_runner().invoke(args=["adopt", *args])


# ---- dry run ---------------------------------------------------------------------------------


def test_the_dump_loaded(server, original):
    name, _app = original
    facts = snapshot(server, name)
    assert facts["rows"]["dvadmin_system_users"] == 3
    assert facts["rows"]["dvadmin_system_menu_button"] == 85
    assert ("dvadmin_alembic_version",) not in facts["tables"]


def test_dry_run_reports_and_changes_nothing(server, original):
    name, application = original
    before = snapshot(server, name)
    result = adopt(application)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "27 of 27 present" in out
    assert "Not adopted yet: would create dvadmin_alembic_version stamped at 0001_original_schema" in out
    assert "0002_project_additions" in out and "0003_project_indexes" in out
    assert "add column dvadmin_system_users.token_version" in out
    assert "add column dvadmin_system_login_log.status" in out
    assert "widen column dvadmin_system_login_log.username from length 32 to 150" in out
    assert "add index on dvadmin_system_users (dept_belong_id)" in out
    assert "create table dvadmin_example_note" in out
    assert "button role:SetMenu" in out and "user admin" in out
    assert "Dry run: nothing was changed" in out
    assert snapshot(server, name) == before


def test_apply_without_terminal_needs_yes(server, original):
    name, application = original
    before = snapshot(server, name)
    result = adopt(application, "--apply")
    assert result.exit_code != 0
    assert "--yes" in result.output
    assert snapshot(server, name) == before


# ---- apply -----------------------------------------------------------------------------------


def test_apply_stamps_and_upgrades(server, original):
    name, application = original
    before = snapshot(server, name)
    result = adopt(application, "--apply", "--yes")
    assert result.exit_code == 0, result.output
    assert "stamped dvadmin_alembic_version at 0001_original_schema" in result.output
    assert "The schema matches the models." in result.output
    after = snapshot(server, name)
    with server.connect() as conn:
        versions = set(
            conn.execute(sa.text(f"SELECT version_num FROM `{name}`.dvadmin_alembic_version")).scalars()
        )
    assert versions == HEADS
    # additive: every original column is still there, rows are untouched
    assert set(before["columns"]) - set(after["columns"]) == {
        ("dvadmin_system_login_log", "username", "varchar(32)", "YES"),
        ("dvadmin_system_login_log", "ip", "varchar(32)", "YES"),
    }
    assert {k: v for k, v in after["rows"].items() if k in before["rows"]} == before["rows"]
    assert after["buttons"] == before["buttons"]
    check = application.test_cli_runner().invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output


def test_second_apply_changes_nothing(server, original):
    name, application = original
    before = snapshot(server, name)
    result = adopt(application, "--apply", "--yes")
    assert result.exit_code == 0, result.output
    assert "Already adopted" in result.output and "nothing to apply" in result.output
    assert snapshot(server, name) == before


def _login(application, client, username="superadmin", password="admin123456"):
    captcha = client.get("/api/captcha/").json["data"]
    extra = {}
    if captcha:
        with application.app_context():
            extra = {
                "captcha": application.extensions["dvadmin_store"].get(f"cap:{captcha['key']}"),
                "captchaKey": captcha["key"],
            }
    md5 = hashlib.md5(password.encode()).hexdigest()  # noqa: S324 - what the SPA sends
    r = client.post("/api/login/", json={"username": username, "password": md5, **extra})
    assert r.json["code"] == 2000, r.json
    return {"Authorization": f"JWT {r.json['data']['access']}"}


def test_the_original_superadmin_logs_in_and_lists(original):
    _name, application = original
    client = application.test_client()
    headers = _login(application, client)
    users = client.get("/api/system/user/", headers=headers).json
    assert users["code"] == 2000, users
    # the original's user list leaves superusers out (contract §6.3 user)
    assert {u["username"] for u in users["data"]} == {"admin", "test"}
    roles = client.get("/api/system/role/", headers=headers).json
    assert roles["code"] == 2000 and {r["key"] for r in roles["data"]} == {"admin", "public"}
    menus = client.get("/api/system/menu/", headers=headers).json
    assert menus["code"] == 2000, menus
    assert "系统管理" in {m["name"] for m in menus["data"]}


# ---- seed fixes --------------------------------------------------------------------------------


def _route_exists(application, api: str, method: int) -> bool:
    verb = {0: "GET", 1: "POST", 2: "PUT", 3: "DELETE"}[method]
    adapter = application.url_map.bind("localhost")
    try:
        adapter.match(api.replace("{id}", "1"), method=verb)
    except Exception:  # noqa: BLE001 - NotFound / MethodNotAllowed
        return False
    return True


def test_seed_fixes(server, original):
    name, application = original
    before = snapshot(server, name)
    broken = [
        b for b in before["buttons"] if b[1] != "role:AllUser" and not _route_exists(application, b[2], b[3])
    ]
    assert {b[1] for b in broken} >= {"role:SetMenu", "menu:MoveUp", "dept:MoveDown"}
    result = adopt(application, "--apply-seed-fixes", "--yes")
    assert result.exit_code == 0, result.output
    assert "Seed fixes applied:" in result.output
    after = snapshot(server, name)
    buttons = {b[1]: (b[2], b[3]) for b in after["buttons"]}
    assert buttons["role:SetMenu"] == ("/api/system/role_menu_button_permission/set_role_menu/", 2)
    assert buttons["menu:MoveUp"] == ("/api/system/menu/move_up/", 1)
    assert buttons["dept:MoveDown"] == ("/api/system/dept/move_down/", 1)
    assert buttons["messageCenter:Delete"] == ("/api/system/message_center/{id}/", 3)
    assert buttons["file:Update"] == ("/api/system/file/{id}/", 2)
    assert buttons["user:Export"] == ("/api/system/user/export_data/", 0)
    assert buttons["user:Import"] == ("/api/system/user/import_data/", 1)
    assert buttons["user:ImportTemplate"] == ("/api/system/user/import_data/", 0)
    changed = {b[1] for b in set(after["buttons"]) - set(before["buttons"])}
    assert len(changed) == 15
    # every button the fixes touched now names a route this backend serves
    for _id, value, api, method in after["buttons"]:
        if value in changed:
            assert _route_exists(application, api, method), (value, api, method)
    with server.connect() as conn:
        roles = conn.execute(
            sa.text(
                f"SELECT r.`key` FROM `{name}`.dvadmin_system_users_role ur"
                f" JOIN `{name}`.dvadmin_system_role r ON r.id = ur.role_id"
                f" JOIN `{name}`.dvadmin_system_users u ON u.id = ur.users_id WHERE u.username = 'admin'"
            )
        ).scalars()
        assert list(roles) == ["admin"]
    again = adopt(application, "--apply-seed-fixes", "--yes")
    assert again.exit_code == 0 and "Seed fixes: none needed." in again.output
    assert snapshot(server, name) == after


def test_seed_fixes_leave_changed_rows_alone(server, databases):
    name, application = databases("edited")
    with server.connect() as conn:
        conn.execute(
            sa.text(
                f"UPDATE `{name}`.dvadmin_system_menu_button SET api='/custom/' WHERE value='user:Export'"
            )
        )
    result = adopt(application, "--apply-seed-fixes", "--yes")
    assert result.exit_code == 0, result.output
    buttons = {b[1]: (b[2], b[3]) for b in snapshot(server, name)["buttons"]}
    assert buttons["user:Export"] == ("/custom/", 1)
    assert buttons["user:Import"] == ("/api/system/user/import_data/", 1)


# ---- not the original's shape --------------------------------------------------------------------


def test_not_the_original_shape_changes_nothing(server, databases):
    name, application = databases("broken")
    with server.connect() as conn:
        conn.execute(sa.text(f"ALTER TABLE `{name}`.dvadmin_system_users DROP COLUMN mobile"))
        conn.execute(sa.text(f"DROP TABLE `{name}`.dvadmin_system_post"))
    before = snapshot(server, name)
    for args in ((), ("--apply", "--yes"), ("--apply-seed-fixes", "--yes")):
        result = adopt(application, *args)
        assert result.exit_code != 0, (args, result.output)
        assert "NOT the original's shape" in result.output
        assert "missing table: dvadmin_system_post" in result.output
        assert "missing columns in dvadmin_system_users: mobile" in result.output
        assert snapshot(server, name) == before
    assert ("dvadmin_alembic_version",) not in before["tables"]


def test_the_sql_splitter_reads_the_dump():
    statements = split_sql(DUMP.read_text(encoding="utf-8"))
    creates = [s for s in statements if s.startswith("CREATE TABLE")]
    assert len(creates) == 34
    assert any("INSERT INTO `dvadmin_system_menu_button`" in s for s in statements)
