"""The operation-log hook: one masked row per logged request, never a failure of the request."""

import io
import json

import pytest
import sqlalchemy as sa

from app.core import oplog
from app.extensions import db
from blueprints.log.models import OperationLog
from tests.support.factories import PASSWORD, make_dept, make_user

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"


def log_rows(app):
    with app.app_context():
        rows = db.session.execute(sa.select(OperationLog).order_by(OperationLog.id)).scalars().all()
        db.session.expunge_all()
        return rows


def all_text(rows):
    return "\n".join(
        " ".join(str(getattr(r, c.key)) for c in sa.inspect(OperationLog).column_attrs) for r in rows
    )


@pytest.fixture()
def su(app, login_as):
    dept = make_dept(app, "总部")
    user = make_user(app, "root", superuser=True, dept=dept)
    return user, login_as(user)


def test_a_write_gets_one_row_with_who_what_and_result(app, client, su):
    user, auth = su
    r = client.post(
        "/api/system/api_white_list/",
        json={"url": "/api/x/", "method": 0},
        headers={**auth, "User-Agent": UA},
    )
    assert r.json["code"] == 2000
    (row,) = log_rows(app)
    assert row.request_modular == "接口白名单"
    assert row.request_path == "/api/system/api_white_list/"
    assert row.request_method == "POST"
    assert json.loads(row.request_body) == {"url": "/api/x/", "method": 0}
    assert row.response_code == "2000" and row.status is True
    assert json.loads(row.json_result) == {"code": 2000, "msg": "新增成功"}
    assert row.creator_id == user.id and row.dept_belong_id == str(user.dept_id)
    assert row.modifier == str(user.id)
    assert row.request_browser.startswith("Chrome 120") and row.request_os.startswith("Linux")
    assert row.request_ip == "127.0.0.1" and row.request_msg is None
    assert row.create_datetime is not None


def test_get_is_not_logged_by_default(app, client, su):
    _user, auth = su
    assert client.get("/api/system/api_white_list/", headers=auth).json["code"] == 2000
    assert log_rows(app) == []


def test_all_logs_every_method_and_masks_query_args(app, client, su, monkeypatch):
    _user, auth = su
    monkeypatch.setitem(app.config, "API_LOG_METHODS", "ALL")
    client.get("/api/system/api_white_list/?url=x&token=abc123secret", headers=auth)
    (row,) = log_rows(app)
    assert row.request_method == "GET"
    assert "abc123secret" not in all_text([row])
    assert json.loads(row.request_body) == {"url": "x", "token": "******"}
    assert row.request_path == "/api/system/api_white_list/"


def test_methods_as_a_list(app, client, su, monkeypatch):
    _user, auth = su
    monkeypatch.setitem(app.config, "API_LOG_METHODS", ["put"])
    client.post("/api/system/api_white_list/", json={"url": "/api/x/"}, headers=auth)
    assert log_rows(app) == []


def test_change_password_leaves_no_password_in_any_row(app, client):
    user = make_user(app)
    auth = {"Authorization": "JWT " + _login(client, user)}
    secrets = {"oldPassword": PASSWORD, "newPassword": "N3wPassw0rdZ", "newPassword2": "N3wPassw0rdZ"}
    r = client.put("/api/system/user/change_password/", json=secrets, headers=auth)
    assert r.json["code"] == 2000, r.json
    rows = log_rows(app)
    text = all_text(rows)
    for value in secrets.values():
        assert value not in text
    change = [row for row in rows if row.request_path.endswith("change_password/")]
    assert len(change) == 1
    assert json.loads(change[0].request_body) == dict.fromkeys(secrets, "******")
    assert change[0].request_modular == "用户表"


def _login(client, user):
    from app.core.passwords import md5_hex

    r = client.post("/api/login/", json={"username": user.username, "password": md5_hex(user.password)})
    assert r.json["code"] == 2000, r.json
    return r.json["data"]["access"]


def test_login_rows_name_the_user_on_success_and_nobody_on_failure(app, client):
    dept = make_dept(app)
    user = make_user(app, dept=dept)
    _login(client, user)
    client.post("/api/login/", json={"username": user.username, "password": "wrong-password"})
    ok, failed = log_rows(app)
    assert ok.request_modular == failed.request_modular == "登录模块"
    assert ok.creator_id == user.id and ok.dept_belong_id == str(dept.id) and ok.status is True
    assert failed.creator_id is None and failed.dept_belong_id is None
    assert failed.status is False and failed.response_code == "4000"
    assert json.loads(failed.request_body) == {"username": user.username, "password": "******"}
    text = all_text([ok, failed])
    assert "wrong-password" not in text and "access" not in ok.json_result


