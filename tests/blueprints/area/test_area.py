"""The area routes: lazy tree list, searches, writes with computed columns, deletes, buttons."""

from types import SimpleNamespace

import pytest

from app.extensions import db
from tests.blueprints.area.helpers import (
    DETAIL_KEYS,
    LIST_KEYS,
    NO_BUTTON,
    NOT_FOUND,
    PAGE_KEYS,
    ROW_KEYS,
    URL,
    area_by_code,
    area_row,
    count_areas,
    grant_field,
    make_area,
    make_field,
    staff_with,
)
from tests.support.factories import make_role, make_user
from tests.support.queries import statements_for

ROUTES = [
    ("get", URL, URL, 0),
    ("post", URL, URL, 1),
    ("get", URL + "{id}/", URL + "{id}/", 0),
    ("put", URL + "{id}/", URL + "{id}/", 2),
    ("patch", URL + "{id}/", URL + "{id}/", 2),
    ("delete", URL + "{id}/", URL + "{id}/", 3),
    ("delete", URL + "multiple_delete/", URL + "multiple_delete/", 3),
    ("post", URL + "get_by_ids/", URL + "get_by_ids/", 1),
]


@pytest.fixture()
def tree(app):
    """北京市 → 市辖区 → 东城区, 西城区; 天津市 → 市辖区; 河北省 (disabled 石家庄市 below); 停用省 disabled."""
    bj = make_area(app, "北京市", "11")
    bj_city = make_area(app, "市辖区", "1101", bj)
    dc = make_area(app, "东城区", "110101", bj_city)
    xc = make_area(app, "西城区", "110102", bj_city)
    tj = make_area(app, "天津市", "12")
    tj_city = make_area(app, "市辖区", "1201", tj)
    hb = make_area(app, "河北省", "13")
    sjz = make_area(app, "石家庄市", "1301", hb, enable=False)
    off = make_area(app, "停用省", "99", enable=False)
    return SimpleNamespace(
        bj=bj, bj_city=bj_city, dc=dc, xc=xc, tj=tj, tj_city=tj_city, hb=hb, sjz=sjz, off=off
    )


@pytest.fixture()
def su(app, login_as):
    return login_as(make_user(app, "root", superuser=True))


def names(body):
    return [row["name"] for row in body["data"]]


