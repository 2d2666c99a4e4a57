"""``/api/system/role_menu_button_permission/``: the grant page's routes and the plain CRUD."""

from __future__ import annotations

import pytest

from tests.blueprints.role.helpers import (
    DETAIL_KEYS,
    NO_BUTTON,
    NOT_FOUND,
    PAGE_KEYS,
    RMBP,
    add_button,
    grant_field,
    grant_menu,
    grant_tables,
    make_field,
    make_menu,
    staff,
    superuser,
)
from tests.support.factories import make_button, make_dept, make_role, make_user

ROUTES = [
    ("get", "get_role_menu/?roleId={role}", None),
    ("put", "set_role_menu/", {"roleId": "{role}", "menuId": 1, "isCheck": True}),
    ("get", "get_role_menu_btn_field/?roleId={role}&menuId=1", None),
    ("put", "set_role_menu_btn/", {"roleId": "{role}", "btnId": 1, "isCheck": True}),
    ("put", "set_role_menu_btn_data_range/", {"role_menu_btn_perm_id": 1, "data_range": 0}),
    ("put", "{role}/set_role_menu_field/", [{"id": 1, "is_query": True}]),
    ("get", "role_to_dept_all/?menu_button=1", None),
    ("get", "", None),
    ("post", "", {"role": "{role}", "menu_button": 1}),
    ("get", "1/", None),
    ("put", "1/", {"role": "{role}", "menu_button": 1}),
    ("delete", "1/", None),
    ("delete", "multiple_delete/", {"keys": [1]}),
    ("post", "get_by_ids/", {"ids": [1]}),
]


def _fill(value, role_id):
    if isinstance(value, str):
        return value.replace("{role}", str(role_id))
    if isinstance(value, list):
        return [_fill(v, role_id) for v in value]
    if isinstance(value, dict):
        return {k: (role_id if v == "{role}" else _fill(v, role_id)) for k, v in value.items()}
    return value


@pytest.fixture()
def root(app, login_as):
    return login_as(superuser(app))


@pytest.fixture()
def page(app):
    """A role and a small menu tree with buttons and columns."""
    role = make_role(app, "public", name="用户")
    system = make_menu(app, "系统管理", is_catalog=True, sort=1)
    users = make_menu(app, "用户管理", parent=system, sort=2)
    search = make_button(app, "/api/system/user/", 0, "user:Search", menu=users)
    create = make_button(app, "/api/system/user/", 1, "user:Create", menu=users)
    name = make_field(app, users, "name", model="Users", title="姓名")
    mobile = make_field(app, users, "mobile", model="Users", title="电话")
    return {
        "role": role,
        "system": system,
        "users": users,
        "search": search,
        "create": create,
        "name": name,
        "mobile": mobile,
    }


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_a_token(client, app, method, path, body):
    role = make_role(app)
    r = getattr(client, method)(RMBP + _fill(path, role.id), json=_fill(body, role.id))
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_its_button(client, app, login_as, method, path, body):
    role = make_role(app)
    other = staff(app, ("/api/system/user/", 0, 3))
    r = getattr(client, method)(
        RMBP + _fill(path, role.id), json=_fill(body, role.id), headers=login_as(other.user)
    )
    assert r.status_code == 200 and r.json == NO_BUTTON


# ---- menus -----------------------------------------------------------------------------------


