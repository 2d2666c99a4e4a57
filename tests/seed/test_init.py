"""``flask init``: counts, idempotency, ``-y``, plugins, refusals, and the menus the SPA gets."""

from __future__ import annotations

import json
import shutil
import sys
import types

import pytest
import sqlalchemy as sa

from app.core.passwords import check_hash, md5_hex
from app.extensions import db
from app.seed import commands as seed_commands
from tests.seed.conftest import seeded_user, table_counts

# What the shipped seed writes: contract §8.1 plus 14 buttons for routes that need one
# (differences #11, #26), and the grants that make the admin role usable.
EXPECTED = {
    "system_dept": 3,
    "system_role": 2,
    "system_users": 3,
    "system_users_role": 3,
    "system_menu": 16,
    "system_menu_button": 99,
    "system_menu_field": 132,
    "role_menu_permission": 16,
    "role_menu_button_permission": 99,
    "system_field_permission": 132,
    "api_white_list": 1,
    "system_dictionary": 49,
    "system_config": 29,
}
# The SPA's page views (web/src/views/<component>.vue) the seeded menus point at.
SPA_VIEWS = {
    "system/user/index",
    "system/menu/index",
    "system/dept/index",
    "system/role/index",
    "system/messageCenter/index",
    "system/whiteList/index",
    "system/downloadCenter/index",
    "system/config/index",
    "system/dictionary/index",
    "system/areas/index",
    "system/fileList/index",
    "system/log/loginLog/index",
    "system/log/operationLog/index",
}


def counts(app) -> dict[str, int]:
    from app.core.models import TABLE_PREFIX

    all_counts = table_counts(app)
    return {name: all_counts[TABLE_PREFIX + name] for name in EXPECTED}


def test_init_on_an_empty_database_seeds_the_contract_counts(app, runner):
    result = runner.invoke(args=["init", "--no-input"])
    assert result.exit_code == 0, result.output
    assert counts(app) == EXPECTED
    assert "menus" in result.output and "log in as superadmin" in result.output


def test_seeded_values(app, seeded, client):
    from blueprints.role.models import Role
    from blueprints.system_config.models import SystemConfig
    from blueprints.user.models import User

    with app.app_context():
        users = {u.username: u for u in db.session.execute(sa.select(User)).scalars()}
        assert set(users) == {"superadmin", "admin", "test"}
        for user in users.values():
            assert user.pwd_change_count == 0  # differences #3
            assert check_hash(md5_hex("admin123456"), user.password)
        assert users["superadmin"].is_superuser and not users["admin"].is_superuser
        assert [r.key for r in users["admin"].role] == ["admin"]  # differences #26
        assert [r.key for r in users["test"].role] == ["public"]
        assert {r.key for r in db.session.execute(sa.select(Role)).scalars()} == {"admin", "public"}
    settings = client.get("/api/init/settings/").json["data"]
    assert settings["base.captcha_state"] is True
    assert settings["login.privacy_url"] == "/api/system/clause/privacy.html"
    assert settings["login.clause_url"] == "/api/system/clause/terms_service.html"
    assert "file_storage.aliyun_access_key" not in settings  # status=false stays server-side
    with app.app_context():
        group = db.session.execute(
            sa.select(SystemConfig).where(
                SystemConfig.key == "file_storage", SystemConfig.parent_id.is_(None)
            )
        ).scalar_one()
        assert group.title == "文件存储配置"


def test_a_second_run_changes_nothing(app, runner, seeded):
    before = table_counts(app)
    result = runner.invoke(args=["init", "--no-input"])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert " 0 created" in result.output and "   0 updated" in result.output
    assert "1 updated" not in result.output
    assert table_counts(app) == before