# ---- authorisation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "_api", "_m"), [*ROUTES, ("get", URL + "field_permission/", "", 0)]
)
def test_no_token_is_http_401(client, tree, method, url, _api, _m):
    r = getattr(client, method)(url.format(id=tree.dc.id), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_button_is_4000(client, app, tree, login_as, method, url, _api, _m):
    auth = login_as(make_user(app))
    r = getattr(client, method)(url.format(id=tree.dc.id), json={"keys": [tree.dc.id]}, headers=auth)
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert area_row(app, tree.dc.id).name == "东城区"


@pytest.mark.parametrize(("method", "url", "api", "m"), ROUTES)
def test_the_matching_button_opens_each_route(client, app, tree, login_as, method, url, api, m):
    auth = login_as(staff_with(app, [(api, m)]))
    bodies = {
        "post": {"name": "新区", "code": "110199", "pcode": tree.bj_city.id, "ids": [tree.dc.id]},
        "put": {"name": "东城区", "code": "110101", "pcode": "1101"},
        "patch": {"name": "东城"},
        "delete": {"keys": [tree.xc.id]},
    }
    r = getattr(client, method)(url.format(id=tree.dc.id), json=bodies.get(method, {}), headers=auth)
    assert r.status_code == 200 and r.json["code"] == 2000, r.json
    # another route of the same resource stays closed
    other = "delete" if method != "delete" else "get"
    assert getattr(client, other)(URL + f"{tree.tj.id}/", headers=auth).json == NO_BUTTON


# ---- the lazy list ---------------------------------------------------------------------------


def test_lazy_root_lists_enabled_provinces_with_limit_999(client, tree, su):
    r = client.get(URL + "?page=1&limit=20", headers=su)
    body = r.json
    assert list(body) == PAGE_KEYS
    assert (body["code"], body["msg"], body["page"], body["limit"], body["total"]) == (
        2000,
        "success",
        1,
        999,
        3,
    )
    assert (body["is_next"], body["is_previous"]) == (False, False)
    assert names(body) == ["北京市", "天津市", "河北省"]
    bj = body["data"][0]
    assert list(bj) == ROW_KEYS
    assert {k: bj[k] for k in ("code", "level", "pinyin", "initials", "enable", "pcode", "pcode_info")} == {
        "code": "11",
        "level": 1,
        "pinyin": "beijingshi",
        "initials": "B",
        "enable": True,
        "pcode": None,
        "pcode_info": [],
    }
    assert (bj["pcode_count"], bj["hasChild"]) == (1, True)
    # a disabled child still counts, as in the original
    hb = body["data"][2]
    assert (hb["pcode_count"], hb["hasChild"]) == (1, True)


def test_lazy_children_of_a_code(client, tree, su):
    body = client.get(URL + "?page=1&limit=20&pcode=1101", headers=su).json
    assert (body["limit"], body["total"]) == (999, 2)
    assert names(body) == ["东城区", "西城区"]
    dc = body["data"][0]
    assert dc["pcode"] == "1101" and dc["level"] == 3
    assert dc["pcode_info"] == [{"name": "市辖区", "code": "1101"}]
    assert (dc["pcode_count"], dc["hasChild"]) == (0, False)
    # the SPA's tree request carries only pcode
    assert names(client.get(URL + "?pcode=11", headers=su).json) == ["市辖区"]
    # disabled children are left out of the tree
    assert client.get(URL + "?pcode=13", headers=su).json["data"] == []


def test_empty_params_still_mean_the_lazy_tree(client, tree, su):
    body = client.get(URL + "?page=1&limit=20&name=&pcode=", headers=su).json
    assert names(body) == ["北京市", "天津市", "河北省"] and body["limit"] == 999


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=城区", ["东城区", "西城区"]),
        ("name=市辖区&pcode=12", ["市辖区"]),
        ("level=3&pcode=110", []),  # a parent code matches exactly
        ("code=1101", ["市辖区", "东城区", "西城区"]),
        ("level=2", ["市辖区", "市辖区"]),
        ("pinyin=tianjin", ["天津市"]),
        ("enable=False", ["石家庄市", "停用省"]),
        ("initials=D", ["东城区"]),
    ],
)
def test_search_honours_the_filters(client, tree, su, query, expected):
    body = client.get(URL + f"?page=1&limit=20&{query}", headers=su).json
    assert body["code"] == 2000 and names(body) == expected and body["limit"] == 20


def test_search_paginates_with_the_given_limit(client, tree, su):
    body = client.get(URL + "?page=2&limit=2&level=3", headers=su).json
    assert (body["page"], body["limit"], body["total"], body["is_previous"]) == (2, 2, 2, True)
    assert body["data"] == [] and body["msg"] == "暂无数据"


def test_search_bad_value_names_the_field(client, tree, su):
    assert client.get(URL + "?level=abc", headers=su).json == {
        "code": 4000,
        "data": None,
        "msg": "level:请填写合法的整数值。",
    }
    assert client.get(URL + "?page=x", headers=su).json["msg"] == "page:请填写合法的整数值。"


