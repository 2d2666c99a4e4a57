"""The dept routes: lazy list, writes with the tree's rules, moves, statistics, scope and buttons."""

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
    user_with,
)
from tests.support.factories import make_button, make_dept, make_role, make_user
from tests.support.queries import statements_for

URL = "/api/system/dept/"


@pytest.fixture()
def tree(app):
    """总部 → 技术部 (sort 1) → 前端组; 总部 → 运营部 (sort 2); a disabled 停用部 under 总部."""
    hq = make_dept(app, "总部", key="dvadmin")
    tech = make_dept(app, "技术部", parent=hq, sort=1, key="technology", owner="张三")
    ops = make_dept(app, "运营部", parent=hq, sort=2)
    fe = make_dept(app, "前端组", parent=tech)
    off = make_dept(app, "停用部", parent=hq, sort=3, status=False)
    return SimpleNamespace(hq=hq, tech=tech, ops=ops, fe=fe, off=off)


@pytest.fixture()
def root(app, tree):
    return make_user(app, "root", superuser=True, dept=tree.hq)


@pytest.fixture()
def su(root, login_as):
    return login_as(root)


def dept_row(app, dept_id):
    from blueprints.dept.models import Dept

    with app.app_context():
        row = db.session.get(Dept, dept_id)
        return (
            None
            if row is None
            else SimpleNamespace(**{c: getattr(row, c) for c in row.__mapper__.columns.keys()})
        )


def names(body):
    return [row["name"] for row in body["data"]]


# ---- list ----------------------------------------------------------------------------------


def test_list_shape_and_computed_keys(client, app, tree, su):
    make_user(app, dept=tree.tech)
    make_user(app, dept=tree.tech)
    body = client.get(URL, headers=su).json
    assert list(body) == LIST_KEYS
    assert (body["code"], body["page"], body["limit"], body["total"], body["msg"]) == (
        2000,
        1,
        4,
        4,
        "success",
    )
    # active depts only, by sort then id
    assert names(body) == ["总部", "技术部", "前端组", "运营部"]
    rows = {row["name"]: row for row in body["data"]}
    assert "停用部" not in rows
    assert "parent_name" not in rows["总部"]
    tech = rows["技术部"]
    assert tech["parent_name"] == "总部" and tech["parent"] == tree.hq.id
    assert (tech["has_children"], tech["hasChild"], tech["dept_user_count"]) == (1, True, 2)
    assert tech["status_label"] == "启用" and tech["status"] is True and tech["key"] == "technology"
    assert rows["总部"]["has_children"] == 3  # disabled children count, as in the original
    assert rows["运营部"]["hasChild"] is False and rows["运营部"]["dept_user_count"] == 0
    assert {"creator", "creator_name", "modifier_name", "dept_belong_id", "create_datetime"} <= set(tech)


def test_list_parent_gives_active_children(client, tree, su):
    body = client.get(f"{URL}?parent={tree.hq.id}", headers=su).json
    assert names(body) == ["技术部", "运营部"] and body["total"] == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=技术部", ["技术部"]),
        ("name=技术", []),
        ("status=False", ["总部", "技术部", "前端组", "运营部"]),
    ],
)
def test_list_filters_are_exact(client, tree, su, query, expected):
    assert names(client.get(f"{URL}?{query}", headers=su).json) == expected


def test_list_filter_by_id_and_bad_value(client, tree, su):
    assert names(client.get(f"{URL}?id={tree.ops.id}", headers=su).json) == ["运营部"]
    assert client.get(f"{URL}?parent=abc", headers=su).json == {
        "code": 4000,
        "data": None,
        "msg": "parent:请填写合法的整数值。",
    }


