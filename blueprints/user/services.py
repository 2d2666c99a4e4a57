"""The current user's own profile and password (contract §3.8, differences #6, #9)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.core import passwords
from app.core.auth import revoke_user_tokens
from app.core.errors import ApiError
from app.core.store import get_store
from app.extensions import db
from blueprints.dept.models import Dept
from blueprints.role.models import Role
from blueprints.user.models import User, users_role

NO_DEPT = "暂无部门"


def user_roles(user: User) -> list[Role]:
    """All the user's roles, disabled ones included (decisions #20), in one query."""
    return list(
        db.session.execute(
            sa.select(Role)
            .join(users_role, users_role.c.role_id == Role.id)
            .where(users_role.c.users_id == user.id)
            .order_by(Role.sort, Role.id)
        ).scalars()
    )


def role_info(user: User, roles: list[Role] | None = None) -> list[dict[str, Any]]:
    """``[{id, name, key}]`` of the user's roles."""
    roles = user_roles(user) if roles is None else roles
    return [{"id": r.id, "name": r.name, "key": r.key} for r in roles]


def dept_info(user: User) -> dict[str, Any]:
    """``{dept_id, dept_name}``, or the "no dept" form."""
    if user.dept_id is None:
        return {"dept_id": None, "dept_name": NO_DEPT}
    name = db.session.execute(sa.select(Dept.name).where(Dept.id == user.dept_id)).scalar_one_or_none()
    return {"dept_id": user.dept_id, "dept_name": name if name is not None else NO_DEPT}


def user_info(user: User) -> dict[str, Any]:
    """What ``user_info`` returns."""
    roles = user_roles(user)
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "mobile": user.mobile,
        "user_type": user.user_type,
        "gender": user.gender,
        "email": user.email,
        "avatar": user.avatar,
        "dept": user.dept_id,
        "is_superuser": bool(user.is_superuser),
        "role": [r.id for r in roles],
        "pwd_change_count": user.pwd_change_count,
        "dept_info": dept_info(user),
        "role_info": role_info(user, roles),
    }


def update_user_info(user: User, data: dict[str, Any]) -> None:
    """Save the caller's profile; a changed mobile must not belong to another user (decisions #19)."""
    mobile = data.get("mobile")
    if mobile and mobile != user.mobile:
        taken = db.session.execute(
            sa.select(User.id).where(User.mobile == mobile, User.id != user.id).limit(1)
        ).first()
        if taken:
            raise ApiError("手机号必须唯一", 400)
    user.name = data["name"]
    user.email = data.get("email")
    user.mobile = mobile
    user.avatar = data.get("avatar")
    if data.get("gender") is not None:
        user.gender = data["gender"]
    user.modifier = str(user.id)
    db.session.commit()


def retry_message(seconds: int) -> str:
    """The throttle text shared with login."""
    from blueprints.auth.services import retry_message as text

    return text(seconds)


def change_password(user: User, data: dict[str, Any]) -> None:
    """Check the old password, apply the policy, store pbkdf2(md5(new)), revoke every token."""
    old, new, again = data.get("oldPassword"), data.get("newPassword"), data.get("newPassword2")
    if not old or not new or not again:
        raise ApiError("参数不能为空", 400)
    if new != again:
        raise ApiError("两次密码不匹配", 400)
    store, throttle_key = get_store(), f"pwchange:fail:{user.id}"
    cfg = current_app.config
    # counted before checking, so parallel guesses with a stolen token cannot overrun it
    if store.incr(throttle_key, cfg["LOGIN_LOCK_SECONDS"]) > cfg["LOGIN_MAX_FAILURES"]:
        raise ApiError(retry_message(store.ttl(throttle_key)))
    matched = passwords.run_off_hub(passwords.verify_login_password, old, user.password)
    if matched is None and not passwords.run_off_hub(
        passwords.check_hash, passwords.md5_hex(passwords.md5_hex(old)), user.password
    ):
        raise ApiError("旧密码不正确", 400)
    store.delete(throttle_key)
    problem = passwords.policy_errors(new)
    if problem:
        raise ApiError(f"newPassword:{problem}")
    user.password = passwords.run_off_hub(passwords.make_password, new)
    user.pwd_change_count = (user.pwd_change_count or 0) + 1
    revoke_user_tokens(user)
    db.session.commit()


def login_change_password(user: User, data: dict[str, Any], token: dict) -> None:
    """The first-login change: only while ``pwd_change_count`` is 0; keeps the presented token."""
    if (user.pwd_change_count or 0) > 0:
        raise ApiError("无需修改初始密码", 400)
    username = data.get("username")
    if username and username.lower() != user.username.lower():
        raise ApiError("username:只能修改当前登录账号的密码")
    password, again = data.get("password"), data.get("password_regain")
    if not password or not again:
        raise ApiError("参数不能为空", 400)
    if password != again:
        raise ApiError("两次密码不匹配", 400)
    user.password = passwords.run_off_hub(passwords.make_hash, password)
    user.pwd_change_count = (user.pwd_change_count or 0) + 1
    revoke_user_tokens(user, keep=token)
    db.session.commit()