def test_list_costs_the_same_at_20_and_200_rows(client, app, login_as):
    from blueprints.area.models import Area

    auth = login_as(staff_with(app, [(URL, 0)]))

    def add(start, count):
        with app.app_context():
            for i in range(start, start + count):
                db.session.add(Area(name=f"省{i}", code=f"{i:03d}", level=1, pinyin="s", initials="S"))
                db.session.add(
                    Area(
                        name=f"市{i}",
                        code=f"{i:03d}01",
                        level=2,
                        pinyin="s",
                        initials="S",
                        pcode_id=f"{i:03d}",
                    )
                )
            db.session.commit()

    add(0, 20)
    statements_for(app, client, "get", URL + "?page=1&limit=20", headers=auth)
    small = statements_for(app, client, "get", URL + "?page=1&limit=20", headers=auth)
    searched_small = statements_for(app, client, "get", URL + "?limit=999&level=1", headers=auth)
    add(20, 180)
    statements_for(app, client, "get", URL + "?page=1&limit=20", headers=auth)
    large = statements_for(app, client, "get", URL + "?page=1&limit=20", headers=auth)
    searched_large = statements_for(app, client, "get", URL + "?limit=999&level=1", headers=auth)
    body = client.get(URL, headers=auth).json
    assert body["total"] == 200 and len(body["data"]) == 200 and body["data"][5]["pcode_count"] == 1
    assert small == large and searched_small == searched_large


# ---- create ----------------------------------------------------------------------------------


def test_create_computes_pinyin_initials_level_and_stores_the_parent_code(client, app, tree, su):
    body = client.post(
        URL, json={"name": "朝阳区", "code": "110105", "pcode": tree.bj_city.id}, headers=su
    ).json
    assert list(body) == DETAIL_KEYS and body["code"] == 2000 and body["msg"] == "新增成功"
    data = body["data"]
    assert list(data) == ROW_KEYS
    assert (data["pcode"], data["level"], data["pinyin"], data["initials"], data["enable"]) == (
        "1101",
        3,
        "chaoyangqu",
        "C",
        True,
    )
    assert data["pcode_info"] == [{"name": "市辖区", "code": "1101"}]
    stored = area_row(app, data["id"])
    assert (stored.pcode_id, stored.level, stored.creator_id is not None) == ("1101", 3, True)


def test_create_a_province_ignores_sent_derived_columns(client, app, su):
    body = client.post(
        URL,
        json={"name": "Hong Kong", "code": "81", "pcode": None, "level": 7, "pinyin": "x", "enable": False},
        headers=su,
    ).json
    data = body["data"]
    assert (data["level"], data["pinyin"], data["initials"], data["pcode"], data["enable"]) == (
        1,
        "Hong Kong",
        "H",
        None,
        False,
    )
    assert client.post(URL, json={"name": "1号区", "code": "82"}, headers=su).json["data"]["initials"] == "#"


def test_bulk_create_may_chain_parents(client, app, su):
    first = client.post(URL, json=[{"name": "甲省", "code": "71"}], headers=su).json["data"][0]
    body = client.post(
        URL,
        json=[{"name": "乙市", "code": "7101", "pcode": first["id"]}, {"name": "丙省", "code": "72"}],
        headers=su,
    ).json
    assert [(d["code"], d["level"], d["pcode"]) for d in body["data"]] == [("7101", 2, "71"), ("72", 1, None)]


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"code": "19"}, "名称:该字段是必填项。"),
        ({"name": "  ", "code": "19"}, "名称:该字段不能为空。"),
        ({"name": "x"}, "地区编码:该字段是必填项。"),
        ({"name": "x" * 101, "code": "19"}, "名称:请确保这个字段不能超过 100 个字符。"),
        ({"name": "x", "code": "1" * 21}, "地区编码:请确保这个字段不能超过 20 个字符。"),
        ({"name": "x", "code": "19", "enable": "maybe"}, "是否启用:必须是有效的布尔值。"),
        ({"name": "x", "code": "19", "pcode": "abc"}, "父地区编码:请填写合法的整数值。"),
        ({"name": "x", "code": "19", "pcode": True}, "父地区编码:请填写合法的整数值。"),
        ({"name": "x", "code": "19", "pcode": 987654}, "父地区编码:无效主键 “987654” - 对象不存在。"),
    ],
)
def test_create_bad_input_names_the_field(client, app, tree, su, body, msg):
    before = count_areas(app)
    assert client.post(URL, json=body, headers=su).json == {"code": 4000, "data": None, "msg": msg}
    assert count_areas(app) == before


