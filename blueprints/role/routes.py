"""Routes under ``/api/system/role/``."""

from __future__ import annotations

from app.core import envelope
from app.core.auth import current_user
from app.core.crud import register_crud
from app.core.errors import ApiError
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from app.core.permissions import field_permission_map
from blueprints.role import services
from blueprints.role.schemas import (
    AddRoleUsersSchema,
    RemoveRoleUserSchema,
    RoleMemberSchema,
    RoleSchema,
    RoleUsersQueryArgsSchema,
    SetRoleUsersSchema,
)

blp = EnvelopeBlueprint("role", __name__, url_prefix="/api/system/role", description="Roles")

register_crud(blp, services.resource, RoleSchema)


@blp.route("/field_permission/", methods=["GET"])
@blp.response(200, envelope_doc())
@login_only
def field_permission():
    """Column permissions of the role model for the caller: ``{field: {is_create, is_query, is_update}}``."""
    return envelope.detail(field_permission_map(current_user(), "Role"))


@blp.route("/get_role_users/", methods=["GET"])
@blp.arguments(RoleUsersQueryArgsSchema, location="query")
@blp.response(200, envelope_doc(RoleMemberSchema, "page"))
def get_role_users(args):
    """Members (``authorized=1``) or non-members of a role, within the caller's data scope."""
    return services.role_users_response(args)


@blp.route("/<int:id>/add_role_users/", methods=["POST"])
@blp.arguments(AddRoleUsersSchema)
@blp.response(200, envelope_doc())
def add_role_users(body, id):  # noqa: A002 - the path parameter is named id (decisions #10)
    """Add users to a role (idempotent)."""
    services.change_members(id, body["users_id"], add=True)
    return envelope.detail(None, "添加成功")


@blp.route("/<int:id>/remove_role_user/", methods=["DELETE"])
@blp.arguments(RemoveRoleUserSchema)
@blp.response(200, envelope_doc(None, "list"))
def remove_role_user(body, id):  # noqa: A002
    """Remove users from a role."""
    if not body.get("user_id"):
        raise ApiError(services.MSG_PICK_USERS, 400)
    services.change_members(id, body["user_id"], add=False)
    return envelope.listing([], "删除成功")


@blp.route("/<int:id>/set_role_users/", methods=["PUT"])
@blp.arguments(SetRoleUsersSchema)
@blp.response(200, envelope_doc(RoleSchema))
def set_role_users(body, id):  # noqa: A002
    """Move users out of (``left``) or into (``right``) a role; answers the role."""
    role = services.change_members(id, body["movedKeys"], add=body["direction"] == "right")
    return envelope.detail(services.resource.serialize_one(role), "更新成功")
