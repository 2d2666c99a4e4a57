"""``/api/init/settings/`` (public) and ``/api/init/dictionary/`` (login only)."""

import pytest

from tests.blueprints.dictionary.helpers import make_dict
from tests.blueprints.system_config.helpers import make_config, staff_with
from tests.support.factories import make_dept, make_user
from tests.support.queries import count_statements

SETTINGS = "/api/init/settings/"
DICTIONARY = "/api/init/dictionary/"


@pytest.fixture()
def seeded(app):
    """A slice of the seed: base, login and file_storage groups (one backend-only item)."""
    base = make_config(app, "base", title="基础配置")
    make_config(app, "web_title", base, "DVAdmin", sort=1)
    make_config(app, "captcha_state", base, False, sort=1, form_item_type=9)
    make_config(app, "default_password", base, "admin123456", sort=2)
    login = make_config(app, "login", title="登录页配置")
    make_config(app, "site_title", login, "Dvadmin", sort=1)
    make_config(app, "site_logo", login, None, sort=2, form_item_type=7)
    storage = make_config(app, "file_storage", title="文件存储配置")
    make_config(app, "file_backup", storage, False, sort=2, form_item_type=9)
    make_config(app, "aliyun_access_secret", storage, "s3cr3t", sort=3, status=False)


# ---- settings --------------------------------------------------------------------------------


def test_anonymous_settings_in_the_original_shape(client, app, seeded):
    r = client.get(SETTINGS)
    assert r.status_code == 200 and list(r.json) == ["code", "data", "msg"]
    assert r.json["code"] == 2000 and r.json["msg"] == "success"
    assert r.json["data"] == {
        "base.web_title": "DVAdmin",
        "base.captcha_state": False,
        "login.site_title": "Dvadmin",
        "login.site_logo": None,
        "file_storage.file_backup": False,
    }
    assert list(r.json["data"])[:3] == ["base.web_title", "base.captcha_state", "login.site_title"]


def test_backend_only_rows_are_hidden_from_everyone(client, app, seeded, login_as):
    root = login_as(make_user(app, superuser=True))
    data = client.get(SETTINGS, headers=root).json["data"]
    assert "file_storage.aliyun_access_secret" not in data
    assert "s3cr3t" not in client.get(SETTINGS + "?key=file_storage", headers=root).get_data(as_text=True)


def test_default_password_for_a_superuser(client, app, seeded, login_as):
    data = client.get(SETTINGS, headers=login_as(make_user(app, superuser=True))).json["data"]
    assert data["base.default_password"] == "admin123456"


def test_default_password_for_a_user_holding_user_create(client, app, seeded, login_as):
    staff = staff_with(app, make_dept(app), [("/api/system/user/", 1)])
    assert (
        client.get(SETTINGS, headers=login_as(staff)).json["data"]["base.default_password"] == "admin123456"
    )


@pytest.mark.parametrize("who", ["anonymous", "bad token", "no button", "other button", "inactive"])
def test_default_password_hidden(client, app, seeded, login_as, who):
    headers = {}
    if who == "bad token":
        headers = {"Authorization": "JWT not.a.token"}
    elif who == "no button":
        headers = login_as(make_user(app))
    elif who == "other button":
        headers = login_as(staff_with(app, make_dept(app), [("/api/system/user/", 0)]))
    elif who == "inactive":
        headers = login_as(make_user(app, superuser=True, active=False))
    r = client.get(SETTINGS, headers=headers)
    assert r.status_code == 200 and r.json["code"] == 2000
    assert "base.default_password" not in r.json["data"]
    assert "admin123456" not in r.get_data(as_text=True)
    assert r.json["data"]["base.web_title"] == "DVAdmin"


def test_a_revoked_token_reads_as_anonymous(client, app, seeded, login_as):
    headers = login_as(make_user(app, superuser=True))
    assert client.post("/api/logout/", json={}, headers=headers).json["code"] == 2000
    r = client.get(SETTINGS, headers=headers)
    assert r.status_code == 200 and "base.default_password" not in r.json["data"]


def test_key_prefixes(client, app, seeded, login_as):
    assert list(client.get(SETTINGS + "?key=login").json["data"]) == ["login.site_title", "login.site_logo"]
    data = client.get(SETTINGS + "?key=login|base").json["data"]
    assert list(data) == ["login.site_title", "login.site_logo", "base.web_title", "base.captcha_state"]
    assert client.get(SETTINGS + "?key=nothing").json["data"] == {}


