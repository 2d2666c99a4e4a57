"""``POST /api/login/``, ``/api/captcha/`` and ``/api/token/`` (contract §3, differences #7-#10)."""

import time

import jwt as pyjwt
import pytest
import sqlalchemy as sa

from app.core.passwords import check_hash, make_hash, md5_hex, parse_hash
from app.extensions import db
from tests.conftest import make_app
from tests.support.factories import make_dept, make_role, make_user, set_config

pytestmark = pytest.mark.fallback

RAW = "admin123456"
UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
FAILED = {"code": 4000, "data": None, "msg": "账号或密码错误"}


def login(client, username, password, **extra):
    return client.post(
        "/api/login/", json={"username": username, "password": password, **extra}, headers={"User-Agent": UA}
    )


@pytest.fixture()
def seeded(app):
    dept = make_dept(app, "DVAdmin团队")
    role = make_role(app, "admin", name="管理员")
    # The hash the original's seed carries: Django pbkdf2_sha256 at 260000 over md5(raw).
    stored = make_hash(md5_hex(RAW), iterations=260000)
    assert stored.startswith("pbkdf2_sha256$260000$")
    return make_user(
        app, "superadmin", stored_hash=stored, dept=dept, roles=[role], superuser=True, name="超级管理员"
    )


def login_logs(app):
    from blueprints.log.models import LoginLog

    with app.app_context():
        return db.session.execute(sa.select(LoginLog).order_by(LoginLog.id)).scalars().all()


def test_login_with_md5_password(client, app, seeded):
    r = login(client, "superadmin", md5_hex(RAW))
    body = r.json
    assert list(body) == ["code", "msg", "data"]
    assert body["code"] == 2000 and body["msg"] == "请求成功"
    data = body["data"]
    assert list(data) == [
        "refresh",
        "access",
        "username",
        "name",
        "userId",
        "avatar",
        "user_type",
        "pwd_change_count",
        "dept_info",
        "role_info",
    ]
    assert data["username"] == "superadmin" and data["userId"] == seeded.id
    assert data["dept_info"] == {"dept_id": seeded.dept_id, "dept_name": "DVAdmin团队"}
    assert data["role_info"][0]["key"] == "admin" and set(data["role_info"][0]) == {"id", "name", "key"}
    claims = pyjwt.decode(data["access"], options={"verify_signature": False})
    assert claims["user_id"] == seeded.id and isinstance(claims["user_id"], int)
    assert claims["token_type"] == "access" and len(claims["jti"]) == 32
    assert int(claims["jti"], 16) >= 0
    assert claims["exp"] - claims["iat"] == 24 * 3600
    assert pyjwt.decode(data["refresh"], options={"verify_signature": False})["token_type"] == "refresh"


def test_login_with_raw_password_and_any_case(client, seeded):
    assert login(client, "SuperAdmin", RAW).json["code"] == 2000


def test_no_dept_omits_dept_info(client, app):
    make_user(app, "nodept", password=RAW)
    data = login(client, "nodept", RAW).json["data"]
    assert "dept_info" not in data and data["role_info"] == []


def test_unknown_and_wrong_password_answer_alike(client, seeded):
    assert login(client, "superadmin", "wrong").json == FAILED
    assert login(client, "nobody", "wrong").json == FAILED


def test_missing_fields_name_the_field(client):
    assert client.post("/api/login/", json={"password": "x"}).json["msg"] == "username:该字段是必填项。"
    assert client.post("/api/login/", json={"username": "x"}).json["msg"] == "password:该字段是必填项。"
    assert (
        client.post("/api/login/", json={"username": 5, "password": "x"}).json["msg"]
        == "username:请填写合法的字符串。"
    )


def test_old_hashes_are_upgraded_keeping_the_layer(client, app):
    user = make_user(app, "old", stored_hash=make_hash(md5_hex(RAW), iterations=500))
    assert login(client, "old", RAW).json["code"] == 2000
    from blueprints.user.models import User

    with app.app_context():
        stored = db.session.get(User, user.id).password
    assert parse_hash(stored).iterations == app.config["PASSWORD_HASH_ITERATIONS"]
    assert check_hash(md5_hex(RAW), stored)


