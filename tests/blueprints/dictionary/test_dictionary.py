"""``/api/system/dictionary/``: CRUD, two levels, unique codes, no data scope, cache refresh."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.dictionary.helpers import dict_row, make_dict
from tests.blueprints.system_config.helpers import staff_with
from tests.support.factories import make_dept, make_user
from tests.support.queries import statements_for

URL = "/api/system/dictionary/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
ROUTES = [
    ("get", URL, "/api/system/dictionary/", 0),
    ("post", URL, "/api/system/dictionary/", 1),
    ("get", URL + "{id}/", "/api/system/dictionary/{id}/", 0),
    ("put", URL + "{id}/", "/api/system/dictionary/{id}/", 2),
    ("patch", URL + "{id}/", "/api/system/dictionary/{id}/", 2),
    ("delete", URL + "{id}/", "/api/system/dictionary/{id}/", 3),
    ("delete", URL + "multiple_delete/", "/api/system/dictionary/multiple_delete/", 3),
    ("post", URL + "get_by_ids/", "/api/system/dictionary/get_by_ids/", 1),
]
ROW_KEYS = {
    "id",
    "modifier_name",
    "creator_name",
    "create_datetime",
    "update_datetime",
    "description",
    "modifier",
    "dept_belong_id",
    "label",
    "value",
    "type",
    "color",
    "is_value",
    "status",
    "sort",
    "remark",
    "creator",
    "parent",
}


@pytest.fixture()
def root(app, login_as):
    return login_as(make_user(app, "root", superuser=True, dept=make_dept(app, "总部")))


def count(app):
    from blueprints.dictionary.models import Dictionary

    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Dictionary)).scalar_one()


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_token(client, app, method, url, _api, _m):
    target = make_dict(app, "gender")
    r = getattr(client, method)(url.format(id=target.id), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_button(client, app, login_as, method, url, _api, _m):
    target = make_dict(app, "gender")
    r = getattr(client, method)(url.format(id=target.id), json={}, headers=login_as(make_user(app)))
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert dict_row(app, target.id) is not None


@pytest.mark.parametrize(("method", "url", "api", "m"), ROUTES)
def test_with_the_button_each_route_answers(client, app, login_as, method, url, api, m):
    # No data scope here: a staff member of an unrelated dept with range 0 still reaches the rows.
    staff = staff_with(app, make_dept(app), [(api, m)], data_range=0)
    target = make_dict(app, "gender")
    bodies = {
        "post": {"value": "fresh", "label": "新字典", "ids": [target.id]},
        "put": {"value": "gender", "label": "改名"},
        "patch": {"label": "改名"},
        "delete": {"keys": [target.id]},
        "get": None,
    }
    r = getattr(client, method)(url.format(id=target.id), json=bodies[method], headers=login_as(staff))
    assert r.status_code == 200 and r.json["code"] == 2000, r.json


def test_list_shows_top_level_only_in_the_original_shape(client, app, root):
    parent = make_dict(app, "button_status_bool", label="启用/禁用-布尔值", sort=1)
    make_dict(app, "true", parent, label="启用", type=6, color="success")
    other = make_dict(app, "gender", label="性别", sort=2)
    r = client.get(URL + "?page=1&limit=20", headers=root)
    body = r.json
    assert list(body) == ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
    assert body["total"] == 2 and [row["id"] for row in body["data"]] == [parent.id, other.id]
    row = body["data"][0]
    assert set(row) == ROW_KEYS
    assert row["parent"] is None and row["value"] == "button_status_bool" and row["is_value"] is False
    assert row["creator_name"] is None and row["create_datetime"][4] == "-"


def test_list_of_a_dictionarys_values(client, app, root):
    parent = make_dict(app, "button_status_bool")
    yes = make_dict(app, "true", parent, label="启用", type=6, color="success", sort=1)
    no = make_dict(app, "false", parent, label="禁用", type=6, color="danger", sort=2)
    make_dict(app, "x", make_dict(app, "other"))
    body = client.get(f"{URL}?parent={parent.id}&page=1&limit=20", headers=root).json
    assert [row["id"] for row in body["data"]] == [yes.id, no.id]
    assert body["data"][0]["parent"] == parent.id and body["data"][0]["color"] == "success"


def test_list_search_is_over_label(client, app, root):
    make_dict(app, "gender", label="性别")
    make_dict(app, "user_type", label="用户类型")
    body = client.get(URL + "?search=性", headers=root).json
    assert [row["value"] for row in body["data"]] == ["gender"]
    assert client.get(URL + "?search=gender", headers=root).json["data"] == []


def test_list_paginates(client, app, root):
    for n in range(12):
        make_dict(app, f"d{n}", sort=n)
    body = client.get(URL + "?page=2&limit=5", headers=root).json
    assert body["total"] == 12 and [row["value"] for row in body["data"]] == ["d5", "d6", "d7", "d8", "d9"]
    assert body["is_next"] is True and body["is_previous"] is True


def test_bad_parent_filter_names_the_field(client, app, root):
    r = client.get(URL + "?parent=abc", headers=root)
    assert r.json["code"] == 4000 and r.json["msg"].startswith("parent:")


def test_list_costs_the_same_at_20_and_200_rows(client, app, root):
    from blueprints.dictionary.models import Dictionary

    def fill(n):
        with app.app_context():
            db.session.add_all(
                Dictionary(value=f"v{n}-{i}", label="x", type=0, is_value=False, status=True)
                for i in range(n)
            )
            db.session.commit()

    fill(200)
    statements_for(app, client, "get", URL + "?limit=1", headers=root)
    small = statements_for(app, client, "get", URL + "?limit=20", headers=root)
    large = statements_for(app, client, "get", URL + "?limit=200", headers=root)
    assert small == large


def test_create_returns_the_row(client, app, root):
    r = client.post(URL, json={"value": "color", "label": "颜色", "sort": 3}, headers=root)
    assert r.json["code"] == 2000 and r.json["msg"] == "新增成功"
    data = r.json["data"]
    assert set(data) == ROW_KEYS and data["value"] == "color" and data["type"] == 0 and data["status"] is True


def test_value_is_required(client, app, root):
    r = client.post(URL, json={"label": "颜色"}, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "字典编号:该字段是必填项。"}
    assert count(app) == 0


def test_bad_type_names_the_field(client, app, root):
    r = client.post(URL, json={"value": "x", "type": 9}, headers=root)
    assert r.json["code"] == 4000 and r.json["msg"].startswith("数据值类型:")


@pytest.mark.parametrize("value", ["gender", "GENDER", " gender "])
def test_duplicate_top_level_code_is_refused_in_any_case(client, app, root, value):
    make_dict(app, "gender")
    r = client.post(URL, json={"value": value, "label": "又一个"}, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "字典编号:字典编号不能重复"}
    assert count(app) == 1


def test_renaming_onto_another_code_is_refused(client, app, root):
    make_dict(app, "gender")
    other = make_dict(app, "user_type")
    r = client.put(f"{URL}{other.id}/", json={"value": "Gender"}, headers=root)
    assert r.json["msg"] == "字典编号:字典编号不能重复"
    assert dict_row(app, other.id).value == "user_type"
    assert (
        client.put(f"{URL}{other.id}/", json={"value": "user_type", "label": "用户类型"}, headers=root).json[
            "code"
        ]
        == 2000
    )


def test_duplicate_value_within_one_dictionary_is_refused(client, app, root):
    parent = make_dict(app, "gender")
    make_dict(app, "1", parent)
    r = client.post(URL, json={"value": "1", "label": "男", "parent": parent.id}, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "字典编号:同一字典下的值不能重复"}
    other = make_dict(app, "user_type")
    ok = client.post(URL, json={"value": "1", "label": "前台用户", "parent": other.id}, headers=root)
    assert ok.json["code"] == 2000 and ok.json["data"]["parent"] == other.id
    # a child value may equal a top-level code
    assert client.post(URL, json={"value": "gender", "parent": other.id}, headers=root).json["code"] == 2000


def test_parent_must_exist(client, app, root):
    r = client.post(URL, json={"value": "x", "parent": 999999}, headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "父级:无效主键 “999999” - 对象不存在。"}


def test_a_dictionary_cannot_be_its_own_parent(client, app, root):
    row = make_dict(app, "gender")
    r = client.put(f"{URL}{row.id}/", json={"value": "gender", "parent": row.id}, headers=root)
    assert r.json["code"] == 4000 and r.json["msg"] == "父级:不能选择自己作为父级"
    assert dict_row(app, row.id).parent_id is None


def test_a_dictionary_cannot_move_below_its_own_value(client, app, root):
    parent = make_dict(app, "gender")
    child = make_dict(app, "1", parent)
    r = client.put(f"{URL}{parent.id}/", json={"value": "gender", "parent": child.id}, headers=root)
    assert r.json["code"] == 4000
    assert dict_row(app, parent.id).parent_id is None


def test_no_third_level(client, app, root):
    child = make_dict(app, "1", make_dict(app, "gender"))
    r = client.post(URL, json={"value": "deep", "parent": child.id}, headers=root)
    assert r.json["msg"] == "父级:字典只有两级，不能选择字典值作为父级"


def test_a_dictionary_with_values_cannot_become_a_value(client, app, root):
    parent = make_dict(app, "gender")
    make_dict(app, "1", parent)
    other = make_dict(app, "user_type")
    r = client.put(f"{URL}{parent.id}/", json={"value": "gender", "parent": other.id}, headers=root)
    assert r.json["msg"] == "父级:该字典下还有字典值，不能移到其他字典之下"


def test_delete_a_dictionary_with_values_is_refused(client, app, root):
    parent = make_dict(app, "gender", label="性别")
    child = make_dict(app, "1", parent)
    r = client.delete(f"{URL}{parent.id}/", headers=root)
    assert r.json == {"code": 4000, "data": None, "msg": "字典“性别”下还有1个字典值，请先删除字典值"}
    assert dict_row(app, parent.id) is not None and dict_row(app, child.id) is not None
    r = client.delete(URL + "multiple_delete/", json={"keys": [parent.id]}, headers=root)
    assert r.json["code"] == 4000 and count(app) == 2


def test_delete_a_dictionary_together_with_its_values(client, app, root):
    parent = make_dict(app, "gender")
    child = make_dict(app, "1", parent)
    r = client.delete(URL + "multiple_delete/", json={"keys": [parent.id, child.id]}, headers=root)
    assert r.json == {"code": 2000, "page": 1, "limit": 0, "total": 0, "data": [], "msg": "删除成功"}
    assert count(app) == 0


def test_delete_a_value(client, app, root):
    child = make_dict(app, "1", make_dict(app, "gender"))
    assert client.delete(f"{URL}{child.id}/", headers=root).json == {
        "code": 2000,
        "data": [],
        "msg": "删除成功",
    }
    assert dict_row(app, child.id) is None


def test_unknown_id_is_400(client, app, root):
    r = client.get(f"{URL}999999/", headers=root)
    assert r.json == {"code": 400, "data": None, "msg": "接口地址不正确"}


def test_bulk_create(client, app, root):
    r = client.post(URL, json=[{"value": "a"}, {"value": "b"}], headers=root)
    assert r.json["code"] == 2000 and [row["value"] for row in r.json["data"]] == ["a", "b"]
    r = client.post(URL, json=[{"value": "c"}, {"value": "A"}], headers=root)
    assert r.json["msg"] == "字典编号:字典编号不能重复" and count(app) == 2


def test_every_write_refreshes_the_init_dictionary(client, app, root):
    parent = make_dict(app, "gender")
    url = "/api/init/dictionary/?dictionary_key=all"
    assert client.get(url, headers=root).json["data"] == [
        {"id": parent.id, "value": "gender", "children": []}
    ]
    created = client.post(
        URL, json={"value": "1", "label": "男", "parent": parent.id, "type": 1}, headers=root
    )
    child = {"label": "男", "value": "1", "type": 1, "color": None}
    assert client.get(url, headers=root).json["data"][0]["children"] == [child]
    client.put(
        f"{URL}{created.json['data']['id']}/", json={"value": "1", "label": "男性", "type": 1}, headers=root
    )
    assert client.get(url, headers=root).json["data"][0]["children"][0]["label"] == "男性"
    client.delete(f"{URL}{created.json['data']['id']}/", headers=root)
    assert client.get(url, headers=root).json["data"][0]["children"] == []
    client.put(f"{URL}{parent.id}/", json={"value": "gender", "status": False}, headers=root)
    assert client.get(url, headers=root).json["data"] == []