def test_list_costs_the_same_at_20_and_200_rows(client, app, login_as):
    from blueprints.dept.models import Dept
    from blueprints.user.models import User

    hq = make_dept(app, "hq")
    user = user_with(app, [("/api/system/dept/", 0)], data_range=1, dept=hq)
    auth = login_as(user)

    def add(count):
        with app.app_context():
            for i in range(count):
                d = Dept(name=f"d{i}", sort=i, status=True, parent_id=hq.id)
                db.session.add(d)
                db.session.flush()
                db.session.add(User(username=f"u{d.id}", name="x", dept_id=d.id))
            db.session.commit()
        from app.core.permissions import bump_permission_version

        with app.app_context(), app.test_request_context():
            bump_permission_version()

    add(19)
    statements_for(app, client, "get", URL, headers=auth)  # compiles the grants
    small = statements_for(app, client, "get", URL, headers=auth)
    assert client.get(URL, headers=auth).json["total"] == 20
    add(180)
    statements_for(app, client, "get", URL, headers=auth)
    large = statements_for(app, client, "get", URL, headers=auth)
    assert client.get(URL, headers=auth).json["total"] == 200
    assert small == large


# ---- create --------------------------------------------------------------------------------


def test_create_defaults_parent_to_callers_dept_and_sorts_after_its_children(client, app, tree, su):
    body = client.post(URL, json={"name": "新部门", "parent_name": "x", "hasChild": True}, headers=su).json
    assert body["code"] == 2000 and body["msg"] == "新增成功"
    row = dept_row(app, body["data"]["id"])
    # children of 总部 have sort 1, 2 and 3
    assert (row.parent_id, row.sort, row.dept_belong_id) == (tree.hq.id, 4, str(row.id))
    assert body["data"]["parent_name"] == "总部"


def test_create_sort_follows_the_real_parent(client, app, tree, su):
    body = client.post(URL, json={"name": "后端组", "parent": tree.tech.id, "sort": 99}, headers=su).json
    row = dept_row(app, body["data"]["id"])
    assert (row.parent_id, row.sort) == (tree.tech.id, 2)


def test_bulk_create(client, app, tree, su):
    body = client.post(
        URL, json=[{"name": "甲", "parent": tree.ops.id}, {"name": "乙", "parent": tree.ops.id}], headers=su
    )
    data = body.json["data"]
    assert [dept_row(app, d["id"]).sort for d in data] == [1, 2]


def test_key_is_unique_ignoring_case(client, app, tree, su):
    body = client.post(URL, json={"name": "x", "key": "TECHNOLOGY"}, headers=su).json
    assert body["code"] == 400 and "关联字符" in body["msg"] and "TECHNOLOGY" in body["msg"]
    # blank keys are stored as null, so several depts may leave it empty
    for name in ("a", "b"):
        assert client.post(URL, json={"name": name, "key": ""}, headers=su).json["code"] == 2000


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({}, "部门名称:该字段是必填项。"),
        ({"name": 12}, "部门名称:请填写合法的字符串。"),
        ({"name": "x", "parent": "abc"}, "上级部门:请填写合法的整数值。"),
        ({"name": "x", "status": "maybe"}, "部门状态:必须是有效的布尔值。"),
        ({"name": "x" * 65}, "部门名称:请确保这个字段不能超过 64 个字符。"),
        ({"name": "x", "parent": 987654}, "上级部门:无效主键 “987654” - 对象不存在。"),
    ],
)
def test_create_bad_input_names_the_field(client, tree, su, body, msg):
    assert client.post(URL, json=body, headers=su).json == {"code": 4000, "data": None, "msg": msg}


def test_non_superuser_creates_only_within_reach(client, app, tree, login_as):
    user = user_with(app, [("/api/system/dept/", 1)], data_range=1, dept=tree.tech)
    auth = login_as(user)
    refused = client.post(URL, json={"name": "外部", "parent": tree.ops.id}, headers=auth).json
    assert refused["code"] == 4000 and "上级部门" in refused["msg"]
    assert (
        client.post(URL, json={"name": "根", "parent": None}, headers=auth).json["code"] == 2000
    )  # → own dept
    ok = client.post(URL, json={"name": "内部", "parent": tree.fe.id}, headers=auth).json
    assert ok["code"] == 2000 and dept_row(app, ok["data"]["id"]).parent_id == tree.fe.id


