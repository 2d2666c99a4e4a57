"""Authentication: token issue and revocation, the request guard, and the JWT error envelopes."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, g, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    verify_jwt_in_request,
)

from app.core.errors import ApiError, error_response
from app.core.openapi import AUTH_POLICY_ATTR, LOGIN, PUBLIC, view_attribute
from app.core.store import get_store
from app.extensions import db, jwt

MSG_NO_TOKEN = "身份认证信息未提供。"
MSG_BAD_TOKEN = "登录已过期，请重新登录"
MSG_REVOKED = "登录状态已失效，请重新登录"
MSG_INACTIVE = "账号已被禁用"

_AUTH_HEADER = re.compile(r"^\s*(jwt|bearer)\s+(\S+)\s*$", re.IGNORECASE)


class AuthHeaderMiddleware:
    """Accept both ``JWT <token>`` and ``Bearer <token>`` in any case (traps #1)."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable):
        header = environ.get("HTTP_AUTHORIZATION")
        if header:
            match = _AUTH_HEADER.match(header)
            if match:
                environ["HTTP_AUTHORIZATION"] = f"Bearer {match.group(2)}"
        return self.wsgi_app(environ, start_response)


def configure_jwt(app: Flask) -> None:
    """Map the app's settings onto flask-jwt-extended and install the envelope loaders."""
    app.config.setdefault("JWT_IDENTITY_CLAIM", "user_id")
    app.config.setdefault("JWT_TOKEN_LOCATION", ["headers"])
    app.config.setdefault("JWT_HEADER_TYPE", "Bearer")
    app.config.setdefault("JWT_ALGORITHM", "HS256")
    app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=app.config["ACCESS_TOKEN_MINUTES"])
    app.config["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(minutes=app.config["REFRESH_TOKEN_MINUTES"])
    app.config.setdefault("JWT_ERROR_MESSAGE_KEY", "msg")
    app.config.setdefault("JWT_COOKIE_CSRF_PROTECT", False)
    jwt.init_app(app)

    def fail(msg: str):
        return lambda *args: error_response(401, msg, 401)

    jwt.unauthorized_loader(fail(MSG_NO_TOKEN))
    jwt.invalid_token_loader(fail(MSG_BAD_TOKEN))
    jwt.expired_token_loader(fail(MSG_BAD_TOKEN))
    jwt.revoked_token_loader(fail(MSG_REVOKED))
    jwt.user_lookup_error_loader(fail(MSG_REVOKED))
    jwt.token_verification_failed_loader(fail(MSG_BAD_TOKEN))
    jwt.needs_fresh_token_loader(fail(MSG_BAD_TOKEN))
    jwt.token_in_blocklist_loader(_is_revoked)
    jwt.token_verification_loader(_claims_are_ours)


_JTI = re.compile(r"^[0-9a-f]{32}$")


def _claims_are_ours(_header: dict, payload: dict) -> bool:
    """Only tokens this backend issued: both type claims agree, family, version and jti present."""
    return (
        payload.get("token_type") in ("access", "refresh")
        and payload.get("token_type") == payload.get("type")
        and isinstance(payload.get("user_id"), int)
        and isinstance(payload.get("fam"), str)
        and isinstance(payload.get("ver"), int)
        and bool(_JTI.match(str(payload.get("jti", ""))))
    )


def _new_jti() -> str:
    return uuid.uuid4().hex


def issue_tokens(user: Any, family: str | None = None) -> tuple[str, str]:
    """A new access/refresh pair for ``user``: claims ``user_id``, ``token_type``, ``jti``.

    ``fam`` ties a refresh chain together so reuse can revoke all of it; ``ver`` is the user's
    token version at issue time, so a password change revokes older tokens (traps #4).
    """
    family = family or uuid.uuid4().hex
    version = user.token_version or 0
    access = create_access_token(
        identity=user.id,
        additional_claims={"token_type": "access", "jti": _new_jti(), "fam": family, "ver": version},
    )
    refresh = create_refresh_token(
        identity=user.id,
        additional_claims={"token_type": "refresh", "jti": _new_jti(), "fam": family, "ver": version},
    )
    return access, refresh


def _remaining(payload: dict) -> int:
    return max(1, int(payload.get("exp", time.time()) - time.time()) + 1)


def _is_revoked(_header: dict, payload: dict) -> bool:
    """Blocklist check: revoked token, revoked family, or issued before the user's version."""
    from blueprints.user.models import User

    user = db.session.get(User, payload.get("user_id"))
    g.token_user = user
    if user is None:
        return True
    jti, family = payload.get("jti", ""), payload.get("fam", "")
    revoked, family_revoked, kept = get_store().mget(
        [f"tok:revoked:{jti}", f"tok:revfam:{family}", f"tok:keep:{jti}"]
    )
    if revoked or family_revoked:
        return True
    current = user.token_version or 0
    # a kept token (login_change_password) stays valid for that one version bump only
    return int(payload.get("ver", 0)) < current and kept != str(current)


def revoke_token(payload: dict) -> None:
    """Refuse one token from now on, everywhere the store is shared."""
    get_store().set(f"tok:revoked:{payload['jti']}", 1, ttl=_remaining(payload))


def revoke_family(family: str) -> None:
    """Refuse every token of a refresh chain (refresh reuse detected)."""
    lifetimes = (
        current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
        current_app.config["JWT_ACCESS_TOKEN_EXPIRES"],
    )
    ttl = int(max(lifetimes).total_seconds()) + 60
    get_store().set(f"tok:revfam:{family}", 1, ttl=ttl)


def revoke_user_tokens(user: Any, *, keep: dict | None = None) -> None:
    """Revoke every token ``user`` holds by bumping their version (the caller commits).

    ``keep`` is a token payload that stays valid (``login_change_password``, differences #6).
    """
    user.token_version = (user.token_version or 0) + 1
    if keep is not None:
        get_store().set(f"tok:keep:{keep['jti']}", user.token_version, ttl=_remaining(keep))


def use_refresh_token(encoded: str) -> tuple[Any, str]:
    """Validate a refresh token and spend it: returns (user, family) or raises a 401 ApiError."""
    from blueprints.user.models import User

    try:
        payload = decode_token(encoded)
    except Exception:  # noqa: BLE001 - any decoding failure is the same 401 to the client
        raise ApiError(MSG_BAD_TOKEN, 401, http_status=401) from None
    if payload.get("type") != "refresh" or not _claims_are_ours({}, payload):
        raise ApiError(MSG_BAD_TOKEN, 401, http_status=401)
    if _is_revoked({}, payload):
        raise ApiError(MSG_REVOKED, 401, http_status=401)
    user = g.token_user
    if not get_store().set(f"tok:used:{payload['jti']}", 1, ttl=_remaining(payload), nx=True):
        revoke_family(payload["fam"])
        raise ApiError(MSG_REVOKED, 401, http_status=401)
    if not isinstance(user, User) or not user.is_active:
        raise ApiError(MSG_INACTIVE, 401, http_status=401)
    return user, payload["fam"]


def decode_optional(encoded: str) -> dict | None:
    """Decode a token, or None when it is bad in any way."""
    try:
        return decode_token(encoded)
    except Exception:  # noqa: BLE001
        return None


def view_policy(app: Flask) -> str | None:
    """The auth policy of the matched view: public, login, or None (a button is needed)."""
    endpoint = request.endpoint
    if endpoint is None:
        return PUBLIC  # no route: the 404 handler answers
    if endpoint == "static" or endpoint.startswith("api-docs."):
        return LOGIN if app.config.get("SWAGGER_REQUIRES_LOGIN") else PUBLIC
    return view_attribute(app, AUTH_POLICY_ATTR)


def authenticate() -> Any:
    """Verify the access token and return the active user, or raise (HTTP 401)."""
    verify_jwt_in_request()
    user = g.get("token_user")
    if user is None:
        raise ApiError(MSG_REVOKED, 401, http_status=401)
    if not user.is_active:
        raise ApiError(MSG_INACTIVE, 401, http_status=401)
    g.current_user = user
    return user


def current_user() -> Any:
    """The authenticated user of this request (None on public routes)."""
    return g.get("current_user")


def current_token() -> dict:
    """The verified access-token payload of this request."""
    return get_jwt()


def guard_request():
    """Deny by default: public views pass, login views need a token, the rest a button too."""
    from app.core.permissions import require_button

    if request.method == "OPTIONS":
        return None
    app = current_app._get_current_object()
    policy = view_policy(app)
    if policy == PUBLIC:
        return None
    user = authenticate()
    if policy == LOGIN:
        return None
    require_button(user, request.method)
    return None