def test_reset_restores_seeded_rows_and_keeps_what_users_did(app, runner, seeded):
    from app.core.passwords import make_password
    from blueprints.menu.models import Menu
    from blueprints.system_config.models import SystemConfig
    from blueprints.user.models import User

    with app.app_context():
        menu = db.session.execute(sa.select(Menu).where(Menu.web_path == "/user")).scalar_one()
        menu.name = "改过的名字"
        title = db.session.execute(
            sa.select(SystemConfig).where(SystemConfig.key == "web_title")
        ).scalar_one()
        title.value = "My Admin"
        db.session.add(Menu(name="我的菜单", web_path="/mine", component="system/demo/index", sort=9))
        admin = db.session.execute(sa.select(User).where(User.username == "admin")).scalar_one()
        admin.password = make_password("N3wSecret!")
        admin.pwd_change_count = 1
        db.session.commit()
    plain = runner.invoke(args=["init", "--no-input"])
    assert plain.exit_code == 0 and "nothing changed" in plain.output  # a plain run keeps edits
    result = runner.invoke(args=["init", "-y", "--no-input"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(sa.select(Menu.name).where(Menu.web_path == "/user")).scalar() == "用户管理"
        assert db.session.execute(
            sa.select(SystemConfig.value).where(SystemConfig.key == "web_title")
        ).scalar() == ("DVAdmin")
        assert db.session.execute(sa.select(Menu.name).where(Menu.web_path == "/mine")).scalar() == "我的菜单"
        admin = db.session.execute(sa.select(User).where(User.username == "admin")).scalar_one()
        assert check_hash(md5_hex("N3wSecret!"), admin.password)
        assert admin.pwd_change_count == 1
    assert counts(app)["system_menu"] == EXPECTED["system_menu"] + 1


def test_reset_restores_a_revoked_grant_a_plain_run_does_not(app, runner, seeded):
    from blueprints.permission.models import RoleMenuButtonPermission

    with app.app_context():
        db.session.execute(sa.delete(RoleMenuButtonPermission))
        db.session.commit()
    assert runner.invoke(args=["init", "--no-input"]).exit_code == 0
    assert counts(app)["role_menu_button_permission"] == 0
    assert runner.invoke(args=["init", "-y", "--no-input"]).exit_code == 0
    assert counts(app)["role_menu_button_permission"] == 99


def test_an_original_install_gets_its_wrong_button_paths_fixed(app, runner, seeded):
    """A button still holding the original's wrong path is corrected by a plain run (differences #26)."""
    from blueprints.menu.models import MenuButton

    with app.app_context():
        button = db.session.execute(
            sa.select(MenuButton).where(MenuButton.value == "menu:MoveUp")
        ).scalar_one()
        button.api = "/api/system/menu/mode_up/"
        edited = db.session.execute(
            sa.select(MenuButton).where(MenuButton.value == "menu:Search")
        ).scalar_one()
        edited.api = "/api/system/menu/custom/"
        db.session.commit()
    result = runner.invoke(args=["init", "--no-input"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = dict(db.session.execute(sa.select(MenuButton.value, MenuButton.api)).all())
    assert rows["menu:MoveUp"] == "/api/system/menu/move_up/"
    assert rows["menu:Search"] == "/api/system/menu/custom/"  # a deliberate edit is kept


def test_web_router_tree_is_complete_and_points_at_spa_views(app, seeded, client, login_as):
    r = client.get("/api/system/menu/web_router/", headers=login_as(seeded_user(app, "superadmin")))
    assert r.json["code"] == 2000
    rows = r.json["data"]
    assert len(rows) == 16
    ids = {row["id"] for row in rows}
    for row in rows:
        assert row["parent"] is None or row["parent"] in ids, row
        if row["is_catalog"]:
            assert not row["component"]
        else:
            assert row["component"] in SPA_VIEWS, row
            assert row["component_name"] and row["web_path"].startswith("/")


def test_the_admin_user_sees_the_whole_menu_and_every_button(app, seeded, client, login_as):
    headers = login_as(seeded_user(app, "admin"))
    rows = client.get("/api/system/menu/web_router/", headers=headers).json["data"]
    assert len(rows) == 16
    codes = client.get("/api/system/menu_button/menu_button_all_permission/", headers=headers).json["data"]
    assert len(codes) == 99 and "user:Create" in codes
    users = client.get("/api/system/user/", headers=headers).json
    assert users["code"] == 2000 and {"admin", "test"} <= {u["username"] for u in users["data"]}
    assert all("name" in u for u in users["data"])  # column grants make fields visible


# ---- broken seed files, plugins, refusals -----------------------------------------------


@pytest.fixture()
def seed_copy(tmp_path, monkeypatch):
    """A writable copy of the shipped seed directory that ``flask init`` reads instead."""
    target = tmp_path / "seed"
    shutil.copytree(seed_commands.SEED_DIR, target)
    monkeypatch.setattr(seed_commands, "SEED_DIR", target)
    return target


def edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("users.json", lambda d: d[2].update(dept="nowhere"), "unknown dept key 'nowhere'"),
        ("users.json", lambda d: d[1].update(roles=["ghost"]), "unknown role key 'ghost'"),
        ("role_grants.json", lambda d: d[0].update(buttons=["user:Nope"]), "unknown button 'user:Nope'"),
        ("role_grants.json", lambda d: d[0].update(menus=["/nowhere"]), "unknown menu '/nowhere'"),
        ("menus.json", lambda d: d[0]["children"][0]["buttons"][0].update(method="FETCH"), "method must be"),
        ("menus.json", lambda d: d[0].update(colour="red"), "unknown keys ['colour']"),
        ("menus.json", lambda d: d[0].update(columns_of="Nope"), "unknown model 'Nope'"),
    ],
)
def test_a_broken_seed_file_writes_nothing(app, runner, seed_copy, name, change, message):
    edit(seed_copy / name, change)
    result = runner.invoke(args=["init", "--no-input"])
    assert result.exit_code != 0
    assert message in result.output and "nothing was written" in result.output
    assert not any(table_counts(app).values())


def test_bad_json_is_refused_before_touching_the_database(app, runner, seed_copy):
    (seed_copy / "roles.json").write_text("[{", encoding="utf-8")
    result = runner.invoke(args=["init", "--no-input"])
    assert result.exit_code != 0 and "roles.json" in result.output
    assert not any(table_counts(app).values())


@pytest.fixture()
def plugin(tmp_path, monkeypatch):
    """``plugins.seedtest`` with a seed directory of one catalog, one page and a grant."""
    seed_dir = tmp_path / "plugin_seed"
    seed_dir.mkdir()
    menus = [
        {
            "name": "插件",
            "web_path": "/plugin",
            "icon": "ele-Bell",
            "sort": 9,
            "is_catalog": True,
            "children": [
                {
                    "name": "插件页",
                    "web_path": "/pluginPage",
                    "component": "plugins/seedtest/index",
                    "component_name": "pluginPage",
                    "buttons": [
                        {"name": "查询", "value": "pluginPage:Search", "api": "/api/plugin/", "method": "GET"}
                    ],
                    "columns_of": "Role",
                }
            ],
        }
    ]
    (seed_dir / "menus.json").write_text(json.dumps(menus, ensure_ascii=False), encoding="utf-8")
    grants = [{"role": "admin", "menus": "*", "buttons": "*", "columns": "*", "data_range": 3}]
    (seed_dir / "role_grants.json").write_text(json.dumps(grants), encoding="utf-8")
    module = types.ModuleType("plugins.seedtest")
    module.SEED_DIR = str(seed_dir)
    monkeypatch.setitem(sys.modules, "plugins.seedtest", module)
    bare = types.ModuleType("plugins.seedless")
    monkeypatch.setitem(sys.modules, "plugins.seedless", bare)
    return seed_dir


def test_app_seeds_one_plugin_and_grants_its_menus_to_the_admin_role(app, runner, seeded, plugin):
    result = runner.invoke(args=["init", "--app", "seedtest", "--no-input"])
    assert result.exit_code == 0, result.output
    after = counts(app)
    assert after["system_menu"] == 18 and after["system_menu_button"] == 100
    assert after["role_menu_permission"] == 18 and after["role_menu_button_permission"] == 100
    assert after["system_menu_field"] == 132 + 11  # every column of Role
    again = runner.invoke(args=["init", "--app", "seedtest", "--no-input"])
    assert "nothing changed" in again.output


def test_app_refuses_an_unknown_or_seedless_plugin(app, runner, plugin):
    unknown = runner.invoke(args=["init", "--app", "nosuchplugin", "--no-input"])
    assert unknown.exit_code != 0 and "unknown plugin 'nosuchplugin'" in unknown.output
    bare = runner.invoke(args=["init", "--app", "seedless", "--no-input"])
    assert bare.exit_code != 0 and "has no seed data" in bare.output


def test_plugin_grants_naming_an_unknown_role_fail_cleanly(app, runner, plugin):
    result = runner.invoke(args=["init", "--app", "seedtest", "--no-input"])
    assert result.exit_code != 0 and "unknown role key 'admin'" in result.output
    assert not any(table_counts(app).values())


def test_production_refuses_the_default_password_unless_told(app, runner, monkeypatch):
    from blueprints.user.models import User

    monkeypatch.setitem(app.config, "APP_ENV", "production")
    refused = runner.invoke(args=["init", "--no-input"])
    assert refused.exit_code != 0 and "--password" in refused.output
    assert not any(table_counts(app).values())
    weak = runner.invoke(args=["init", "--no-input", "--password", "short"])
    assert weak.exit_code != 0 and "refused" in weak.output
    ok = runner.invoke(args=["init", "--no-input", "--password", "Str0ngEnough"])
    assert ok.exit_code == 0, ok.output
    assert "log in as superadmin with the password given" in ok.output
    with app.app_context():
        user = db.session.execute(sa.select(User).where(User.username == "superadmin")).scalar_one()
        assert check_hash(md5_hex("Str0ngEnough"), user.password) and user.pwd_change_count == 0
        from blueprints.system_config.models import SystemConfig

        # the default password for new users is not the well-known one either (differences #3)
        default = db.session.execute(
            sa.select(SystemConfig.value).where(SystemConfig.key == "default_password")
        ).scalar_one()
        assert default == "Str0ngEnough"


def test_production_accepts_the_default_when_asked_explicitly(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = runner.invoke(args=["init", "--no-input", "--allow-default-password"])
    assert result.exit_code == 0, result.output


def test_a_half_migrated_database_is_refused(tmp_path):
    from app.core.models import TABLE_PREFIX
    from tests.conftest import make_app

    other = make_app(f"sqlite:///{tmp_path / 'half.sqlite3'}", "dvtest:halfmigrated:")
    with other.app_context():
        db.create_all()
        db.session.execute(sa.text(f"DROP TABLE {TABLE_PREFIX}system_menu_field"))
        db.session.commit()
    result = other.test_cli_runner().invoke(args=["init", "--no-input"])
    assert result.exit_code != 0
    assert "flask db upgrade" in result.output and f"{TABLE_PREFIX}system_menu_field" in result.output
    with other.app_context():
        assert db.session.execute(sa.text(f"SELECT COUNT(*) FROM {TABLE_PREFIX}system_dept")).scalar() == 0
    with other.app_context():
        db.engine.dispose()


def test_an_unreachable_database_is_refused():
    from tests.conftest import make_app

    other = make_app("mysql+pymysql://root@127.0.0.1:1/nothing", "dvtest:unreachable:")
    result = other.test_cli_runner().invoke(args=["init", "--no-input"])
    assert result.exit_code != 0 and "cannot reach the database" in result.output