def test_a_new_dept_reaches_the_grants_at_once(client, app, tree, login_as):
    user = user_with(app, [("/api/system/dept/", 0), ("/api/system/dept/", 1)], data_range=1, dept=tree.tech)
    auth = login_as(user)
    assert "新组" not in names(client.get(URL, headers=auth).json)
    assert client.post(URL, json={"name": "新组", "parent": tree.fe.id}, headers=auth).json["code"] == 2000
    assert "新组" in names(client.get(URL, headers=auth).json)


# ---- retrieve / update -------------------------------------------------------------------


def test_retrieve(client, tree, su):
    body = client.get(f"{URL}{tree.tech.id}/", headers=su).json
    assert list(body) == DETAIL_KEYS and body["msg"] == "获取成功"
    assert body["data"]["name"] == "技术部" and body["data"]["has_children"] == 1


def test_update_whole_row_as_the_spa_sends_it(client, app, tree, su):
    row = client.get(f"{URL}{tree.ops.id}/", headers=su).json["data"]
    row.update(name="运营中心", owner="李四")
    body = client.put(f"{URL}{tree.ops.id}/", json=row, headers=su).json
    assert body["code"] == 2000 and body["msg"] == "更新成功"
    stored = dept_row(app, tree.ops.id)
    assert (stored.name, stored.owner, stored.sort, stored.parent_id) == ("运营中心", "李四", 2, tree.hq.id)


def test_patch_moves_a_dept(client, app, tree, su):
    assert client.patch(f"{URL}{tree.fe.id}/", json={"parent": tree.ops.id}, headers=su).json["code"] == 2000
    assert dept_row(app, tree.fe.id).parent_id == tree.ops.id


@pytest.mark.parametrize("target", ["hq", "fe"])
def test_update_refuses_a_cycle(client, app, tree, su, target):
    new_parent = getattr(tree, target).id if target == "fe" else tree.hq.id
    moved = tree.hq if target == "hq" else tree.tech
    body = client.patch(f"{URL}{moved.id}/", json={"parent": new_parent}, headers=su).json
    assert body["code"] == 400 and "下级部门" in body["msg"]
    assert dept_row(app, moved.id).parent_id == moved.parent_id


def test_update_refuses_an_unknown_parent_and_a_taken_key(client, tree, su):
    body = client.patch(f"{URL}{tree.ops.id}/", json={"parent": 987654}, headers=su).json
    assert body == {"code": 4000, "data": None, "msg": "上级部门:无效主键 “987654” - 对象不存在。"}
    body = client.patch(f"{URL}{tree.ops.id}/", json={"key": "DvAdmin"}, headers=su).json
    assert body["code"] == 400 and "关联字符" in body["msg"]
    assert client.patch(f"{URL}{tree.tech.id}/", json={"key": "technology"}, headers=su).json["code"] == 2000


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_unknown_id(client, tree, su, method):
    assert call(client, method, f"{URL}987654/", su, {"name": "x"}).json == NOT_FOUND


# ---- delete --------------------------------------------------------------------------------


def test_delete_refuses_a_dept_with_users(client, app, tree, su):
    make_user(app, dept=tree.ops)
    body = client.delete(f"{URL}{tree.ops.id}/", headers=su).json
    assert body["code"] == 400 and "1个用户" in body["msg"] and "运营部" in body["msg"]
    assert dept_row(app, tree.ops.id) is not None


