"""Current-user routes under ``/api/system/user/`` (the user CRUD joins them later)."""

from __future__ import annotations

from app.core import envelope
from app.core.auth import current_token, current_user
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from blueprints.user import services
from blueprints.user.schemas import (
    ChangePasswordSchema,
    LoginChangePasswordSchema,
    UpdateUserInfoSchema,
    UserInfoSchema,
)

blp = EnvelopeBlueprint("user", __name__, url_prefix="/api/system/user", description="Users")


@blp.route("/user_info/", methods=["GET"])
@blp.response(200, envelope_doc(UserInfoSchema))
@login_only
def user_info():
    """The logged-in user's profile, dept and roles."""
    return envelope.detail(services.user_info(current_user()), "获取成功")


@blp.route("/update_user_info/", methods=["PUT"])
@blp.arguments(UpdateUserInfoSchema)
@blp.response(200, envelope_doc())
@login_only
def update_user_info(body):
    """Update the logged-in user's own profile."""
    services.update_user_info(current_user(), body)
    return envelope.detail(None, "修改成功")


@blp.route("/change_password/", methods=["PUT"])
@blp.arguments(ChangePasswordSchema)
@blp.response(200, envelope_doc())
@login_only
def change_password(body):
    """Change the logged-in user's password (raw passwords); every token is revoked."""
    services.change_password(current_user(), body)
    return envelope.detail(None, "修改成功")


@blp.route("/login_change_password/", methods=["POST"])
@blp.arguments(LoginChangePasswordSchema)
@blp.response(200, envelope_doc())
@login_only
def login_change_password(body):
    """The forced first-login change (md5 passwords); the presented token stays valid."""
    services.login_change_password(current_user(), body, current_token())
    return envelope.detail(None, "修改成功")
