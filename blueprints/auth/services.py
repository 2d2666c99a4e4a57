"""Login with captcha, lockout, throttling, hash upgrade and the login log."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.core import passwords
from app.core.auth import issue_tokens
from app.core.errors import ApiError
from app.core.requestinfo import Agent
from app.core.store import get_store
from app.core.timeutil import local_now
from app.extensions import db
from blueprints.log.models import LoginLog
from blueprints.user.models import User

MSG_FAILED = "账号或密码错误"
MSG_DISABLED = "账号已被禁用"
MSG_CAPTCHA_EMPTY = "验证码不能为空"
MSG_CAPTCHA_EXPIRED = "验证码过期"
MSG_CAPTCHA_WRONG = "图片验证码错误"
TRUE_TEXTS = {"true", "1"}


def retry_message(seconds: int) -> str:
    """``尝试次数过多，请在 N 分钟后重试`` (decisions #13)."""
    return f"尝试次数过多，请在 {max(1, math.ceil(seconds / 60))} 分钟后重试"


def config_value(group: str, key: str) -> Any:
    """One system config value by ``group.key`` (None when absent), from the shared cache."""
    from blueprints.system_config.cache import config_lookup

    return config_lookup(f"{group}.{key}")


def captcha_enabled() -> bool:
    """``base.captcha_state`` is on for JSON true, 1, "true" or "1" (decisions #12)."""
    value = config_value("base", "captcha_state")
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_TEXTS if value is not None else False


def issue_captcha(ip: str) -> dict[str, str]:
    """A new captcha (throttled per IP), or ``{}`` when captchas are off."""
    from app.core.captcha import new_captcha

    store = get_store()
    cfg = current_app.config
    if store.incr(f"thr:captcha:{ip}", 60) > cfg["CAPTCHA_IP_MAX_PER_MINUTE"]:
        raise ApiError(retry_message(store.ttl(f"thr:captcha:{ip}")))
    if not captcha_enabled():
        return {}
    key, answer, image = new_captcha()
    store.set(f"cap:{key}", answer, ttl=cfg["CAPTCHA_TTL_SECONDS"])
    return {"key": key, "image_base": image}


def check_captcha(answer: Any, key: Any) -> None:
    """Spend the captcha: single use, only the answer counts, unknown and expired alike."""
    if answer in (None, "") or key in (None, ""):
        raise ApiError(MSG_CAPTCHA_EMPTY)
    expected = get_store().getdel(f"cap:{str(key)[:64]}")
    if expected is None:
        raise ApiError(MSG_CAPTCHA_EXPIRED)
    if str(answer).strip() != expected:
        raise ApiError(MSG_CAPTCHA_WRONG)


def find_login_user(name: str) -> User | None:
    """The one user whose username (any case), email or mobile is ``name``; None if not exactly one."""
    by_name = (
        db.session.execute(sa.select(User).where(sa.func.lower(User.username) == name.lower()).limit(2))
        .scalars()
        .all()
    )
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        return None
    others = (
        db.session.execute(sa.select(User).where(sa.or_(User.email == name, User.mobile == name)).limit(2))
        .scalars()
        .all()
    )
    return others[0] if len(others) == 1 else None


@dataclass
class LoginResult:
    """A logged-in user and their fresh tokens."""

    user: User
    access: str
    refresh: str


def account_lock_keys(account: str) -> tuple[str, str]:
    """Store keys of an account's lock and failure count: the resolved username when the login
    name matched a user (so username, email and mobile share one lock), else the name typed."""
    key = account.strip().lower()[:150]
    return f"login:lock:{key}", f"login:fail:{key}"


def _lock_keys(account: str, ip: str) -> tuple[str, str, str]:
    return (*account_lock_keys(account), f"login:ip:{ip}")


def _reserve_attempt(account: str, ip: str) -> int:
    """Count the attempt before the password is checked, so parallel guesses cannot overrun the
    limits; refuse while the account is locked or the IP is throttled. Returns the account count."""
    cfg = current_app.config
    store = get_store()
    lock_key, fail_key, ip_key = _lock_keys(account, ip)
    if store.get(lock_key):
        raise ApiError(retry_message(store.ttl(lock_key)))
    if store.incr(ip_key, cfg["LOGIN_IP_WINDOW_SECONDS"]) > cfg["LOGIN_IP_MAX_FAILURES"]:
        raise ApiError(retry_message(store.ttl(ip_key)))
    attempts = store.incr(fail_key, cfg["LOGIN_LOCK_SECONDS"])
    if attempts > cfg["LOGIN_MAX_FAILURES"]:
        # the count is kept (it expires before the lock does): deleting it would let a request
        # already past the lock check start a fresh count
        store.set(lock_key, 1, ttl=cfg["LOGIN_LOCK_SECONDS"], nx=True)
        raise ApiError(retry_message(store.ttl(lock_key)))
    return attempts


def _count_failure(account: str, attempts: int, user: User | None) -> None:
    cfg = current_app.config
    if attempts >= cfg["LOGIN_MAX_FAILURES"]:
        get_store().set(account_lock_keys(account)[0], 1, ttl=cfg["LOGIN_LOCK_SECONDS"], nx=True)
    if user is not None:
        user.login_error_count = (user.login_error_count or 0) + 1


def _release_attempt(account: str, ip: str) -> None:
    """A success: the account's count starts again and the IP's attempt is given back."""
    _lock_key, fail_key, ip_key = _lock_keys(account, ip)
    store = get_store()
    store.delete(fail_key)
    store.decr(ip_key)


def write_login_log(name: str, ip: str, agent: Agent, user: User | None, ok: bool, msg: str) -> None:
    """One login-log row, for successes and failures alike (differences #10)."""
    row = LoginLog(
        username=(user.username if user else name)[:150],
        ip=ip[:64],
        agent=agent.agent,
        browser=agent.browser,
        os=agent.os,
        login_type=1,
        status=ok,
        msg=msg[:255],
        creator_id=user.id if user else None,
        dept_belong_id=str(user.dept_id) if user and user.dept_id else None,
    )
    db.session.add(row)


def login(name: str, password: str, *, ip: str, agent: Agent) -> LoginResult:
    """Check the password and issue tokens; every refusal looks the same for unknown accounts."""
    name = name.strip()
    user = find_login_user(name)
    account = user.username if user is not None else name
    attempts = _reserve_attempt(account, ip)
    if user is None:
        passwords.run_off_hub(passwords.dummy_check, password)
        _fail(account, attempts, ip, agent, None, MSG_FAILED)
    matched = passwords.run_off_hub(passwords.verify_login_password, password, user.password)
    if matched is None:
        passwords.run_off_hub(passwords.pad_weak_check, password, user.password)
        _fail(account, attempts, ip, agent, user, MSG_FAILED)
    if not user.is_active:
        write_login_log(name, ip, agent, user, False, MSG_DISABLED)
        db.session.commit()
        raise ApiError(MSG_DISABLED)
    _release_attempt(account, ip)
    user.login_error_count = 0
    user.last_login = local_now()
    if passwords.needs_upgrade(user.password):
        user.password = passwords.run_off_hub(passwords.make_hash, matched)
    write_login_log(name, ip, agent, user, True, "登录成功")
    access, refresh = issue_tokens(user)
    db.session.commit()
    return LoginResult(user=user, access=access, refresh=refresh)


def _fail(account: str, attempts: int, ip: str, agent: Agent, user: User | None, msg: str):
    _count_failure(account, attempts, user)
    write_login_log(account, ip, agent, user, False, msg)
    db.session.commit()
    raise ApiError(msg)


def login_payload(result: LoginResult) -> dict[str, Any]:
    """The ``data`` of a successful login, in the original's field order."""
    from blueprints.user.services import dept_info, role_info

    user = result.user
    data: dict[str, Any] = {
        "refresh": result.refresh,
        "access": result.access,
        "username": user.username,
        "name": user.name,
        "userId": user.id,
        "avatar": user.avatar,
        "user_type": user.user_type,
        "pwd_change_count": user.pwd_change_count,
    }
    info = dept_info(user)
    if info["dept_id"] is not None:
        data["dept_info"] = info
    data["role_info"] = role_info(user)
    return data