def test_get_role_menu(client, app, root, page):
    grant_menu(app, page["role"], page["users"])
    r = client.get(f"{RMBP}get_role_menu/?roleId={page['role'].id}", headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "success"
    assert r.json["data"] == [
        {"id": page["system"].id, "name": "系统管理", "parent": None, "is_catalog": True, "isCheck": False},
        {
            "id": page["users"].id,
            "name": "用户管理",
            "parent": page["system"].id,
            "is_catalog": False,
            "isCheck": True,
        },
    ]


@pytest.mark.parametrize(
    ("query", "msg"),
    [
        ("", "roleId:该字段是必填项。"),
        ("?roleId=x", "roleId:请填写合法的整数值。"),
        ("?roleId=999999", "roleId:角色不存在或不在您的数据权限范围内"),
    ],
)
def test_get_role_menu_bad_input(client, root, query, msg):
    assert client.get(f"{RMBP}get_role_menu/{query}", headers=root).json == {
        "code": 4000,
        "data": None,
        "msg": msg,
    }


def test_set_role_menu_twice_keeps_one_row(client, app, root, page):
    body = {"roleId": page["role"].id, "menuId": page["users"].id, "isCheck": True}
    for _ in range(2):
        r = client.put(RMBP + "set_role_menu/", json=body, headers=root)
        assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "更新成功"
    assert r.json["data"] == {
        "id": page["users"].id,
        "name": "用户管理",
        "parent": page["system"].id,
        "is_catalog": False,
        "isCheck": True,
    }
    assert grant_tables(app)["menus"] == [(page["role"].id, page["users"].id)]
    r = client.put(RMBP + "set_role_menu/", json={**body, "isCheck": False}, headers=root)
    assert r.json["data"]["isCheck"] is False and grant_tables(app)["menus"] == []


def test_set_role_menu_removes_duplicates_of_an_adopted_database(client, app, root, page):
    grant_menu(app, page["role"], page["users"])
    grant_menu(app, page["role"], page["users"])
    body = {"roleId": page["role"].id, "menuId": page["users"].id, "isCheck": True}
    client.put(RMBP + "set_role_menu/", json=body, headers=root)
    assert grant_tables(app)["menus"] == [(page["role"].id, page["users"].id)]


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"menuId": "{menu}", "isCheck": True}, "roleId:该字段是必填项。"),
        ({"roleId": "{role}", "isCheck": True}, "menuId:该字段是必填项。"),
        ({"roleId": "{role}", "menuId": "{menu}"}, "isCheck:该字段是必填项。"),
        ({"roleId": "{role}", "menuId": "{menu}", "isCheck": "maybe"}, "isCheck:必须是有效的布尔值。"),
        (
            {"roleId": 999999, "menuId": "{menu}", "isCheck": True},
            "roleId:角色不存在或不在您的数据权限范围内",
        ),
        ({"roleId": "{role}", "menuId": 999999, "isCheck": True}, "menuId:菜单不存在"),
    ],
)
def test_set_role_menu_bad_input(client, app, root, page, body, msg):
    body = {k: {"{role}": page["role"].id, "{menu}": page["users"].id}.get(v, v) for k, v in body.items()}
    r = client.put(RMBP + "set_role_menu/", json=body, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": msg}
    assert grant_tables(app)["menus"] == []


# ---- buttons and columns ---------------------------------------------------------------------


def test_get_role_menu_btn_field(client, app, root, page):
    dept = make_dept(app)
    add_button_grant = add_button  # noqa: F841 - readability
    from tests.blueprints.role.helpers import grant_tables as tables

    r = client.put(
        RMBP + "set_role_menu_btn/",
        json={
            "roleId": page["role"].id,
            "btnId": page["search"].id,
            "isCheck": True,
            "data_range": 4,
            "dept": [dept.id],
        },
        headers=root,
    )
    assert r.json["code"] == 2000
    grant_field(app, page["role"], page["name"], is_query=True, is_create=False, is_update=True)
    rmbp_id = tables(app)["buttons"][0][0]
    r = client.get(
        f"{RMBP}get_role_menu_btn_field/?roleId={page['role'].id}&menuId={page['users'].id}", headers=root
    )
    assert list(r.json) == DETAIL_KEYS and list(r.json["data"]) == ["menu_btn", "menu_field"]
    buttons = {b["id"]: b for b in r.json["data"]["menu_btn"]}
    assert buttons[page["search"].id] == {
        "id": page["search"].id,
        "menu": page["users"].id,
        "name": buttons[page["search"].id]["name"],
        "isCheck": True,
        "data_range": 4,
        "role_menu_btn_perm_id": rmbp_id,
        "dept": [dept.id],
    }
    assert buttons[page["create"].id] | {"name": None} == {
        "id": page["create"].id,
        "menu": page["users"].id,
        "name": None,
        "isCheck": False,
        "data_range": None,
        "role_menu_btn_perm_id": None,
        "dept": None,
    }
    assert r.json["data"]["menu_field"] == [
        {
            "id": page["name"].id,
            "field_name": "name",
            "title": "姓名",
            "is_query": True,
            "is_create": False,
            "is_update": True,
        },
        {
            "id": page["mobile"].id,
            "field_name": "mobile",
            "title": "电话",
            "is_query": False,
            "is_create": False,
            "is_update": False,
        },
    ]


@pytest.mark.parametrize(
    ("query", "msg"),
    [
        ("?menuId={menu}", "roleId:该字段是必填项。"),
        ("?roleId={role}", "menuId:该字段是必填项。"),
        ("?roleId={role}&menuId=x", "menuId:请填写合法的整数值。"),
        ("?roleId={role}&menuId=999999", "menuId:菜单不存在"),
    ],
)
def test_get_role_menu_btn_field_bad_input(client, root, page, query, msg):
    query = query.replace("{role}", str(page["role"].id)).replace("{menu}", str(page["users"].id))
    r = client.get(f"{RMBP}get_role_menu_btn_field/{query}", headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": msg}


def test_set_role_menu_btn_twice_keeps_one_row(client, app, root, page):
    body = {"roleId": page["role"].id, "btnId": page["search"].id, "isCheck": True}
    r = client.put(RMBP + "set_role_menu_btn/", json=body, headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "更新成功"
    assert (
        r.json["data"]["isCheck"] is True
        and r.json["data"]["data_range"] == 0
        and r.json["data"]["dept"] == []
    )
    r = client.put(RMBP + "set_role_menu_btn/", json={**body, "data_range": 3}, headers=root)
    buttons = grant_tables(app)["buttons"]
    assert len(buttons) == 1 and buttons[0][1:] == (page["role"].id, page["search"].id, 3)
    assert r.json["data"]["data_range"] == 3 and r.json["data"]["role_menu_btn_perm_id"] == buttons[0][0]
    r = client.put(RMBP + "set_role_menu_btn/", json={**body, "isCheck": False}, headers=root)
    assert r.json["data"]["isCheck"] is False and r.json["data"]["dept"] is None
    assert grant_tables(app)["buttons"] == []


def test_set_role_menu_btn_takes_effect_at_once(client, app, root, login_as, page):
    user = make_user(app, roles=[page["role"]])
    headers = login_as(user)
    assert client.get("/api/system/user/", headers=headers).json == NO_BUTTON
    body = {"roleId": page["role"].id, "btnId": page["search"].id, "isCheck": True, "data_range": 3}
    client.put(RMBP + "set_role_menu_btn/", json=body, headers=root)
    assert client.get("/api/system/user/", headers=headers).json != NO_BUTTON


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"roleId": "{role}", "isCheck": True}, "btnId:该字段是必填项。"),
        (
            {"roleId": "{role}", "btnId": "{btn}", "isCheck": True, "data_range": 5},
            "data_range:“5” 不是合法选项。",
        ),
        (
            {"roleId": "{role}", "btnId": "{btn}", "isCheck": True, "data_range": "x"},
            "data_range:请填写合法的整数值。",
        ),
        ({"roleId": "{role}", "btnId": 999999, "isCheck": True}, "btnId:按钮不存在"),
        (
            {"roleId": "{role}", "btnId": "{btn}", "isCheck": True, "data_range": 4, "dept": [999999]},
            "dept:部门不存在：999999",
        ),
    ],
)
def test_set_role_menu_btn_bad_input(client, app, root, page, body, msg):
    ids = {"{role}": page["role"].id, "{btn}": page["search"].id}
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    r = client.put(RMBP + "set_role_menu_btn/", json=body, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": msg}
    assert grant_tables(app)["buttons"] == []


def _granted(client, root, page, data_range=4, dept=()):
    body = {
        "roleId": page["role"].id,
        "btnId": page["search"].id,
        "isCheck": True,
        "data_range": data_range,
        "dept": list(dept),
    }
    return client.put(RMBP + "set_role_menu_btn/", json=body, headers=root).json["data"][
        "role_menu_btn_perm_id"
    ]


def test_set_data_range_replaces_depts(client, app, root, page):
    a, b, c = make_dept(app), make_dept(app), make_dept(app)
    rmbp_id = _granted(client, root, page, 4, [a.id, b.id])
    url = RMBP + "set_role_menu_btn_data_range/"
    r = client.put(
        url, json={"role_menu_btn_perm_id": rmbp_id, "data_range": 4, "dept": [c.id]}, headers=root
    )
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "更新成功"
    data = r.json["data"]
    assert data["id"] == rmbp_id and data["data_range"] == 4 and data["dept"] == [c.id]
    assert data["role"] == page["role"].id and data["menu_button"] == page["search"].id
    assert {"creator", "creator_name", "modifier_name", "create_datetime", "dept_belong_id"} <= set(data)
    assert grant_tables(app)["depts"] == [(rmbp_id, c.id)]
    r = client.put(url, json={"role_menu_btn_perm_id": rmbp_id, "data_range": 2, "dept": []}, headers=root)
    assert r.json["data"]["data_range"] == 2 and r.json["data"]["dept"] == []
    assert grant_tables(app)["depts"] == []


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"data_range": 1}, "role_menu_btn_perm_id:该字段是必填项。"),
        ({"role_menu_btn_perm_id": "{id}"}, "data_range:该字段是必填项。"),
        ({"role_menu_btn_perm_id": "{id}", "data_range": 9}, "data_range:“9” 不是合法选项。"),
        ({"role_menu_btn_perm_id": "{id}", "data_range": -1}, "data_range:“-1” 不是合法选项。"),
        ({"role_menu_btn_perm_id": 999999, "data_range": 1}, "role_menu_btn_perm_id:授权记录不存在"),
        ({"role_menu_btn_perm_id": "{id}", "data_range": 4, "dept": [999999]}, "dept:部门不存在：999999"),
        ({"role_menu_btn_perm_id": "{id}", "data_range": 4, "dept": ["x"]}, "dept.0:请填写合法的整数值。"),
    ],
)
def test_set_data_range_bad_input(client, app, root, page, body, msg):
    rmbp_id = _granted(client, root, page, 0)
    before = grant_tables(app)
    body = {k: rmbp_id if v == "{id}" else v for k, v in body.items()}
    r = client.put(RMBP + "set_role_menu_btn_data_range/", json=body, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": msg}
    assert grant_tables(app) == before


def test_set_role_menu_field_upserts(client, app, root, page):
    url = f"{RMBP}{page['role'].id}/set_role_menu_field/"
    body = [
        {"id": page["name"].id, "is_query": True, "is_create": False, "is_update": True},
        {"id": page["mobile"].id, "is_query": False, "is_create": False, "is_update": False},
    ]
    r = client.put(url, json=body, headers=root)
    assert r.json == {"code": 2000, "data": [], "msg": "更新成功"}
    r = client.put(
        url,
        json=[{"id": page["name"].id, "is_query": False, "is_create": True, "is_update": True}],
        headers=root,
    )
    assert r.json["code"] == 2000
    assert grant_tables(app)["fields"] == sorted(
        [
            (page["role"].id, page["name"].id, False, True, True),
            (page["role"].id, page["mobile"].id, False, False, False),
        ]
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": 1}, {"code": 4000, "data": None, "msg": "请提供一个列表。"}),
        ([{"is_query": True}], {"code": 4000, "data": None, "msg": "第1条:id:该字段是必填项。"}),
        (
            [{"id": "{f}", "is_query": "x"}],
            {"code": 4000, "data": None, "msg": "第1条:is_query:必须是有效的布尔值。"},
        ),
        ([{"id": 999999, "is_query": True}], {"code": 4000, "data": None, "msg": "id:字段不存在：999999"}),
    ],
)
def test_set_role_menu_field_bad_input(client, app, root, page, body, expected):
    if isinstance(body, list):
        body = [{k: page["name"].id if v == "{f}" else v for k, v in item.items()} for item in body]
    r = client.put(f"{RMBP}{page['role'].id}/set_role_menu_field/", json=body, headers=root)
    assert r.json == expected
    assert grant_tables(app)["fields"] == []