def test_lockout_after_five_failures_then_right_password_refused(client, app, seeded):
    for _ in range(5):
        assert login(client, "superadmin", "bad").json == FAILED
    r = login(client, "SUPERADMIN", md5_hex(RAW))
    assert r.json == {"code": 4000, "data": None, "msg": "尝试次数过多，请在 15 分钟后重试"}
    from blueprints.user.models import User

    with app.app_context():
        user = db.session.get(User, seeded.id)
        assert user.login_error_count == 5 and user.is_active is True


def test_unknown_account_locks_the_same_way(client):
    for _ in range(5):
        assert login(client, "ghost", "bad").json == FAILED
    assert login(client, "ghost", "bad").json["msg"] == "尝试次数过多，请在 15 分钟后重试"


def test_success_resets_the_failure_count(client, seeded):
    for _ in range(4):
        login(client, "superadmin", "bad")
    assert login(client, "superadmin", RAW).json["code"] == 2000
    for _ in range(4):
        assert login(client, "superadmin", "bad").json == FAILED
    assert login(client, "superadmin", RAW).json["code"] == 2000


def test_lock_expires(_settings, app, seeded):
    short = make_app(_settings["database_url"], _settings["prefix"], LOGIN_LOCK_SECONDS=1)
    client = short.test_client()
    for _ in range(5):
        login(client, "superadmin", "bad")
    assert login(client, "superadmin", RAW).json["msg"].startswith("尝试次数过多")
    time.sleep(2.1)
    assert login(client, "superadmin", RAW).json["code"] == 2000


def test_failures_are_throttled_per_ip(_settings, app, seeded):
    strict = make_app(_settings["database_url"], _settings["prefix"], LOGIN_IP_MAX_FAILURES=3)
    client = strict.test_client()
    for name in ("a", "b", "c"):
        assert login(client, name, "bad").json == FAILED
    assert login(client, "superadmin", RAW).json["msg"].startswith("尝试次数过多，请在 10 分钟后重试")


def test_disabled_account(client, app):
    make_user(app, "off", password=RAW, active=False)
    assert login(client, "off", "bad").json == FAILED
    assert login(client, "off", RAW).json == {"code": 4000, "data": None, "msg": "账号已被禁用"}


def test_login_by_unique_email_only(client, app):
    make_user(app, "e1", password=RAW, email="one@example.com")
    make_user(app, "e2", password=RAW, email="dup@example.com")
    make_user(app, "e3", password=RAW, email="dup@example.com")
    assert login(client, "one@example.com", RAW).json["data"]["username"] == "e1"
    assert login(client, "dup@example.com", RAW).json == FAILED


def test_login_log_for_success_and_failure(client, app, seeded):
    login(client, "superadmin", RAW)
    login(client, "superadmin", "bad")
    client.post("/api/login/", json={"username": "ghost", "password": "x"})  # no User-Agent at all
    rows = login_logs(app)
    assert [(r.username, r.status) for r in rows] == [
        ("superadmin", True),
        ("superadmin", False),
        ("ghost", False),
    ]
    ok = rows[0]
    assert ok.browser == "Chrome 120.0.0" and ok.os == "Mac OS X 10.15.7"
    assert ok.agent == "PC / Mac OS X 10.15.7 / Chrome 120.0.0"
    assert ok.ip == "127.0.0.1" and ok.creator_id == seeded.id and ok.dept_belong_id == str(seeded.dept_id)
    assert ok.login_type == 1 and rows[2].creator_id is None


def test_forwarded_for_is_ignored_without_trusted_proxies(client, app, seeded):
    client.post(
        "/api/login/",
        json={"username": "superadmin", "password": RAW},
        headers={"X-Forwarded-For": "6.6.6.6"},
    )
    assert login_logs(app)[0].ip == "127.0.0.1"


def test_forwarded_for_behind_one_trusted_proxy(_settings, app, seeded):
    proxied = make_app(_settings["database_url"], _settings["prefix"], TRUSTED_PROXY_COUNT=1)
    proxied.test_client().post(
        "/api/login/",
        json={"username": "superadmin", "password": RAW},
        headers={"X-Forwarded-For": "6.6.6.6, 10.0.0.7"},
    )
    assert login_logs(app)[0].ip == "10.0.0.7"


def test_captcha_off_answers_empty(client):
    r = client.get("/api/captcha/")
    assert r.json == {"code": 2000, "data": {}, "msg": "success"}


def _answer(app, key):
    with app.app_context():
        return app.extensions["dvadmin_store"].get(f"cap:{key}")


