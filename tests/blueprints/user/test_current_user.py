"""The current-user routes of contract §3.8 (differences #6, #9; decisions #18-#20)."""

import pytest
import sqlalchemy as sa

from app.core.passwords import check_hash, make_hash, md5_hex
from app.extensions import db
from tests.support.factories import make_dept, make_role, make_user, token_for

pytestmark = pytest.mark.fallback

BASE = "/api/system/user/"
ROUTES = [
    ("get", "user_info/"),
    ("put", "update_user_info/"),
    ("put", "change_password/"),
    ("post", "login_change_password/"),
]


def headers(token):
    return {"Authorization": f"JWT {token}"}


def stored(app, user_id):
    from blueprints.user.models import User

    with app.app_context():
        return db.session.get(User, user_id)


@pytest.fixture()
def alice(app):
    dept = make_dept(app, "技术部")
    roles = [make_role(app, "public", name="用户"), make_role(app, "off", name="停用角色", status=False)]
    return make_user(
        app, "alice", dept=dept, roles=roles, name="爱丽丝", mobile="13000000000", email="a@example.com"
    )


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_a_login(client, method, path):
    r = getattr(client, method)(BASE + path, json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_no_button_is_needed(client, app, method, path):
    user = make_user(app)
    r = getattr(client, method)(BASE + path, json={}, headers=headers(token_for(app, user)["access"]))
    assert r.json["msg"] != "您没有执行该操作的权限。"


def test_user_info(client, app, alice):
    r = client.get(BASE + "user_info/", headers=headers(token_for(app, alice)["access"]))
    assert list(r.json) == ["code", "data", "msg"] and r.json["msg"] == "获取成功"
    data = r.json["data"]
    assert list(data) == [
        "id",
        "username",
        "name",
        "mobile",
        "user_type",
        "gender",
        "email",
        "avatar",
        "dept",
        "is_superuser",
        "role",
        "pwd_change_count",
        "dept_info",
        "role_info",
    ]
    assert data["dept_info"] == {"dept_id": alice.dept_id, "dept_name": "技术部"}
    assert [r["key"] for r in data["role_info"]] == ["public", "off"]
    assert data["is_superuser"] is False and len(data["role"]) == 2
    assert "password" not in data


def test_user_info_without_dept(client, app):
    user = make_user(app)
    data = client.get(BASE + "user_info/", headers=headers(token_for(app, user)["access"])).json["data"]
    assert data["dept_info"] == {"dept_id": None, "dept_name": "暂无部门"} and data["role_info"] == []


def test_update_user_info(client, app, alice):
    h = headers(token_for(app, alice)["access"])
    body = {
        "name": "新名字",
        "mobile": "13111111111",
        "email": "n@example.com",
        "gender": 2,
        "avatar": "media/a.png",
        "username": "hacker",
        "is_superuser": True,
        "role": [999],
    }
    r = client.put(BASE + "update_user_info/", json=body, headers=h)
    assert r.json == {"code": 2000, "data": None, "msg": "修改成功"}
    row = stored(app, alice.id)
    assert (row.name, row.mobile, row.email, row.gender, row.avatar) == (
        "新名字",
        "13111111111",
        "n@example.com",
        2,
        "media/a.png",
    )
    assert row.username == "alice" and row.is_superuser is False


def test_update_user_info_bad_input(client, app, alice):
    make_user(app, "bob", mobile="13999999999")
    h = headers(token_for(app, alice)["access"])
    assert (
        client.put(BASE + "update_user_info/", json={"mobile": "1"}, headers=h).json["msg"]
        == "姓名:该字段是必填项。"
    )
    assert (
        client.put(BASE + "update_user_info/", json={"name": "x", "email": "nope"}, headers=h).json["msg"]
        == "邮箱:请输入合法的邮件地址。"
    )
    assert (
        client.put(BASE + "update_user_info/", json={"name": "x", "gender": 7}, headers=h).json["code"]
        == 4000
    )
    r = client.put(BASE + "update_user_info/", json={"name": "x", "mobile": "13999999999"}, headers=h)
    assert r.json == {"code": 400, "data": None, "msg": "手机号必须唯一"}
    assert stored(app, alice.id).name == "爱丽丝"


def test_unchanged_mobile_is_not_checked(client, app, alice):
    make_user(app, "twin", mobile="13000000000")
    h = headers(token_for(app, alice)["access"])
    assert (
        client.put(BASE + "update_user_info/", json={"name": "x", "mobile": "13000000000"}, headers=h).json[
            "code"
        ]
        == 2000
    )


def test_change_password(client, app, alice):
    first, second = token_for(app, alice), token_for(app, alice)
    h = headers(first["access"])
    body = {"oldPassword": alice.password, "newPassword": "N3wpassword", "newPassword2": "N3wpassword"}
    r = client.put(BASE + "change_password/", json=body, headers=h)
    assert r.json == {"code": 2000, "data": None, "msg": "修改成功"}
    row = stored(app, alice.id)
    assert check_hash(md5_hex("N3wpassword"), row.password) and row.pwd_change_count == 1
    # every token of the user is revoked, the presented one too
    for token in (first["access"], second["access"]):
        assert client.get(BASE + "user_info/", headers=headers(token)).status_code == 401
    assert client.post("/token/refresh/", json={"refresh": second["refresh"]}).status_code == 401
    assert (
        client.post("/api/login/", json={"username": "alice", "password": alice.password}).json["code"]
        == 4000
    )
    assert (
        client.post("/api/login/", json={"username": "alice", "password": md5_hex("N3wpassword")}).json[
            "code"
        ]
        == 2000
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"oldPassword": "x", "newPassword": "N3wpassword"},
            {"code": 400, "data": None, "msg": "参数不能为空"},
        ),
        (
            {"oldPassword": "x", "newPassword": "N3wpassword", "newPassword2": "other1234"},
            {"code": 400, "data": None, "msg": "两次密码不匹配"},
        ),
        (
            {"oldPassword": "wrong", "newPassword": "N3wpassword", "newPassword2": "N3wpassword"},
            {"code": 400, "data": None, "msg": "旧密码不正确"},
        ),
    ],
)
def test_change_password_refusals(client, app, alice, body, expected):
    before = stored(app, alice.id).password
    assert (
        client.put(
            BASE + "change_password/", json=body, headers=headers(token_for(app, alice)["access"])
        ).json
        == expected
    )
    assert stored(app, alice.id).password == before