def test_set_role_menu_field_unknown_role(client, root, page):
    r = client.put(f"{RMBP}999999/set_role_menu_field/", json=[{"id": page["name"].id}], headers=root)
    assert r.json == NOT_FOUND


def test_role_to_dept_all(client, app, root, login_as):
    top = make_dept(app, "总部", sort=1)
    tech = make_dept(app, "技术部", parent=top, sort=2)
    ops = make_dept(app, "运营部", parent=top, sort=3)
    r = client.get(f"{RMBP}role_to_dept_all/?menu_button=1", headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "success"
    assert r.json["data"] == [
        {"id": top.id, "name": "总部", "parent": None, "disabled": False},
        {"id": tech.id, "name": "技术部", "parent": top.id, "disabled": False},
        {"id": ops.id, "name": "运营部", "parent": top.id, "disabled": False},
    ]
    picker = staff(app, (RMBP + "role_to_dept_all/", 0, 3), dept=tech)
    granted = add_button(app, picker.role, "/api/system/user/", 0, 1)
    custom = add_button(app, picker.role, "/api/system/dept/", 0, 4, depts=[ops])
    headers = login_as(picker.user)

    def enabled(button_id):
        r = client.get(f"{RMBP}role_to_dept_all/?menu_button={button_id}", headers=headers)
        return {d["id"] for d in r.json["data"] if not d["disabled"]}

    assert enabled(granted.id) == {tech.id}
    assert enabled(custom.id) == {ops.id}
    assert enabled(999999) == set()
    assert client.get(f"{RMBP}role_to_dept_all/?menu_button=x", headers=headers).json["msg"] == (
        "menu_button:请填写合法的整数值。"
    )


# ---- plain CRUD ------------------------------------------------------------------------------


def test_plain_crud_for_superusers(client, app, root, page):
    dept = make_dept(app)
    body = {"role": page["role"].id, "menu_button": page["search"].id, "data_range": 4, "dept": [dept.id]}
    r = client.post(RMBP, json=body, headers=root)
    assert r.json["code"] == 2000 and r.json["msg"] == "新增成功"
    row = r.json["data"]
    assert (
        row["role"] == page["role"].id
        and row["menu_button"] == page["search"].id
        and row["dept"] == [dept.id]
    )
    r = client.get(RMBP, headers=root)
    assert list(r.json) == PAGE_KEYS and [d["id"] for d in r.json["data"]] == [row["id"]]
    r = client.get(f"{RMBP}{row['id']}/", headers=root)
    assert r.json["msg"] == "获取成功" and r.json["data"]["data_range"] == 4
    r = client.put(f"{RMBP}{row['id']}/", json={**body, "data_range": 1, "dept": []}, headers=root)
    assert r.json["data"]["data_range"] == 1 and r.json["data"]["dept"] == []
    assert client.delete(f"{RMBP}{row['id']}/", headers=root).json == {
        "code": 2000,
        "data": [],
        "msg": "删除成功",
    }
    assert grant_tables(app)["buttons"] == [] and grant_tables(app)["depts"] == []
    assert client.get(f"{RMBP}{row['id']}/", headers=root).json == NOT_FOUND


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"menu_button": 1}, "关联角色:该字段是必填项。"),
        ({"role": "{role}", "menu_button": 999999}, "关联菜单按钮:对象不存在"),
        ({"role": 999999, "menu_button": "{btn}"}, "关联角色:对象不存在"),
        ({"role": "{role}", "menu_button": "{btn}", "data_range": 7}, "数据权限范围:“7” 不是合法选项。"),
    ],
)
def test_plain_create_bad_input(client, app, root, page, body, msg):
    body = {k: {"{role}": page["role"].id, "{btn}": page["search"].id}.get(v, v) for k, v in body.items()}
    assert client.post(RMBP, json=body, headers=root).json == {"code": 4000, "data": None, "msg": msg}
    assert grant_tables(app)["buttons"] == []
