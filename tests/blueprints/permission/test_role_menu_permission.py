"""``/api/system/role_menu_permission/``: plain CRUD (superusers write) and ``save_auth``."""

from __future__ import annotations

import pytest

from tests.blueprints.role.helpers import (
    DETAIL_KEYS,
    NO_BUTTON,
    NOT_FOUND,
    PAGE_KEYS,
    RMP,
    grant_menu,
    grant_tables,
    make_menu,
    staff,
    superuser,
)
from tests.support.factories import make_role

ROUTES = [
    ("get", "", None),
    ("post", "", {"role": "{role}", "menu": 1}),
    ("get", "1/", None),
    ("put", "1/", {"role": "{role}", "menu": 1}),
    ("delete", "1/", None),
    ("delete", "multiple_delete/", {"keys": [1]}),
    ("post", "get_by_ids/", {"ids": [1]}),
    ("post", "save_auth/", {"role": "{role}", "menu": []}),
]


def _fill(body, role_id):
    return None if body is None else {k: role_id if v == "{role}" else v for k, v in body.items()}


@pytest.fixture()
def root(app, login_as):
    return login_as(superuser(app))


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_a_token(client, app, method, path, body):
    role = make_role(app)
    r = getattr(client, method)(RMP + path, json=_fill(body, role.id))
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_its_button(client, app, login_as, method, path, body):
    role = make_role(app)
    other = staff(app, ("/api/system/user/", 0, 3))
    r = getattr(client, method)(RMP + path, json=_fill(body, role.id), headers=login_as(other.user))
    assert r.status_code == 200 and r.json == NO_BUTTON


def test_plain_crud(client, app, root):
    role = make_role(app)
    menu, other = make_menu(app), make_menu(app)
    r = client.post(RMP, json={"role": role.id, "menu": menu.id}, headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "新增成功"
    row = r.json["data"]
    assert row["role"] == role.id and row["menu"] == menu.id and "creator_name" in row
    r = client.get(RMP, headers=root)
    assert list(r.json) == PAGE_KEYS and [d["id"] for d in r.json["data"]] == [row["id"]]
    r = client.put(f"{RMP}{row['id']}/", json={"role": role.id, "menu": other.id}, headers=root)
    assert r.json["msg"] == "更新成功" and r.json["data"]["menu"] == other.id
    assert client.delete(f"{RMP}{row['id']}/", headers=root).json["msg"] == "删除成功"
    assert grant_tables(app)["menus"] == []
    assert client.get(f"{RMP}{row['id']}/", headers=root).json == NOT_FOUND


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"menu": "{menu}"}, "关联角色:该字段是必填项。"),
        ({"role": "{role}"}, "关联菜单:该字段是必填项。"),
        ({"role": "{role}", "menu": "x"}, "关联菜单:请填写合法的整数值。"),
        ({"role": "{role}", "menu": 999999}, "关联菜单:对象不存在"),
        ({"role": 999999, "menu": "{menu}"}, "关联角色:对象不存在"),
    ],
)
def test_plain_create_bad_input(client, app, root, body, msg):
    ids = {"{role}": make_role(app).id, "{menu}": make_menu(app).id}
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    assert client.post(RMP, json=body, headers=root).json == {"code": 4000, "data": None, "msg": msg}
    assert grant_tables(app)["menus"] == []


def test_save_auth_syncs_the_menu_set(client, app, root):
    role = make_role(app)
    keep, drop, add = make_menu(app), make_menu(app), make_menu(app)
    grant_menu(app, role, keep)
    grant_menu(app, role, keep)  # a duplicate, as an adopted database may hold
    grant_menu(app, role, drop)
    r = client.post(RMP + "save_auth/", json={"role": role.id, "menu": [keep.id, add.id]}, headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["code"] == 2000
    assert [(d["role"], d["menu"]) for d in r.json["data"]] == [(role.id, add.id)]
    assert grant_tables(app)["menus"] == sorted([(role.id, keep.id), (role.id, add.id)])
    r = client.post(RMP + "save_auth/", json={"role": role.id, "menu": []}, headers=root)
    assert r.json["data"] == [] and grant_tables(app)["menus"] == []


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"menu": []}, "关联角色:该字段是必填项。"),
        ({"role": "{role}"}, "关联菜单:该字段是必填项。"),
        ({"role": "{role}", "menu": 3}, "关联菜单:请提供一个列表。"),
        ({"role": "{role}", "menu": [999999]}, "menu:菜单不存在：999999"),
        ({"role": 999999, "menu": []}, "role:角色不存在或不在您的数据权限范围内"),
    ],
)
def test_save_auth_bad_input(client, app, root, body, msg):
    role = make_role(app)
    menu = make_menu(app)
    grant_menu(app, role, menu)
    before = grant_tables(app)
    body = {k: role.id if v == "{role}" else v for k, v in body.items()}
    assert client.post(RMP + "save_auth/", json=body, headers=root).json == {
        "code": 4000,
        "data": None,
        "msg": msg,
    }
    assert grant_tables(app) == before
