"""``/api/system/api_white_list/``: reads with the button, writes for superusers only."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from blueprints.whitelist.models import ApiWhiteList
from tests.support.factories import grant, make_button, make_dept, make_role, make_user
from tests.support.queries import statements_for

URL = "/api/system/api_white_list/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
SUPERUSER_ONLY = {"code": 4000, "data": None, "msg": "只有超级管理员可以修改接口白名单"}
ROW_KEYS = {
    "id", "modifier_name", "creator_name", "create_datetime", "update_datetime", "description",
    "modifier", "dept_belong_id", "url", "method", "enable_datasource", "creator",
}  # fmt: skip
ROUTES = [
    ("get", "", "", 0),
    ("post", "", "", 1),
    ("get", "{id}/", "{id}/", 0),
    ("put", "{id}/", "{id}/", 2),
    ("patch", "{id}/", "{id}/", 2),
    ("delete", "{id}/", "{id}/", 3),
    ("delete", "multiple_delete/", "multiple_delete/", 3),
    ("post", "get_by_ids/", "get_by_ids/", 1),
]
WRITES = [r for r in ROUTES if r[0] != "get" and r[1] != "get_by_ids/"]


def add_row(app, url="/api/system/thing/", method=0, dept=None, creator=None, enable_datasource=True):
    with app.app_context():
        row = ApiWhiteList(
            url=url,
            method=method,
            enable_datasource=enable_datasource,
            dept_belong_id=str(getattr(dept, "id", dept)) if dept is not None else None,
            creator_id=getattr(creator, "id", None),
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def rows(app):
    with app.app_context():
        return [
            (r.url, r.method, r.enable_datasource)
            for r in db.session.execute(sa.select(ApiWhiteList).order_by(ApiWhiteList.id)).scalars()
        ]


@pytest.fixture()
def org(app):
    root = make_dept(app, "总部")
    return {
        "root": root,
        "tech": make_dept(app, "技术部", parent=root),
        "ops": make_dept(app, "运营部", parent=root),
    }


@pytest.fixture()
def su(app, org, login_as):
    user = make_user(app, "root", superuser=True, dept=org["root"])
    return user, login_as(user)


def staff(app, dept, buttons, data_range=3):
    role = make_role(app)
    for api, method in buttons:
        grant(app, role, make_button(app, api, method), data_range)
    return make_user(app, dept=dept, roles=[role])


BODIES = {
    "post": {"url": "/api/system/new/", "method": 1, "ids": []},
    "put": {"url": "/api/system/changed/", "method": 2, "enable_datasource": False},
    "patch": {"enable_datasource": False},
    "delete": {"keys": []},
}


@pytest.mark.parametrize(("method", "path", "_api", "_m"), ROUTES)
def test_no_token(client, app, method, path, _api, _m):
    row_id = add_row(app)
    r = getattr(client, method)(URL + path.format(id=row_id), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "path", "_api", "_m"), ROUTES)
def test_no_button(client, app, login_as, method, path, _api, _m):
    row_id = add_row(app)
    r = getattr(client, method)(URL + path.format(id=row_id), json={}, headers=login_as(make_user(app)))
    assert r.status_code == 200 and r.json == NO_BUTTON


@pytest.mark.parametrize(("method", "path", "api", "m"), WRITES)
def test_writes_with_the_button_are_still_superuser_only(client, app, org, login_as, method, path, api, m):
    user = staff(app, org["root"], [(URL + api, m)])
    row_id = add_row(app, dept=org["root"])
    body = dict(BODIES[method])
    if path == "multiple_delete/":
        body = {"keys": [row_id]}
    before = rows(app)
    r = getattr(client, method)(URL + path.format(id=row_id), json=body, headers=login_as(user))
    assert r.status_code == 200 and r.json == SUPERUSER_ONLY
    assert rows(app) == before


def test_writes_for_unknown_ids_by_non_superusers_get_the_same_refusal(client, app, org, login_as):
    user = staff(app, org["root"], [(URL + "{id}/", 2)])
    r = client.put(URL + "999999/", json=BODIES["put"], headers=login_as(user))
    assert r.json == SUPERUSER_ONLY


@pytest.mark.parametrize(("method", "path", "api", "m"), [r for r in ROUTES if r not in WRITES])
def test_reads_with_the_button(client, app, org, login_as, method, path, api, m):
    user = staff(app, org["root"], [(URL + api, m)])
    row_id = add_row(app, dept=org["root"])
    r = getattr(client, method)(URL + path.format(id=row_id), json={"ids": [row_id]}, headers=login_as(user))
    assert r.json["code"] == 2000, r.json


def test_list_shape(client, app, su):
    _user, auth = su
    row_id = add_row(app, "/api/system/dept_lazy_tree/")
    r = client.get(URL + "?page=1&limit=20", headers=auth)
    assert list(r.json) == ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
    assert r.json["total"] == 1
    (row,) = r.json["data"]
    assert set(row) == ROW_KEYS
    assert row["id"] == row_id and row["url"] == "/api/system/dept_lazy_tree/"
    assert row["method"] == 0 and row["enable_datasource"] is True and row["creator"] is None


def test_create_update_delete_as_superuser(client, app, su):
    user, auth = su
    r = client.post(
        URL, json={"url": "/api/system/x/{id}/", "method": 3, "enable_datasource": False}, headers=auth
    )
    assert r.json["code"] == 2000 and r.json["msg"] == "新增成功"
    data = r.json["data"]
    assert set(data) == ROW_KEYS and data["creator"] == user.id and data["url"] == "/api/system/x/{id}/"
    row_id = data["id"]
    got = client.get(f"{URL}{row_id}/", headers=auth).json
    assert got["code"] == 2000 and got["data"]["method"] == 3 and got["data"]["enable_datasource"] is False
    put = client.put(f"{URL}{row_id}/", json={**data, "url": "/api/system/y/", "method": 0}, headers=auth)
    assert put.json["msg"] == "更新成功" and put.json["data"]["url"] == "/api/system/y/"
    patch = client.patch(f"{URL}{row_id}/", json={"enable_datasource": True}, headers=auth)
    assert patch.json["data"]["enable_datasource"] is True and patch.json["data"]["url"] == "/api/system/y/"
    deleted = client.delete(f"{URL}{row_id}/", headers=auth)
    assert deleted.json == {"code": 2000, "data": [], "msg": "删除成功"}
    assert rows(app) == []


def test_bulk_create_and_multiple_delete(client, app, su):
    _user, auth = su
    r = client.post(URL, json=[{"url": "/api/a/"}, {"url": "/api/b/", "method": 1}], headers=auth)
    assert r.json["code"] == 2000 and [d["url"] for d in r.json["data"]] == ["/api/a/", "/api/b/"]
    ids = [d["id"] for d in r.json["data"]]
    got = client.post(URL + "get_by_ids/", json={"ids": ids}, headers=auth).json
    assert sorted(d["id"] for d in got["data"]) == sorted(ids)
    assert client.post(URL + "get_by_ids/", json={"ids": []}, headers=auth).json["data"] is None
    r = client.delete(URL + "multiple_delete/", json={"keys": ids}, headers=auth)
    assert r.json == {"code": 2000, "page": 1, "limit": 0, "total": 0, "data": [], "msg": "删除成功"}
    assert rows(app) == []
    missing = client.delete(URL + "multiple_delete/", json={}, headers=auth)
    assert missing.json == {"code": 400, "data": None, "msg": "未获取到keys字段"}


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({}, "url:该字段是必填项。"),
        ({"url": ""}, "url:该字段不能为空。"),
        ({"url": "/api/(.*)/"}, "url:只能包含字母、数字和 _ / { } . -，并以 / 开头"),
        ({"url": "/api/a b/"}, "url:只能包含字母、数字和 _ / { } . -，并以 / 开头"),
        ({"url": "api/x/"}, "url:只能包含字母、数字和 _ / { } . -，并以 / 开头"),
        ({"url": "/api/" + "x" * 200}, "url:请确保这个字段不能超过 200 个字符。"),
        ({"url": "/api/x/", "method": 4}, "接口请求方法:请确保该值在 0 到 3 之间。"),
        ({"url": "/api/x/", "method": "GET"}, "接口请求方法:请填写合法的整数值。"),
        ({"url": "/api/x/", "enable_datasource": "perhaps"}, "激活数据权限:必须是有效的布尔值。"),
    ],
)
def test_bad_input_names_the_field(client, app, su, body, msg):
    _user, auth = su
    r = client.post(URL, json=body, headers=auth)
    assert r.status_code == 200 and r.json == {"code": 4000, "data": None, "msg": msg}
    assert rows(app) == []


def test_update_bad_input_leaves_the_row(client, app, su):
    _user, auth = su
    row_id = add_row(app, "/api/keep/")
    r = client.put(f"{URL}{row_id}/", json={"url": "/api/<bad>/"}, headers=auth)
    assert r.json["code"] == 4000 and r.json["msg"].startswith("url:")
    assert rows(app) == [("/api/keep/", 0, True)]


def test_duplicates_are_refused(client, app, su):
    _user, auth = su
    add_row(app, "/api/system/x/{id}/", 0)
    r = client.post(URL, json={"url": "/API/system/x/{pk}/", "method": 0}, headers=auth)
    assert r.json == {"code": 4000, "data": None, "msg": "url:该接口与请求方法已在白名单中"}
    assert (
        client.post(URL, json={"url": "/api/system/x/{id}/", "method": 1}, headers=auth).json["code"] == 2000
    )
    bulk = client.post(URL, json=[{"url": "/api/dup/"}, {"url": "/api/dup/"}], headers=auth)
    assert bulk.json["code"] == 4000
    assert len(rows(app)) == 2


def test_unknown_ids_answer_400(client, app, su):
    _user, auth = su
    for method in ("get", "put", "delete"):
        r = getattr(client, method)(URL + "999999/", json={"url": "/api/x/"}, headers=auth)
        assert r.json == {"code": 400, "data": None, "msg": "接口地址不正确"}


def test_a_new_row_opens_its_url_at_once(client, app, org, su, login_as):
    """Writes recompile the grants: a whitelisted route needs no button from then on."""
    _user, auth = su
    user = make_user(app, dept=org["tech"])
    target = "/api/system/api_white_list/"
    assert client.get(target, headers=login_as(user)).json == NO_BUTTON
    r = client.post(URL, json={"url": target, "method": 0}, headers=auth)
    assert r.json["code"] == 2000
    assert client.get(target, headers=login_as(user)).json["code"] == 2000
    client.delete(f"{URL}{r.json['data']['id']}/", headers=auth)
    assert client.get(target, headers=login_as(user)).json == NO_BUTTON


def test_data_scope(client, app, org, login_as):
    other = add_row(app, "/api/other/", dept=org["ops"])
    mine = add_row(app, "/api/mine/", dept=org["tech"])
    reader = staff(app, org["tech"], [(URL, 0), (URL + "{id}/", 0), (URL + "get_by_ids/", 1)], data_range=2)
    auth = login_as(reader)
    assert [d["id"] for d in client.get(URL, headers=auth).json["data"]] == [mine]
    assert client.get(f"{URL}{other}/", headers=auth).json["code"] == 400
    got = client.post(URL + "get_by_ids/", json={"ids": [mine, other]}, headers=auth).json
    assert [d["id"] for d in got["data"]] == [mine]


def test_data_scope_for_superuser_writes_by_id(client, app, org, su):
    """Superusers reach every row (the other-dept matrix is moot: writes are theirs alone)."""
    _user, auth = su
    row_id = add_row(app, dept=org["ops"])
    assert client.delete(f"{URL}{row_id}/", headers=auth).json["code"] == 2000


def test_list_statement_count_does_not_grow(client, app, org, su):
    _user, auth = su
    users = [make_user(app, dept=org["root"]) for _ in range(3)]
    with app.app_context():
        db.session.add_all(
            ApiWhiteList(url=f"/api/x{n}/", method=0, enable_datasource=True, creator_id=users[n % 3].id)
            for n in range(200)
        )
        db.session.commit()
    statements_for(app, client, "get", URL + "?limit=1", headers=auth)
    small = statements_for(app, client, "get", URL + "?limit=20", headers=auth)
    large = statements_for(app, client, "get", URL + "?limit=200", headers=auth)
    assert small == large