def test_delete_refuses_a_dept_with_sub_depts(client, app, tree, su):
    make_user(app, dept=tree.fe)
    body = client.delete(f"{URL}{tree.tech.id}/", headers=su).json
    assert body["code"] == 400 and "子部门" in body["msg"]
    body = client.delete(URL + "multiple_delete/", json={"keys": [tree.tech.id, tree.fe.id]}, headers=su).json
    assert body["code"] == 400 and "前端组" in body["msg"] and "用户" in body["msg"]
    assert dept_row(app, tree.tech.id) is not None and dept_row(app, tree.fe.id) is not None


def test_delete_an_empty_dept_clears_its_grant_links(client, app, tree, su):
    from blueprints.permission.models import role_menu_button_permission_dept as links

    grant_custom(app, make_role(app), make_button(app, "/api/x/", 0), [tree.fe, tree.ops])
    body = client.delete(f"{URL}{tree.fe.id}/", headers=su).json
    assert body == {"code": 2000, "data": [], "msg": "删除成功"}
    assert dept_row(app, tree.fe.id) is None
    with app.app_context():
        left = db.session.execute(sa.select(links.c.dept_id)).scalars().all()
    assert left == [tree.ops.id]


def test_multiple_delete_a_whole_branch(client, app, tree, su):
    body = client.delete(URL + "multiple_delete/", json={"keys": [tree.tech.id, tree.fe.id]}, headers=su).json
    assert list(body) == LIST_KEYS and body["msg"] == "删除成功"
    assert dept_row(app, tree.tech.id) is None and dept_row(app, tree.fe.id) is None


def test_multiple_delete_needs_keys(client, tree, su):
    assert client.delete(URL + "multiple_delete/", json={}, headers=su).json == {
        "code": 400,
        "data": None,
        "msg": "未获取到keys字段",
    }


def test_get_by_ids(client, tree, su):
    body = client.post(URL + "get_by_ids/", json={"ids": [tree.ops.id, tree.fe.id]}, headers=su).json
    assert sorted(r["name"] for r in body["data"]) == ["前端组", "运营部"]
    assert client.post(URL + "get_by_ids/", json={"ids": [""]}, headers=su).json["data"] is None


# ---- all_dept ------------------------------------------------------------------------------


def test_all_dept(client, tree, su):
    body = client.get(URL + "all_dept/", headers=su).json
    assert list(body) == DETAIL_KEYS and body["msg"] == "获取成功"
    assert body["data"][:4] == [
        {"name": "总部", "id": tree.hq.id, "parent": None},
        {"name": "技术部", "id": tree.tech.id, "parent": tree.hq.id},
        {"name": "前端组", "id": tree.fe.id, "parent": tree.tech.id},
        {"name": "运营部", "id": tree.ops.id, "parent": tree.hq.id},
    ]
    assert len(body["data"]) == 4  # the disabled dept is left out


def test_all_dept_is_login_only_and_scoped(client, app, tree, login_as):
    assert client.get(URL + "all_dept/").json == NO_TOKEN
    assert client.get(URL + "all_dept/").status_code == 401
    plain = make_user(app, dept=tree.tech)
    assert client.get(URL + "all_dept/", headers=login_as(plain)).json == {
        "code": 2000,
        "data": [],
        "msg": "获取成功",
    }
    user = user_with(app, [("/api/system/dept/all_dept/", 0)], data_range=1, dept=tree.tech)
    assert names(client.get(URL + "all_dept/", headers=login_as(user)).json) == ["技术部", "前端组"]


def test_all_dept_costs_the_same_at_20_and_200_rows(client, app, root, su):
    from blueprints.dept.models import Dept

    def add(count):
        with app.app_context():
            db.session.add_all(Dept(name=f"d{i}", sort=i, status=True) for i in range(count))
            db.session.commit()

    add(16)
    statements_for(app, client, "get", URL + "all_dept/", headers=su)
    small = statements_for(app, client, "get", URL + "all_dept/", headers=su)
    add(180)
    large = statements_for(app, client, "get", URL + "all_dept/", headers=su)
    assert len(client.get(URL + "all_dept/", headers=su).json["data"]) == 200
    assert small == large


