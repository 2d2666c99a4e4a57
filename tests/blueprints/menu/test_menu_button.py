"""The menu_button routes: list, writes only a superuser may point at an API, codes, batch create."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.dept.helpers import (
    DETAIL_KEYS,
    LIST_KEYS,
    METHODS,
    NO_BUTTON,
    NO_TOKEN,
    NOT_FOUND,
    call,
    grant_custom,
    make_menu,
    user_with,
)
from tests.support.factories import grant, make_button, make_dept, make_role, make_user
from tests.support.queries import statements_for

URL = "/api/system/menu_button/"
SUPERUSER_ONLY = "只有超级管理员可以新增按钮或修改按钮的接口地址和请求方法"


@pytest.fixture()
def menu(app):
    return make_menu(app, "用户管理", component_name="user")


@pytest.fixture()
def buttons(app, menu):
    other = make_menu(app, "其他")
    made = {}
    for name, value, api, method, owner in [
        ("查询", "user:Search", "/api/system/user/", 0, menu),
        ("删除", "user:Delete", "/api/system/user/{id}/", 3, menu),
        ("新增", "user:Create", "/api/system/user/", 1, menu),
        ("导出", "other:Export", "/api/other/", 1, other),
    ]:
        button = make_button(app, api, method, value=value, menu=owner)
        with app.app_context():
            from blueprints.menu.models import MenuButton

            db.session.get(MenuButton, button.id).name = name
            db.session.commit()
        made[value] = button
    return SimpleNamespace(**{k.replace(":", "_"): v for k, v in made.items()}, other=other)


@pytest.fixture()
def su(app, login_as):
    return login_as(make_user(app, "root", superuser=True))


def stored(app, button_id):
    from blueprints.menu.models import MenuButton

    with app.app_context():
        row = db.session.get(MenuButton, button_id)
        return (
            None
            if row is None
            else SimpleNamespace(name=row.name, value=row.value, api=row.api, method=row.method)
        )


# ---- list ----------------------------------------------------------------------------------


def test_list_of_a_menu_by_name(client, menu, buttons, su):
    body = client.get(f"{URL}?menu={menu.id}", headers=su).json
    assert list(body) == LIST_KEYS and (body["total"], body["msg"]) == (3, "获取成功")
    assert [r["name"] for r in body["data"]] == ["删除", "新增", "查询"]
    assert body["data"][0] == {
        "id": buttons.user_Delete.id,
        "name": "删除",
        "value": "user:Delete",
        "api": "/api/system/user/{id}/",
        "method": 3,
        "menu": menu.id,
    }
    assert client.get(URL, headers=su).json["total"] == 4


def test_list_costs_the_same_at_20_and_200_rows(client, app, menu, su):
    from blueprints.menu.models import MenuButton

    def add(count, start):
        with app.app_context():
            db.session.add_all(
                MenuButton(name=f"b{i}", value=f"v{i}", api="/a/", method=0, menu_id=menu.id)
                for i in range(start, start + count)
            )
            db.session.commit()

    add(20, 0)
    statements_for(app, client, "get", URL, headers=su)
    small = statements_for(app, client, "get", URL, headers=su)
    add(180, 20)
    large = statements_for(app, client, "get", URL, headers=su)
    assert client.get(URL, headers=su).json["total"] == 200
    assert small == large


# ---- writes --------------------------------------------------------------------------------


def test_superuser_creates_a_button(client, app, menu, su):
    body = {
        "name": "导入",
        "value": "user:Import",
        "api": "/api/system/user/import/",
        "method": 1,
        "menu": menu.id,
    }
    r = client.post(URL, json=body, headers=su).json
    assert r["code"] == 2000 and r["msg"] == "新增成功"
    assert {k: r["data"][k] for k in body} == body
    assert stored(app, r["data"]["id"]).api == "/api/system/user/import/"


@pytest.mark.parametrize(
    ("patch", "msg"),
    [
        ({"name": None}, "名称:该字段不能为 null。"),
        ({"value": ""}, "权限值:该字段不能为空。"),
        ({"method": 7}, "接口请求方法:“7” 不是合法选项。"),
        ({"method": "x"}, "接口请求方法:请填写合法的整数值。"),
        ({"menu": "x"}, "关联菜单:请填写合法的整数值。"),
        ({"menu": 987654}, "关联菜单:无效主键 “987654” - 对象不存在。"),
        ({"api": "/api/(.*)/"}, "api:接口地址只能包含字母、数字和 _ / { } . - 字符"),
        ({"api": "/api/a b/"}, "api:接口地址只能包含字母、数字和 _ / { } . - 字符"),
    ],
)
def test_bad_input_names_the_field(client, menu, su, patch, msg):
    body = {"name": "x", "value": "x:y", "api": "/api/x/", "method": 0, "menu": menu.id} | patch
    assert client.post(URL, json=body, headers=su).json == {"code": 4000, "data": None, "msg": msg}


def test_value_is_unique_ignoring_case(client, menu, buttons, su):
    body = {"name": "x", "value": "USER:search", "api": "/api/x/", "method": 0, "menu": menu.id}
    r = client.post(URL, json=body, headers=su).json
    assert r["code"] == 400 and "USER:search" in r["msg"] and "权限值" in r["msg"]
    r = client.patch(f"{URL}{buttons.user_Create.id}/", json={"value": "user:delete"}, headers=su).json
    assert r["code"] == 400
    assert (
        client.patch(f"{URL}{buttons.user_Create.id}/", json={"value": "user:Create"}, headers=su).json[
            "code"
        ]
        == 2000
    )


def test_a_non_superuser_cannot_create_a_button(client, app, menu, login_as):
    user = user_with(app, [("/api/system/menu_button/", 1)])
    body = {"name": "x", "value": "x:y", "api": "/api/system/role/", "method": 0, "menu": menu.id}
    assert client.post(URL, json=body, headers=login_as(user)).json == {
        "code": 4000,
        "data": None,
        "msg": SUPERUSER_ONLY,
    }


def test_a_non_superuser_may_rename_but_not_repoint_a_button(client, app, buttons, login_as):
    user = user_with(app, [("/api/system/menu_button/{id}/", 2), ("/api/system/menu_button/{id}/", 0)])
    auth = login_as(user)
    url = f"{URL}{buttons.user_Search.id}/"
    row = client.get(url, headers=auth).json["data"]
    row["name"] = "搜索"
    assert client.put(url, json=row, headers=auth).json["code"] == 2000
    assert stored(app, buttons.user_Search.id).name == "搜索"
    for change in ({"api": "/api/system/role/"}, {"method": 3}):
        assert client.put(url, json=row | change, headers=auth).json == {
            "code": 4000,
            "data": None,
            "msg": SUPERUSER_ONLY,
        }
    after = stored(app, buttons.user_Search.id)
    assert (after.api, after.method) == ("/api/system/user/", 0)


def test_repointing_a_button_reaches_the_grants(client, app, buttons, su, login_as):
    role = make_role(app, "r")
    grant(app, role, buttons.user_Search)
    staff = make_user(app, roles=[role])
    assert client.get("/api/probe/role/", headers=login_as(staff)).json == NO_BUTTON
    client.patch(f"{URL}{buttons.user_Search.id}/", json={"api": "/api/probe/role/"}, headers=su)
    assert client.get("/api/probe/role/", headers=login_as(staff)).json["code"] == 2000


def test_delete_takes_the_grants(client, app, buttons, su, login_as):
    from blueprints.permission.models import RoleMenuButtonPermission, role_menu_button_permission_dept

    role = make_role(app, "r")
    probe = make_button(app, "/api/probe/role/", 0)
    grant(app, role, probe)
    grant_custom(app, role, buttons.user_Search, [make_dept(app)])
    staff = make_user(app, roles=[role])
    assert client.get("/api/probe/role/", headers=login_as(staff)).json["code"] == 2000
    assert client.delete(f"{URL}{probe.id}/", headers=su).json["msg"] == "删除成功"
    assert client.get("/api/probe/role/", headers=login_as(staff)).json == NO_BUTTON
    body = client.delete(URL + "multiple_delete/", json={"keys": [buttons.user_Search.id]}, headers=su).json
    assert body["code"] == 2000 and stored(app, buttons.user_Search.id) is None
    with app.app_context():
        assert (
            db.session.execute(sa.select(sa.func.count()).select_from(RoleMenuButtonPermission)).scalar() == 0
        )
        links = role_menu_button_permission_dept
        assert db.session.execute(sa.select(sa.func.count()).select_from(links)).scalar() == 0


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_unknown_id(client, buttons, su, method):
    body = {"name": "x", "value": "q:q", "api": "/api/x/", "method": 0, "menu": 1}
    assert call(client, method, f"{URL}987654/", su, body).json == NOT_FOUND


# ---- menu_button_all_permission ------------------------------------------------------------


def test_all_permission_for_a_superuser(client, buttons, su):
    body = client.get(URL + "menu_button_all_permission/", headers=su).json
    assert list(body) == DETAIL_KEYS and body["msg"] == "success"
    # by -name: 查询, 新增, 导出, 删除
    assert body["data"] == ["user:Search", "user:Create", "other:Export", "user:Delete"]


def test_all_permission_gives_enabled_roles_codes_once(client, app, buttons, login_as):
    a = make_role(app, "a")
    b = make_role(app, "b")
    off = make_role(app, "off", status=False)
    grant(app, a, buttons.user_Search)
    grant(app, a, buttons.user_Create)
    grant(app, b, buttons.user_Search)
    grant(app, off, buttons.user_Delete)
    user = make_user(app, roles=[a, b, off])
    body = client.get(URL + "menu_button_all_permission/", headers=login_as(user)).json
    assert body == {"code": 2000, "data": ["user:Search", "user:Create"], "msg": "success"}


def test_all_permission_is_login_only(client, app, buttons, login_as):
    r = client.get(URL + "menu_button_all_permission/")
    assert r.status_code == 401 and r.json == NO_TOKEN
    body = client.get(URL + "menu_button_all_permission/", headers=login_as(make_user(app))).json
    assert body == {"code": 2000, "data": [], "msg": "success"}


# ---- batch_create --------------------------------------------------------------------------


def test_batch_create_makes_the_eight_buttons_once(client, app, menu, su):
    body = client.post(URL + "batch_create/", json={"menu": menu.id}, headers=su).json
    assert list(body) == LIST_KEYS and body["msg"] == "批量创建成功" and body["total"] == 8
    made = {r["value"]: (r["name"], r["method"], r["api"]) for r in body["data"]}
    assert made == {
        "user:Create": ("新增", 1, "/api/user/"),
        "user:Delete": ("删除", 3, "/api/user/{id}/"),
        "user:Update": ("编辑", 2, "/api/user/{id}/"),
        "user:Search": ("查询", 0, "/api/user/"),
        "user:Retrieve": ("详情", 0, "/api/user/{id}/"),
        "user:Copy": ("复制", 1, "/api/user/"),
        "user:Import": ("导入", 1, "/api/user/import_data/"),
        "user:Export": ("导出", 0, "/api/user/export_data/"),
    }
    again = client.post(URL + "batch_create/", json={"menu": menu.id}, headers=su).json
    assert again["code"] == 2000 and again["data"] == []
    assert client.get(f"{URL}?menu={menu.id}", headers=su).json["total"] == 8


def test_batch_create_skips_existing_values(client, app, menu, buttons, su):
    body = client.post(URL + "batch_create/", json={"menu": menu.id}, headers=su).json
    assert body["total"] == 5  # user:Search, user:Create and user:Delete exist


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"code": 4000, "data": None, "msg": "关联菜单:该字段是必填项。"}),
        ({"menu": "x"}, {"code": 4000, "data": None, "msg": "关联菜单:请填写合法的整数值。"}),
        ({"menu": 987654}, {"code": 400, "data": None, "msg": "菜单不存在"}),
    ],
)
def test_batch_create_bad_input(client, menu, su, body, expected):
    assert client.post(URL + "batch_create/", json=body, headers=su).json == expected


def test_batch_create_is_for_superusers(client, app, menu, login_as):
    user = user_with(app, [("/api/system/menu_button/batch_create/", 1)])
    body = client.post(URL + "batch_create/", json={"menu": menu.id}, headers=login_as(user)).json
    assert body == {"code": 4000, "data": None, "msg": SUPERUSER_ONLY}


# ---- buttons -------------------------------------------------------------------------------

ROUTES = [
    ("get", "", "/api/system/menu_button/"),
    ("post", "", "/api/system/menu_button/"),
    ("get", "{id}/", "/api/system/menu_button/{id}/"),
    ("put", "{id}/", "/api/system/menu_button/{id}/"),
    ("patch", "{id}/", "/api/system/menu_button/{id}/"),
    ("delete", "{id}/", "/api/system/menu_button/{id}/"),
    ("delete", "multiple_delete/", "/api/system/menu_button/multiple_delete/"),
    ("post", "get_by_ids/", "/api/system/menu_button/get_by_ids/"),
    ("post", "batch_create/", "/api/system/menu_button/batch_create/"),
]


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_no_token_is_http_401(client, buttons, method, path, api):
    r = call(client, method, URL + path.format(id=buttons.user_Search.id), None, {"keys": [1]})
    assert r.status_code == 401 and r.json == NO_TOKEN


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_without_the_button_code_4000(client, app, buttons, login_as, method, path, api):
    others = {(a, METHODS[m]) for m, _p, a in ROUTES if (a, METHODS[m]) != (api, METHODS[method])}
    user = user_with(app, sorted(others))
    body = {"name": "x", "keys": [buttons.user_Search.id], "ids": [1], "menu": buttons.other.id}
    r = call(client, method, URL + path.format(id=buttons.user_Search.id), login_as(user), body)
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert stored(app, buttons.user_Search.id).name == "查询"


@pytest.mark.parametrize(
    ("method", "path", "api"), [r for r in ROUTES if r[:2] not in {("post", ""), ("post", "batch_create/")}]
)
def test_with_the_button(client, app, menu, buttons, login_as, method, path, api):
    # creating buttons and batch_create are for superusers whatever the buttons (tested above)
    user = user_with(app, [(api, METHODS[method])])
    row = {"name": "x", "value": "user:Delete", "api": "/api/system/user/{id}/", "method": 3, "menu": menu.id}
    body = row | {"keys": [buttons.user_Delete.id], "ids": [buttons.user_Delete.id]}
    r = call(client, method, URL + path.format(id=buttons.user_Delete.id), login_as(user), body)
    assert r.status_code == 200 and r.json["code"] == 2000, r.json


def test_list_with_the_button(client, app, buttons, login_as):
    user = user_with(app, [("/api/system/menu_button/", 0)])
    assert client.get(URL, headers=login_as(user)).json["total"] == 4 + 1  # the user's own button too