def test_special_values(client, app):
    group = make_config(app, "login")
    make_config(
        app,
        "logo",
        group,
        [{"name": "a.png", "url": "/media/a.png"}, {"url": "/media/b.png"}],
        form_item_type=7,
    )
    make_config(app, "bg", group, "/media/bg.png", form_item_type=7)
    make_config(app, "empty", group, [], form_item_type=7)
    make_config(
        app,
        "links",
        group,
        [{"key": "b", "title": "B", "value": "2", "extra": 1}, {"key": "a", "title": "A", "value": "1"}],
        form_item_type=11,
    )
    make_config(app, "count", group, 3, form_item_type=10)
    make_config(app, "on", group, True, form_item_type=9)
    data = client.get(SETTINGS).json["data"]
    assert data["login.logo"] == "/media/a.png"
    assert data["login.bg"] == "/media/bg.png"
    assert data["login.empty"] is None
    assert data["login.links"] == [
        {"key": "a", "title": "A", "value": "1"},
        {"key": "b", "title": "B", "value": "2"},
    ]
    assert data["login.count"] == 3 and data["login.on"] is True


def test_settings_need_no_query_once_warm(client, app, seeded):
    client.get(SETTINGS)
    with count_statements(app) as statements:
        assert client.get(SETTINGS).json["code"] == 2000
    assert statements == []


# ---- dictionary ------------------------------------------------------------------------------


@pytest.fixture()
def dictionaries(app):
    status = make_dict(app, "button_status_bool", sort=1)
    make_dict(app, "true", status, label="启用", type=6, color="success", sort=1)
    make_dict(app, "false", status, label="禁用", type=6, color="danger", sort=2)
    make_dict(app, "hidden", status, label="停用的值", status=False, sort=3)
    gender = make_dict(app, "gender", sort=2)
    make_dict(app, "0", gender, label="未知", type=1, sort=1)
    empty = make_dict(app, "empty", sort=3)
    make_dict(app, "off", sort=4, status=False)
    make_dict(app, "leaf", sort=5, is_value=True)
    return {"status": status, "gender": gender, "empty": empty}


def test_dictionary_needs_a_login_but_no_button(client, app, dictionaries, login_as):
    assert client.get(DICTIONARY + "?dictionary_key=all").status_code == 401
    r = client.get(DICTIONARY + "?dictionary_key=all", headers={"Authorization": "JWT bad"})
    assert r.status_code == 401
    assert (
        client.get(DICTIONARY + "?dictionary_key=all", headers=login_as(make_user(app))).json["code"] == 2000
    )


def test_all_dictionaries_in_the_original_shape(client, app, dictionaries, login_as):
    r = client.get(DICTIONARY + "?dictionary_key=all", headers=login_as(make_user(app)))
    body = r.json
    assert list(body) == ["code", "page", "limit", "total", "data", "msg"]
    assert body["msg"] == "获取成功" and body["page"] == 1 and body["limit"] == body["total"] == 3
    assert body["data"] == [
        {
            "id": dictionaries["status"].id,
            "value": "button_status_bool",
            "children": [
                {"label": "启用", "value": "true", "type": 6, "color": "success"},
                {"label": "禁用", "value": "false", "type": 6, "color": "danger"},
            ],
        },
        {
            "id": dictionaries["gender"].id,
            "value": "gender",
            "children": [{"label": "未知", "value": "0", "type": 1, "color": None}],
        },
        {"id": dictionaries["empty"].id, "value": "empty", "children": []},
    ]


def test_one_dictionary_and_none(client, app, dictionaries, login_as):
    headers = login_as(make_user(app))
    one = client.get(DICTIONARY + "?dictionary_key=gender", headers=headers).json
    assert one["data"] == [{"label": "未知", "value": "0", "type": 1, "color": None}] and one["total"] == 1
    assert client.get(DICTIONARY + "?dictionary_key=nope", headers=headers).json["data"] == []
    assert client.get(DICTIONARY + "?dictionary_key=off", headers=headers).json["data"] == []
    none = client.get(DICTIONARY, headers=headers).json
    assert none == {"code": 2000, "page": 1, "limit": 0, "total": 0, "data": [], "msg": "获取成功"}


def test_dictionary_reads_no_dictionary_table_once_warm(client, app, dictionaries, login_as):
    headers = login_as(make_user(app))
    client.get(DICTIONARY + "?dictionary_key=all", headers=headers)
    with count_statements(app) as statements:
        client.get(DICTIONARY + "?dictionary_key=all", headers=headers)
        client.get(DICTIONARY + "?dictionary_key=gender", headers=headers)
    assert not [s for s in statements if "system_dictionary" in s]