# ---- move ----------------------------------------------------------------------------------


def children_of(client, su, parent):
    return names(client.get(f"{URL}?parent={parent.id}", headers=su).json)


def test_move_down_and_up(client, tree, su):
    body = client.post(URL + "move_down/", json={"dept_id": tree.tech.id}, headers=su).json
    assert body == {"code": 2000, "data": [], "msg": "下移成功"}
    assert children_of(client, su, tree.hq) == ["运营部", "技术部"]
    assert client.post(URL + "move_up/", json={"dept_id": tree.tech.id}, headers=su).json["msg"] == "上移成功"
    assert children_of(client, su, tree.hq) == ["技术部", "运营部"]


def test_move_at_the_edge_changes_nothing(client, tree, su):
    assert client.post(URL + "move_up/", json={"dept_id": tree.tech.id}, headers=su).json["code"] == 2000
    assert children_of(client, su, tree.hq) == ["技术部", "运营部"]


def test_move_with_equal_sorts_still_moves(client, app, tree, su):
    a = make_dept(app, "甲", parent=tree.ops, sort=1)
    make_dept(app, "乙", parent=tree.ops, sort=1)
    make_dept(app, "丙", parent=tree.ops, sort=1)
    client.post(URL + "move_down/", json={"dept_id": a.id}, headers=su)
    assert children_of(client, su, tree.ops) == ["乙", "甲", "丙"]


@pytest.mark.parametrize("path", ["move_up/", "move_down/"])
def test_move_bad_input(client, tree, su, path):
    assert client.post(URL + path, json={"dept_id": 987654}, headers=su).json == {
        "code": 400,
        "data": None,
        "msg": "部门不存在",
    }
    assert client.post(URL + path, json={}, headers=su).json["msg"] == "dept_id:该字段是必填项。"
    assert (
        client.post(URL + path, json={"dept_id": "x"}, headers=su).json["msg"]
        == "dept_id:请填写合法的整数值。"
    )


def test_move_is_scoped(client, app, tree, login_as):
    user = user_with(app, [("/api/system/dept/move_down/", 1)], data_range=2, dept=tree.ops)
    body = client.post(URL + "move_down/", json={"dept_id": tree.tech.id}, headers=login_as(user)).json
    assert body["code"] == 400 and body["msg"] == "部门不存在"
    assert (
        client.post(URL + "move_down/", json={"dept_id": tree.ops.id}, headers=login_as(user)).json["code"]
        == 2000
    )


# ---- dept_info -----------------------------------------------------------------------------


@pytest.fixture()
def staff(app, tree):
    make_user(app, dept=tree.hq, gender=1)
    make_user(app, dept=tree.tech, gender=1)
    make_user(app, dept=tree.tech, gender=2)
    make_user(app, dept=tree.fe, gender=0)


def test_dept_info_with_the_subtree(client, tree, staff, su):
    body = client.get(f"{URL}dept_info/?dept_id={tree.hq.id}&show_all=1", headers=su).json
    assert list(body) == LIST_KEYS and (body["page"], body["limit"], body["total"], body["msg"]) == (
        1,
        1,
        1,
        "success",
    )
    # the superuser "root" sits in 总部 too, with gender 0 by default
    assert body["data"] == {
        "dept_name": "总部",
        "dept_user": 5,
        "owner": None,
        "description": None,
        "gender": {"male": 2, "female": 1, "unknown": 2},
        "sub_dept_map": [
            {"name": "技术部", "count": 3},
            {"name": "运营部", "count": 0},
            {"name": "停用部", "count": 0},
        ],
    }


