"""The menu routes: lazy list, writes, deletes with everything hanging off, router lists, moves."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.dept.helpers import (
    LIST_KEYS,
    METHODS,
    NO_BUTTON,
    NO_TOKEN,
    NOT_FOUND,
    call,
    grant_custom,
    grant_menu,
    make_menu,
    user_with,
)
from tests.support.factories import grant, make_button, make_dept, make_role, make_user
from tests.support.queries import statements_for

URL = "/api/system/menu/"
ROUTER_KEYS = {
    "id",
    "parent",
    "icon",
    "sort",
    "path",
    "name",
    "title",
    "is_link",
    "link_url",
    "is_catalog",
    "web_path",
    "component",
    "component_name",
    "cache",
    "visible",
    "is_iframe",
    "is_affix",
    "status",
}


@pytest.fixture()
def menus(app):
    """系统管理 (catalog) → 用户管理 (with buttons), 部门管理; 日志管理 (disabled catalog) → 登录日志."""
    system = make_menu(app, "系统管理", sort=1, is_catalog=True, web_path="/system", icon="iconfont")
    user = make_menu(
        app,
        "用户管理",
        parent=system,
        sort=1,
        web_path="/user",
        component="system/user/index",
        component_name="user",
    )
    dept = make_menu(app, "部门管理", parent=system, sort=2, web_path="/dept", component_name="dept")
    logs = make_menu(app, "日志管理", sort=2, is_catalog=True, status=False)
    login_log = make_menu(app, "登录日志", parent=logs, sort=1)
    search = make_button(app, "/api/system/user/", 0, value="user:Search", menu=user)
    create = make_button(app, "/api/system/user/", 1, value="user:Create", menu=user)
    with app.app_context():
        from blueprints.menu.models import MenuButton

        db.session.get(MenuButton, search.id).name = "查询"
        db.session.get(MenuButton, create.id).name = "新增"
        db.session.commit()
    return SimpleNamespace(system=system, user=user, dept=dept, logs=logs, login_log=login_log, search=search)


@pytest.fixture()
def su(app, login_as):
    return login_as(make_user(app, "root", superuser=True))


def names(body):
    return [row["name"] for row in body["data"]]


def menu_row(app, menu_id):
    from blueprints.menu.models import Menu

    with app.app_context():
        row = db.session.get(Menu, menu_id)
        return None if row is None else SimpleNamespace(parent_id=row.parent_id, sort=row.sort, name=row.name)


# ---- list ----------------------------------------------------------------------------------


def test_list_without_params_gives_roots(client, menus, su):
    body = client.get(URL, headers=su).json
    assert list(body) == LIST_KEYS and (body["total"], body["msg"]) == (2, "success")
    assert names(body) == ["系统管理", "日志管理"]
    root = body["data"][0]
    assert root["hasChild"] is True and root["menuPermission"] is None and root["parent"] is None
    assert root["is_catalog"] is True and root["web_path"] == "/system" and "creator_name" in root


def test_list_page_and_limit_do_not_count_as_params(client, menus, su):
    assert names(client.get(f"{URL}?page=1&limit=20", headers=su).json) == ["系统管理", "日志管理"]


def test_list_children_with_buttons(client, menus, su):
    body = client.get(f"{URL}?parent={menus.system.id}", headers=su).json
    assert names(body) == ["用户管理", "部门管理"]
    user = body["data"][0]
    # buttons by -name: 查询 (U+67E5) before 新增 (U+65B0)
    assert [b["value"] for b in user["menuPermission"]] == ["user:Search", "user:Create"]
    assert set(user["menuPermission"][0]) == {"id", "name", "value"}
    assert user["hasChild"] is False and body["data"][1]["menuPermission"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=登录日志", ["登录日志"]),
        ("name=登录", []),
        ("status=False", ["日志管理"]),
        ("is_catalog=True", ["系统管理", "日志管理"]),
        ("search=管理", ["系统管理", "用户管理", "部门管理", "日志管理"]),
        ("name=", ["系统管理", "用户管理", "登录日志", "部门管理", "日志管理"]),
    ],
)
def test_other_params_filter_all_menus(client, menus, su, query, expected):
    assert sorted(names(client.get(f"{URL}?{query}", headers=su).json)) == sorted(expected)


def test_bad_filter_value_names_the_field(client, menus, su):
    assert client.get(f"{URL}?status=maybe", headers=su).json["msg"] == "status:必须是有效的布尔值。"


def test_list_costs_the_same_at_20_and_200_rows(client, app, su):
    from blueprints.menu.models import Menu, MenuButton

    root = make_menu(app, "root")

    def add(count):
        with app.app_context():
            for i in range(count):
                menu = Menu(name=f"m{i}", sort=i, parent_id=root.id)
                db.session.add(menu)
                db.session.flush()
                db.session.add(
                    MenuButton(name="b", value=f"v{menu.id}", api="/x/", method=0, menu_id=menu.id)
                )
                db.session.add(Menu(name=f"c{i}", sort=1, parent_id=menu.id))
            db.session.commit()

    add(20)
    url = f"{URL}?parent={root.id}"
    statements_for(app, client, "get", url, headers=su)
    small = statements_for(app, client, "get", url, headers=su)
    add(180)
    large = statements_for(app, client, "get", url, headers=su)
    assert client.get(url, headers=su).json["total"] == 200
    assert small == large


# ---- create / update -----------------------------------------------------------------------


def test_create_goes_after_the_last_sibling(client, app, menus, su):
    body = client.post(
        URL, json={"name": "角色管理", "parent": menus.system.id, "hasChild": False}, headers=su
    ).json
    assert body["code"] == 2000 and body["msg"] == "新增成功"
    assert menu_row(app, body["data"]["id"]).sort == 3
    body = client.post(URL, json={"name": "顶层", "parent": None}, headers=su).json
    assert menu_row(app, body["data"]["id"]).sort == 3
    body = client.post(URL, json={"name": "指定", "sort": 10}, headers=su).json
    assert menu_row(app, body["data"]["id"]).sort == 10


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"name": "x", "is_link": "maybe"}, "是否外链:必须是有效的布尔值。"),
        ({"name": "x", "parent": "abc"}, "上级菜单:请填写合法的整数值。"),
        ({"name": 5}, "菜单名称:请填写合法的字符串。"),
        ({"name": "x", "parent": 987654}, "上级菜单:无效主键 “987654” - 对象不存在。"),
        ({"name": "x", "web_path": "/" * 129}, "路由地址:请确保这个字段不能超过 128 个字符。"),
    ],
)
def test_create_bad_input_names_the_field(client, menus, su, body, msg):
    assert client.post(URL, json=body, headers=su).json == {"code": 4000, "data": None, "msg": msg}


def test_update_whole_row(client, app, menus, su):
    row = client.get(f"{URL}{menus.dept.id}/", headers=su).json["data"]
    assert row["name"] == "部门管理"
    row["name"] = "部门"
    assert client.put(f"{URL}{menus.dept.id}/", json=row, headers=su).json["msg"] == "更新成功"
    assert menu_row(app, menus.dept.id).name == "部门"


@pytest.mark.parametrize("target", ["self", "child"])
def test_update_refuses_a_cycle(client, app, menus, su, target):
    parent = menus.system.id if target == "self" else menus.user.id
    body = client.patch(f"{URL}{menus.system.id}/", json={"parent": parent}, headers=su).json
    assert body["code"] == 400 and "下级菜单" in body["msg"]
    assert menu_row(app, menus.system.id).parent_id is None


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_unknown_id(client, menus, su, method):
    assert call(client, method, f"{URL}987654/", su, {"name": "x"}).json == NOT_FOUND


# ---- delete --------------------------------------------------------------------------------


def test_delete_refuses_a_menu_with_sub_menus(client, app, menus, su):
    body = client.delete(f"{URL}{menus.system.id}/", headers=su).json
    assert body["code"] == 400 and "2个子菜单" in body["msg"]
    assert menu_row(app, menus.system.id) is not None


def test_delete_takes_buttons_fields_and_grants(client, app, menus, su, login_as):
    from blueprints.menu.models import MenuButton, MenuField
    from blueprints.permission.models import (
        FieldPermission,
        RoleMenuButtonPermission,
        RoleMenuPermission,
        role_menu_button_permission_dept,
    )

    role = make_role(app, "staff")
    grant_custom(app, role, menus.search, [make_dept(app)])
    grant(app, role, make_button(app, "/api/probe/role/", 0, value="probe:Search", menu=menus.user))
    grant_menu(app, role, menus.user, menus.system)
    with app.app_context():
        field = MenuField(model="Users", field_name="name", title="姓名", menu_id=menus.user.id)
        db.session.add(field)
        db.session.flush()
        db.session.add(FieldPermission(role_id=role.id, field_id=field.id))
        db.session.commit()
    staff = make_user(app, roles=[role])
    assert client.get("/api/probe/role/", headers=login_as(staff)).json["code"] == 2000

    assert client.delete(f"{URL}{menus.user.id}/", headers=su).json == {
        "code": 2000,
        "data": [],
        "msg": "删除成功",
    }
    with app.app_context():

        def count(table):
            return db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()

        assert count(MenuButton.__table__) == 0
        assert count(MenuField.__table__) == 0
        assert count(FieldPermission.__table__) == 0
        assert count(RoleMenuButtonPermission.__table__) == 0
        assert count(role_menu_button_permission_dept) == 0
        assert db.session.execute(sa.select(RoleMenuPermission.menu_id)).scalars().all() == [menus.system.id]
    # the grant is gone for every worker at once
    assert client.get("/api/probe/role/", headers=login_as(staff)).json == NO_BUTTON


def test_multiple_delete_a_whole_branch(client, app, menus, su):
    body = client.delete(
        URL + "multiple_delete/", json={"keys": [menus.logs.id, menus.login_log.id]}, headers=su
    )
    assert body.json["code"] == 2000
    assert menu_row(app, menus.logs.id) is None and menu_row(app, menus.login_log.id) is None
    body = client.delete(
        URL + "multiple_delete/", json={"keys": [menus.system.id, menus.user.id]}, headers=su
    )
    assert body.json["code"] == 400 and "部门管理" not in body.json["msg"] and "1个子菜单" in body.json["msg"]


# ---- web_router / get_all_menu -------------------------------------------------------------


def test_web_router_for_a_superuser(client, menus, su):
    body = client.get(URL + "web_router/", headers=su).json
    assert list(body) == LIST_KEYS and body["msg"] == "获取成功" and body["total"] == body["limit"] == 3
    assert names(body) == ["系统管理", "用户管理", "部门管理"]  # disabled 日志管理 and its child left out
    row = body["data"][1]
    assert set(row) == ROUTER_KEYS
    assert (row["path"], row["title"], row["component"], row["parent"]) == (
        "/user",
        "用户管理",
        "system/user/index",
        menus.system.id,
    )


def test_web_router_gives_granted_menus_of_enabled_roles_without_orphans(client, app, menus, login_as):
    on = make_role(app, "on")
    off = make_role(app, "off", status=False)
    grant_menu(app, on, menus.system, menus.user)
    grant_menu(app, off, menus.dept)
    orphan_parent = make_menu(app, "未授权目录")
    orphan = make_menu(app, "孤儿", parent=orphan_parent)
    grandchild = make_menu(app, "孙子", parent=orphan)
    grant_menu(app, on, orphan, grandchild)
    user = make_user(app, roles=[on, off])
    body = client.get(URL + "web_router/", headers=login_as(user)).json
    assert body["code"] == 2000 and names(body) == ["系统管理", "用户管理"]


def test_web_router_is_login_only(client, app, menus, login_as):
    r = client.get(URL + "web_router/")
    assert r.status_code == 401 and r.json == NO_TOKEN
    body = client.get(URL + "web_router/", headers=login_as(make_user(app))).json
    assert body == {"code": 2000, "page": 1, "limit": 0, "total": 0, "data": [], "msg": "获取成功"}


def test_web_router_costs_the_same_at_20_and_200_rows(client, app, login_as):
    from blueprints.menu.models import Menu
    from blueprints.permission.models import RoleMenuPermission

    role = make_role(app, "r")
    user = make_user(app, roles=[role])
    auth = login_as(user)

    def add(count):
        from app.core.permissions import bump_permission_version

        with app.app_context():
            for i in range(count):
                menu = Menu(name=f"m{i}", sort=i)
                db.session.add(menu)
                db.session.flush()
                db.session.add(RoleMenuPermission(role_id=role.id, menu_id=menu.id))
            db.session.commit()
            bump_permission_version()

    add(20)
    statements_for(app, client, "get", URL + "web_router/", headers=auth)
    small = statements_for(app, client, "get", URL + "web_router/", headers=auth)
    add(180)
    statements_for(app, client, "get", URL + "web_router/", headers=auth)
    large = statements_for(app, client, "get", URL + "web_router/", headers=auth)
    assert client.get(URL + "web_router/", headers=auth).json["total"] == 200
    assert small == large


def test_get_all_menu_includes_disabled(client, app, menus, su, login_as):
    body = client.get(URL + "get_all_menu/", headers=su).json
    assert list(body) == LIST_KEYS and body["msg"] == "获取成功"
    assert names(body) == ["系统管理", "用户管理", "登录日志", "部门管理", "日志管理"]
    role = make_role(app, "r")
    grant(app, role, make_button(app, "/api/system/menu/get_all_menu/", 0))
    grant_menu(app, role, menus.logs, menus.login_log, menus.user)
    user = make_user(app, roles=[role])
    # 用户管理 is dropped: its parent is not granted
    assert names(client.get(URL + "get_all_menu/", headers=login_as(user)).json) == ["登录日志", "日志管理"]


# ---- move ----------------------------------------------------------------------------------


def test_move_down_and_up(client, menus, su):
    body = client.post(URL + "move_down/", json={"menu_id": menus.user.id}, headers=su).json
    assert body == {"code": 2000, "data": [], "msg": "下移成功"}
    assert names(client.get(f"{URL}?parent={menus.system.id}", headers=su).json) == ["部门管理", "用户管理"]
    assert (
        client.post(URL + "move_up/", json={"menu_id": menus.user.id}, headers=su).json["msg"] == "上移成功"
    )
    assert names(client.get(f"{URL}?parent={menus.system.id}", headers=su).json) == ["用户管理", "部门管理"]


@pytest.mark.parametrize("path", ["move_up/", "move_down/"])
def test_move_bad_input(client, menus, su, path):
    assert client.post(URL + path, json={"menu_id": 987654}, headers=su).json == {
        "code": 400,
        "data": None,
        "msg": "菜单不存在",
    }
    assert client.post(URL + path, json={}, headers=su).json["msg"] == "menu_id:该字段是必填项。"
    assert (
        client.post(URL + path, json={"menu_id": []}, headers=su).json["msg"]
        == "menu_id:请填写合法的整数值。"
    )


# ---- buttons -------------------------------------------------------------------------------

ROUTES = [
    ("get", "", "/api/system/menu/"),
    ("post", "", "/api/system/menu/"),
    ("get", "{id}/", "/api/system/menu/{id}/"),
    ("put", "{id}/", "/api/system/menu/{id}/"),
    ("patch", "{id}/", "/api/system/menu/{id}/"),
    ("delete", "{id}/", "/api/system/menu/{id}/"),
    ("delete", "multiple_delete/", "/api/system/menu/multiple_delete/"),
    ("post", "get_by_ids/", "/api/system/menu/get_by_ids/"),
    ("get", "get_all_menu/", "/api/system/menu/get_all_menu/"),
    ("post", "move_up/", "/api/system/menu/move_up/"),
    ("post", "move_down/", "/api/system/menu/move_down/"),
]


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_no_token_is_http_401(client, menus, method, path, api):
    r = call(client, method, URL + path.format(id=menus.dept.id), None, {"name": "x", "keys": [1]})
    assert r.status_code == 401 and r.json == NO_TOKEN


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_without_the_button_code_4000(client, app, menus, login_as, method, path, api):
    others = {(a, METHODS[m]) for m, _p, a in ROUTES if (a, METHODS[m]) != (api, METHODS[method])}
    user = user_with(app, sorted(others))
    body = {"name": "x", "keys": [menus.dept.id], "menu_id": menus.dept.id, "ids": [menus.dept.id]}
    r = call(client, method, URL + path.format(id=menus.dept.id), login_as(user), body)
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert menu_row(app, menus.dept.id).name == "部门管理"


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_with_the_button(client, app, menus, login_as, method, path, api):
    user = user_with(app, [(api, METHODS[method])])
    body = {"name": "x", "keys": [menus.dept.id], "menu_id": menus.dept.id, "ids": [menus.dept.id]}
    r = call(client, method, URL + path.format(id=menus.dept.id), login_as(user), body)
    assert r.status_code == 200 and r.json["code"] == 2000, r.json