@pytest.mark.parametrize("value", [True, 1, "true", "1"])
def test_captcha_on_values(client, app, value):
    set_config(app, "base", "captcha_state", value)
    data = client.get("/api/captcha/").json["data"]
    assert data["image_base"].startswith("data:image/png;base64,")
    assert len(data["key"]) >= 24


@pytest.mark.parametrize("value", [False, 0, "false", None])
def test_captcha_off_values(client, app, seeded, value):
    set_config(app, "base", "captcha_state", value)
    assert client.get("/api/captcha/").json["data"] == {}
    assert login(client, "superadmin", RAW).json["code"] == 2000


def test_captcha_enforced_and_single_use(client, app, seeded):
    set_config(app, "base", "captcha_state", True)
    assert login(client, "superadmin", RAW).json["msg"] == "验证码不能为空"
    key = client.get("/api/captcha/").json["data"]["key"]
    answer = _answer(app, key)
    assert login(client, "superadmin", RAW, captcha="999", captchaKey=key).json["msg"] == "图片验证码错误"
    # spent by the wrong try: the right answer no longer works
    assert login(client, "superadmin", RAW, captcha=answer, captchaKey=key).json["msg"] == "验证码过期"
    key = client.get("/api/captcha/").json["data"]["key"]
    answer = _answer(app, key)
    assert login(client, "superadmin", RAW, captcha=answer, captchaKey=key).json["code"] == 2000
    assert login(client, "superadmin", RAW, captcha=answer, captchaKey=key).json["msg"] == "验证码过期"
    assert login(client, "superadmin", RAW, captcha="1", captchaKey="made-up").json["msg"] == "验证码过期"


def test_captcha_expires(_settings, app, seeded):
    quick = make_app(_settings["database_url"], _settings["prefix"], CAPTCHA_TTL_SECONDS=1)
    client = quick.test_client()
    set_config(app, "base", "captcha_state", True)
    key = client.get("/api/captcha/").json["data"]["key"]
    answer = _answer(quick, key)
    assert answer is not None
    time.sleep(2.1)
    assert login(client, "superadmin", RAW, captcha=answer, captchaKey=key).json["msg"] == "验证码过期"


def test_captcha_is_throttled_per_ip(_settings, app):
    strict = make_app(_settings["database_url"], _settings["prefix"], CAPTCHA_IP_MAX_PER_MINUTE=2)
    client = strict.test_client()
    assert client.get("/api/captcha/").json["code"] == 2000
    assert client.get("/api/captcha/").json["code"] == 2000
    r = client.get("/api/captcha/").json
    assert r["code"] == 4000 and r["msg"].startswith("尝试次数过多")


def test_token_endpoint_off_by_default(client, seeded):
    r = client.post("/api/token/", json={"username": "superadmin", "password": RAW})
    assert r.json == {"code": 4000, "data": None, "msg": "该接口暂未开通!"}


def test_token_endpoint_when_enabled_goes_through_lockout(_settings, app, seeded):
    on = make_app(_settings["database_url"], _settings["prefix"], TOKEN_ENDPOINT_ENABLED=True)
    client = on.test_client()
    r = client.post("/api/token/", json={"username": "superadmin", "password": RAW})
    assert set(r.json["data"]) == {"refresh", "access", "name", "userId"}
    for _ in range(5):
        client.post("/api/token/", json={"username": "superadmin", "password": "bad"})
    assert (
        client.post("/api/token/", json={"username": "superadmin", "password": RAW})
        .json["msg"]
        .startswith("尝试次数过多")
    )
    assert [r.status for r in login_logs(app)][:2] == [True, False]


def test_parallel_guesses_cannot_overrun_the_lockout(_settings, app):
    """Each attempt is counted before its hash runs, so in-flight guesses cannot pass the limit."""
    from concurrent.futures import ThreadPoolExecutor

    slow = make_app(_settings["database_url"], _settings["prefix"], PASSWORD_HASH_ITERATIONS=150_000)
    with slow.app_context():
        stored = make_hash(md5_hex(RAW))
    make_user(app, "target", stored_hash=stored)

    def guess(i):
        return (
            slow.test_client()
            .post("/api/login/", json={"username": "target", "password": f"bad{i}"})
            .json["msg"]
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(guess, range(12)))
    assert answers.count("账号或密码错误") <= 5
    assert all(a == "账号或密码错误" or a.startswith("尝试次数过多") for a in answers)
