"""``/api/system/login_log/`` and ``/api/system/operation_log/``: read-only, scoped; ``purge-logs``."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.timeutil import local_now
from app.extensions import db
from blueprints.log.models import LoginLog, OperationLog
from tests.support.factories import grant, make_button, make_dept, make_role, make_user
from tests.support.queries import statements_for

NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
LOGIN_URL = "/api/system/login_log/"
OP_URL = "/api/system/operation_log/"
LOGIN_KEYS = {
    "id", "modifier_name", "creator_name", "create_datetime", "update_datetime", "description",
    "modifier", "dept_belong_id", "username", "ip", "agent", "browser", "os", "continent", "country",
    "province", "city", "district", "isp", "area_code", "country_english", "country_code", "longitude",
    "latitude", "login_type", "creator", "status", "msg",
}  # fmt: skip
OP_KEYS = {
    "id", "modifier_name", "creator_name", "create_datetime", "update_datetime", "description",
    "modifier", "dept_belong_id", "request_modular", "request_path", "request_body", "request_method",
    "request_msg", "request_ip", "request_browser", "response_code", "request_os", "json_result",
    "status", "creator",
}  # fmt: skip
PAGE_KEYS = ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]


def add_login_log(app, user=None, dept=None, when=None, **fields):
    with app.app_context():
        row = LoginLog(
            username=fields.pop("username", getattr(user, "username", "someone")),
            ip=fields.pop("ip", "127.0.0.1"),
            agent="PC / Linux / Chrome 120.0",
            browser="Chrome 120.0",
            os="Linux",
            login_type=fields.pop("login_type", 1),
            status=True,
            msg="登录成功",
            creator_id=getattr(user, "id", None),
            dept_belong_id=str(getattr(dept, "id", dept)) if dept is not None else None,
            **{k: "" for k in ("continent", "country", "province", "city", "district", "isp")},
            **fields,
        )
        if when is not None:
            row.create_datetime = row.update_datetime = when
        db.session.add(row)
        db.session.commit()
        return row.id


def add_op_log(app, user=None, dept=None, when=None, **fields):
    with app.app_context():
        row = OperationLog(
            request_modular=fields.pop("request_modular", "用户表"),
            request_path=fields.pop("request_path", "/api/system/user/"),
            request_body='{"username": "x"}',
            request_method=fields.pop("request_method", "POST"),
            request_ip="127.0.0.1",
            request_browser="Chrome 120.0",
            request_os="Linux",
            response_code=fields.pop("response_code", "2000"),
            json_result='{"code": 2000, "msg": "新增成功"}',
            status=fields.pop("status", True),
            creator_id=getattr(user, "id", None),
            dept_belong_id=str(getattr(dept, "id", dept)) if dept is not None else None,
            **fields,
        )
        if when is not None:
            row.create_datetime = row.update_datetime = when
        db.session.add(row)
        db.session.commit()
        return row.id


def assert_untouched(app, model, row_id):
    """The row is still there as it was, and nothing forged was added (the request's own
    operation-log row aside)."""
    with app.app_context():
        row = db.session.get(model, row_id)
        assert row is not None and row.status is True
        forged = db.session.execute(
            sa.select(sa.func.count())
            .select_from(model)
            .where((model.username == "forged") if model is LoginLog else (model.request_path == "/forged/"))
        ).scalar_one()
        assert forged == 0
        if model is LoginLog:
            assert count(app, model) == 1


def count(app, model):
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


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


def staff(app, dept, api, method=0, data_range=3):
    role = make_role(app)
    grant(app, role, make_button(app, api, method), data_range)
    return make_user(app, dept=dept, roles=[role])


KINDS = [
    (LOGIN_URL, add_login_log, LoginLog, LOGIN_KEYS),
    (OP_URL, add_op_log, OperationLog, OP_KEYS),
]
ROUTES = [("", ""), ("{id}/", "{id}/")]


@pytest.mark.parametrize(("url", "add", "_model", "_keys"), KINDS)
@pytest.mark.parametrize(("path", "_api"), ROUTES)
def test_no_token(client, app, url, add, _model, _keys, path, _api):
    row_id = add(app)
    r = client.get(url + path.format(id=row_id))
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("url", "add", "_model", "_keys"), KINDS)
@pytest.mark.parametrize(("path", "_api"), ROUTES)
def test_no_button(client, app, login_as, url, add, _model, _keys, path, _api):
    row_id = add(app)
    r = client.get(url + path.format(id=row_id), headers=login_as(make_user(app)))
    assert r.status_code == 200 and r.json == NO_BUTTON


@pytest.mark.parametrize(("url", "add", "_model", "keys"), KINDS)
def test_list_shape(client, app, org, su, url, add, _model, keys):
    user, auth = su
    first = add(app, user, org["root"])
    second = add(app, user, org["root"])
    r = client.get(url + "?page=1&limit=5", headers=auth)
    assert r.status_code == 200 and list(r.json) == PAGE_KEYS
    assert r.json["total"] == 2 and r.json["msg"] == "success"
    assert [row["id"] for row in r.json["data"]] == [second, first]  # newest first
    row = r.json["data"][0]
    assert set(row) == keys
    assert row["creator"] == user.id and row["creator_name"] == user.name
    assert row["dept_belong_id"] == str(org["root"].id)
    assert isinstance(row["create_datetime"], str) and len(row["create_datetime"]) == 19


@pytest.mark.parametrize(("url", "add", "_model", "keys"), KINDS)
def test_retrieve(client, app, org, su, url, add, _model, keys):
    user, auth = su
    row_id = add(app, user, org["root"])
    r = client.get(f"{url}{row_id}/", headers=auth)
    assert list(r.json) == ["code", "data", "msg"] and r.json["msg"] == "获取成功"
    assert set(r.json["data"]) == keys and r.json["data"]["id"] == row_id
    missing = client.get(f"{url}{row_id + 1000}/", headers=auth)
    assert missing.json == {"code": 400, "data": None, "msg": "接口地址不正确"}


@pytest.mark.parametrize(("url", "add", "model", "_keys"), KINDS)
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", ""), ("put", "{id}/"), ("patch", "{id}/"), ("delete", "{id}/")],
)
def test_logs_cannot_be_written(client, app, org, su, url, add, model, _keys, method, path):
    _user, auth = su
    row_id = add(app, None, org["root"])
    body = {"username": "forged", "request_path": "/forged/", "status": False}
    r = getattr(client, method)(url + path.format(id=row_id), json=body, headers=auth)
    assert r.status_code == 200
    assert r.json == {"code": 4000, "data": None, "msg": f"方法 “{method.upper()}” 不被允许。"}
    assert_untouched(app, model, row_id)


@pytest.mark.parametrize(("url", "add", "model", "_keys"), KINDS)
def test_multiple_delete_does_not_exist(client, app, org, su, url, add, model, _keys):
    _user, auth = su
    row_id = add(app, None, org["root"])
    r = client.delete(url + "multiple_delete/", json={"keys": [row_id]}, headers=auth)
    assert r.json["code"] in (404, 4000) and r.json["code"] != 2000
    assert_untouched(app, model, row_id)


def test_login_log_filters(client, app, org, su):
    _user, auth = su
    add_login_log(app, username="alice", login_type=1, ip="10.0.0.1")
    add_login_log(app, username="bob", login_type=2, ip="10.0.0.2")
    add_login_log(app, username="malice", login_type=1, ip="10.0.0.3", when=datetime(2020, 1, 5, 10))

    def names(query):
        r = client.get(LOGIN_URL + "?limit=50&" + query, headers=auth)
        assert r.json["code"] == 2000, r.json
        return sorted(row["username"] for row in r.json["data"])

    assert names("username=lic") == ["alice", "malice"]  # strings: icontains
    assert names("login_type=2") == ["bob"]  # others: exact
    assert names("ip=10.0.0") == ["alice", "bob", "malice"]
    assert names("create_datetime_before=2020-01-05") == ["malice"]  # the whole day
    assert names("create_datetime_after=2021-01-01") == ["alice", "bob"]
    assert names("ordering=username") == ["alice", "bob", "malice"]


def test_operation_log_filters(client, app, su):
    _user, auth = su
    add_op_log(app, request_path="/api/system/user/", request_method="POST", status=True)
    add_op_log(
        app, request_path="/api/system/role/", request_method="DELETE", status=False, response_code="4000"
    )

    def paths(query):
        r = client.get(OP_URL + "?" + query, headers=auth)
        assert r.json["code"] == 2000, r.json
        return sorted(row["request_path"] for row in r.json["data"])

    assert paths("request_path=ROLE") == ["/api/system/role/"]
    assert paths("status=False") == ["/api/system/role/"]
    assert paths("request_method=post") == ["/api/system/user/"]
    assert paths("response_code=2000") == ["/api/system/user/"]


@pytest.mark.parametrize(
    ("url", "query", "msg"),
    [
        (LOGIN_URL, "login_type=abc", "login_type:请填写合法的整数值。"),
        (OP_URL, "status=maybe", "status:必须是有效的布尔值。"),
        (LOGIN_URL, "create_datetime_after=yesterday", "create_datetime_after:日期时间格式错误。"),
        (OP_URL, "page=0", "page:请填写合法的整数值。"),
    ],
)
def test_bad_filters_name_the_field(client, su, url, query, msg):
    _user, auth = su
    r = client.get(url + "?" + query, headers=auth)
    assert r.status_code == 200 and r.json["code"] == 4000 and r.json["msg"] == msg


@pytest.mark.parametrize(("url", "add", "_model", "_keys"), KINDS)
def test_data_scope(client, app, org, login_as, url, add, _model, _keys):
    other = make_user(app, dept=org["ops"])
    own = add(app, other, org["ops"])
    hidden = add(app, other, org["tech"])
    reader = staff(app, org["tech"], url, 0, data_range=2)
    auth = login_as(reader)
    r = client.get(url, headers=auth)
    assert [row["id"] for row in r.json["data"]] == [hidden]
    item_reader = staff(app, org["ops"], url + "{id}/", 0, data_range=2)
    item_auth = login_as(item_reader)
    assert client.get(f"{url}{own}/", headers=item_auth).json["code"] == 2000
    assert client.get(f"{url}{hidden}/", headers=item_auth).json == {
        "code": 400,
        "data": None,
        "msg": "接口地址不正确",
    }


@pytest.mark.parametrize(("url", "add", "_model", "_keys"), KINDS)
def test_own_only_range_sees_own_rows(client, app, org, login_as, url, add, _model, _keys):
    reader = staff(app, org["tech"], url, 0, data_range=0)
    mine = add(app, reader, org["tech"])
    add(app, make_user(app, dept=org["tech"]), org["tech"])
    r = client.get(url, headers=login_as(reader))
    assert [row["id"] for row in r.json["data"]] == [mine]


@pytest.mark.parametrize(("url", "add", "_model", "_keys"), KINDS)
def test_list_statement_count_does_not_grow(client, app, org, su, url, add, _model, _keys):
    _user, auth = su
    users = [make_user(app, dept=org["root"]) for _ in range(3)]
    for n in range(200):
        add(app, users[n % 3], org["root"])
    statements_for(app, client, "get", url + "?limit=1", headers=auth)
    small = statements_for(app, client, "get", url + "?limit=20", headers=auth)
    large = statements_for(app, client, "get", url + "?limit=200", headers=auth)
    assert small == large


def test_field_permission_is_login_only(client, app, org, login_as):
    from blueprints.menu.models import MenuField

    with app.app_context():
        from blueprints.menu.models import Menu

        menu = Menu(name="登录日志", sort=1)
        db.session.add(menu)
        db.session.flush()
        db.session.add(MenuField(model="LoginLog", menu_id=menu.id, field_name="ip", title="登录ip"))
        db.session.commit()
    from app.core.permissions import bump_permission_version

    with app.test_request_context():
        bump_permission_version()
    url = LOGIN_URL + "field_permission/"
    assert client.get(url).status_code == 401
    plain = client.get(url, headers=login_as(make_user(app, dept=org["tech"])))
    assert plain.json == {"code": 2000, "data": {}, "msg": "success"}
    root = client.get(url, headers=login_as(make_user(app, superuser=True)))
    assert root.json["data"] == {"ip": {"is_create": True, "is_query": True, "is_update": True}}


def test_operation_log_has_no_field_permission_route(client, su):
    _user, auth = su
    r = client.get(OP_URL + "field_permission/", headers=auth)
    assert r.json["code"] != 2000


# ---- purge-logs ------------------------------------------------------------------------


def _aged(app, days):
    when = local_now() - timedelta(days=days)
    return add_login_log(app, when=when), add_op_log(app, when=when)


def _ids(app, model):
    with app.app_context():
        return set(db.session.execute(sa.select(model.id)).scalars())


def test_purge_deletes_rows_past_retention(app, runner):
    old = _aged(app, 200)
    older = _aged(app, 400)
    fresh = _aged(app, 10)
    result = runner.invoke(args=["purge-logs", "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert "login_log: deleted 2 rows" in result.output
    assert "operation_log: deleted 2 rows" in result.output
    assert _ids(app, LoginLog) == {fresh[0]} and _ids(app, OperationLog) == {fresh[1]}
    assert old and older


def test_purge_days_option_and_dry_run(app, runner):
    _aged(app, 40)
    fresh = _aged(app, 5)
    dry = runner.invoke(args=["purge-logs", "--days", "30", "--dry-run"])
    assert dry.exit_code == 0
    assert (
        "login_log: would delete 1 rows" in dry.output and "operation_log: would delete 1 rows" in dry.output
    )
    assert len(_ids(app, LoginLog)) == 2
    real = runner.invoke(args=["purge-logs", "--days", "30"])
    assert "login_log: deleted 1 rows" in real.output
    assert _ids(app, LoginLog) == {fresh[0]}


def test_purge_uses_the_retention_setting(app, runner, monkeypatch):
    _aged(app, 40)
    monkeypatch.setitem(app.config, "LOG_RETENTION_DAYS", 30)
    result = runner.invoke(args=["purge-logs"])
    assert "login_log: deleted 1 rows" in result.output
    assert _ids(app, LoginLog) == set()


def test_purge_zero_keeps_everything(app, runner, monkeypatch):
    _aged(app, 4000)
    monkeypatch.setitem(app.config, "LOG_RETENTION_DAYS", 0)
    result = runner.invoke(args=["purge-logs"])
    assert result.exit_code == 0 and "kept forever" in result.output
    assert len(_ids(app, LoginLog)) == 1
    again = runner.invoke(args=["purge-logs", "--days", "0"])
    assert "kept forever" in again.output and len(_ids(app, OperationLog)) == 1


def test_purge_refuses_negative_days(app, runner):
    result = runner.invoke(args=["purge-logs", "--days", "-1"])
    assert result.exit_code != 0
