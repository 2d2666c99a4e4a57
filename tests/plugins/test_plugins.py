"""The plugin loader (plugins/__init__.py) and the example plugin (plugins/example/).

Throwaway plugins are written into a temp folder and found through config ``PLUGIN_PATHS``;
each gets a unique name, and is taken out of ``sys.modules`` and the package path afterwards.
"""

from __future__ import annotations

import logging
import sys
import textwrap
import uuid

import pytest
import sqlalchemy as sa

import plugins
from app.core.models import table_name
from app.extensions import db
from tests.conftest import make_app
from tests.support.factories import grant, make_button, make_dept, make_role, make_user

NOTE_URL = "/api/example/note/"


# ---- helpers ---------------------------------------------------------------------------------


@pytest.fixture()
def plugin_dir(tmp_path):
    """A folder for throwaway plugins; cleaned out of the import system afterwards."""
    folder = tmp_path / "extra_plugins"
    folder.mkdir()
    yield folder
    resolved = str(folder.resolve())
    if resolved in plugins.__path__:
        plugins.__path__.remove(resolved)
    for name in [m for m in sys.modules if m.startswith("plugins.") and "_t" in m.split(".")[1]]:
        module = sys.modules[name]
        if str(getattr(module, "__file__", "") or "").startswith(resolved):
            del sys.modules[name]


