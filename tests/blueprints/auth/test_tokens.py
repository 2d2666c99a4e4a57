"""Token checks, refresh rotation, reuse detection, logout and revocation (differences #5-#6)."""

import time

import jwt as pyjwt
import pytest

from tests.support.factories import make_user, token_for

pytestmark = pytest.mark.fallback

INFO = "/api/system/user/user_info/"


@pytest.fixture()
def user(app):
    return make_user(app, "alice")


def auth(token, prefix="JWT"):
    return {"Authorization": f"{prefix} {token}"}


@pytest.mark.parametrize("prefix", ["JWT", "Bearer", "jwt", "bearer"])
def test_both_prefixes_in_any_case(client, app, user, prefix):
    token = token_for(app, user)["access"]
    assert client.get(INFO, headers=auth(token, prefix)).json["code"] == 2000


def test_no_token_is_http_401(client):
    r = client.get(INFO)
    assert r.status_code == 401 and r.json == {"code": 401, "data": None, "msg": "身份认证信息未提供。"}


@pytest.mark.parametrize("header", ["JWT garbage", "Bearer a.b.c", "Token abc", "JWT"])
def test_bad_tokens_are_http_401(client, header):
    r = client.get(INFO, headers={"Authorization": header})
    assert r.status_code == 401 and r.json["code"] == 401 and isinstance(r.json["msg"], str)


def test_token_signed_with_another_key(client, user):
    forged = pyjwt.encode(
        {
            "user_id": user.id,
            "token_type": "access",
            "type": "access",
            "jti": "a" * 32,
            "exp": time.time() + 60,
        },
        "x" * 40,
    )
    r = client.get(INFO, headers=auth(forged))
    assert r.status_code == 401 and r.json["msg"] == "登录已过期，请重新登录"