def test_dept_info_of_the_dept_alone(client, tree, staff, su):
    data = client.get(f"{URL}dept_info/?dept_id={tree.tech.id}&show_all=0", headers=su).json["data"]
    assert (data["dept_name"], data["dept_user"], data["owner"]) == ("技术部", 2, "张三")
    assert data["gender"] == {"male": 1, "female": 1, "unknown": 0}
    assert data["sub_dept_map"] == [{"name": "前端组", "count": 1}]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dept_id=&show_all=0", {"code": 4000, "data": None, "msg": "dept_id:该字段是必填项。"}),
        ("show_all=1", {"code": 4000, "data": None, "msg": "dept_id:该字段是必填项。"}),
        ("dept_id=abc", {"code": 4000, "data": None, "msg": "dept_id:请填写合法的整数值。"}),
        ("dept_id=1&show_all=5", {"code": 4000, "data": None, "msg": "show_all:“5” 不是合法选项。"}),
        ("dept_id=987654", {"code": 400, "data": None, "msg": "部门不存在"}),
    ],
)
def test_dept_info_bad_input(client, tree, su, query, expected):
    assert client.get(f"{URL}dept_info/?{query}", headers=su).json == expected


def test_dept_info_is_scoped(client, app, tree, staff, login_as):
    user = user_with(app, [("/api/system/dept/dept_info/", 0)], data_range=2, dept=tree.ops)
    auth = login_as(user)
    assert client.get(f"{URL}dept_info/?dept_id={tree.tech.id}", headers=auth).json["msg"] == "部门不存在"
    assert client.get(f"{URL}dept_info/?dept_id={tree.ops.id}", headers=auth).json["data"]["dept_user"] == 1


def test_dept_info_costs_the_same_whatever_the_tree(client, app, tree, su):
    from blueprints.dept.models import Dept

    url = f"{URL}dept_info/?dept_id={tree.hq.id}&show_all=1"
    statements_for(app, client, "get", url, headers=su)
    small = statements_for(app, client, "get", url, headers=su)
    with app.app_context():
        db.session.add_all(Dept(name=f"d{i}", sort=i, status=True, parent_id=tree.hq.id) for i in range(50))
        db.session.commit()
    assert statements_for(app, client, "get", url, headers=su) == small


# ---- buttons -------------------------------------------------------------------------------

ROUTES = [
    ("get", "", "/api/system/dept/"),
    ("post", "", "/api/system/dept/"),
    ("get", "{id}/", "/api/system/dept/{id}/"),
    ("put", "{id}/", "/api/system/dept/{id}/"),
    ("patch", "{id}/", "/api/system/dept/{id}/"),
    ("delete", "{id}/", "/api/system/dept/{id}/"),
    ("delete", "multiple_delete/", "/api/system/dept/multiple_delete/"),
    ("post", "get_by_ids/", "/api/system/dept/get_by_ids/"),
    ("post", "move_up/", "/api/system/dept/move_up/"),
    ("post", "move_down/", "/api/system/dept/move_down/"),
    ("get", "dept_info/?dept_id={id}", "/api/system/dept/dept_info/"),
]
BODIES = {"post": {"name": "x", "dept_id": 0, "ids": [1]}, "put": {"name": "x"}, "patch": {"name": "x"}}


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_no_token_is_http_401(client, tree, method, path, api):
    r = call(client, method, URL + path.format(id=tree.ops.id), None, BODIES.get(method, {"keys": [1]}))
    assert r.status_code == 401 and r.json == NO_TOKEN


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_without_the_button_code_4000(client, app, tree, login_as, method, path, api):
    # holding every other dept button is not enough
    others = {(a, METHODS[m]) for m, _p, a in ROUTES if (a, METHODS[m]) != (api, METHODS[method])}
    user = user_with(app, sorted(others), dept=tree.ops)
    url = URL + path.format(id=tree.ops.id)
    r = call(client, method, url, login_as(user), BODIES.get(method, {"keys": [tree.ops.id]}))
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert dept_row(app, tree.ops.id).name == "运营部"


