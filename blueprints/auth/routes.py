"""Routes of the auth area: ``/api/captcha/``, ``/api/login/``, ``/token/refresh/``, ``/api/logout/``."""

from __future__ import annotations

from flask import current_app

from app.core import envelope
from app.core.auth import (
    current_token,
    decode_optional,
    issue_tokens,
    revoke_family,
    revoke_token,
    use_refresh_token,
)
from app.core.errors import ApiError
from app.core.openapi import EnvelopeBlueprint, login_only, public
from app.core.openapi import envelope as envelope_doc
from app.core.requestinfo import client_ip, current_agent
from blueprints.auth import services
from blueprints.auth.schemas import (
    CaptchaSchema,
    LoginResultSchema,
    LoginSchema,
    LogoutSchema,
    RefreshSchema,
    TokenPairSchema,
)

blp = EnvelopeBlueprint("auth", __name__, description="Login, captcha, tokens")


@blp.route("/api/captcha/", methods=["GET"])
@blp.response(200, envelope_doc(CaptchaSchema))
@public
def captcha():
    """Get a math captcha (``data`` is empty when captchas are off)."""
    return envelope.detail(services.issue_captcha(client_ip()))


def _login(body: dict) -> services.LoginResult:
    if services.captcha_enabled():
        services.check_captcha(body.get("captcha"), body.get("captchaKey"))
    return services.login(body["username"], body["password"], ip=client_ip(), agent=current_agent())


@blp.route("/api/login/", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, envelope_doc(LoginResultSchema))
@public
def login(body):
    """Log in with username (or unique email/mobile) and password (raw or md5)."""
    result = _login(body)
    return envelope.ordered(2000, "请求成功", services.login_payload(result))


@blp.route("/api/token/", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, envelope_doc(LoginResultSchema))
@public
def token(body):
    """Log in for API clients; off unless ``TOKEN_ENDPOINT_ENABLED`` (same checks as login)."""
    if not current_app.config.get("TOKEN_ENDPOINT_ENABLED"):
        raise ApiError("该接口暂未开通!")
    result = _login(body)
    data = {
        "refresh": result.refresh,
        "access": result.access,
        "name": result.user.name,
        "userId": result.user.id,
    }
    return envelope.ordered(2000, "请求成功", data)


@blp.route("/token/refresh/", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(200, TokenPairSchema)
@public
def refresh(body):
    """Trade a refresh token for a new pair; each refresh token works once."""
    user, family = use_refresh_token(body["refresh"])
    access, new_refresh = issue_tokens(user, family=family)
    return envelope.raw({"access": access, "refresh": new_refresh})


@blp.route("/api/logout/", methods=["POST"])
@blp.arguments(LogoutSchema)
@blp.response(200, envelope_doc())
@login_only
def logout(body):
    """Revoke the presented access token and its login's refresh chain (and ``refresh`` when given)."""
    payload = current_token()
    revoke_token(payload)
    revoke_family(payload["fam"])
    if body.get("refresh"):
        other = decode_optional(body["refresh"])
        if other and other.get("user_id") == payload.get("user_id"):
            revoke_token(other)
    return envelope.detail(None, "注销成功")