def test_expired_token(client, app, user):
    payload = {
        "user_id": user.id,
        "token_type": "access",
        "type": "access",
        "jti": "b" * 32,
        "fresh": False,
        "iat": time.time() - 100,
        "exp": time.time() - 10,
        "ver": 0,
        "fam": "f",
    }
    expired = pyjwt.encode(payload, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    r = client.get(INFO, headers=auth(expired))
    assert r.status_code == 401 and r.json["msg"] == "登录已过期，请重新登录"


def test_refresh_token_is_not_an_access_token(client, app, user):
    r = client.get(INFO, headers=auth(token_for(app, user)["refresh"]))
    assert r.status_code == 401


def test_inactive_or_deleted_user(client, app, user):
    from app.extensions import db
    from blueprints.user.models import User

    token = token_for(app, user)["access"]
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    r = client.get(INFO, headers=auth(token))
    assert r.status_code == 401 and r.json["msg"] == "账号已被禁用"
    with app.app_context():
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
    assert client.get(INFO, headers=auth(token)).status_code == 401


def test_refresh_rotates(client, app, user):
    pair = token_for(app, user)
    r = client.post("/token/refresh/", json={"refresh": pair["refresh"]})
    assert r.status_code == 200 and list(r.json) == ["access", "refresh"]
    assert r.json["refresh"] != pair["refresh"]
    assert client.get(INFO, headers=auth(r.json["access"])).json["code"] == 2000
    r2 = client.post("/token/refresh/", json={"refresh": r.json["refresh"]})
    assert r2.status_code == 200


def test_refresh_reuse_revokes_the_family(client, app, user):
    pair = token_for(app, user)
    first = client.post("/token/refresh/", json={"refresh": pair["refresh"]}).json
    reuse = client.post("/token/refresh/", json={"refresh": pair["refresh"]})
    assert reuse.status_code == 401 and reuse.json["msg"] == "登录状态已失效，请重新登录"
    # everything of that chain is gone: the rotated refresh and the access tokens
    assert client.post("/token/refresh/", json={"refresh": first["refresh"]}).status_code == 401
    assert client.get(INFO, headers=auth(first["access"])).status_code == 401
    assert client.get(INFO, headers=auth(pair["access"])).status_code == 401
    # another login (another family) is untouched
    other = token_for(app, user)
    assert client.get(INFO, headers=auth(other["access"])).json["code"] == 2000


def test_refresh_bad_input(client, app, user):
    assert client.post("/token/refresh/", json={}).json == {
        "code": 4000,
        "data": None,
        "msg": "refresh:该字段是必填项。",
    }
    r = client.post("/token/refresh/", json={"refresh": "nonsense"})
    assert r.status_code == 401 and r.json["code"] == 401
    access = token_for(app, user)["access"]
    assert client.post("/token/refresh/", json={"refresh": access}).status_code == 401


def test_logout_revokes_the_presented_token(client, app, user):
    pair = token_for(app, user)
    kept = token_for(app, user)["access"]
    r = client.post("/api/logout/", headers=auth(pair["access"]), json={"refresh": pair["refresh"]})
    assert r.json == {"code": 2000, "data": None, "msg": "注销成功"}
    r = client.get(INFO, headers=auth(pair["access"]))
    assert r.status_code == 401 and r.json["msg"] == "登录状态已失效，请重新登录"
    assert client.post("/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
    assert client.get(INFO, headers=auth(kept)).json["code"] == 2000


def test_logout_needs_a_token(client):
    assert client.post("/api/logout/").status_code == 401


@pytest.mark.needs_redis
def test_revocation_is_seen_by_a_second_instance(client, app, second_app, user):
    token = token_for(app, user)["access"]
    other = second_app.test_client()
    assert other.get(INFO, headers=auth(token)).json["code"] == 2000
    client.post("/api/logout/", headers=auth(token))
    assert other.get(INFO, headers=auth(token)).status_code == 401


@pytest.mark.needs_redis
def test_refresh_reuse_is_seen_by_a_second_instance(client, app, second_app, user):
    pair = token_for(app, user)
    assert client.post("/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 200
    assert (
        second_app.test_client().post("/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
    )


def test_a_kept_token_does_not_survive_a_later_revocation(client, app, user):
    from app.core.passwords import md5_hex

    token = token_for(app, user)["access"]
    new = md5_hex("N3wpassword")
    body = {"password": new, "password_regain": new}
    assert (
        client.post("/api/system/user/login_change_password/", json=body, headers=auth(token)).json["code"]
        == 2000
    )
    assert client.get(INFO, headers=auth(token)).json["code"] == 2000
    change = {"oldPassword": "N3wpassword", "newPassword": "An0therpass", "newPassword2": "An0therpass"}
    assert (
        client.put("/api/system/user/change_password/", json=change, headers=auth(token)).json["code"] == 2000
    )
    assert client.get(INFO, headers=auth(token)).status_code == 401


def test_tokens_without_our_claims_are_refused(client, app, user):
    secret = app.config["JWT_SECRET_KEY"]
    base = {
        "user_id": user.id,
        "jti": "c" * 32,
        "iat": time.time(),
        "exp": time.time() + 60,
        "fam": "f",
        "ver": 0,
    }
    # the original backend's shape (same key kept after a switch): no type, family or version
    original = {
        "token_type": "access",
        "user_id": user.id,
        "jti": "d" * 32,
        "iat": time.time(),
        "exp": time.time() + 60,
    }
    mismatch = {**base, "token_type": "refresh", "type": "access"}
    no_family = {k: v for k, v in {**base, "token_type": "access", "type": "access"}.items() if k != "fam"}
    for payload in (original, mismatch, no_family):
        forged = pyjwt.encode(payload, secret, algorithm="HS256")
        assert client.get(INFO, headers=auth(forged)).status_code == 401


def test_logout_also_ends_the_refresh_chain(client, app, user):
    pair = token_for(app, user)
    client.post("/api/logout/", headers=auth(pair["access"]))
    assert client.post("/token/refresh/", json={"refresh": pair["refresh"]}).status_code == 401
