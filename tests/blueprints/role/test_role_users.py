"""Role members: ``get_role_users``, ``add_role_users``, ``remove_role_user``, ``set_role_users``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.role.helpers import (
    DETAIL_KEYS,
    LIST_KEYS,
    NOT_FOUND,
    PAGE_KEYS,
    ROLE,
    ROLE_KEYS,
    add_button,
    grant_tables,
    members,
    superuser,
)
from tests.support.factories import make_dept, make_role, make_user
from tests.support.queries import statements_for


@pytest.fixture()
def root(app, login_as):
    return login_as(superuser(app))


@pytest.fixture()
def team(app):
    tech = make_dept(app, "技术部")
    ops = make_dept(app, "运营部")
    role = make_role(app, "public", name="用户")
    tester = make_user(app, name="测试人员", dept=tech, roles=[role])
    ann = make_user(app, name="安娜", dept=ops)
    bob = make_user(app, name="鲍勃", dept=tech)
    make_user(app, name="超管", superuser=True, roles=[role])
    return {"tech": tech, "ops": ops, "role": role, "tester": tester, "ann": ann, "bob": bob}


def _ids(response):
    return [row["id"] for row in response.json["data"]]


def test_members_shape(client, root, team):
    r = client.get(f"{ROLE}get_role_users/?role_id={team['role'].id}&authorized=1", headers=root)
    assert list(r.json) == PAGE_KEYS and r.json["limit"] == 10 and r.json["total"] == 1
    assert r.json["data"] == [{"id": team["tester"].id, "name": "测试人员", "dept__name": "技术部"}]


def test_non_members_exclude_superusers(client, root, team):
    r = client.get(f"{ROLE}get_role_users/?role_id={team['role'].id}&authorized=0", headers=root)
    assert sorted(_ids(r)) == sorted([team["ann"].id, team["bob"].id])
    r = client.get(f"{ROLE}get_role_users/?role_id={team['role'].id}", headers=root)
    assert sorted(_ids(r)) == sorted([team["ann"].id, team["bob"].id])


def test_name_and_dept_filters(client, root, team):
    url = f"{ROLE}get_role_users/?role_id={team['role'].id}&authorized=0"
    assert _ids(client.get(url + "&name=安", headers=root)) == [team["ann"].id]
    assert _ids(client.get(url + f"&dept={team['tech'].id}", headers=root)) == [team["bob"].id]
    # the SPA may send empty filters: they mean "no filter"
    assert len(_ids(client.get(url + "&dept=&name=", headers=root))) == 2
    r = client.get(url + "&limit=1&page=2", headers=root)
    assert r.json["total"] == 2 and len(r.json["data"]) == 1 and r.json["is_previous"] is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"code": 400, "data": None, "msg": "请选择角色"}),
        ("?authorized=1", {"code": 400, "data": None, "msg": "请选择角色"}),
        ("?role_id=&authorized=1", {"code": 400, "data": None, "msg": "请选择角色"}),
        ("?role_id=abc", {"code": 4000, "data": None, "msg": "role_id:请填写合法的整数值。"}),
        ("?role_id=999999", {"code": 4000, "data": None, "msg": "role_id:角色不存在"}),
        ("?role_id={id}&dept=x", {"code": 4000, "data": None, "msg": "dept:请填写合法的整数值。"}),
        ("?role_id={id}&page=0", {"code": 4000, "data": None, "msg": "page:请填写合法的整数值。"}),
    ],
)
def test_get_role_users_bad_input(client, root, team, query, expected):
    r = client.get(ROLE + "get_role_users/" + query.replace("{id}", str(team["role"].id)), headers=root)
    assert r.json == expected


def test_get_role_users_is_scoped(client, app, login_as, team):
    viewer_role = make_role(app, dept_belong_id=str(team["tech"].id))
    add_button(app, viewer_role, ROLE + "get_role_users/", 0, 2)
    viewer = make_user(app, dept=team["tech"], roles=[viewer_role])
    r = client.get(f"{ROLE}get_role_users/?role_id={viewer_role.id}&authorized=0", headers=login_as(viewer))
    # only users of the viewer's own dept; ann (运营部) and the superuser are out
    assert sorted(_ids(r)) == sorted([team["tester"].id, team["bob"].id])
    # a role outside the viewer's scope is refused, not listed
    r = client.get(f"{ROLE}get_role_users/?role_id={team['role'].id}&authorized=1", headers=login_as(viewer))
    assert r.json["code"] == 4000


def test_get_role_users_costs_the_same_at_20_and_200_rows(client, app, root):
    from blueprints.user.models import User, users_role

    dept = make_dept(app)
    role = make_role(app)
    with app.app_context():
        users = [User(username=f"u{i}", name=f"u{i}", password="x", dept_id=dept.id) for i in range(200)]
        db.session.add_all(users)
        db.session.flush()
        db.session.execute(sa.insert(users_role), [{"users_id": u.id, "role_id": role.id} for u in users])
        db.session.commit()
    url = f"{ROLE}get_role_users/?role_id={role.id}&authorized=1&limit="
    statements_for(app, client, "get", url + "1", headers=root)
    small = statements_for(app, client, "get", url + "20", headers=root)
    large = statements_for(app, client, "get", url + "200", headers=root)
    assert small == large


# ---- add / remove / set ----------------------------------------------------------------------


def test_add_role_users_is_idempotent(client, app, root, team):
    url = f"{ROLE}{team['role'].id}/add_role_users/"
    body = {"users_id": [team["ann"].id, team["bob"].id, team["ann"].id]}
    r = client.post(url, json=body, headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json == {"code": 2000, "data": None, "msg": "添加成功"}
    assert client.post(url, json=body, headers=root).json["code"] == 2000
    expected = sorted([team["tester"].id, team["ann"].id, team["bob"].id])
    assert [m for m in members(app, team["role"]) if m in expected] == expected
    assert len(members(app, team["role"])) == 4  # the superuser's membership stays


def test_remove_role_user(client, app, root, team):
    url = f"{ROLE}{team['role'].id}/remove_role_user/"
    r = client.delete(url, json={"user_id": [team["tester"].id]}, headers=root)
    assert list(r.json) == LIST_KEYS and r.json["msg"] == "删除成功" and r.json["data"] == []
    assert team["tester"].id not in members(app, team["role"])
    # removing again is harmless
    assert client.delete(url, json={"user_id": [team["tester"].id]}, headers=root).json["code"] == 2000


def test_set_role_users(client, app, root, team):
    url = f"{ROLE}{team['role'].id}/set_role_users/"
    r = client.put(url, json={"direction": "right", "movedKeys": [team["ann"].id]}, headers=root)
    assert list(r.json) == DETAIL_KEYS and r.json["msg"] == "更新成功"
    assert set(r.json["data"]) == ROLE_KEYS
    assert {u["id"] for u in r.json["data"]["users"]} == {team["tester"].id, team["ann"].id}
    client.put(url, json={"direction": "right", "movedKeys": [team["ann"].id]}, headers=root)
    assert members(app, team["role"]).count(team["ann"].id) == 1
    r = client.put(url, json={"direction": "left", "movedKeys": [team["tester"].id]}, headers=root)
    assert {u["id"] for u in r.json["data"]["users"]} == {team["ann"].id}


def test_membership_takes_effect_at_once(client, app, root, login_as, team):
    add_button(app, team["role"], ROLE, 0, 3)
    headers = login_as(team["bob"])
    assert client.get(ROLE, headers=headers).json["code"] == 4000
    client.post(f"{ROLE}{team['role'].id}/add_role_users/", json={"users_id": [team["bob"].id]}, headers=root)
    assert client.get(ROLE, headers=headers).json["code"] == 2000
    client.delete(
        f"{ROLE}{team['role'].id}/remove_role_user/", json={"user_id": [team["bob"].id]}, headers=root
    )
    assert client.get(ROLE, headers=headers).json["code"] == 4000


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("post", "add_role_users/", {}, {"code": 4000, "msg": "users_id:该字段是必填项。"}),
        ("post", "add_role_users/", {"users_id": "x"}, {"code": 4000, "msg": "users_id:请提供一个列表。"}),
        ("post", "add_role_users/", {"users_id": []}, {"code": 400, "msg": "请选择用户"}),
        ("post", "add_role_users/", {"users_id": [999999]}, {"code": 4000, "msg": "用户不存在：999999"}),
        ("delete", "remove_role_user/", {}, {"code": 400, "msg": "请选择用户"}),
        ("delete", "remove_role_user/", {"user_id": []}, {"code": 400, "msg": "请选择用户"}),
        ("delete", "remove_role_user/", {"user_id": [999999]}, {"code": 4000, "msg": "用户不存在：999999"}),
        ("put", "set_role_users/", {"movedKeys": [1]}, {"code": 4000, "msg": "direction:该字段是必填项。"}),
        (
            "put",
            "set_role_users/",
            {"direction": "up", "movedKeys": [1]},
            {"code": 4000, "msg": "direction:“up” 不是合法选项。"},
        ),
        (
            "put",
            "set_role_users/",
            {"direction": "left"},
            {"code": 4000, "msg": "movedKeys:该字段是必填项。"},
        ),
    ],
)
def test_member_routes_bad_input(client, app, root, team, method, path, body, expected):
    before = grant_tables(app)
    r = getattr(client, method)(f"{ROLE}{team['role'].id}/{path}", json=body, headers=root)
    assert {"code": r.json["code"], "msg": r.json["msg"]} == expected
    assert grant_tables(app) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "add_role_users/", {"users_id": [1]}),
        ("delete", "remove_role_user/", {"user_id": [1]}),
        ("put", "set_role_users/", {"direction": "right", "movedKeys": [1]}),
    ],
)
def test_member_routes_unknown_role(client, root, method, path, body):
    assert getattr(client, method)(f"{ROLE}999999/{path}", json=body, headers=root).json == NOT_FOUND
