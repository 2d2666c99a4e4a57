"""Envelope shapes, key order and the error table of differences.md."""

import json

import pytest

from tests.support.factories import make_role, make_user

ROLE_URL = "/api/probe/role/"


@pytest.fixture()
def admin(app):
    return make_user(app, "root", superuser=True)


def keys(response):
    return list(json.loads(response.get_data(as_text=True)).keys())


def test_paginated_list_has_the_original_keys_in_order(client, app, admin, login_as):
    make_role(app, "a")
    r = client.get(ROLE_URL, headers=login_as(admin))
    assert r.status_code == 200
    assert keys(r) == ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
    body = r.json
    assert body["code"] == 2000 and body["msg"] == "success"
    assert (body["page"], body["limit"], body["total"]) == (1, 10, 1)
    assert body["is_next"] is False and body["is_previous"] is False


def test_detail_keys_in_order(client, app, admin, login_as):
    role = make_role(app, "a")
    r = client.get(f"{ROLE_URL}{role.id}/", headers=login_as(admin))
    assert keys(r) == ["code", "data", "msg"]
    assert r.json["msg"] == "获取成功"
    assert r.json["data"]["key"] == "a"


def test_unpaginated_list_reports_real_counts(client, app, admin, login_as):
    r = client.delete(f"{ROLE_URL}multiple_delete/", json={"keys": []}, headers=login_as(admin))
    assert keys(r) == ["code", "page", "limit", "total", "data", "msg"]
    assert r.json["page"] == 1 and r.json["total"] == 0


def test_error_keys_in_order(client):
    r = client.post("/api/login/", json={})
    assert keys(r) == ["code", "data", "msg"]


def test_rows_carry_core_fields(client, app, admin, login_as):
    r = client.post(ROLE_URL, json={"name": "运营", "key": "ops"}, headers=login_as(admin))
    row = r.json["data"]
    assert r.json["msg"] == "新增成功"
    assert row["creator"] == admin.id and row["creator_name"] == admin.name
    assert row["modifier"] == str(admin.id) and row["modifier_name"] == admin.name
    assert row["dept_belong_id"] is None
    assert len(row["create_datetime"]) == 19 and row["create_datetime"][10] == " "
    assert "creator_id" not in row


def test_unknown_path_is_404_with_envelope(client, admin, login_as):
    r = client.get("/api/system/nope/", headers=login_as(admin))
    assert r.status_code == 404
    assert r.json == {"code": 404, "data": None, "msg": "接口地址不存在"}


def test_unknown_path_outside_api_is_404(client):
    r = client.get("/nothing-here")
    assert r.status_code == 404 and r.json["code"] == 404


def test_method_not_allowed(client):
    r = client.get("/api/login/")
    assert r.status_code == 200
    assert r.json == {"code": 4000, "data": None, "msg": "方法 “GET” 不被允许。"}


def test_path_without_trailing_slash_is_served(client):
    r = client.post("/api/login", json={})
    assert r.status_code == 200 and r.json["msg"] == "username:该字段是必填项。"


def test_malformed_json(client):
    r = client.post("/api/login/", data="{bad", content_type="application/json")
    assert r.status_code == 200 and r.json["code"] == 4000
    assert r.json["msg"].startswith("JSON 解析错误")


def test_wrong_content_type(client):
    r = client.post("/api/login/", data="username=a", content_type="text/plain")
    assert r.status_code == 200 and r.json["code"] == 4000
    assert "text/plain" in r.json["msg"]


