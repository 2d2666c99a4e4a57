"""Pagination edges, filters, search, ordering, bulk create, PATCH, multiple_delete, get_by_ids."""

import pytest

from tests.support.factories import make_role, make_user

URL = "/api/probe/role/"


@pytest.fixture()
def auth(app, login_as):
    return login_as(make_user(app, "root", superuser=True))


@pytest.fixture()
def roles(app):
    return [make_role(app, f"k{i}", name=f"角色{i}", sort=i, status=i % 2 == 0) for i in range(1, 26)]


def get(client, auth, query=""):
    r = client.get(f"{URL}?{query}", headers=auth)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.json


def test_default_page_size_is_10(client, auth, roles):
    body = get(client, auth)
    assert (body["page"], body["limit"], body["total"]) == (1, 10, 25)
    assert len(body["data"]) == 10 and body["is_next"] is True and body["is_previous"] is False


def test_last_page(client, auth, roles):
    body = get(client, auth, "page=3&limit=10")
    assert len(body["data"]) == 5 and body["is_next"] is False and body["is_previous"] is True
    assert body["msg"] == "success"


def test_page_past_the_end_keeps_the_real_total(client, auth, roles):
    body = get(client, auth, "page=99&limit=20")
    assert body["data"] == [] and body["msg"] == "暂无数据"
    assert body["total"] == 25 and body["page"] == 99


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_bad_page_names_page(client, auth, page):
    body = get(client, auth, f"page={page}")
    assert body == {"code": 4000, "data": None, "msg": "page:请填写合法的整数值。"}


def test_limit_is_capped_at_999(client, auth, roles):
    assert get(client, auth, "limit=5000")["limit"] == 999


@pytest.mark.parametrize("limit", ["0", "-3", "abc"])
def test_bad_limit_falls_back_to_10(client, auth, roles, limit):
    assert get(client, auth, f"limit={limit}")["limit"] == 10


def test_string_filter_is_icontains(client, auth, roles):
    body = get(client, auth, "name=色1&limit=999")
    assert sorted(r["key"] for r in body["data"]) == sorted(["k1"] + [f"k{i}" for i in range(10, 20)])


def test_exact_filters_and_booleans(client, auth, roles):
    assert [r["key"] for r in get(client, auth, "sort=7")["data"]] == ["k7"]
    on = get(client, auth, "status=True&limit=999")["data"]
    off = get(client, auth, "status=False&limit=999")["data"]
    assert len(on) == 12 and all(r["status"] is True for r in on)
    assert len(off) == 13 and all(r["status"] is False for r in off)


def test_bad_filter_value_names_the_field(client, auth):
    assert get(client, auth, "sort=abc")["msg"] == "sort:请填写合法的整数值。"
    assert get(client, auth, "status=maybe")["msg"] == "status:必须是有效的布尔值。"


def test_empty_and_unknown_params_are_ignored(client, auth, roles):
    assert get(client, auth, "name=&nonsense=1")["total"] == 25


def test_two_values_make_a_range(client, auth, roles):
    body = get(client, auth, "sort=3&sort=6")
    assert sorted(r["sort"] for r in body["data"]) == [3, 4, 5, 6]


def test_search_over_search_fields(client, auth, roles):
    body = get(client, auth, "search=K2&limit=999")
    assert sorted(r["key"] for r in body["data"]) == sorted(["k2"] + [f"k{i}" for i in range(20, 26)])


def test_like_wildcards_are_literal(client, auth, roles):
    assert get(client, auth, "search=%25")["total"] == 0


def test_ordering_and_unknown_ordering(client, auth, roles):
    assert [r["sort"] for r in get(client, auth, "ordering=-sort&limit=3")["data"]] == [25, 24, 23]
    assert [r["sort"] for r in get(client, auth, "ordering=-nope&limit=3")["data"]] == [1, 2, 3]


def test_date_range_filters(client, auth, roles):
    assert get(client, auth, "create_datetime_after=2000-01-01")["total"] == 25
    assert get(client, auth, "create_datetime_before=2000-01-01")["total"] == 0
    assert get(client, auth, "update_datetime_after=2999-01-01")["total"] == 0
    assert get(client, auth, "create_datetime_after=yesterday")["msg"].startswith("create_datetime_after:")


def test_bulk_create_from_an_array(client, auth):
    r = client.post(URL, json=[{"name": "甲", "key": "a"}, {"name": "乙", "key": "b"}], headers=auth)
    assert r.json["code"] == 2000 and [row["key"] for row in r.json["data"]] == ["a", "b"]
    assert get(client, auth)["total"] == 2


def test_bulk_create_is_all_or_nothing(client, auth):
    r = client.post(URL, json=[{"name": "甲", "key": "a"}, {"key": "b"}], headers=auth)
    assert r.json["code"] == 4000 and r.json["msg"] == "第2条:角色名称:该字段是必填项。"
    assert get(client, auth)["total"] == 0


def test_unknown_keys_are_ignored(client, auth):
    row = {"name": "甲", "key": "a", "creator_name": "x", "role_info": [{"id": 1}], "id": 999}
    r = client.post(URL, json=row, headers=auth)
    assert r.json["code"] == 2000 and r.json["data"]["id"] != 999


def test_put_whole_row_and_patch(client, app, auth):
    role = make_role(app, "a", name="甲")
    r = client.put(f"{URL}{role.id}/", json={"name": "乙"}, headers=auth)
    assert r.json["msg"] == "权限字符:该字段是必填项。"
    r = client.put(
        f"{URL}{role.id}/", json={"name": "乙", "key": "b", "sort": 4, "status": False}, headers=auth
    )
    assert r.json["msg"] == "更新成功" and r.json["data"]["key"] == "b"
    r = client.patch(f"{URL}{role.id}/", json={"name": "丙"}, headers=auth)
    assert r.json["data"]["name"] == "丙" and r.json["data"]["key"] == "b"


def test_unknown_id_is_400(client, auth):
    for method in ("get", "put", "delete"):
        r = getattr(client, method)(f"{URL}999999/", json={"name": "a", "key": "b"}, headers=auth)
        assert r.json == {"code": 400, "data": None, "msg": "接口地址不正确"}


def test_delete_and_multiple_delete(client, app, auth):
    a, b, c = (make_role(app, k) for k in "abc")
    r = client.delete(f"{URL}{a.id}/", headers=auth)
    assert r.json == {"code": 2000, "data": [], "msg": "删除成功"}
    r = client.delete(f"{URL}multiple_delete/", json={"keys": [b.id, str(c.id)]}, headers=auth)
    assert r.json["code"] == 2000 and r.json["msg"] == "删除成功"
    assert get(client, auth)["total"] == 0


def test_multiple_delete_needs_keys(client, auth):
    r = client.delete(f"{URL}multiple_delete/", json={}, headers=auth)
    assert r.json == {"code": 400, "data": None, "msg": "未获取到keys字段"}
    r = client.delete(f"{URL}multiple_delete/", json={"keys": ["x"]}, headers=auth)
    assert r.json["code"] == 4000 and r.json["msg"].startswith("keys:")


def test_get_by_ids(client, app, auth):
    a, b = make_role(app, "a"), make_role(app, "b")
    r = client.post(f"{URL}get_by_ids/", json={"ids": [a.id, b.id, 424242]}, headers=auth)
    assert sorted(row["key"] for row in r.json["data"]) == ["a", "b"]
    for empty in ({"ids": []}, {"ids": [""]}, {}):
        r = client.post(f"{URL}get_by_ids/", json=empty, headers=auth)
        assert r.json == {"code": 2000, "data": None, "msg": "success"}
