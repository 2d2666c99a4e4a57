"""The column (menu field) routes: list by menu, known models, no duplicates, auto-match."""

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
    make_menu,
    user_with,
)
from tests.support.factories import make_dept, make_role, make_user
from tests.support.queries import statements_for

URL = "/api/system/column/"


@pytest.fixture()
def menu(app):
    return make_menu(app, "用户管理")


@pytest.fixture()
def su(app, login_as):
    return login_as(make_user(app, "root", superuser=True))


def add_field(app, menu, field_name="avatar", title="头像", model="Users"):
    from blueprints.menu.models import MenuField

    with app.app_context():
        row = MenuField(model=model, field_name=field_name, title=title, menu_id=menu.id)
        db.session.add(row)
        db.session.commit()
        return row.id


def field_names(app, menu):
    from blueprints.menu.models import MenuField

    with app.app_context():
        stmt = sa.select(MenuField.field_name).where(MenuField.menu_id == menu.id).order_by(MenuField.id)
        return db.session.execute(stmt).scalars().all()


# ---- list ----------------------------------------------------------------------------------


def test_list_needs_a_menu(client, app, menu, su):
    add_field(app, menu)
    assert client.get(URL, headers=su).json == {
        "code": 2000,
        "page": 1,
        "limit": 0,
        "total": 0,
        "data": [],
        "msg": "success",
    }


def test_list_of_a_menu(client, app, menu, su):
    first = add_field(app, menu)
    add_field(app, menu, "name", "姓名")
    add_field(app, make_menu(app), "key", "权限字符", "Role")
    body = client.get(f"{URL}?menu={menu.id}", headers=su).json
    assert list(body) == LIST_KEYS and (body["total"], body["msg"]) == (2, "获取成功")
    row = body["data"][0]
    assert (row["id"], row["model"], row["field_name"], row["title"], row["menu"]) == (
        first,
        "Users",
        "avatar",
        "头像",
        menu.id,
    )
    assert {"creator", "creator_name", "create_datetime", "dept_belong_id"} <= set(row)


def test_list_costs_the_same_at_20_and_200_rows(client, app, menu, su):
    from blueprints.menu.models import MenuField

    def add(count, start):
        with app.app_context():
            db.session.add_all(
                MenuField(model="Users", field_name=f"f{i}", title="t", menu_id=menu.id, creator_id=i)
                for i in range(start, start + count)
            )
            db.session.commit()

    add(20, 0)
    url = f"{URL}?menu={menu.id}"
    statements_for(app, client, "get", url, headers=su)
    small = statements_for(app, client, "get", url, headers=su)
    add(180, 20)
    large = statements_for(app, client, "get", url, headers=su)
    assert client.get(url, headers=su).json["total"] == 200
    assert small == large


# ---- writes --------------------------------------------------------------------------------


def test_create(client, app, menu, su):
    body = {"model": "Dept", "field_name": "owner", "title": "负责人", "menu": menu.id}
    r = client.post(URL, json=body, headers=su).json
    assert r["code"] == 2000 and r["msg"] == "新增成功" and r["data"]["menu"] == menu.id
    assert field_names(app, menu) == ["owner"]


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"model": "Nope"}, {"code": 400, "data": None, "msg": "模型表不存在"}),
        ({"model": "User"}, {"code": 400, "data": None, "msg": "模型表不存在"}),  # the wire name is Users
        ({"field_name": "avatar"}, {"code": 400, "data": None, "msg": "‘头像’ 字段权限已有，不可重复创建"}),
        ({"title": None}, {"code": 4000, "data": None, "msg": "字段显示名:该字段不能为 null。"}),
        ({"menu": "x"}, {"code": 4000, "data": None, "msg": "菜单:请填写合法的整数值。"}),
        ({"menu": 987654}, {"code": 4000, "data": None, "msg": "菜单:无效主键 “987654” - 对象不存在。"}),
    ],
)
def test_create_refusals(client, app, menu, su, patch, expected):
    add_field(app, menu)
    body = {"model": "Users", "field_name": "email", "title": "头像", "menu": menu.id} | patch
    assert client.post(URL, json=body, headers=su).json == expected
    assert field_names(app, menu) == ["avatar"]


def test_update_cannot_make_a_duplicate(client, app, menu, su):
    add_field(app, menu)
    other = add_field(app, menu, "email", "邮箱")
    r = client.patch(f"{URL}{other}/", json={"field_name": "avatar"}, headers=su).json
    assert r["code"] == 400
    assert client.patch(f"{URL}{other}/", json={"title": "电子邮箱"}, headers=su).json["code"] == 2000


def test_a_new_column_row_hides_the_field_at_once(client, app, menu, su, login_as):
    from blueprints.permission.models import FieldPermission

    user = user_with(app, [("/api/system/dept/", 0)], dept=make_dept(app, owner="张三"))
    auth = login_as(user)
    assert client.get("/api/system/dept/", headers=auth).json["data"][0]["owner"] == "张三"
    body = {"model": "Dept", "field_name": "owner", "title": "负责人", "menu": menu.id}
    field_id = client.post(URL, json=body, headers=su).json["data"]["id"]
    assert "owner" not in client.get("/api/system/dept/", headers=auth).json["data"][0]
    with app.app_context():
        db.session.add(FieldPermission(role_id=user.role.id, field_id=field_id, is_query=True))
        db.session.commit()
    # deleting the row takes its permission rows and shows the field again
    assert client.delete(f"{URL}{field_id}/", headers=su).json["msg"] == "删除成功"
    assert client.get("/api/system/dept/", headers=auth).json["data"][0]["owner"] == "张三"
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(FieldPermission)).scalar() == 0


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_unknown_id(client, menu, su, method):
    body = {"model": "Users", "field_name": "x", "title": "x", "menu": menu.id}
    assert call(client, method, f"{URL}987654/", su, body).json == NOT_FOUND


