"""No escalation (differences #12, contract §5.5 and §12.2.3): every path is refused, nothing written.

The manager below holds every setter button (with data range 3, so scope never hides a role) and
the membership buttons with range 2 (their own dept). Of the things they could hand out they hold:
``user:Search`` with range 2, one menu, and the query flag of one column.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.blueprints.role.helpers import (
    RMBP,
    RMP,
    ROLE,
    add_button,
    grant_field,
    grant_menu,
    grant_tables,
    make_field,
    make_menu,
    members,
    superuser,
)
from tests.support.factories import make_button, make_dept, make_role, make_user

SETTERS = [
    (RMBP + "set_role_menu/", 2),
    (RMBP + "set_role_menu_btn/", 2),
    (RMBP + "set_role_menu_btn_data_range/", 2),
    (RMBP + "{id}/set_role_menu_field/", 2),
    (RMBP + "role_to_dept_all/", 0),
    (RMP + "save_auth/", 1),
    (RMBP, 1),
    (RMBP + "{id}/", 2),
    (RMBP + "{id}/", 3),
    (RMBP + "multiple_delete/", 3),
    (RMP, 1),
    (RMP + "{id}/", 2),
    (RMP + "{id}/", 3),
    (RMP + "multiple_delete/", 3),
    (ROLE + "{id}/", 2),
]
MEMBERSHIP = [
    (ROLE + "{id}/add_role_users/", 1),
    (ROLE + "{id}/remove_role_user/", 3),
    (ROLE + "{id}/set_role_users/", 2),
]


@pytest.fixture()
def ctx(app, login_as):
    top = make_dept(app, "总部")
    tech = make_dept(app, "技术部", parent=top)
    ops = make_dept(app, "运营部", parent=top)
    in_tech = {"dept_belong_id": str(tech.id)}
    mine = make_role(app, "manager", **in_tech)
    for api, method in SETTERS:
        add_button(app, mine, api, method, 3)
    for api, method in MEMBERSHIP:
        add_button(app, mine, api, method, 2)
    held = add_button(app, mine, "/api/system/user/", 0, 2)
    held_menu, other_menu = make_menu(app, "用户管理"), make_menu(app, "系统配置")
    grant_menu(app, mine, held_menu)
    column = make_field(app, held_menu, "mobile", model="Users")
    grant_field(app, mine, column, is_query=True, is_create=False, is_update=False)
    other = make_button(app, ROLE, 0, "role:Search")
    # A disabled role of the manager's holds the other button: it must not count.
    add_button_row(app, make_role(app, "dormant", status=False), other, 3)
    manager = make_user(app, "manager", dept=tech, roles=[mine])
    small = make_role(app, "small", **in_tech)  # grants within the manager's holdings
    add_button_row(app, small, held, 2)
    grant_menu(app, small, held_menu)
    big = make_role(app, "big", **in_tech)  # grants beyond them
    add_button_row(app, big, other, 0)
    grant_menu(app, big, other_menu)
    target = make_role(app, "target", **in_tech)  # an empty role to grant things to
    colleague = make_user(app, "colleague", dept=tech)
    outsider = make_user(app, "outsider", dept=ops)
    recruited = make_user(app, "recruited", dept=ops, creator_id=manager.id)
    boss = make_user(app, "boss", dept=tech, superuser=True)
    make_user(app, "member", dept=tech, roles=[big])
    return SimpleNamespace(
        top=top,
        tech=tech,
        ops=ops,
        mine=mine,
        held=held,
        other=other,
        held_menu=held_menu,
        other_menu=other_menu,
        column=column,
        manager=manager,
        small=small,
        big=big,
        target=target,
        colleague=colleague,
        outsider=outsider,
        recruited=recruited,
        boss=boss,
        headers=login_as(manager),
        root=login_as(superuser(app)),
    )


def add_button_row(app, role, button, data_range):
    """Grant an existing button to a role."""
    from tests.support.factories import grant

    grant(app, role, button, data_range)


def _refused(client, app, ctx, method, url, body, needle=None):
    before = grant_tables(app)
    r = getattr(client, method)(url, json=body, headers=ctx.headers)
    assert r.status_code == 200 and r.json["code"] == 4000, r.json
    if needle:
        assert needle in r.json["msg"]
    assert grant_tables(app) == before
    return r


def _ok(client, ctx, method, url, body):
    r = getattr(client, method)(url, json=body, headers=ctx.headers)
    assert r.json["code"] == 2000, r.json
    return r


# ---- buttons and data ranges -----------------------------------------------------------------


def btn(role, button, data_range=0, dept=(), check=True):
    body = {
        "roleId": role.id,
        "btnId": button.id,
        "isCheck": check,
        "data_range": data_range,
        "dept": list(dept),
    }
    return RMBP + "set_role_menu_btn/", body


def test_granting_own_role_a_button_not_held(client, app, ctx):
    _refused(client, app, ctx, "put", *btn(ctx.mine, ctx.other, 0), needle="没有该按钮")
    _refused(client, app, ctx, "put", *btn(ctx.target, ctx.other, 0), needle="没有该按钮")


@pytest.mark.parametrize("data_range", [3, 1])
def test_granting_a_wider_range_than_held(client, app, ctx, data_range):
    _refused(client, app, ctx, "put", *btn(ctx.mine, ctx.held, data_range), needle="data_range")
    _refused(client, app, ctx, "put", *btn(ctx.target, ctx.held, data_range), needle="data_range")


@pytest.mark.parametrize("data_range", [0, 2])
def test_granting_the_held_range_or_less_works(client, app, ctx, data_range):
    r = _ok(client, ctx, "put", *btn(ctx.target, ctx.held, data_range))
    assert r.json["data"]["data_range"] == data_range


def test_custom_depts_outside_reach(client, app, ctx):
    _refused(client, app, ctx, "put", *btn(ctx.target, ctx.held, 4, [ctx.ops.id]), needle="dept")
    _refused(client, app, ctx, "put", *btn(ctx.target, ctx.held, 4, [ctx.tech.id, ctx.top.id]), needle="dept")
    assert _ok(client, ctx, "put", *btn(ctx.target, ctx.held, 4, [ctx.tech.id])).json["data"]["dept"] == [
        ctx.tech.id
    ]


def test_data_range_setter_cannot_widen(client, app, ctx):
    granted, body = btn(ctx.target, ctx.held, 0)
    rmbp_id = client.put(granted, json=body, headers=ctx.root).json["data"]["role_menu_btn_perm_id"]
    url = RMBP + "set_role_menu_btn_data_range/"
    _refused(client, app, ctx, "put", url, {"role_menu_btn_perm_id": rmbp_id, "data_range": 3, "dept": []})
    _refused(
        client,
        app,
        ctx,
        "put",
        url,
        {"role_menu_btn_perm_id": rmbp_id, "data_range": 4, "dept": [ctx.ops.id]},
    )
    # data_range 2 with a stray dept outside reach: refused too (it would count once the range is 4)
    _refused(
        client,
        app,
        ctx,
        "put",
        url,
        {"role_menu_btn_perm_id": rmbp_id, "data_range": 2, "dept": [ctx.ops.id]},
    )
    assert (
        _ok(client, ctx, "put", url, {"role_menu_btn_perm_id": rmbp_id, "data_range": 2}).json["data"][
            "data_range"
        ]
        == 2
    )
    # a grant of a button the manager does not hold cannot be re-ranged at all
    granted, body = btn(ctx.target, ctx.other, 0)
    other_id = client.put(granted, json=body, headers=ctx.root).json["data"]["role_menu_btn_perm_id"]
    _refused(client, app, ctx, "put", url, {"role_menu_btn_perm_id": other_id, "data_range": 0})


def test_revoking_a_button_not_held(client, app, ctx):
    _refused(client, app, ctx, "put", *btn(ctx.big, ctx.other, check=False), needle="没有该按钮")


def test_disabled_roles_hold_nothing_to_hand_out(client, app, ctx):
    # the dormant (disabled) role holds the other button with range 3: still refused
    _refused(client, app, ctx, "put", *btn(ctx.target, ctx.other, 3))


# ---- menus -----------------------------------------------------------------------------------


def test_granting_a_menu_not_held(client, app, ctx):
    body = {"roleId": ctx.mine.id, "menuId": ctx.other_menu.id, "isCheck": True}
    _refused(client, app, ctx, "put", RMBP + "set_role_menu/", body, needle="没有该菜单")
    _refused(client, app, ctx, "put", RMBP + "set_role_menu/", {**body, "roleId": ctx.target.id})
    # revoking it from a role that has it
    _refused(
        client, app, ctx, "put", RMBP + "set_role_menu/", {**body, "roleId": ctx.big.id, "isCheck": False}
    )
    _ok(
        client,
        ctx,
        "put",
        RMBP + "set_role_menu/",
        {**body, "roleId": ctx.target.id, "menuId": ctx.held_menu.id},
    )


def test_save_auth_with_a_menu_not_held(client, app, ctx):
    url = RMP + "save_auth/"
    _refused(
        client, app, ctx, "post", url, {"role": ctx.target.id, "menu": [ctx.held_menu.id, ctx.other_menu.id]}
    )
    # dropping a menu the manager does not hold from a role that has it
    _refused(client, app, ctx, "post", url, {"role": ctx.big.id, "menu": []})
    _ok(client, ctx, "post", url, {"role": ctx.target.id, "menu": [ctx.held_menu.id]})


# ---- columns ---------------------------------------------------------------------------------


def test_column_flags_not_held(client, app, ctx):
    url = f"{RMBP}{ctx.target.id}/set_role_menu_field/"
    item = {"id": ctx.column.id, "is_query": True, "is_create": False, "is_update": False}
    _refused(client, app, ctx, "put", url, [{**item, "is_create": True}], needle="is_create")
    _refused(client, app, ctx, "put", url, [{**item, "is_update": True}], needle="is_update")
    _refused(
        client, app, ctx, "put", f"{RMBP}{ctx.mine.id}/set_role_menu_field/", [{**item, "is_update": True}]
    )
    _ok(client, ctx, "put", url, [item])
    # a flag already set by someone else passes unchanged, and cannot be cleared
    client.put(url, json=[{**item, "is_create": True}], headers=ctx.root)
    _ok(client, ctx, "put", url, [{**item, "is_create": True}])
    _refused(client, app, ctx, "put", url, [{**item, "is_create": False}])


# ---- members ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [("post", "add_role_users/", "users_id"), ("put", "set_role_users/", "movedKeys")],
)
def test_adding_oneself_to_a_role(client, app, ctx, method, path, key):
    body = {key: [ctx.manager.id]}
    if path == "set_role_users/":
        body["direction"] = "right"
    _refused(client, app, ctx, method, f"{ROLE}{ctx.small.id}/{path}", body, needle="自己")
    _refused(client, app, ctx, method, f"{ROLE}{ctx.big.id}/{path}", body)
    assert ctx.manager.id not in members(app, ctx.small)


def test_removing_oneself_from_a_role(client, app, ctx):
    url = f"{ROLE}{ctx.mine.id}/"
    _refused(
        client, app, ctx, "delete", url + "remove_role_user/", {"user_id": [ctx.manager.id]}, needle="自己"
    )
    body = {"direction": "left", "movedKeys": [ctx.manager.id]}
    _refused(client, app, ctx, "put", url + "set_role_users/", body, needle="自己")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "add_role_users/", {"users_id": ["{u}"]}),
        ("put", "set_role_users/", {"direction": "right", "movedKeys": ["{u}"]}),
    ],
)
def test_handing_out_a_role_beyond_ones_grants(client, app, ctx, method, path, body):
    body = {k: [ctx.colleague.id] if v == ["{u}"] else v for k, v in body.items()}
    _refused(client, app, ctx, method, f"{ROLE}{ctx.big.id}/{path}", body, needle="超出")
    assert ctx.colleague.id not in members(app, ctx.big)
    _ok(client, ctx, method, f"{ROLE}{ctx.small.id}/{path}", body)
    assert ctx.colleague.id in members(app, ctx.small)


def test_removing_users_from_a_role_one_cannot_manage(client, app, ctx):
    held_by = members(app, ctx.big)
    _refused(client, app, ctx, "delete", f"{ROLE}{ctx.big.id}/remove_role_user/", {"user_id": held_by})
    body = {"direction": "left", "movedKeys": held_by}
    _refused(client, app, ctx, "put", f"{ROLE}{ctx.big.id}/set_role_users/", body)


def test_touching_a_superuser(client, app, ctx):
    url = f"{ROLE}{ctx.small.id}/"
    _refused(
        client, app, ctx, "post", url + "add_role_users/", {"users_id": [ctx.boss.id]}, needle="超级管理员"
    )
    _refused(client, app, ctx, "delete", url + "remove_role_user/", {"user_id": [ctx.boss.id]})


def test_users_outside_reach(client, app, ctx):
    url = f"{ROLE}{ctx.small.id}/add_role_users/"
    _refused(client, app, ctx, "post", url, {"users_id": [ctx.outsider.id]}, needle="数据权限范围")
    _refused(client, app, ctx, "post", url, {"users_id": [ctx.colleague.id, ctx.outsider.id]})
    # a user the manager created is within reach wherever they are
    _ok(client, ctx, "post", url, {"users_id": [ctx.recruited.id]})


def test_unknown_users(client, app, ctx):
    _refused(
        client, app, ctx, "post", f"{ROLE}{ctx.small.id}/add_role_users/", {"users_id": [999999]}, "不存在"
    )


def test_role_outside_the_setters_scope(client, app, ctx):
    far = make_role(app, "far", dept_belong_id=str(ctx.ops.id))
    url = f"{ROLE}{far.id}/add_role_users/"
    r = client.post(url, json={"users_id": [ctx.colleague.id]}, headers=ctx.headers)
    assert r.json == {"code": 400, "data": None, "msg": "接口地址不正确"}
    assert members(app, far) == []


def test_enabling_a_role_beyond_ones_grants(client, app, ctx):
    client.put(f"{ROLE}{ctx.big.id}/", json={"name": "big", "key": "big", "status": False}, headers=ctx.root)
    body = {"name": "big", "key": "big", "status": True}
    _refused(client, app, ctx, "put", f"{ROLE}{ctx.big.id}/", body, needle="不能启用")
    client.put(
        f"{ROLE}{ctx.small.id}/", json={"name": "s", "key": "small", "status": False}, headers=ctx.root
    )
    _ok(client, ctx, "put", f"{ROLE}{ctx.small.id}/", {"name": "s", "key": "small", "status": True})


# ---- the plain CRUD of the grant tables --------------------------------------------------------


def test_plain_button_grant_writes_are_superuser_only(client, app, ctx):
    body = {"role": ctx.mine.id, "menu_button": ctx.other.id, "data_range": 3}
    _refused(client, app, ctx, "post", RMBP, body, needle="超级管理员")
    row = client.post(RMBP, json={**body, "role": ctx.target.id}, headers=ctx.root).json["data"]
    _refused(client, app, ctx, "put", f"{RMBP}{row['id']}/", {**body, "role": ctx.mine.id})
    _refused(client, app, ctx, "delete", f"{RMBP}{row['id']}/", None)
    _refused(client, app, ctx, "delete", RMBP + "multiple_delete/", {"keys": [row["id"]]})


def test_plain_menu_grant_writes_are_superuser_only(client, app, ctx):
    body = {"role": ctx.mine.id, "menu": ctx.other_menu.id}
    _refused(client, app, ctx, "post", RMP, body, needle="超级管理员")
    row = client.post(RMP, json={**body, "role": ctx.target.id}, headers=ctx.root).json["data"]
    _refused(client, app, ctx, "put", f"{RMP}{row['id']}/", body)
    _refused(client, app, ctx, "delete", f"{RMP}{row['id']}/", None)
    _refused(client, app, ctx, "delete", RMP + "multiple_delete/", {"keys": [row["id"]]})


def test_the_manager_really_lacks_what_was_refused(client, ctx):
    """The refusals above are about holdings, not a missing button or login."""
    assert client.get(ROLE, headers=ctx.headers).json["msg"] == "您没有执行该操作的权限。"
    r = client.get(f"{RMBP}role_to_dept_all/?menu_button={ctx.held.id}", headers=ctx.headers)
    assert {d["id"] for d in r.json["data"] if not d["disabled"]} == {ctx.tech.id}


@pytest.mark.parametrize("data_range", [1, 2, 3])
def test_custom_depts_held_do_not_grant_own_dept_ranges(client, app, ctx, data_range):
    custom = add_button(app, ctx.mine, "/api/system/dept/", 0, 4, depts=[ctx.ops])
    _refused(client, app, ctx, "put", *btn(ctx.target, custom, data_range), needle="data_range")
    _ok(client, ctx, "put", *btn(ctx.target, custom, 4, [ctx.ops.id]))
    _ok(client, ctx, "put", *btn(ctx.target, custom, 0))


def test_custom_depts_alone_cannot_hand_out_relative_ranges(app):
    """Holding a button only for custom depts does not allow "own dept" ranges, which follow the
    member's dept wherever it is (core rule in app.core.permissions.can_grant_range)."""
    from app.core.permissions import bump_permission_version, can_grant_range
    from app.extensions import db
    from blueprints.permission.models import RoleMenuButtonPermission, role_menu_button_permission_dept
    from blueprints.user.models import User
    from tests.support.factories import grant, make_button, make_dept, make_role, make_user

    dept = make_dept(app, "某部门")
    role = make_role(app, "custom_only")
    button = make_button(app, "/api/system/user/", 0)
    grant(app, role, button, 4)
    user = make_user(app, dept=dept, roles=[role])
    with app.app_context(), app.test_request_context():
        rmbp = db.session.execute(sa.select(RoleMenuButtonPermission.id)).scalar_one()
        db.session.execute(
            role_menu_button_permission_dept.insert().values(
                rolemenubuttonpermission_id=rmbp, dept_id=dept.id
            )
        )
        db.session.commit()
        bump_permission_version()
        caller = db.session.get(User, user.id)
        assert not can_grant_range(caller, button.id, 2)
        assert not can_grant_range(caller, button.id, 1)
        assert can_grant_range(caller, button.id, 4, {dept.id})
        assert can_grant_range(caller, button.id, 0)
