"""Routes under ``/api/system/role_menu_permission/`` and ``/api/system/role_menu_button_permission/``."""

from __future__ import annotations

from app.core import envelope
from app.core.crud import register_crud
from app.core.errors import ApiError
from app.core.openapi import EnvelopeBlueprint
from app.core.openapi import envelope as envelope_doc
from blueprints.permission import services
from blueprints.permission.schemas import (
    DeptAllQueryArgsSchema,
    DeptChoiceSchema,
    FieldGrantSchema,
    RoleMenuBtnFieldQueryArgsSchema,
    RoleMenuBtnFieldSchema,
    RoleMenuButtonPermissionSchema,
    RoleMenuButtonSchema,
    RoleMenuPermissionSchema,
    RoleMenuQueryArgsSchema,
    RoleMenuSchema,
    SaveAuthSchema,
    SetDataRangeSchema,
    SetRoleMenuBtnSchema,
    SetRoleMenuSchema,
)

menu_blp = EnvelopeBlueprint(
    "role_menu_permission",
    __name__,
    url_prefix="/api/system/role_menu_permission",
    description="Role menu grants",
)
button_blp = EnvelopeBlueprint(
    "role_menu_button_permission",
    __name__,
    url_prefix="/api/system/role_menu_button_permission",
    description="Role button grants, data ranges and column grants",
)

BLUEPRINTS = (menu_blp, button_blp)

register_crud(button_blp, services.button_resource, RoleMenuButtonPermissionSchema)
register_crud(menu_blp, services.menu_resource, RoleMenuPermissionSchema)


@button_blp.route("/get_role_menu/", methods=["GET"])
@button_blp.arguments(RoleMenuQueryArgsSchema, location="query")
@button_blp.response(200, envelope_doc(RoleMenuSchema, "list"))
def get_role_menu(args):
    """Every menu, with whether the role has it."""
    return envelope.detail(services.role_menus(args["roleId"]))


@button_blp.route("/set_role_menu/", methods=["PUT"])
@button_blp.arguments(SetRoleMenuSchema)
@button_blp.response(200, envelope_doc(RoleMenuSchema))
def set_role_menu(body):
    """Grant or revoke one menu (only menus the caller holds)."""
    row = services.set_role_menu(body["roleId"], body["menuId"], body["isCheck"])
    return envelope.detail(row, "更新成功")


@button_blp.route("/get_role_menu_btn_field/", methods=["GET"])
@button_blp.arguments(RoleMenuBtnFieldQueryArgsSchema, location="query")
@button_blp.response(200, envelope_doc(RoleMenuBtnFieldSchema))
def get_role_menu_btn_field(args):
    """The buttons and columns of a menu, with the role's grants of them."""
    return envelope.detail(services.role_menu_btn_field(args["roleId"], args["menuId"]))


@button_blp.route("/set_role_menu_btn/", methods=["PUT"])
@button_blp.arguments(SetRoleMenuBtnSchema)
@button_blp.response(200, envelope_doc(RoleMenuButtonSchema))
def set_role_menu_btn(body):
    """Grant (with a data range) or revoke one button (only within the caller's own grant)."""
    row = services.set_role_menu_btn(
        body["roleId"], body["btnId"], body["isCheck"], body.get("data_range"), body.get("dept")
    )
    return envelope.detail(row, "更新成功")


@button_blp.route("/set_role_menu_btn_data_range/", methods=["PUT"])
@button_blp.arguments(SetDataRangeSchema)
@button_blp.response(200, envelope_doc(RoleMenuButtonPermissionSchema))
def set_role_menu_btn_data_range(body):
    """Set a grant's data range and replace its custom depts."""
    grant = services.set_data_range(body["role_menu_btn_perm_id"], body["data_range"], body.get("dept"))
    return envelope.detail(services.grant_dicts([grant])[0], "更新成功")


@button_blp.route("/<int:id>/set_role_menu_field/", methods=["PUT"])
@button_blp.arguments(FieldGrantSchema)
@button_blp.response(200, envelope_doc(None, "detail"))
def set_role_menu_field(body, id):  # noqa: A002 - the path parameter is named id (decisions #10)
    """Set the role's column flags: the body is a JSON array ``[{id, is_query, is_create, is_update}]``."""
    if not isinstance(body, list):
        raise ApiError("请提供一个列表。")
    services.set_role_menu_field(id, body)
    return envelope.detail([], "更新成功")


@button_blp.route("/role_to_dept_all/", methods=["GET"])
@button_blp.arguments(DeptAllQueryArgsSchema, location="query")
@button_blp.response(200, envelope_doc(DeptChoiceSchema, "list"))
def role_to_dept_all(args):
    """Every dept, disabled unless the caller's own grant of ``menu_button`` reaches it."""
    return envelope.detail(services.dept_choices(args.get("menu_button")))


@menu_blp.route("/save_auth/", methods=["POST"])
@menu_blp.arguments(SaveAuthSchema)
@menu_blp.response(200, envelope_doc(RoleMenuPermissionSchema, "list"))
def save_auth(body):
    """Make the role's menu set exactly ``menu`` (only menus the caller holds change)."""
    created = services.save_auth(body["role"], body["menu"])
    return envelope.detail(services.menu_grant_dicts(created), "保存成功")