def test_create_refuses_a_taken_code_with_400(client, app, tree, su):
    before = count_areas(app)
    body = client.post(URL, json={"name": "重复", "code": "110101"}, headers=su).json
    assert body["code"] == 400 and "地区编码" in body["msg"] and "110101" in body["msg"]
    # a bulk body with one clash writes none of it
    body = client.post(
        URL, json=[{"name": "新", "code": "31"}, {"name": "新2", "code": "31"}], headers=su
    ).json
    assert body["code"] == 400 and count_areas(app) == before


# ---- retrieve / update -----------------------------------------------------------------------


def test_retrieve(client, tree, su):
    body = client.get(f"{URL}{tree.dc.id}/", headers=su).json
    assert list(body) == DETAIL_KEYS and body["msg"] == "获取成功"
    assert body["data"]["name"] == "东城区" and body["data"]["pcode_info"] == [
        {"name": "市辖区", "code": "1101"}
    ]


def test_the_spa_switch_puts_the_listed_row_back(client, app, tree, su):
    row = client.get(URL + "?pcode=1101", headers=su).json["data"][0]
    row["enable"] = False
    body = client.put(f"{URL}{row['id']}/", json=row, headers=su).json
    assert body["code"] == 2000 and body["msg"] == "更新成功"
    stored = area_row(app, tree.dc.id)
    assert (stored.enable, stored.pcode_id, stored.level, stored.name) == (False, "1101", 3, "东城区")


def test_rename_recomputes_pinyin(client, app, tree, su):
    body = client.patch(f"{URL}{tree.dc.id}/", json={"name": "东城新区"}, headers=su).json
    assert (body["data"]["pinyin"], body["data"]["initials"]) == ("dongchengxinqu", "D")
    assert area_row(app, tree.dc.id).pinyin == "dongchengxinqu"


def test_moving_an_area_relevels_its_subtree(client, app, tree, su):
    body = client.patch(f"{URL}{tree.bj_city.id}/", json={"pcode": tree.tj_city.id}, headers=su).json
    assert body["code"] == 2000 and (body["data"]["pcode"], body["data"]["level"]) == ("1201", 3)
    assert area_row(app, tree.dc.id).level == 4 and area_row(app, tree.xc.id).level == 4
    # and back to the top
    assert (
        client.patch(f"{URL}{tree.bj_city.id}/", json={"pcode": None}, headers=su).json["data"]["level"] == 1
    )
    assert (area_row(app, tree.dc.id).level, area_row(app, tree.bj_city.id).pcode_id) == (2, None)


def test_changing_a_code_carries_the_children(client, app, tree, su):
    body = client.patch(f"{URL}{tree.bj_city.id}/", json={"code": "1199"}, headers=su).json
    assert body["code"] == 2000 and body["data"]["pcode_count"] == 2
    assert area_row(app, tree.dc.id).pcode_id == "1199"
    assert names(client.get(URL + "?pcode=1199", headers=su).json) == ["东城区", "西城区"]


@pytest.mark.parametrize("target", ["bj_city", "dc", "bj"])
def test_update_refuses_itself_or_a_descendant_as_parent(client, app, tree, su, target):
    body = client.patch(f"{URL}{tree.bj.id}/", json={"pcode": getattr(tree, target).id}, headers=su).json
    assert body["code"] == 400 and body["msg"].startswith("父地区编码:")
    stored = area_row(app, tree.bj.id)
    assert (stored.pcode_id, stored.level) == (None, 1)


def test_update_refuses_a_taken_code_and_keeps_its_own(client, app, tree, su):
    body = client.put(f"{URL}{tree.dc.id}/", json={"name": "东城区", "code": "110102"}, headers=su).json
    assert body["code"] == 400 and "110102" in body["msg"]
    assert area_row(app, tree.dc.id).code == "110101"
    assert (
        client.put(f"{URL}{tree.dc.id}/", json={"name": "东城", "code": "110101"}, headers=su).json["code"]
        == 2000
    )


def test_put_needs_name(client, app, tree, su):
    body = client.put(f"{URL}{tree.dc.id}/", json={"code": "110101"}, headers=su).json
    assert body == {"code": 4000, "data": None, "msg": "名称:该字段是必填项。"}


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_unknown_id(client, tree, su, method):
    r = getattr(client, method)(f"{URL}987654/", json={"name": "x", "code": "1"}, headers=su)
    assert r.json == NOT_FOUND