@pytest.mark.parametrize(("method", "path", "api"), ROUTES)
def test_with_the_button(client, app, tree, login_as, method, path, api):
    user = user_with(app, [(api, METHODS[method])], dept=tree.hq)
    body = BODIES.get(method, {"keys": [tree.fe.id]}) | {"dept_id": tree.ops.id, "ids": [tree.ops.id]}
    r = call(client, method, URL + path.format(id=tree.ops.id), login_as(user), body)
    assert r.status_code == 200 and r.json["code"] == 2000, r.json


# ---- data scope ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data_range", "expected"),
    [
        (0, ["运营部"]),
        (1, ["技术部", "前端组"]),
        (2, ["技术部"]),
        (3, ["总部", "技术部", "前端组", "运营部"]),
        (4, ["前端组", "运营部"]),
    ],
)
def test_list_data_ranges(client, app, tree, login_as, data_range, expected):
    user = user_with(app, [("/api/system/dept/", 0)], data_range, dept=tree.tech, depts=[tree.ops, tree.fe])
    with app.app_context():
        from blueprints.dept.models import Dept

        db.session.get(Dept, tree.ops.id).creator_id = user.id  # range 0: what the user created
        db.session.commit()
    assert names(client.get(URL, headers=login_as(user)).json) == expected


def test_two_roles_give_the_union(client, app, tree, login_as):
    own_dept = make_role(app, "own")
    custom = make_role(app, "custom")
    from tests.support.factories import grant

    grant(app, own_dept, make_button(app, "/api/system/dept/", 0), data_range=2)
    grant_custom(app, custom, make_button(app, "/api/system/dept/", 0), [tree.ops])
    user = make_user(app, dept=tree.tech, roles=[own_dept, custom])
    assert names(client.get(URL, headers=login_as(user)).json) == ["技术部", "运营部"]


def test_a_disabled_role_gives_no_scope(client, app, tree, login_as):
    on = make_role(app, "on")
    off = make_role(app, "off", status=False)
    from tests.support.factories import grant

    grant(app, on, make_button(app, "/api/system/dept/", 0), data_range=2)
    grant(app, off, make_button(app, "/api/system/dept/", 0), data_range=3)
    user = make_user(app, dept=tree.tech, roles=[on, off])
    assert names(client.get(URL, headers=login_as(user)).json) == ["技术部"]


@pytest.fixture()
def outsider(app, tree, login_as):
    """A user of 运营部 holding every dept button with range 2 (own dept)."""
    user = user_with(app, [(api, METHODS[m]) for m, _p, api in ROUTES], data_range=2, dept=tree.ops)
    return login_as(user)


def test_another_dept_cannot_be_read_or_changed_by_id(client, app, tree, outsider):
    url = f"{URL}{tree.tech.id}/"
    assert client.get(url, headers=outsider).json == NOT_FOUND
    assert client.put(url, json={"name": "改"}, headers=outsider).json == NOT_FOUND
    assert client.patch(url, json={"name": "改"}, headers=outsider).json == NOT_FOUND
    assert client.delete(f"{URL}{tree.fe.id}/", headers=outsider).json == NOT_FOUND
    assert dept_row(app, tree.tech.id).name == "技术部" and dept_row(app, tree.fe.id) is not None
    # the own dept is within reach: the refusals above are the scope, not the buttons
    assert client.get(f"{URL}{tree.ops.id}/", headers=outsider).json["code"] == 2000


def test_another_dept_cannot_be_deleted_or_read_in_bulk(client, app, tree, outsider):
    body = client.delete(URL + "multiple_delete/", json={"keys": [tree.fe.id]}, headers=outsider).json
    assert body["code"] == 2000 and dept_row(app, tree.fe.id) is not None
    body = client.post(URL + "get_by_ids/", json={"ids": [tree.tech.id, tree.ops.id]}, headers=outsider).json
    assert [r["name"] for r in body["data"]] == ["运营部"]
