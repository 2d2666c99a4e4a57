"""Routes under ``/api/system/user/``: the user administration and the current user's own."""

from __future__ import annotations

from flask.views import MethodView

from app.core import envelope
from app.core.auth import current_token, current_user
from app.core.crud import register_crud
from app.core.excel import XLSX_MIMETYPE, ImportFileSchema
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from blueprints.user import admin, excel, services
from blueprints.user.schemas import (
    ChangePasswordSchema,
    LoginChangePasswordSchema,
    ResetPasswordSchema,
    UpdateUserInfoSchema,
    UserInfoSchema,
    UserRowSchema,
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


resource = admin.UserResource()
register_crud(blp, resource, UserRowSchema)


@blp.route("/<int:id>/reset_password/", methods=["PUT"])
@blp.arguments(ResetPasswordSchema)
@blp.response(200, envelope_doc())
def reset_password(body, id):  # noqa: A002 - the path parameter is named id (decisions #10)
    """Set a user's password (md5 from the SPA); they must change it at next login."""
    admin.reset_password(resource, id, body)
    return envelope.detail(None, "修改成功")


@blp.route("/<int:id>/reset_to_default_password/", methods=["PUT"])
@blp.response(200, envelope_doc())
def reset_to_default_password(id):  # noqa: A002
    """Reset a user's password to the configured default; tokens are revoked."""
    admin.reset_to_default_password(resource, id)
    return envelope.detail(None, "密码重置成功")


# ---- Excel export, import templates and import (contract §6.2, §6.4) ---------------------------


@blp.route("/export_data/", methods=["GET"])
@blp.response(200, description="xlsx 文件", content_type=XLSX_MIMETYPE)
def export_data():
    """Export the users the caller may see (list filters apply) as xlsx."""
    return excel.export_users(resource)


@blp.route("/export/", methods=["GET", "POST"])
@blp.response(200, description="xlsx 文件", content_type=XLSX_MIMETYPE)
def export_alias():
    """Export users (the original's explicit path, as its seed buttons name it)."""
    return excel.export_users(resource)


class UserImportView(MethodView):
    """The import template (GET) and the import of an uploaded file (POST)."""

    @blp.response(200, description="xlsx 文件", content_type=XLSX_MIMETYPE)
    def get(self):
        """Download the user import template."""
        return excel.import_template()

    @blp.arguments(ImportFileSchema)
    @blp.response(200, envelope_doc())
    def post(self, body):
        """Import users from an uploaded xlsx (by ``url`` or ``file`` id); all rows or none."""
        return excel.import_users(resource, body)


blp.route("/import_data/", endpoint="import_data")(UserImportView)
blp.route("/import/", endpoint="import_alias")(
    type("UserImportAliasView", (UserImportView,), {"__doc__": UserImportView.__doc__})
)


@blp.route("/update_template/", methods=["GET"])
@blp.response(200, description="xlsx 文件", content_type=XLSX_MIMETYPE)
def update_template():
    """Download the users the caller may see as an update template."""
    return excel.update_template(resource)
