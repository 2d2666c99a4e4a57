"""``/api/system/system_config/``: CRUD, value checks, data scope, save_content, foreign-key helpers."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.system_config.helpers import config_row, make_config, staff_with
from tests.support.factories import make_dept, make_user
from tests.support.queries import statements_for

URL = "/api/system/system_config/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
ROUTES = [
    ("get", URL, "/api/system/system_config/", 0),
    ("post", URL, "/api/system/system_config/", 1),
    ("get", URL + "{id}/", "/api/system/system_config/{id}/", 0),
    ("put", URL + "{id}/", "/api/system/system_config/{id}/", 2),
    ("patch", URL + "{id}/", "/api/system/system_config/{id}/", 2),
    ("delete", URL + "{id}/", "/api/system/system_config/{id}/", 3),
    ("delete", URL + "multiple_delete/", "/api/system/system_config/multiple_delete/", 3),
    ("post", URL + "get_by_ids/", "/api/system/system_config/get_by_ids/", 1),
    ("put", URL + "save_content/", "/api/system/system_config/save_content/", 2),
    ("get", URL + "get_association_table/", "/api/system/system_config/get_association_table/", 0),
    ("get", URL + "get_table_data/{id}/", "/api/system/system_config/get_table_data/{id}/", 0),
    ("get", URL + "get_relation_info/", "/api/system/system_config/get_relation_info/", 0),
]
ITEM_KEYS = {
    "id",
    "modifier_name",
    "creator_name",
    "create_datetime",
    "update_datetime",
    "form_item_type_label",
    "description",
    "modifier",
    "dept_belong_id",
    "title",
    "key",
    "value",
    "sort",
    "status",
    "data_options",
    "form_item_type",
    "rule",
    "placeholder",
    "setting",
    "creator",
    "parent",
}
USERS_SETTING = {
    "table": "Users",
    "primarykey": "id",
    "field": "name",
    "searchField": [{"field": "username"}],
}


@pytest.fixture()
def hq(app):
    return make_dept(app, "总部")


@pytest.fixture()
def root(app, hq, login_as):
    return login_as(make_user(app, "root", superuser=True, dept=hq))


def count(app):
    from blueprints.system_config.models import SystemConfig

    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(SystemConfig)).scalar_one()


def fk_item(app, hq):
    group = make_config(app, "rel", dept_belong_id=str(hq.id))
    return make_config(
        app, "owner", group, value=1, form_item_type=13, setting=USERS_SETTING, dept_belong_id=str(hq.id)
    )


# ---- the matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_token(client, app, hq, method, url, _api, _m):
    target = fk_item(app, hq)
    r = getattr(client, method)(url.format(id=target.id), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_button(client, app, hq, login_as, method, url, _api, _m):
    target = fk_item(app, hq)
    r = getattr(client, method)(url.format(id=target.id), json={}, headers=login_as(make_user(app, dept=hq)))
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert config_row(app, target.id) is not None


@pytest.mark.parametrize(("method", "url", "api", "m"), ROUTES)
def test_with_the_button_each_route_answers(client, app, hq, login_as, method, url, api, m):
    staff = staff_with(app, hq, [(api, m)], data_range=2)
    target = fk_item(app, hq)
    bodies = {
        ("post", URL): {"title": "新分组", "key": "fresh"},
        ("post", URL + "get_by_ids/"): {"ids": [target.id]},
        ("put", URL + "{id}/"): {"title": "改名", "key": "owner", "value": 2},
        ("patch", URL + "{id}/"): {"title": "改名"},
        ("put", URL + "save_content/"): [{"id": target.id, "title": "负责人", "key": "owner", "value": 3}],
        ("delete", URL + "multiple_delete/"): {"keys": [target.id]},
    }
    query = "?varName=owner&table=Users&relationIds=1" if "relation" in url else ""
    r = getattr(client, method)(
        url.format(id=target.id) + query, json=bodies.get((method, url)), headers=login_as(staff)
    )
    assert r.status_code == 200 and r.json["code"] == 2000, r.json


# ---- list and retrieve ------------------------------------------------------------------------


def test_groups_with_their_items_in_the_original_shape(client, app, root):
    base = make_config(app, "base", title="基础配置")
    title = make_config(app, "web_title", base, "DVAdmin", sort=1, rule=[])
    captcha = make_config(app, "captcha_state", base, False, sort=2, form_item_type=9)
    login = make_config(app, "login", title="登录页配置", sort=1)
    body = client.get(URL + "?parent__isnull=True&limit=999", headers=root).json
    assert list(body) == ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
    assert [row["id"] for row in body["data"]] == [base.id, login.id]
    group = body["data"][0]
    assert set(group) == ITEM_KEYS | {"children"} and group["form_item_type_label"] == "text"
    assert [c["id"] for c in group["children"]] == [title.id, captcha.id]
    assert set(group["children"][0]) == ITEM_KEYS
    assert group["children"][1]["value"] is False and group["children"][1]["form_item_type_label"] == "switch"
    assert group["children"][0]["parent"] == base.id and group["children"][0]["rule"] == []
    assert body["data"][1]["children"] == []


def test_filters(client, app, root):
    base = make_config(app, "base")
    on = make_config(app, "a", base)
    off = make_config(app, "b", base, status=False)
    ids = lambda q: [row["id"] for row in client.get(URL + q, headers=root).json["data"]]  # noqa: E731
    assert ids(f"?parent={base.id}") == [on.id, off.id]
    assert ids(f"?parent={base.id}&status=False") == [off.id]
    assert ids("?parent__isnull=False") == [on.id, off.id]
    assert ids(f"?id={on.id}") == [on.id]
    assert client.get(f"{URL}?parent={base.id}", headers=root).json["data"][0]["children"] == []


def test_bad_parent_isnull_names_the_param(client, app, root):
    r = client.get(URL + "?parent__isnull=maybe", headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "parent__isnull:必须是有效的布尔值。"}


def test_list_costs_the_same_at_20_and_200_groups(client, app, root):
    from blueprints.system_config.models import SystemConfig

    with app.app_context():
        for n in range(200):
            group = SystemConfig(title="g", key=f"g{n}", sort=n, status=True, form_item_type=0)
            db.session.add(group)
            db.session.flush()
            db.session.add_all(
                SystemConfig(
                    title="i", key=f"i{i}", parent_id=group.id, sort=i, status=True, form_item_type=0
                )
                for i in range(2)
            )
        db.session.commit()
    statements_for(app, client, "get", URL + "?parent__isnull=True&limit=1", headers=root)
    small = statements_for(app, client, "get", URL + "?parent__isnull=True&limit=20", headers=root)
    large = statements_for(app, client, "get", URL + "?parent__isnull=True&limit=200", headers=root)
    assert small == large


def test_retrieve_unknown_is_400(client, app, root):
    assert client.get(f"{URL}999999/", headers=root).json == {
        "code": 400,
        "data": None,
        "msg": "接口地址不正确",
    }


# ---- data scope ----------------------------------------------------------------------------


@pytest.fixture()
def outsider(app, hq, login_as):
    """A staff member of another dept holding every standard button with range 2 (own dept)."""
    buttons = [(api, m) for _method, _url, api, m in ROUTES]
    return login_as(staff_with(app, make_dept(app, "运营部"), buttons, data_range=2))


def test_another_dept_cannot_reach_a_group(client, app, hq, outsider):
    group = make_config(app, "secret_group", dept_belong_id=str(hq.id))
    item = make_config(app, "x", group, "v")
    assert client.get(URL + "?parent__isnull=True", headers=outsider).json["data"] == []
    assert client.get(f"{URL}{group.id}/", headers=outsider).json["code"] == 400
    r = client.put(f"{URL}{group.id}/", json={"title": "x", "key": "secret_group"}, headers=outsider)
    assert r.json["code"] == 400 and config_row(app, group.id).title == "secret_group"
    assert client.delete(f"{URL}{group.id}/", headers=outsider).json["code"] == 400
    r = client.delete(URL + "multiple_delete/", json={"keys": [group.id]}, headers=outsider)
    assert r.json["code"] == 2000 and config_row(app, group.id) is not None
    assert client.post(URL + "get_by_ids/", json={"ids": [group.id]}, headers=outsider).json["data"] == []
    r = client.put(
        URL + "save_content/",
        json=[{"id": item.id, "title": "x", "key": "x", "value": "w"}],
        headers=outsider,
    )
    assert r.json["code"] == 4000 and config_row(app, item.id).value == "v"
    r = client.post(URL, json={"title": "y", "key": "y", "parent": group.id}, headers=outsider)
    assert r.json["code"] == 4000 and count(app) == 2


# ---- writes --------------------------------------------------------------------------------


def test_create_a_group_and_an_item(client, app, root):
    r = client.post(URL, json={"title": "基础配置", "key": "base"}, headers=root)
    assert r.json["code"] == 2000 and r.json["msg"] == "新增成功"
    assert set(r.json["data"]) == ITEM_KEYS | {"children"} and r.json["data"]["status"] is True
    group_id = r.json["data"]["id"]
    r = client.post(
        URL,
        json={"title": "开关", "key": "on", "parent": group_id, "form_item_type": 9, "value": True},
        headers=root,
    )
    assert r.json["data"]["value"] is True and r.json["data"]["form_item_type_label"] == "switch"


def test_title_is_required(client, app, root):
    r = client.post(URL, json={"key": "base"}, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "标题:该字段是必填项。"}


def test_unknown_form_item_type_names_the_field(client, app, root):
    r = client.post(URL, json={"title": "x", "key": "x", "form_item_type": 99}, headers=root)
    assert r.json["code"] == 4000 and r.json["msg"].startswith("表单类型:")


@pytest.mark.parametrize("key", ["base", "BASE"])
def test_duplicate_top_level_key_is_refused(client, app, root, key):
    make_config(app, "base")
    r = client.post(URL, json={"title": "又一个", "key": key}, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "已存在相同变量名"}
    assert count(app) == 1


def test_item_keys_are_unique_within_their_group(client, app, root):
    base = make_config(app, "base")
    make_config(app, "web_title", base)
    r = client.post(URL, json={"title": "t", "key": "web_title", "parent": base.id}, headers=root)
    assert r.json["msg"] == "已存在相同变量名"
    other = make_config(app, "login")
    r = client.post(URL, json={"title": "t", "key": "web_title", "parent": other.id}, headers=root)
    assert r.json["code"] == 2000
    # an item key may equal a group key
    assert (
        client.post(URL, json={"title": "t", "key": "base", "parent": other.id}, headers=root).json["code"]
        == 2000
    )


def test_two_levels_only(client, app, root):
    base = make_config(app, "base")
    item = make_config(app, "web_title", base)
    r = client.post(URL, json={"title": "t", "key": "deep", "parent": item.id}, headers=root)
    assert r.json["msg"] == "父级:配置只有两级，父级必须是分组"
    r = client.put(f"{URL}{base.id}/", json={"title": "t", "key": "base", "parent": base.id}, headers=root)
    assert r.json["msg"] == "父级:不能选择自己作为父级"
    r = client.put(
        f"{URL}{base.id}/",
        json={"title": "t", "key": "base", "parent": make_config(app, "g2").id},
        headers=root,
    )
    assert r.json["msg"] == "父级:该分组下还有配置项，不能移到其他分组之下"
    assert config_row(app, base.id).parent_id is None
    r = client.post(URL, json={"title": "t", "key": "x", "parent": 999999}, headers=root)
    assert r.json["msg"] == "父级:无效主键 “999999” - 对象不存在。"


@pytest.mark.parametrize(
    ("form_item_type", "value"),
    [
        (0, 5),
        (3, ["a"]),
        (9, "true"),
        (9, 1),
        (10, "10"),
        (10, True),
        (11, "x"),
        (11, [1, 2]),
        (5, "a"),
        (12, "x.png"),
        (13, {"id": 1}),
        (13, True),
        (14, 3),
        (4, {"a": 1}),
        (7, 5),
    ],
)
def test_value_must_fit_its_form_item_type(client, app, root, form_item_type, value):
    base = make_config(app, "base")
    body = {"title": "t", "key": "k", "parent": base.id, "form_item_type": form_item_type, "value": value}
    if form_item_type in (13, 14):
        body["setting"] = USERS_SETTING
    r = client.post(URL, json=body, headers=root)
    assert r.json["code"] == 4000 and r.json["msg"].startswith("值:"), r.json
    assert count(app) == 1


@pytest.mark.parametrize(
    ("form_item_type", "value"),
    [
        (0, "text"),
        (0, ""),
        (0, None),
        (1, "2024-01-01T00:00:00.000Z"),
        (4, "local"),
        (4, 1),
        (5, ["a", 1]),
        (7, [{"name": "a.png", "url": "/media/a.png"}]),
        (7, "/media/a.png"),
        (9, False),
        (10, 3.5),
        (11, [{"key": "b", "title": "B", "value": "2"}]),
        (12, []),
        (13, 1),
        (14, [1, 2]),
    ],
)
def test_values_that_fit_are_stored(client, app, root, form_item_type, value):
    base = make_config(app, "base")
    body = {"title": "t", "key": "k", "parent": base.id, "form_item_type": form_item_type, "value": value}
    if form_item_type in (13, 14):
        body["setting"] = USERS_SETTING
    r = client.post(URL, json=body, headers=root)
    assert r.json["code"] == 2000, r.json
    assert config_row(app, r.json["data"]["id"]).value == value


def test_changing_the_type_checks_the_stored_value(client, app, root):
    item = make_config(app, "k", make_config(app, "base"), "text")
    r = client.patch(f"{URL}{item.id}/", json={"form_item_type": 9}, headers=root)
    assert r.json["msg"] == "值:switch 类型的值必须是布尔值"
    assert config_row(app, item.id).form_item_type == 0


def test_a_foreign_key_must_point_at_an_allowed_table(client, app, root):
    base = make_config(app, "base")
    body = {
        "title": "t",
        "key": "k",
        "parent": base.id,
        "form_item_type": 13,
        "setting": {"table": "OperationLog"},
    }
    assert client.post(URL, json=body, headers=root).json["msg"] == "配置:关联表不在允许范围内"


def test_deleting_a_group_deletes_its_items(client, app, root):
    base = make_config(app, "base")
    item = make_config(app, "web_title", base)
    keep = make_config(app, "other", make_config(app, "login"))
    assert client.delete(f"{URL}{base.id}/", headers=root).json["code"] == 2000
    assert config_row(app, item.id) is None and config_row(app, keep.id) is not None


# ---- save_content ----------------------------------------------------------------------------


def test_save_content_updates_and_creates(client, app, root):
    base = make_config(app, "base")
    title = make_config(app, "web_title", base, "DVAdmin")
    body = [
        {
            "id": title.id,
            "title": "网页标题",
            "key": "web_title",
            "value": "New",
            "parent": base.id,
            "form_item_type": 0,
            "form_item_type_label": "text",
            "children": [],
        },
        {"title": "开关", "key": "on", "value": True, "parent": base.id, "form_item_type": 9},
    ]
    r = client.put(URL + "save_content/", json=body, headers=root)
    assert r.json == {"code": 2000, "data": None, "msg": "保存成功"}
    assert config_row(app, title.id).value == "New" and count(app) == 3


def test_save_content_cannot_create_groups(client, app, root):
    make_config(app, "base")
    before = count(app)
    r = client.put(
        URL + "save_content/", json=[{"title": "新分组", "key": "newtop", "value": "v"}], headers=root
    )
    assert r.json["code"] == 4000 and "parent" in r.json["msg"]
    assert count(app) == before


def test_save_content_is_all_or_nothing(client, app, root):
    base = make_config(app, "base")
    title = make_config(app, "web_title", base, "DVAdmin")
    switch = make_config(app, "captcha_state", base, True, form_item_type=9)
    body = [
        {"id": title.id, "title": "网页标题", "key": "web_title", "value": "New"},
        {"title": "新项", "key": "fresh", "value": "x", "parent": base.id},
        {"id": switch.id, "title": "开启验证码", "key": "captcha_state", "value": "yes", "form_item_type": 9},
    ]
    r = client.put(URL + "save_content/", json=body, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "开启验证码:值:switch 类型的值必须是布尔值"}
    assert config_row(app, title.id).value == "DVAdmin" and config_row(app, switch.id).value is True
    assert count(app) == 3


def test_save_content_refuses_duplicate_keys_among_its_items(client, app, root):
    base = make_config(app, "base")
    body = [
        {"title": "a", "key": "same", "value": "1", "parent": base.id},
        {"title": "b", "key": "Same", "value": "2", "parent": base.id},
    ]
    r = client.put(URL + "save_content/", json=body, headers=root)
    assert r.json["msg"] == "b:已存在相同变量名" and count(app) == 1


def test_save_content_refuses_unknown_ids_and_objects(client, app, root):
    r = client.put(URL + "save_content/", json=[{"id": 999999, "title": "t", "key": "k"}], headers=root)
    assert r.json["code"] == 4000 and "999999" in r.json["msg"]
    r = client.put(URL + "save_content/", json={"title": "t", "key": "k"}, headers=root)
    assert r.json["code"] == 4000 and count(app) == 0
    r = client.put(URL + "save_content/", json=[{"key": "k"}], headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "第1条:标题:该字段是必填项。"}


def test_save_content_reaches_init_settings_at_once(client, app, root):
    base = make_config(app, "base")
    title = make_config(app, "web_title", base, "DVAdmin")
    assert client.get("/api/init/settings/").json["data"] == {"base.web_title": "DVAdmin"}
    body = [{"id": title.id, "title": "网页标题", "key": "web_title", "value": "New"}]
    assert client.put(URL + "save_content/", json=body, headers=root).json["code"] == 2000
    assert client.get("/api/init/settings/").json["data"] == {"base.web_title": "New"}


# ---- association tables ----------------------------------------------------------------------


def test_association_tables_are_the_allow_list_without_secrets(client, app, root):
    r = client.get(URL + "get_association_table/", headers=root)
    assert list(r.json) == ["code", "data", "msg"] and r.json["msg"] == "获取成功"
    tables = {t["table"]: t for t in r.json["data"]}
    assert set(tables) == {"Users", "Role", "Dept", "Menu", "Dictionary", "Area", "FileList"}
    users = tables["Users"]
    assert users["tableName"] == "用户表"
    fields = {f["field"]: f["title"] for f in users["tableFields"]}
    assert fields["username"] == "用户账号" and fields["dept"] == "所属部门" and fields["id"] == "Id"
    for table in tables.values():
        for field in table["tableFields"]:
            assert "password" not in field["field"] and "token" not in field["field"]


def test_table_data_never_returns_a_password_and_paginates(client, app, hq, root):
    for n in range(12):
        make_user(app, f"member{n:02d}", dept=hq)
    item = fk_item(app, hq)
    r = client.get(f"{URL}get_table_data/{item.id}/?page=2&limit=5", headers=root)
    body = r.json
    assert list(body) == ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
    # the caller (a superuser) is not among them: superusers stay out of user lists (#14)
    assert body["total"] == 12 and body["page"] == 2 and len(body["data"]) == 5
    for row in body["data"]:
        assert "password" not in row and "token_version" not in row
        assert "is_superuser" not in row and "login_error_count" not in row
        assert {"id", "username", "name", "dept"} <= set(row)
        assert len(row["date_joined"]) == 19 and row["date_joined"][10] == " "


def test_table_data_search_uses_the_search_fields(client, app, hq, root):
    make_user(app, "alice", dept=hq)
    make_user(app, "bob", dept=hq)
    item = fk_item(app, hq)
    body = client.get(f"{URL}get_table_data/{item.id}/?search=ali", headers=root).json
    assert [row["username"] for row in body["data"]] == ["alice"]


def test_table_data_cannot_search_a_password(client, app, hq, root):
    make_user(app, "alice", dept=hq)
    group = make_config(app, "rel")
    setting = {"table": "Users", "searchField": [{"field": "password"}]}
    item = make_config(app, "owner", group, form_item_type=13, setting=setting)
    body = client.get(f"{URL}get_table_data/{item.id}/?search=pbkdf2", headers=root).json
    assert body["code"] == 2000 and all("password" not in row for row in body["data"])


def test_table_data_refuses_a_table_off_the_allow_list(client, app, root):
    group = make_config(app, "rel")
    # a row written by the original (or by SQL) may name any model
    item = make_config(app, "log", group, form_item_type=13, setting={"table": "OperationLog"})
    r = client.get(f"{URL}get_table_data/{item.id}/", headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "关联表不在允许范围内"}
    plain = make_config(app, "plain", group)
    assert client.get(f"{URL}get_table_data/{plain.id}/", headers=root).json["code"] == 400
    assert client.get(f"{URL}get_table_data/999999/", headers=root).json == {
        "code": 400,
        "data": None,
        "msg": "查询出错了~",
    }


def test_relation_info(client, app, hq, root):
    item = fk_item(app, hq)
    r = client.get(URL + "get_relation_info/?varName=owner&table=Users&relationIds=1", headers=root)
    assert r.json["code"] == 2000 and r.json["msg"] == "查询成功"
    assert r.json["data"]["id"] == item.parent_id and [c["id"] for c in r.json["data"]["children"]] == [
        item.id
    ]
    r = client.get(URL + "get_relation_info/?varName=owner&table=Users", headers=root)
    assert r.json == {"code": 400, "data": None, "msg": "未获取到关联信息"}
    r = client.get(URL + "get_relation_info/?varName=owner&table=Role&relationIds=1", headers=root)
    assert r.json["code"] == 400


def test_table_data_hides_columns_the_caller_may_not_see(client, app, hq, login_as):
    from app.core.permissions import bump_permission_version
    from app.extensions import db
    from blueprints.menu.models import Menu, MenuField
    from blueprints.permission.models import FieldPermission
    from tests.support.factories import grant, make_button, make_role

    make_user(app, "visible_one", dept=hq, email="secret@example.com")
    item = fk_item(app, hq)
    role = make_role(app, "viewer")
    grant(app, role, make_button(app, "/api/system/system_config/get_table_data/{id}/", 0), 3)
    caller = make_user(app, "viewer_user", dept=hq, roles=[role])
    with app.app_context(), app.test_request_context():
        menu = Menu(name="用户管理", sort=1)
        db.session.add(menu)
        db.session.flush()
        email = MenuField(model="Users", menu_id=menu.id, field_name="email", title="邮箱")
        db.session.add(email)
        db.session.flush()
        db.session.add(
            FieldPermission(
                role_id=role.id, field_id=email.id, is_query=False, is_create=False, is_update=False
            )
        )
        db.session.commit()
        bump_permission_version()
    body = client.get(f"{URL}get_table_data/{item.id}/", headers=login_as(caller)).json
    assert body["code"] == 2000 and body["data"]
    assert all("email" not in row for row in body["data"])