def test_refresh_is_logged_without_its_tokens(app, client):
    user = make_user(app)
    from tests.support.factories import token_for

    tokens = token_for(app, user)
    r = client.post("/token/refresh/", json={"refresh": tokens["refresh"]})
    assert "access" in r.json
    (row,) = log_rows(app)
    assert row.request_path == "/token/refresh/" and row.response_code == "200" and row.status is True
    assert row.creator_id == user.id
    text = all_text([row])
    assert tokens["refresh"] not in text and r.json["access"] not in text and r.json["refresh"] not in text


def test_nested_secrets_are_masked_at_any_depth():
    body = {
        "username": "a",
        "profile": {"Password": "p1", "inner": [{"newPassword2": "p2", "ok": 1}, {"api_key": "k"}]},
        "password_regain": "p3",
        "refresh": "r",
        "ACCESS": "a1",
        "captchaKey": 5,
        "captcha": "12",
        "client_secret": "s",
        "x-auth-token": "t",
        "accessKey": "ak",
        "config": {"key": "oss_secret_key", "value": "v1"},
        "role": {"key": "admin", "value": "kept"},
        "keys": [1, 2],
    }
    masked = oplog.mask_secrets(body)
    text = json.dumps(masked)
    for secret in ("p1", "p2", "p3", '"r"', "a1", "12", '"s"', '"t"', "ak", "v1", '"k"'):
        assert secret not in text, secret
    assert masked["username"] == "a" and masked["profile"]["inner"][0]["ok"] == 1
    assert masked["captchaKey"] == "******" and masked["keys"] == [1, 2]
    assert masked["role"] == {"key": "admin", "value": "kept"}


def test_deep_nesting_is_cut_not_crashed():
    body: dict = {}
    node = body
    for _ in range(100):
        node["n"] = {}
        node = node["n"]
    node["password"] = "deep"
    assert "deep" not in json.dumps(oplog.mask_secrets(body))


def test_a_crashing_view_still_gets_a_row_with_500(app, client, su, monkeypatch):
    _user, auth = su
    from blueprints.whitelist import services

    def boom(*_args, **_kwargs):
        raise RuntimeError("internal detail password=hunter2")

    monkeypatch.setattr(services.WhiteListResource, "validate_write", boom)
    r = client.post(
        "/api/system/api_white_list/", json={"url": "/api/x/", "password": "hunter2"}, headers=auth
    )
    assert r.status_code == 500 and r.json["code"] == 500
    (row,) = log_rows(app)
    assert row.response_code == "500" and row.status is False
    assert "hunter2" not in all_text([row])


def test_a_crash_after_a_flush_is_logged_and_the_write_rolled_back(app, client, su, monkeypatch):
    _user, auth = su
    from blueprints.whitelist import services

    original = services.WhiteListResource.create

    def create_then_crash(self, data):
        from blueprints.whitelist.models import ApiWhiteList

        db.session.add(ApiWhiteList(url="/api/half/", method=0, enable_datasource=True))
        db.session.flush()
        raise RuntimeError("crash with an open transaction")

    monkeypatch.setattr(services.WhiteListResource, "create", create_then_crash)
    r = client.post("/api/system/api_white_list/", json={"url": "/api/x/"}, headers=auth)
    assert r.status_code == 500
    monkeypatch.setattr(services.WhiteListResource, "create", original)
    (row,) = log_rows(app)
    assert row.response_code == "500"
    from blueprints.whitelist.models import ApiWhiteList

    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(ApiWhiteList)).scalar_one() == 0


def test_a_logging_failure_does_not_change_the_response(app, client, su, monkeypatch, caplog):
    _user, auth = su

    def broken(_rows):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database gone"))

    monkeypatch.setattr(oplog, "insert_rows", broken)
    r = client.post("/api/system/api_white_list/", json={"url": "/api/x/"}, headers=auth)
    assert r.status_code == 200 and r.json["code"] == 2000 and r.json["msg"] == "新增成功"
    assert log_rows(app) == []
    assert "operation log: could not write" in caplog.text


def test_a_failure_while_building_the_row_does_not_change_the_response(app, client, su, monkeypatch, caplog):
    _user, auth = su

    def broken():
        raise ValueError("bad agent")

    monkeypatch.setattr(oplog, "request_body_text", broken)
    r = client.post("/api/system/api_white_list/", json={"url": "/api/x/"}, headers=auth)
    assert r.json["code"] == 2000
    assert log_rows(app) == []
    assert "operation log: could not build" in caplog.text