# ---- delete ----------------------------------------------------------------------------------


def test_delete_a_leaf(client, app, tree, su):
    assert client.delete(f"{URL}{tree.xc.id}/", headers=su).json == {
        "code": 2000,
        "data": [],
        "msg": "删除成功",
    }
    assert area_row(app, tree.xc.id) is None


def test_delete_refuses_an_area_with_children(client, app, tree, su):
    body = client.delete(f"{URL}{tree.bj_city.id}/", headers=su).json
    assert body["code"] == 400 and "市辖区" in body["msg"] and "2个下级地区" in body["msg"]
    body = client.delete(
        URL + "multiple_delete/", json={"keys": [tree.bj.id, tree.bj_city.id]}, headers=su
    ).json
    assert body["code"] == 400
    assert area_row(app, tree.bj.id) is not None and area_row(app, tree.bj_city.id) is not None


def test_multiple_delete_a_whole_branch(client, app, tree, su):
    keys = [tree.bj.id, tree.bj_city.id, tree.dc.id, tree.xc.id]
    body = client.delete(URL + "multiple_delete/", json={"keys": keys}, headers=su).json
    assert list(body) == LIST_KEYS and body["msg"] == "删除成功"
    assert area_by_code(app, "11") is None and area_by_code(app, "110101") is None


def test_multiple_delete_needs_keys(client, tree, su):
    assert client.delete(URL + "multiple_delete/", json={}, headers=su).json == {
        "code": 400,
        "data": None,
        "msg": "未获取到keys字段",
    }
    assert client.delete(URL + "multiple_delete/", json={"keys": ["x"]}, headers=su).json["msg"] == (
        "keys:请填写合法的整数值。"
    )


def test_get_by_ids(client, tree, su):
    body = client.post(URL + "get_by_ids/", json={"ids": [tree.dc.id, tree.tj.id]}, headers=su).json
    assert sorted(r["name"] for r in body["data"]) == ["东城区", "天津市"]
    assert client.post(URL + "get_by_ids/", json={"ids": []}, headers=su).json["data"] is None


# ---- field_permission and column permissions -------------------------------------------------


def test_field_permission(client, app, login_as):
    name = make_field(app, "name")
    pinyin = make_field(app, "pinyin")
    make_field(app, "name", model="Role")
    r = client.get(URL + "field_permission/", headers=login_as(make_user(app, superuser=True)))
    everything = {"is_create": True, "is_query": True, "is_update": True}
    assert list(r.json) == DETAIL_KEYS and r.json["data"] == {"name": everything, "pinyin": everything}
    role = make_role(app)
    grant_field(app, role, name, is_query=True, is_create=False, is_update=False)
    grant_field(app, make_role(app), pinyin)
    user = make_user(app, roles=[role])  # no button: login only
    r = client.get(URL + "field_permission/", headers=login_as(user))
    assert r.json == {
        "code": 2000,
        "data": {"name": {"is_create": False, "is_query": True, "is_update": False}},
        "msg": "success",
    }


def test_a_column_without_is_update_may_be_sent_back_unchanged(client, app, tree, login_as):
    staff = staff_with(app, [(URL, 0), (URL + "{id}/", 2)])
    field = make_field(app, "pcode")
    grant_field(app, staff.role, field, is_query=True, is_create=False, is_update=False)
    auth = login_as(staff)
    row = client.get(URL + "?pcode=1101", headers=auth).json["data"][0]
    row["enable"] = False
    assert client.put(f"{URL}{row['id']}/", json=row, headers=auth).json["code"] == 2000
    row["pcode"] = tree.tj_city.id
    body = client.put(f"{URL}{row['id']}/", json=row, headers=auth).json
    assert body["code"] == 4000 and body["msg"].startswith("父地区编码:")
    assert area_row(app, tree.dc.id).pcode_id == "1101"