def write_plugin(folder, body: str, prefix: str = "p") -> str:
    """Write ``<folder>/<unique name>/__init__.py`` and return the name."""
    name = f"{prefix}_t{uuid.uuid4().hex[:8]}"
    (folder / name).mkdir()
    (folder / name / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return name


@pytest.fixture()
def side_app(tmp_path):
    """``side_app(**config)``: a throwaway app on its own SQLite file (migrations not run)."""
    built = []

    def _make(**overrides):
        url = f"sqlite:///{tmp_path / f'side{len(built)}.sqlite3'}"
        application = make_app(url, f"dvtest:plugins:{uuid.uuid4().hex[:8]}:", **overrides)
        built.append(application)
        return application

    yield _make
    for application in built:
        with application.app_context():
            db.engine.dispose()


def heads(app) -> set[str]:
    """The revision heads the app's migration config sees (core and plugin branches)."""
    from alembic.script import ScriptDirectory

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        return set(ScriptDirectory.from_config(config).get_heads())


def rules(app) -> set[str]:
    return {r.rule for r in app.url_map.iter_rules()}


# ---- the example plugin on the session app ---------------------------------------------------


def test_example_is_loaded_by_default(app):
    assert "example" in app.extensions["dvadmin_plugins"]
    info = app.extensions["dvadmin_plugin_info"]["example"]
    assert info["blueprints"] == ["example_note"]
    assert info["tables"] == ["dvadmin_example_note"] or info["tables"][0].endswith("example_note")
    assert info["seed_dir"].endswith("plugins/example/seed")
    assert NOTE_URL in rules(app)


def test_example_route_in_swagger(second_app):
    spec = second_app.test_client().get("/swagger.json").json
    assert NOTE_URL in spec["paths"]
    assert set(spec["paths"][NOTE_URL]) >= {"get", "post"}
    assert "/api/example/note/{id}/" in spec["paths"]


def test_example_create_and_list_as_superuser(app, client, login_as):
    dept = make_dept(app)
    admin = make_user(app, superuser=True, dept=dept)
    headers = login_as(admin)
    r = client.post(NOTE_URL, json={"title": "第一条", "content": "正文", "sort": 2}, headers=headers)
    assert r.status_code == 200 and r.json["code"] == 2000, r.json
    created = r.json["data"]
    assert created["title"] == "第一条" and created["creator"] == admin.id
    assert created["dept_belong_id"] == str(dept.id)
    r = client.get(NOTE_URL, headers=headers)
    assert r.json["code"] == 2000
    assert r.json["total"] == 1 and [row["title"] for row in r.json["data"]] == ["第一条"]
    r = client.get(f"{NOTE_URL}{created['id']}/", headers=headers)
    assert r.json["code"] == 2000 and r.json["data"]["content"] == "正文"


def test_example_bad_input_names_the_field(app, client, login_as):
    headers = login_as(make_user(app, superuser=True))
    r = client.post(NOTE_URL, json={"content": "x"}, headers=headers)
    assert r.json["code"] == 4000 and "标题" in r.json["msg"]


def test_example_needs_a_login(client):
    assert client.get(NOTE_URL).status_code == 401


def test_example_needs_the_button(app, client, login_as):
    dept = make_dept(app)
    role = make_role(app)
    user = make_user(app, dept=dept, roles=[role])
    headers = login_as(user)
    r = client.get(NOTE_URL, headers=headers)
    assert r.status_code == 200 and r.json["code"] == 4000
    r = client.post(NOTE_URL, json={"title": "x"}, headers=headers)
    assert r.json["code"] == 4000
    with app.app_context():
        from plugins.example.models import Note

        assert db.session.execute(sa.select(sa.func.count()).select_from(Note)).scalar_one() == 0
    grant(app, role, make_button(app, NOTE_URL, 0), data_range=3)
    r = client.get(NOTE_URL, headers=headers)
    assert r.json["code"] == 2000, r.json
    # the GET button does not allow POST
    assert client.post(NOTE_URL, json={"title": "x"}, headers=headers).json["code"] == 4000


def test_example_data_scope(app, client, login_as):
    """A user scoped to their own dept neither sees nor deletes another dept's note."""
    mine, other = make_dept(app), make_dept(app)
    role = make_role(app)
    grant(app, role, make_button(app, NOTE_URL, 0), data_range=0)
    grant(app, role, make_button(app, NOTE_URL + "{id}/", 3), data_range=0)
    owner = make_user(app, dept=other, superuser=True)
    note = client.post(NOTE_URL, json={"title": "别人的"}, headers=login_as(owner)).json["data"]
    headers = login_as(make_user(app, dept=mine, roles=[role]))
    r = client.get(NOTE_URL, headers=headers)
    assert r.json["code"] == 2000 and r.json["data"] == []
    r = client.delete(f"{NOTE_URL}{note['id']}/", headers=headers)
    assert r.json["code"] == 400


def test_example_cli_command(app, runner):
    result = runner.invoke(args=["example-hello"])
    assert result.exit_code == 0, result.output
    assert "hello from the example plugin (0 notes)" in result.output


def test_example_seed_through_flask_init(app, runner):
    from app.seed import commands as seed_commands

    if not seed_commands.COMMANDS:
        pytest.skip("flask init (app.seed.commands) is not there yet")
    result = runner.invoke(args=["init", "--app", "example"])
    assert result.exit_code == 0, result.output
    from blueprints.menu.models import Menu, MenuButton

    with app.app_context():
        menu = db.session.execute(sa.select(Menu).where(Menu.web_path == "/exampleNote")).scalar_one()
        assert menu.name == "示例插件"
        values = set(
            db.session.execute(sa.select(MenuButton.value).where(MenuButton.menu_id == menu.id)).scalars()
        )
    assert {"example_note:Search", "example_note:Create", "example_note:Delete"} <= values


# ---- configuration ---------------------------------------------------------------------------


def test_plugins_disabled_removes_the_example(side_app):
    application = side_app(PLUGINS_DISABLED=["example"])
    assert "example" not in application.extensions["dvadmin_plugins"]
    assert NOTE_URL not in rules(application)
    assert "example-hello" not in application.cli.commands
    spec = application.test_client().get("/swagger.json").json
    assert NOTE_URL not in spec["paths"]
    assert "/api/system/user/" in spec["paths"]


def test_plugins_list_chooses(side_app, plugin_dir):
    name = write_plugin(plugin_dir, "def init_app(app):\n    app.config['SEEN'] = True\n")
    application = side_app(PLUGINS=[name], PLUGIN_PATHS=[str(plugin_dir)])
    assert application.extensions["dvadmin_plugins"] == [name]
    assert application.config["SEEN"] is True
    assert NOTE_URL not in rules(application)


def test_extra_path_is_discovered(side_app, plugin_dir):
    name = write_plugin(plugin_dir, "def init_app(app):\n    pass\n")
    application = side_app(PLUGIN_PATHS=[str(plugin_dir)])
    assert {"example", name} <= set(application.extensions["dvadmin_plugins"])


# ---- failures --------------------------------------------------------------------------------


def test_a_plugin_that_raises_on_import_is_skipped(side_app, plugin_dir, caplog):
    name = write_plugin(plugin_dir, "raise RuntimeError('boom at import')\n")
    with caplog.at_level(logging.INFO, logger="plugins"):
        application = side_app(PLUGIN_PATHS=[str(plugin_dir)])
    assert name not in application.extensions["dvadmin_plugins"]
    assert "example" in application.extensions["dvadmin_plugins"]
    assert "boom at import" in application.extensions["dvadmin_plugin_errors"][name]
    assert any(name in r.getMessage() and "failed to load" in r.getMessage() for r in caplog.records)
    assert application.test_client().get("/healthz").status_code == 200


def test_a_plugin_whose_init_app_raises_is_skipped(side_app, plugin_dir, caplog):
    name = write_plugin(
        plugin_dir,
        """
        from app.core.openapi import EnvelopeBlueprint

        blp = EnvelopeBlueprint("{bp}", __name__, url_prefix="/api/{bp}")

        @blp.route("/", methods=["GET"])
        def index():
            return {{}}

        def init_app(app):
            raise ValueError("init failed")
        """.format(bp=f"bp{uuid.uuid4().hex[:6]}"),
    )
    with caplog.at_level(logging.INFO, logger="plugins"):
        application = side_app(PLUGIN_PATHS=[str(plugin_dir)])
    assert name not in application.extensions["dvadmin_plugins"]
    assert not any(r.startswith("/api/bp") for r in rules(application))
    assert any(name in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def _refusals(caplog, name):
    return [r.getMessage() for r in caplog.records if name in r.getMessage() and "refused" in r.getMessage()]


def test_a_route_at_a_core_path_is_refused(side_app, plugin_dir, caplog):
    bp = f"clash{uuid.uuid4().hex[:6]}"
    name = write_plugin(
        plugin_dir,
        f"""
        from app.core.openapi import EnvelopeBlueprint

        blp = EnvelopeBlueprint("{bp}", __name__, url_prefix="/api")

        @blp.route("/{bp}-ok/", methods=["GET"])
        def fine():
            return {{}}

        @blp.route("/system/user/", methods=["GET"])
        def users():
            return {{"hijacked": True}}

        def init_app(app):
            app.config["{bp}_INIT"] = True
        """,
    )
    with caplog.at_level(logging.INFO, logger="plugins"):
        application = side_app(PLUGIN_PATHS=[str(plugin_dir)])
    assert name not in application.extensions["dvadmin_plugins"]
    assert "example" in application.extensions["dvadmin_plugins"]
    # nothing of it registered: not its harmless route, not its init_app
    assert f"/api/{bp}-ok/" not in rules(application)
    assert bp not in application.blueprints
    assert f"{bp}_INIT" not in application.config
    messages = _refusals(caplog, name)
    assert len(messages) == 1, caplog.text
    assert "/api/system/user/" in messages[0] and f"{bp}.users" in messages[0]
    assert "the core" in messages[0] and "user." in messages[0]


def test_a_model_with_a_core_table_name_is_refused(side_app, plugin_dir, caplog):
    name = write_plugin(
        plugin_dir,
        """
        import sqlalchemy as sa
        from sqlalchemy.orm import Mapped, mapped_column

        from app.core.models import table_name
        from app.extensions import db


        class Mine(db.Model):
            __tablename__ = table_name("system_users")
            id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)


        def init_app(app):
            pass
        """,
    )
    tables_before = set(db.metadata.tables)
    with caplog.at_level(logging.INFO, logger="plugins"):
        application = side_app(PLUGIN_PATHS=[str(plugin_dir)])
    assert name not in application.extensions["dvadmin_plugins"]
    assert set(db.metadata.tables) == tables_before
    messages = _refusals(caplog, name)
    assert len(messages) == 1, caplog.text
    assert "dvadmin_system_users" in messages[0] and "blueprints.user.models.User" in messages[0]


def test_a_route_clash_between_two_plugins_names_both(side_app, plugin_dir, caplog):
    path = f"/api/dup{uuid.uuid4().hex[:6]}/"
    body = """
        from app.core.openapi import EnvelopeBlueprint

        blp = EnvelopeBlueprint("{bp}", __name__, url_prefix="{path}")

        @blp.route("/", methods=["GET"])
        def index():
            return {{}}

        def init_app(app):
            pass
        """
    first = write_plugin(plugin_dir, body.format(bp=f"a{uuid.uuid4().hex[:6]}", path=path.rstrip("/")), "a")
    second = write_plugin(plugin_dir, body.format(bp=f"b{uuid.uuid4().hex[:6]}", path=path.rstrip("/")), "b")
    with caplog.at_level(logging.INFO, logger="plugins"):
        application = side_app(PLUGINS=[first, second], PLUGIN_PATHS=[str(plugin_dir)])
    assert application.extensions["dvadmin_plugins"] == [first]
    messages = _refusals(caplog, second)
    assert len(messages) == 1 and f"plugin {first!r}" in messages[0] and path in messages[0]


def test_a_command_clash_is_refused(side_app, plugin_dir, caplog):
    name = write_plugin(
        plugin_dir,
        """
        import click

        @click.command("adopt")
        def adopt():
            pass

        COMMANDS = (adopt,)

        def init_app(app):
            pass
        """,
    )
    with caplog.at_level(logging.INFO, logger="plugins"):
        application = side_app(PLUGIN_PATHS=[str(plugin_dir)])
    assert name not in application.extensions["dvadmin_plugins"]
    assert application.cli.commands["adopt"].callback.__module__ == "app.adopt"
    assert "flask adopt" in _refusals(caplog, name)[0]


# ---- migrations --------------------------------------------------------------------------------


def test_example_migration_upgrades_and_downgrades_on_sqlite(side_app):
    application = side_app()
    runner = application.test_cli_runner()
    note = table_name("example_note")

    def tables():
        with application.app_context():
            return set(sa.inspect(db.engine).get_table_names())

    assert heads(application) == {"0003_project_indexes", "example_0001_note"}
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert {note, table_name("system_users")} <= tables()
    with application.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns(note)}
    assert {"id", "title", "content", "sort", "creator_id", "dept_belong_id"} <= columns
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    result = runner.invoke(args=["db", "downgrade", "example@base"])
    assert result.exit_code == 0, result.output
    assert note not in tables() and table_name("system_users") in tables()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert note in tables()
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert tables() == {table_name("alembic_version")}


def test_disabled_plugin_keeps_its_migrations_in_the_history(side_app):
    application = side_app(PLUGINS_DISABLED=["example"])
    assert "example_0001_note" in heads(application)
