"""The role resource: shapes, validation, deletes, data scope and the statement count (contract §6.3)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.role.helpers import (
    DETAIL_KEYS,
    NO_BUTTON,
    NOT_FOUND,
    PAGE_KEYS,
    ROLE,
    ROLE_KEYS,
    add_button,
    grant_field,
    grant_menu,
    grant_tables,
    make_field,
    make_menu,
    staff,
    superuser,
)
from tests.support.factories import make_dept, make_role, make_user
from tests.support.queries import statements_for

ROUTES = [
    ("get", ROLE, None),
    ("post", ROLE, {"name": "n", "key": "k"}),
    ("get", ROLE + "{id}/", None),
    ("put", ROLE + "{id}/", {"name": "n", "key": "k"}),
    ("patch", ROLE + "{id}/", {"name": "n"}),
    ("delete", ROLE + "{id}/", None),
    ("delete", ROLE + "multiple_delete/", {"keys": ["{id}"]}),
    ("post", ROLE + "get_by_ids/", {"ids": ["{id}"]}),
    ("get", ROLE + "get_role_users/?role_id={id}", None),
    ("post", ROLE + "{id}/add_role_users/", {"users_id": [1]}),
    ("delete", ROLE + "{id}/remove_role_user/", {"user_id": [1]}),
    ("put", ROLE + "{id}/set_role_users/", {"direction": "right", "movedKeys": [1]}),
]


def _fill(value, role_id):
    if isinstance(value, str):
        return value.replace("{id}", str(role_id))
    if isinstance(value, list):
        return [role_id if v == "{id}" else v for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, role_id) for k, v in value.items()}
    return value


@pytest.fixture()
def root(app, login_as):
    return login_as(superuser(app))


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_every_route_needs_a_token(client, app, method, url, body):
    role = make_role(app)
    r = getattr(client, method)(_fill(url, role.id), json=_fill(body, role.id))
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_every_route_needs_its_button(client, app, login_as, method, url, body):
    role = make_role(app)
    # A role with an unrelated button: being logged in and holding something is not enough.
    other = staff(app, ("/api/system/user/", 0, 3))
    r = getattr(client, method)(_fill(url, role.id), json=_fill(body, role.id), headers=login_as(other.user))
    assert r.status_code == 200 and r.json == NO_BUTTON


def test_list_shape_with_members(client, app, root):
    dept = make_dept(app, "技术部")
    role = make_role(app, "public", name="用户")
    tester = make_user(app, name="测试人员", dept=dept, roles=[role])
    make_user(app, superuser=True, roles=[role])  # superusers are not listed as members
    r = client.get(ROLE + "?page=1&limit=20", headers=root)
    assert list(r.json) == PAGE_KEYS
    assert r.json["msg"] == "success" and r.json["total"] == 1 and r.json["limit"] == 20
    row = r.json["data"][0]
    assert set(row) == ROLE_KEYS
    assert row["users"] == [{"id": tester.id, "name": "测试人员", "dept__name": "技术部"}]
    assert row["name"] == "用户" and row["key"] == "public" and row["status"] is True


def test_list_orders_by_sort_and_searches_name_and_key(client, app, root):
    make_role(app, "beta", name="乙", sort=2)
    make_role(app, "alpha", name="甲", sort=1)
    make_role(app, "gamma", name="丙组长", sort=3)
    assert [r["key"] for r in client.get(ROLE, headers=root).json["data"]] == ["alpha", "beta", "gamma"]
    assert [r["key"] for r in client.get(ROLE + "?search=组长", headers=root).json["data"]] == ["gamma"]
    assert [r["key"] for r in client.get(ROLE + "?search=ALP", headers=root).json["data"]] == ["alpha"]


def test_retrieve(client, app, root):
    role = make_role(app, "admin", name="管理员")
    r = client.get(f"{ROLE}{role.id}/", headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "获取成功"
    assert set(r.json["data"]) == ROLE_KEYS and r.json["data"]["users"] == []


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_unknown_id(client, root, method):
    r = getattr(client, method)(f"{ROLE}999999/", json={"name": "n", "key": "k"}, headers=root)
    assert r.json == NOT_FOUND


def test_create(client, app, root):
    r = client.post(ROLE, json={"name": "审计", "key": "audit", "users": [], "id": 77}, headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "新增成功"
    data = r.json["data"]
    assert data["key"] == "audit" and data["sort"] == 1 and data["status"] is True and data["users"] == []
    assert data["creator"] is not None and data["creator_name"] is not None


def test_bulk_create(client, root):
    r = client.post(ROLE, json=[{"name": "a", "key": "a"}, {"name": "b", "key": "b"}], headers=root)
    assert r.json["code"] == 2000 and [d["key"] for d in r.json["data"]] == ["a", "b"]


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"key": "k"}, "角色名称:该字段是必填项。"),
        ({"name": "n"}, "权限字符:该字段是必填项。"),
        ({"name": "", "key": "k"}, "角色名称:该字段不能为空。"),
        ({"name": "n", "key": "k" * 51}, "权限字符:请确保这个字段不能超过 50 个字符。"),
        ({"name": "n", "key": "k", "sort": "x"}, "角色顺序:请填写合法的整数值。"),
        ({"name": "n", "key": "k", "status": "maybe"}, "角色状态:必须是有效的布尔值。"),
    ],
)
def test_create_bad_input(client, app, root, body, msg):
    r = client.post(ROLE, json=body, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": msg}
    assert grant_tables(app)["roles"] == []


def test_key_unique_ignoring_case(client, app, root):
    role = make_role(app, "Admin")
    r = client.post(ROLE, json={"name": "x", "key": "admin"}, headers=root)
    assert r.json == {"code": 400, "data": None, "msg": "权限字符必须唯一"}
    other = make_role(app, "other")
    r = client.put(f"{ROLE}{other.id}/", json={"name": "y", "key": "ADMIN"}, headers=root)
    assert r.json["code"] == 400 and r.json["msg"] == "权限字符必须唯一"
    # a role keeps its own key
    r = client.put(f"{ROLE}{role.id}/", json={"name": "新名", "key": "Admin"}, headers=root)
    assert r.json["code"] == 2000 and r.json["data"]["name"] == "新名"


def test_update_keeps_fields_left_out(client, app, root):
    role = make_role(app, "k1", sort=7)
    r = client.put(f"{ROLE}{role.id}/", json={"name": "改", "key": "k1"}, headers=root)
    assert r.json["msg"] == "更新成功" and r.json["data"]["sort"] == 7


def test_disabling_a_role_takes_effect_at_once(client, app, login_as, root):
    member = staff(app, (ROLE, 0, 3))
    headers = login_as(member.user)
    assert client.get(ROLE, headers=headers).json["code"] == 2000
    r = client.put(
        f"{ROLE}{member.role.id}/", json={"name": "x", "key": member.role.key, "status": False}, headers=root
    )
    assert r.json["code"] == 2000
    assert client.get(ROLE, headers=headers).json == NO_BUTTON


def test_disabled_role_grants_nothing(client, app, login_as):
    member = staff(app, (ROLE, 0, 3), role_fields={"status": False})
    assert client.get(ROLE, headers=login_as(member.user)).json == NO_BUTTON


def test_delete_refused_while_users_hold_it(client, app, root):
    role = make_role(app, name="用户")
    make_user(app, roles=[role])
    make_user(app, roles=[role])
    before = grant_tables(app)
    r = client.delete(f"{ROLE}{role.id}/", headers=root)
    assert r.json["code"] == 4000 and "2 个用户" in r.json["msg"] and "用户" in r.json["msg"]
    r = client.delete(ROLE + "multiple_delete/", json={"keys": [role.id]}, headers=root)
    assert r.json["code"] == 4000 and "2 个用户" in r.json["msg"]
    assert grant_tables(app) == before


def test_multiple_delete_all_or_nothing(client, app, root):
    free = make_role(app)
    used = make_role(app)
    make_user(app, roles=[used])
    r = client.delete(ROLE + "multiple_delete/", json={"keys": [free.id, used.id]}, headers=root)
    assert r.json["code"] == 4000
    assert {row[0] for row in grant_tables(app)["roles"]} == {free.id, used.id}


def test_delete_takes_its_grants_along(client, app, root):
    dept = make_dept(app)
    role = make_role(app)
    keep = make_role(app)
    menu = make_menu(app)
    field = make_field(app, menu)
    for r_ in (role, keep):
        add_button(app, r_, "/api/x/", 0, 4, depts=[dept])
        grant_menu(app, r_, menu)
        grant_field(app, r_, field)
    r = client.delete(f"{ROLE}{role.id}/", headers=root)
    assert r.json == {"code": 2000, "data": [], "msg": "删除成功"}
    tables = grant_tables(app)
    assert [row[0] for row in tables["roles"]] == [keep.id]
    assert [row[0] for row in tables["menus"]] == [keep.id]
    assert [row[1] for row in tables["buttons"]] == [keep.id]
    assert len(tables["depts"]) == 1
    assert [row[0] for row in tables["fields"]] == [keep.id]


def test_multiple_delete_and_get_by_ids(client, app, root):
    a, b = make_role(app), make_role(app)
    r = client.post(ROLE + "get_by_ids/", json={"ids": [a.id, b.id]}, headers=root)
    assert r.json["code"] == 2000 and {d["id"] for d in r.json["data"]} == {a.id, b.id}
    assert client.post(ROLE + "get_by_ids/", json={"ids": []}, headers=root).json["data"] is None
    r = client.delete(ROLE + "multiple_delete/", json={"keys": [a.id]}, headers=root)
    assert r.json["code"] == 2000 and r.json["msg"] == "删除成功"
    assert [row[0] for row in grant_tables(app)["roles"]] == [b.id]
    assert client.delete(ROLE + "multiple_delete/", json={}, headers=root).json == {
        "code": 400,
        "data": None,
        "msg": "未获取到keys字段",
    }


# ---- data scope --------------------------------------------------------------------------


@pytest.fixture()
def depts(app):
    top = make_dept(app, "总部")
    tech = make_dept(app, "技术部", parent=top)
    web = make_dept(app, "前端组", parent=tech)
    ops = make_dept(app, "运营部", parent=top)
    return {"top": top, "tech": tech, "web": web, "ops": ops}


def _role_in(app, dept, creator=None):
    return make_role(app, dept_belong_id=str(dept.id), creator_id=getattr(creator, "id", None))


@pytest.mark.parametrize(
    ("data_range", "custom", "visible"),
    [
        (0, (), {"own"}),
        (1, (), {"own", "tech", "web"}),
        (2, (), {"own", "tech"}),
        (3, (), {"own", "tech", "web", "ops", "top", "none"}),
        (4, ("ops",), {"ops"}),
    ],
)
def test_list_by_data_range(client, app, login_as, depts, data_range, custom, visible):
    holder = make_role(app, "holder", dept_belong_id="-1")
    add_button(app, holder, ROLE, 0, data_range, depts=[depts[c] for c in custom])
    user = make_user(app, dept=depts["tech"], roles=[holder])
    rows = {
        "own": _role_in(app, depts["tech"], creator=user),
        "tech": _role_in(app, depts["tech"]),
        "web": _role_in(app, depts["web"]),
        "ops": _role_in(app, depts["ops"]),
        "top": _role_in(app, depts["top"]),
        "none": make_role(app),
    }
    expected = {rows[name].id for name in visible}
    if data_range == 3:
        expected.add(holder.id)
    r = client.get(ROLE + "?limit=100", headers=login_as(user))
    assert {row["id"] for row in r.json["data"]} == expected


def test_two_roles_give_the_union(client, app, login_as, depts):
    first, second = make_role(app), make_role(app)
    add_button(app, first, ROLE, 0, 2)
    add_button(app, second, ROLE, 0, 4, depts=[depts["ops"]])
    user = make_user(app, dept=depts["tech"], roles=[first, second])
    tech, ops, top = (_role_in(app, depts[n]) for n in ("tech", "ops", "top"))
    r = client.get(ROLE + "?limit=100", headers=login_as(user))
    assert {row["id"] for row in r.json["data"]} == {tech.id, ops.id}
    assert top.id not in {row["id"] for row in r.json["data"]}


@pytest.mark.parametrize("data_range", [0, 2])
def test_other_department_is_out_of_reach(client, app, login_as, depts, data_range):
    user_role = make_role(app)
    for api, method in [
        (ROLE + "{id}/", 0),
        (ROLE + "{id}/", 2),
        (ROLE + "{id}/", 3),
        (ROLE + "multiple_delete/", 3),
        (ROLE + "get_by_ids/", 1),
    ]:
        add_button(app, user_role, api, method, data_range)
    user = make_user(app, dept=depts["tech"], roles=[user_role])
    target = _role_in(app, depts["ops"])
    headers = login_as(user)
    assert client.get(f"{ROLE}{target.id}/", headers=headers).json == NOT_FOUND
    before = grant_tables(app)
    r = client.put(f"{ROLE}{target.id}/", json={"name": "hijack", "key": "hijack"}, headers=headers)
    assert r.json == NOT_FOUND
    assert client.delete(f"{ROLE}{target.id}/", headers=headers).json == NOT_FOUND
    assert (
        client.delete(ROLE + "multiple_delete/", json={"keys": [target.id]}, headers=headers).json["code"]
        == 2000
    )
    r = client.post(ROLE + "get_by_ids/", json={"ids": [target.id]}, headers=headers)
    assert r.json["code"] == 2000 and r.json["data"] == []
    assert grant_tables(app) == before


def test_in_reach_by_id(client, app, login_as, depts):
    user_role = make_role(app)
    add_button(app, user_role, ROLE + "{id}/", 0, 2)
    user = make_user(app, dept=depts["tech"], roles=[user_role])
    target = _role_in(app, depts["tech"])
    assert client.get(f"{ROLE}{target.id}/", headers=login_as(user)).json["data"]["id"] == target.id


# ---- field_permission ------------------------------------------------------------------


def test_field_permission(client, app, login_as):
    menu = make_menu(app)
    name = make_field(app, menu, "name")
    key = make_field(app, menu, "key")
    make_field(app, menu, "username", model="Users")
    r = client.get(ROLE + "field_permission/", headers=login_as(superuser(app)))
    assert list(r.json) == DETAIL_KEYS
    everything = {"is_create": True, "is_query": True, "is_update": True}
    assert r.json["data"] == {"key": everything, "name": everything}
    role = make_role(app)
    grant_field(app, role, name, is_query=True, is_create=False, is_update=False)
    grant_field(app, make_role(app), key)
    user = make_user(app, roles=[role])  # no button needed: login only
    r = client.get(ROLE + "field_permission/", headers=login_as(user))
    assert r.json["data"] == {"name": {"is_create": False, "is_query": True, "is_update": False}}
    assert client.get(ROLE + "field_permission/").status_code == 401


def test_hidden_columns_are_not_served(client, app, login_as):
    menu = make_menu(app)
    make_field(app, menu, "key")
    member = staff(app, (ROLE, 0, 3))
    r = client.get(ROLE, headers=login_as(member.user))
    assert r.json["data"] and all("key" not in row for row in r.json["data"])


# ---- cost ------------------------------------------------------------------------------


def test_list_costs_the_same_at_20_and_200_rows(client, app, root):
    from blueprints.role.models import Role
    from blueprints.user.models import User, users_role

    dept = make_dept(app)
    with app.app_context():
        roles = [Role(name=f"r{i}", key=f"k{i}", sort=i, status=True) for i in range(200)]
        db.session.add_all(roles)
        users = [User(username=f"m{i}", name=f"m{i}", password="x", dept_id=dept.id) for i in range(200)]
        db.session.add_all(users)
        db.session.flush()
        db.session.execute(
            sa.insert(users_role),
            [{"users_id": u.id, "role_id": r.id} for u, r in zip(users, roles, strict=True)],
        )
        db.session.commit()
    statements_for(app, client, "get", ROLE + "?limit=1", headers=root)
    small = statements_for(app, client, "get", ROLE + "?limit=20", headers=root)
    large = statements_for(app, client, "get", ROLE + "?limit=200", headers=root)
    assert small == large