@pytest.mark.parametrize("weak", ["short1", "onlyletters", "1234567890", "a1" * 16])
def test_change_password_policy(client, app, alice, weak):
    body = {"oldPassword": alice.password, "newPassword": weak, "newPassword2": weak}
    r = client.put(BASE + "change_password/", json=body, headers=headers(token_for(app, alice)["access"]))
    assert r.json["code"] == 4000 and r.json["msg"].startswith("newPassword:")


def test_change_password_accepts_the_old_md5_layers(client, app):
    user = make_user(app, "layered", stored_hash=make_hash(md5_hex(md5_hex("Old12345"))))
    body = {"oldPassword": "Old12345", "newPassword": "N3wpassword", "newPassword2": "N3wpassword"}
    assert (
        client.put(
            BASE + "change_password/", json=body, headers=headers(token_for(app, user)["access"])
        ).json["code"]
        == 2000
    )


def test_login_change_password_keeps_the_presented_token(client, app, alice):
    presented, other = token_for(app, alice), token_for(app, alice)
    new = md5_hex("N3wpassword")
    body = {"username": "alice", "password": new, "password_regain": new}
    r = client.post(BASE + "login_change_password/", json=body, headers=headers(presented["access"]))
    assert r.json == {"code": 2000, "data": None, "msg": "修改成功"}
    assert (
        client.get(BASE + "user_info/", headers=headers(presented["access"])).json["data"]["pwd_change_count"]
        == 1
    )
    assert client.get(BASE + "user_info/", headers=headers(other["access"])).status_code == 401
    assert client.post("/api/login/", json={"username": "alice", "password": new}).json["code"] == 2000
    again = client.post(BASE + "login_change_password/", json=body, headers=headers(presented["access"]))
    assert again.json == {"code": 400, "data": None, "msg": "无需修改初始密码"}


def test_login_change_password_refusals(client, app, alice):
    h = headers(token_for(app, alice)["access"])
    r = client.post(
        BASE + "login_change_password/",
        json={"username": "bob", "password": "a", "password_regain": "a"},
        headers=h,
    )
    assert r.json["code"] == 4000 and r.json["msg"].startswith("username:")
    r = client.post(
        BASE + "login_change_password/", json={"password": "a", "password_regain": "b"}, headers=h
    )
    assert r.json == {"code": 400, "data": None, "msg": "两次密码不匹配"}
    assert stored(app, alice.id).pwd_change_count == 0


def test_no_response_contains_a_password_hash(client, app, alice):
    h = headers(token_for(app, alice)["access"])
    for r in (
        client.get(BASE + "user_info/", headers=h),
        client.post("/api/login/", json={"username": "alice", "password": alice.password}),
    ):
        assert "pbkdf2" not in r.get_data(as_text=True)
    with app.app_context():
        from blueprints.user.models import User

        assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 1


def test_wrong_old_passwords_are_throttled(client, app, alice):
    h = headers(token_for(app, alice)["access"])
    body = {"oldPassword": "wrong", "newPassword": "N3wpassword", "newPassword2": "N3wpassword"}
    answers = [client.put(BASE + "change_password/", json=body, headers=h).json["msg"] for _ in range(6)]
    assert answers[:5] == ["旧密码不正确"] * 5
    assert answers[5].startswith("尝试次数过多")
    right = {**body, "oldPassword": alice.password}
    assert client.put(BASE + "change_password/", json=right, headers=h).json["msg"].startswith("尝试次数过多")