def test_no_user_agent_is_fine(app, client, su):
    _user, auth = su
    r = client.post(
        "/api/system/api_white_list/", json={"url": "/api/x/"}, headers={**auth, "User-Agent": ""}
    )
    assert r.json["code"] == 2000
    (row,) = log_rows(app)
    assert row.request_browser == "Other" and row.request_os == "Other"


def test_multipart_records_file_names_only(app, client, su, monkeypatch):
    _user, auth = su
    monkeypatch.setitem(app.config, "API_LOG_METHODS", ["POST"])
    content = b"FILE-CONTENT-SHOULD-NOT-BE-LOGGED"
    client.post(
        "/api/system/api_white_list/",
        data={"file": (io.BytesIO(content), "report.txt"), "password": "form-secret"},
        content_type="multipart/form-data",
        headers=auth,
    )
    (row,) = log_rows(app)
    text = all_text([row])
    assert "FILE-CONTENT" not in text and "form-secret" not in text


def test_large_bodies_are_truncated(app, client, su, monkeypatch):
    _user, auth = su
    monkeypatch.setitem(app.config, "API_LOG_BODY_MAX", 200)
    client.post(
        "/api/system/api_white_list/", json={"url": "/api/x/", "description": "x" * 5000}, headers=auth
    )
    (row,) = log_rows(app)
    assert len(row.request_body) < 300 and "已截断" in row.request_body


def test_non_json_bodies_are_not_stored(app, client, su):
    _user, auth = su
    client.post(
        "/api/system/api_white_list/", data="password=hunter2", content_type="text/plain", headers=auth
    )
    (row,) = log_rows(app)
    assert "hunter2" not in all_text([row]) and row.response_code == "4000"


def test_exactly_one_row_per_request(app, client, su):
    _user, auth = su
    for n in range(3):
        client.post("/api/system/api_white_list/", json={"url": f"/api/x{n}/"}, headers=auth)
    client.delete("/api/system/api_white_list/multiple_delete/", json={"keys": []}, headers=auth)
    rows = log_rows(app)
    assert [r.request_method for r in rows] == ["POST", "POST", "POST", "DELETE"]


def test_refused_requests_are_logged_too(app, client):
    r = client.post("/api/system/api_white_list/", json={"url": "/api/x/"})
    assert r.status_code == 401
    (row,) = log_rows(app)
    assert row.response_code == "401" and row.creator_id is None and row.status is False


def test_disabled_by_config(app, client, su, monkeypatch):
    _user, auth = su
    monkeypatch.setitem(app.config, "API_LOG_ENABLE", False)
    client.post("/api/system/api_white_list/", json={"url": "/api/x/"}, headers=auth)
    assert log_rows(app) == []


def test_paths_outside_the_api_are_not_logged(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_LOG_METHODS", "ALL")
    client.get("/healthz")
    assert log_rows(app) == []


def test_the_log_list_total_follows_new_rows(app, client, su):
    _user, auth = su
    assert client.get("/api/system/operation_log/", headers=auth).json["total"] == 0
    client.post("/api/system/api_white_list/", json={"url": "/api/x/"}, headers=auth)
    assert client.get("/api/system/operation_log/", headers=auth).json["total"] == 1


def test_modular_labels():
    assert oplog.modular_for("user") == "用户表"
    assert oplog.modular_for("auth") == "登录模块"
    assert oplog.modular_for(None) is None
    assert oplog.modular_for("no_such_blueprint") is None
    oplog.register_modular("my_plugin", "插件市场")
    assert oplog.modular_for("my_plugin") == "插件市场"


def test_parsed_multipart_is_recorded_by_file_name(app):
    data = {"file": (io.BytesIO(b"FILE-CONTENT"), "photo.png"), "name": "avatar", "password": "pw-secret"}
    with app.test_request_context(
        "/api/system/file/", method="POST", data=data, content_type="multipart/form-data"
    ):
        from flask import request

        assert request.files["file"].filename == "photo.png"  # the view read the upload
        body = json.loads(oplog.request_body_text())
    assert body == {"name": "avatar", "password": "******", "file": "photo.png"}


def test_more_secret_shapes_are_masked():
    from app.core.oplog import MASK, mask_secrets

    masked = mask_secrets(
        {"pass": "a", "oldpass": "b", "user_pass": "c", "data": '{"password": "hunter2", "ok": 1}'}
    )
    assert masked["pass"] == masked["oldpass"] == masked["user_pass"] == MASK
    assert "hunter2" not in masked["data"] and '"ok": 1' in masked["data"]
    assert mask_secrets({"value": "x", "title": "t"}, hide_values=True) == {"value": MASK, "title": "t"}