# ---- get_models / auto_match_fields --------------------------------------------------------


def test_get_models(client, su):
    body = client.get(URL + "get_models/", headers=su).json
    assert list(body) == DETAIL_KEYS and body["msg"] == "success"
    assert body["data"][:2] == [
        {"app": "dvadmin.system", "title": "角色表", "key": "Role"},
        {"app": "dvadmin.system", "title": "用户表", "key": "Users"},
    ]
    keys = [m["key"] for m in body["data"]]
    assert {"Dept", "Menu", "MenuButton", "MenuField", "Area", "LoginLog", "DownloadCenter"} <= set(keys)
    assert "User" not in keys and len(keys) == len(set(keys))


def test_auto_match_fields(client, app, menu, su):
    add_field(app, menu, "name", "名字")
    body = client.post(URL + "auto_match_fields/", json={"menu": menu.id, "model": "Users"}, headers=su).json
    assert list(body) == LIST_KEYS and body["msg"] == "匹配成功"
    made = {row["field_name"]: row["title"] for row in body["data"]}
    assert made["dept"] == "所属部门" and made["creator"] == "创建人" and made["username"] == "用户账号"
    assert made["dept_belong_id"] == "数据归属部门" and made["id"] == "Id"
    assert "name" not in made and "password" not in made and "dept_id" not in made
    assert all(row["model"] == "Users" and row["menu"] == menu.id for row in body["data"])
    again = client.post(URL + "auto_match_fields/", json={"menu": menu.id, "model": "Users"}, headers=su).json
    assert again["data"] == []
    assert len(field_names(app, menu)) == len(made) + 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"model": "Users"}, {"code": 400, "data": None, "msg": "参数错误"}),
        ({"menu": 1}, {"code": 400, "data": None, "msg": "参数错误"}),
        ({"menu": "x", "model": "Users"}, {"code": 400, "data": None, "msg": "参数错误"}),
        ({"menu": 1, "model": "Nope"}, {"code": 400, "data": None, "msg": "模型表不存在"}),
        ({"menu": 987654, "model": "Users"}, {"code": 400, "data": None, "msg": "菜单不存在"}),
    ],
)
def test_auto_match_bad_input(client, su, body, expected):
    assert client.post(URL + "auto_match_fields/", json=body, headers=su).json == expected


# ---- buttons and scope ---------------------------------------------------------------------

ROUTES = [
    ("get", "?menu={menu}", "/api/system/column/"),
    ("post", "", "/api/system/column/"),
    ("get", "{id}/", "/api/system/column/{id}/"),
    ("put", "{id}/", "/api/system/column/{id}/"),
    ("patch", "{id}/", "/api/system/column/{id}/"),
    ("delete", "{id}/", "/api/system/column/{id}/"),
    ("delete", "multiple_delete/", "/api/system/column/multiple_delete/"),
    ("post", "get_by_ids/", "/api/system/column/get_by_ids/"),
    ("get", "get_models/", "/api/system/column/get_models/"),
    ("post", "auto_match_fields/", "/api/system/column/auto_match_fields/"),
]


def _body(menu, field_id):
    return {
        "model": "Role",
        "field_name": "key",
        "title": "权限字符",
        "menu": menu.id,
        "keys": [field_id],
        "ids": [field_id],
    }


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_no_token_is_http_401(client, app, menu, method, path, api):
    field_id = add_field(app, menu)
    r = call(client, method, URL + path.format(id=field_id, menu=menu.id), None, _body(menu, field_id))
    assert r.status_code == 401 and r.json == NO_TOKEN


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_without_the_button_code_4000(client, app, menu, login_as, method, path, api):
    field_id = add_field(app, menu)
    others = {(a, METHODS[m]) for m, _p, a in ROUTES if (a, METHODS[m]) != (api, METHODS[method])}
    user = user_with(app, sorted(others))
    r = call(
        client, method, URL + path.format(id=field_id, menu=menu.id), login_as(user), _body(menu, field_id)
    )
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert field_names(app, menu) == ["avatar"]


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_with_the_button(client, app, menu, login_as, method, path, api):
    field_id = add_field(app, menu)
    user = user_with(app, [(api, METHODS[method])])
    r = call(
        client, method, URL + path.format(id=field_id, menu=menu.id), login_as(user), _body(menu, field_id)
    )
    assert r.status_code == 200 and r.json["code"] == 2000, r.json


def test_list_is_scoped(client, app, menu, login_as):
    dept = make_dept(app)
    mine = add_field(app, menu)
    from blueprints.menu.models import MenuField

    with app.app_context():
        db.session.get(MenuField, mine).dept_belong_id = str(dept.id)
        db.session.commit()
    add_field(app, menu, "email", "邮箱")  # no dept
    user = user_with(app, [("/api/system/column/", 0)], data_range=2, dept=dept)
    body = client.get(f"{URL}?menu={menu.id}", headers=login_as(user)).json
    assert [row["id"] for row in body["data"]] == [mine]
    make_role(app)  # unrelated role changes nothing
    assert client.get(f"{URL}?menu={menu.id}", headers=login_as(user)).json["total"] == 1