def test_body_over_the_limit(client, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    r = client.post("/api/login/", data=big, content_type="application/json")
    assert r.status_code == 200
    assert r.json == {"code": 4000, "data": None, "msg": "请求体过大"}


def test_unexpected_error_hides_internals(client, admin, login_as, caplog):
    r = client.get(f"{ROLE_URL}boom/", headers=login_as(admin))
    assert r.status_code == 500
    rid = r.headers["X-Request-ID"]
    assert len(rid) == 32
    assert r.json == {"code": 500, "data": None, "msg": f"服务器内部错误（请求编号 {rid}）"}
    assert "hunter2" not in r.get_data(as_text=True)
    assert any(rid in rec.getMessage() for rec in caplog.records)


def test_validation_names_the_field_with_its_label(client, admin, login_as):
    r = client.post(ROLE_URL, json={"key": "k"}, headers=login_as(admin))
    assert r.json == {"code": 4000, "data": None, "msg": "角色名称:该字段是必填项。"}
    r = client.post(ROLE_URL, json={"name": "n", "key": "k" * 65}, headers=login_as(admin))
    assert r.json["msg"] == "权限字符:请确保这个字段不能超过 64 个字符。"
    r = client.post(ROLE_URL, json={"name": "n", "key": "k", "sort": "abc"}, headers=login_as(admin))
    assert r.json["msg"] == "角色顺序:请填写合法的整数值。"


def test_a_json_array_where_an_object_is_expected(client):
    r = client.post("/api/login/", json=[{"username": "a", "password": "b"}])
    assert r.json["code"] == 4000 and "JSON 对象" in r.json["msg"]


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("post", ROLE_URL + "get_by_ids/", {"json": {"ids": [1e400]}}),
        ("delete", ROLE_URL + "multiple_delete/", {"json": {"keys": [10**30]}}),
        ("post", ROLE_URL, {"json": {"name": "a", "key": "b", "sort": 99999999999999999999}}),
        ("post", ROLE_URL, {"json": {"name": "a", "key": "b", "sort": 3000000000}}),
        ("post", ROLE_URL, {"json": {"name": "a", "key": "b", "sort": -1e300}}),
        ("get", ROLE_URL + "?id=99999999999999999999", {}),
        ("get", ROLE_URL + "?sort=-99999999999999999999", {}),
        ("get", ROLE_URL + "99999999999999999999/", {}),
        ("post", ROLE_URL, {"data": '{"name":"a","key":"b\\ud800"}', "content_type": "application/json"}),
        ("post", ROLE_URL, {"data": "[" * 100000, "content_type": "application/json"}),
        ("post", ROLE_URL, {"data": '{"a":' * 50000, "content_type": "application/json"}),
        ("post", ROLE_URL, {"data": b"\xff\xfe", "content_type": "application/json"}),
        ("post", ROLE_URL, {"json": 5}),
        ("post", ROLE_URL, {"json": None}),
        ("get", ROLE_URL + "?create_datetime_after=2020-13-45", {}),
        ("get", ROLE_URL + "?page=" + "9" * 5000, {}),
    ],
)
def test_malformed_requests_never_answer_500(client, admin, login_as, method, url, kwargs):
    r = getattr(client, method)(url, headers=login_as(admin), **kwargs)
    assert r.status_code in (200, 404), r.get_data(as_text=True)[:300]
    assert r.json["code"] in (2000, 400, 4000, 404)
    assert "Traceback" not in r.get_data(as_text=True)


def test_json_scalar_body_message(client, admin, login_as):
    assert (
        client.post(ROLE_URL, json=5, headers=login_as(admin)).json["msg"] == "数据格式错误：应为 JSON 对象"
    )


def test_double_slash_is_a_404_envelope(client):
    r = client.get("/api//login/")
    assert r.status_code == 404 and r.json["code"] == 404


def test_database_range_errors_are_4000(client, app, admin, login_as):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite integers are 64-bit: the database refuses nothing here")
    r = client.post(ROLE_URL, json={"name": "a", "key": "b", "sort": 3000000000}, headers=login_as(admin))
    assert r.json == {"code": 4000, "data": None, "msg": "数据超出范围或格式不正确"}
    assert client.get(ROLE_URL, headers=login_as(admin)).json["total"] == 0
