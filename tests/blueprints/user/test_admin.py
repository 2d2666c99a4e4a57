"""User administration: ``/api/system/user/`` CRUD, resets, data scope, escalation, columns."""

import pytest
import sqlalchemy as sa

from app.core.passwords import check_hash, md5_hex
from app.extensions import db
from tests.support.factories import grant, make_button, make_dept, make_role, make_user, set_config
from tests.support.queries import statements_for

URL = "/api/system/user/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
ROUTES = [
    ("get", URL, "/api/system/user/", 0),
    ("post", URL, "/api/system/user/", 1),
    ("get", URL + "{id}/", "/api/system/user/{id}/", 0),
    ("put", URL + "{id}/", "/api/system/user/{id}/", 2),
    ("patch", URL + "{id}/", "/api/system/user/{id}/", 2),
    ("delete", URL + "{id}/", "/api/system/user/{id}/", 3),
    ("delete", URL + "multiple_delete/", "/api/system/user/multiple_delete/", 3),
    ("post", URL + "get_by_ids/", "/api/system/user/get_by_ids/", 1),
    ("put", URL + "{id}/reset_password/", "/api/system/user/{id}/reset_password/", 2),
    ("put", URL + "{id}/reset_to_default_password/", "/api/system/user/{id}/reset_to_default_password/", 2),
]


@pytest.fixture()
def org(app):
    """A tree 总部 → 技术部 → 前端组, and 运营部 beside it."""
    root = make_dept(app, "总部")
    tech = make_dept(app, "技术部", parent=root)
    web = make_dept(app, "前端组", parent=tech)
    ops = make_dept(app, "运营部", parent=root)
    return {"root": root, "tech": tech, "web": web, "ops": ops}


@pytest.fixture()
def root_auth(app, org, login_as):
    return login_as(make_user(app, "root", superuser=True, dept=org["root"]))


def user_row(app, user_id):
    from blueprints.user.models import User

    with app.app_context():
        return db.session.get(User, user_id)


def staff_with(app, dept, buttons, data_range=3, roles=()):
    """A non-superuser in ``dept`` whose own role holds ``buttons`` [(api, method)]."""
    role = make_role(app)
    for api, method in buttons:
        grant(app, role, make_button(app, api, method), data_range)
    return make_user(app, dept=dept, roles=[role, *roles]), role


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_token(client, app, method, url, _api, _m):
    target = make_user(app)
    r = getattr(client, method)(url.format(id=target.id), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_button(client, app, login_as, method, url, _api, _m):
    target = make_user(app)
    r = getattr(client, method)(url.format(id=target.id), json={}, headers=login_as(make_user(app)))
    assert r.status_code == 200 and r.json == NO_BUTTON


@pytest.mark.parametrize(("method", "url", "api", "m"), ROUTES)
def test_with_the_button_each_route_answers(client, app, org, login_as, method, url, api, m):
    set_config(app, "base", "default_password", "Def4ultpass")
    staff, _ = staff_with(app, org["root"], [(api, m)])
    target = make_user(app, dept=org["tech"])
    bodies = {
        "post": {"username": "fresh", "name": "新人", "dept": org["tech"].id, "ids": [target.id]},
        "put": {
            "username": target.username,
            "name": "改名",
            "newPassword": md5_hex("x"),
            "newPassword2": md5_hex("x"),
        },
        "patch": {"name": "改名"},
        "delete": {"keys": [target.id]},
    }
    r = getattr(client, method)(
        url.format(id=target.id), json=bodies.get(method, {}), headers=login_as(staff)
    )
    assert r.json["code"] == 2000, r.json


def test_list_rows_are_complete_and_superusers_stay_out(client, app, org, root_auth):
    role = make_role(app, "public", name="用户")
    make_user(app, "test", dept=org["web"], roles=[role], name="测试人员")
    body = client.get(URL + "?page=1&limit=20", headers=root_auth).json
    assert body["total"] == 1
    row = body["data"][0]
    assert row["username"] == "test" and row["is_active"] is True and row["is_locked"] is False
    assert row["dept"] == org["web"].id and row["dept_belong_id"] == str(org["web"].id)
    assert row["dept_name"] == "前端组" and row["dept_name_all"] == "总部/技术部/前端组"
    assert row["role"] == [role.id] and row["role_info"][0]["key"] == "public"
    assert row["post"] == [] and row["groups"] == [] and row["user_permissions"] == []
    assert "password" not in row and "token_version" not in row


def test_filters_are_exact_and_search_spans_dept_and_role(client, app, org, root_auth):
    role = make_role(app, "ops", name="运营角色")
    make_user(app, "user_a", dept=org["tech"])
    make_user(app, "user_b", dept=org["ops"], roles=[role])
    assert client.get(URL + "?username=user_", headers=root_auth).json["total"] == 0
    assert client.get(URL + "?username=user_a", headers=root_auth).json["total"] == 1
    assert [r["username"] for r in client.get(URL + "?search=技术", headers=root_auth).json["data"]] == [
        "user_a"
    ]
    assert [r["username"] for r in client.get(URL + "?search=运营角色", headers=root_auth).json["data"]] == [
        "user_b"
    ]
    assert client.get(URL + f"?dept={org['root'].id}&show_all=0", headers=root_auth).json["total"] == 0


def test_show_all_lists_the_dept_subtree(client, app, org, root_auth):
    make_user(app, "a", dept=org["tech"])
    make_user(app, "b", dept=org["web"])
    make_user(app, "c", dept=org["ops"])
    body = client.get(URL + f"?dept={org['tech'].id}&show_all=1", headers=root_auth).json
    assert sorted(r["username"] for r in body["data"]) == ["a", "b"]


def test_show_all_keeps_data_scope(client, app, org, login_as):
    staff, _ = staff_with(app, org["ops"], [("/api/system/user/", 0)], data_range=2)
    make_user(app, "in_tech", dept=org["tech"])
    mine = make_user(app, "in_ops", dept=org["ops"])
    body = client.get(URL + f"?dept={org['root'].id}&show_all=1", headers=login_as(staff)).json
    assert sorted(r["username"] for r in body["data"]) == sorted([mine.username, staff.username])


def test_create_stores_the_spa_md5_password(client, app, org, root_auth):
    role = make_role(app)
    body = {
        "username": "Newbie",
        "name": "新人",
        "dept": org["tech"].id,
        "role": [role.id],
        "password": md5_hex("Secret123"),
        "dept_name_all": "ignored",
        "role_info": [],
        "creator_name": "x",
    }
    r = client.post(URL, json=body, headers=root_auth)
    assert r.json["code"] == 2000 and r.json["msg"] == "新增成功"
    data = r.json["data"]
    assert (
        data["dept_belong_id"] == str(org["tech"].id) and data["role"] == [role.id] and "password" not in data
    )
    assert (
        client.post("/api/login/", json={"username": "newbie", "password": md5_hex("Secret123")}).json["code"]
        == 2000
    )


def test_create_without_password_uses_the_default(client, app, org, root_auth):
    set_config(app, "base", "default_password", "Def4ultpass")
    client.post(URL, json={"username": "d", "name": "默认"}, headers=root_auth)
    assert client.post("/api/login/", json={"username": "d", "password": "Def4ultpass"}).json["code"] == 2000


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"username": "x"}, {"code": 4000, "data": None, "msg": "姓名:该字段是必填项。"}),
        ({"name": "x"}, {"code": 4000, "data": None, "msg": "用户账号:该字段是必填项。"}),
        ({"username": "ROOT", "name": "x"}, {"code": 400, "data": None, "msg": "账号必须唯一"}),
        (
            {"username": "x", "name": "x", "dept": 999999},
            {"code": 4000, "data": None, "msg": "所属部门:部门不存在"},
        ),
        (
            {"username": "x", "name": "x", "role": [999999]},
            {"code": 4000, "data": None, "msg": "关联角色:角色不存在"},
        ),
        (
            {"username": "x", "name": "x", "gender": 9},
            {"code": 4000, "data": None, "msg": "性别:“9” 不是合法选项。"},
        ),
        (
            {"username": "x", "name": "x", "email": "bad"},
            {"code": 4000, "data": None, "msg": "邮箱:请输入合法的邮件地址。"},
        ),
        ({"username": "x", "name": "x", "password": "short"}, None),
        (
            {"username": "x" * 51, "name": "x"},
            {"code": 4000, "data": None, "msg": "用户账号:请确保这个字段不能超过 50 个字符。"},
        ),
    ],
)
def test_create_bad_input_writes_nothing(client, app, org, root_auth, body, expected):
    r = client.post(URL, json=body, headers=root_auth)
    if expected is None:
        assert r.json["code"] == 4000 and r.json["msg"].startswith("password:")
    else:
        assert r.json == expected
    assert client.get(URL, headers=root_auth).json["total"] == 0


def test_put_of_a_listed_row_round_trips(client, app, org, root_auth):
    make_user(app, "rt", dept=org["tech"])
    row = client.get(URL, headers=root_auth).json["data"][0]
    r = client.put(f"{URL}{row['id']}/", json=row, headers=root_auth)
    assert r.json["code"] == 2000 and r.json["msg"] == "更新成功"


def test_reenabling_a_locked_user_unlocks_it(client, app, org, root_auth):
    target = make_user(app, "locked", dept=org["tech"])
    for _ in range(5):
        client.post("/api/login/", json={"username": "locked", "password": "bad"})
    row = client.get(URL, headers=root_auth).json["data"][0]
    assert row["is_locked"] is True and row["login_error_count"] == 5
    assert (
        client.put(f"{URL}{target.id}/", json={**row, "is_active": True}, headers=root_auth).json["code"]
        == 2000
    )
    assert (
        client.post("/api/login/", json={"username": "locked", "password": target.password}).json["code"]
        == 2000
    )


def test_email_login_shares_the_account_lock(client, app, org):
    target = make_user(app, "mailer", email="m@example.com")
    for _ in range(5):
        client.post("/api/login/", json={"username": "m@example.com", "password": "bad"})
    assert (
        client.post("/api/login/", json={"username": "MAILER", "password": target.password})
        .json["msg"]
        .startswith("尝试次数过多")
    )


def test_disabling_a_user_revokes_their_tokens(client, app, org, root_auth, login_as):
    target = make_user(app, "victim", dept=org["tech"])
    their = login_as(target)
    assert (
        client.patch(f"{URL}{target.id}/", json={"is_active": False}, headers=root_auth).json["code"] == 2000
    )
    assert client.get(URL + "user_info/", headers=their).status_code == 401


def test_self_protection(client, app, org, login_as):
    staff, _ = staff_with(app, org["root"], [("/api/system/user/{id}/", 2), ("/api/system/user/{id}/", 3)])
    auth = login_as(staff)
    assert (
        client.patch(f"{URL}{staff.id}/", json={"is_active": False}, headers=auth).json["msg"]
        == "不能禁用自己的账号"
    )
    assert client.delete(f"{URL}{staff.id}/", headers=auth).json["msg"] == "不能删除自己的账号"
    assert user_row(app, staff.id).is_active is True


def test_delete_clears_memberships_and_creator_links(client, app, org, root_auth):
    from blueprints.role.models import Role
    from blueprints.user.models import users_role

    role = make_role(app)
    target = make_user(app, "gone", dept=org["tech"], roles=[role])
    with app.app_context():
        db.session.get(Role, role.id).creator_id = target.id
        db.session.commit()
    assert client.delete(f"{URL}{target.id}/", headers=root_auth).json == {
        "code": 2000,
        "data": [],
        "msg": "删除成功",
    }
    with app.app_context():
        assert db.session.get(Role, role.id).creator_id is None
        assert (
            db.session.execute(sa.select(users_role).where(users_role.c.users_id == target.id)).first()
            is None
        )


def test_unknown_id(client, root_auth):
    assert client.get(f"{URL}999999/", headers=root_auth).json == {
        "code": 400,
        "data": None,
        "msg": "接口地址不正确",
    }
    r = client.put(
        f"{URL}999999/reset_password/", json={"newPassword": "a", "newPassword2": "a"}, headers=root_auth
    )
    assert r.json == {"code": 400, "data": None, "msg": "未获取到用户"}


def test_superusers_cannot_be_reached_by_id(client, app, org, root_auth):
    other = make_user(app, "other_root", superuser=True)
    assert client.get(f"{URL}{other.id}/", headers=root_auth).json["code"] == 400
    assert client.post(URL + "get_by_ids/", json={"ids": [other.id]}, headers=root_auth).json["data"] == []


# ---- data scope --------------------------------------------------------------------------


@pytest.fixture()
def people(app, org):
    return {
        "tech": make_user(app, "u_tech", dept=org["tech"]),
        "web": make_user(app, "u_web", dept=org["web"]),
        "ops": make_user(app, "u_ops", dept=org["ops"]),
    }


def visible(client, auth):
    return sorted(r["username"] for r in client.get(URL + "?limit=999", headers=auth).json["data"])


@pytest.mark.parametrize(
    ("data_range", "expected"),
    [
        (0, []),
        (1, ["u_tech", "u_web"]),
        (2, ["u_tech"]),
        (3, ["u_ops", "u_tech", "u_web"]),
    ],
)
def test_data_ranges(client, app, org, people, login_as, data_range, expected):
    staff, _ = staff_with(app, org["tech"], [("/api/system/user/", 0)], data_range=data_range)
    mine = [staff.username] if data_range in (1, 2, 3) else []
    assert visible(client, login_as(staff)) == sorted(expected + mine)


def test_data_range_0_sees_own_creations(client, app, org, people, login_as):
    from blueprints.user.models import User

    staff, _ = staff_with(app, org["tech"], [("/api/system/user/", 0)], data_range=0)
    with app.app_context():
        db.session.get(User, people["ops"].id).creator_id = staff.id
        db.session.commit()
    assert visible(client, login_as(staff)) == ["u_ops"]


def test_data_range_4_custom_depts(client, app, org, people, login_as):
    from blueprints.permission.models import RoleMenuButtonPermission, role_menu_button_permission_dept

    staff, role = staff_with(app, org["tech"], [("/api/system/user/", 0)], data_range=4)
    with app.app_context():
        rmbp = db.session.execute(
            sa.select(RoleMenuButtonPermission).where(RoleMenuButtonPermission.role_id == role.id)
        ).scalar_one()
        db.session.execute(
            role_menu_button_permission_dept.insert().values(
                rolemenubuttonpermission_id=rmbp.id, dept_id=org["ops"].id
            )
        )
        db.session.commit()
        from app.core.permissions import bump_permission_version

        with app.test_request_context():
            bump_permission_version()
    assert visible(client, login_as(staff)) == ["u_ops"]


def test_two_roles_are_unioned(client, app, org, people, login_as):
    other_role = make_role(app)
    grant(app, other_role, make_button(app, "/api/system/user/", 0), 2)
    staff, _ = staff_with(app, org["ops"], [], roles=[other_role])
    second = make_role(app)
    grant(app, second, make_button(app, "/api/system/user/", 0), 1)
    from app.core.permissions import bump_permission_version
    from blueprints.role.models import Role
    from blueprints.user.models import User

    with app.app_context(), app.test_request_context():
        row = db.session.get(User, staff.id)
        row.role.append(db.session.get(Role, second.id))
        db.session.commit()
        bump_permission_version()
    # range 2 from one role (own dept 运营部) united with range 1 from the other (运营部 and below)
    assert visible(client, login_as(staff)) == sorted(["u_ops", staff.username])
    with app.app_context():
        row = db.session.get(User, staff.id)
        row.dept_id = org["tech"].id
        db.session.commit()
    assert visible(client, login_as(staff)) == ["u_tech", "u_web"]


def test_another_department_can_neither_read_update_nor_delete(client, app, org, people, login_as):
    staff, _ = staff_with(
        app,
        org["ops"],
        [
            ("/api/system/user/{id}/", 0),
            ("/api/system/user/{id}/", 2),
            ("/api/system/user/{id}/", 3),
            ("/api/system/user/multiple_delete/", 3),
            ("/api/system/user/get_by_ids/", 1),
            ("/api/system/user/{id}/reset_password/", 2),
        ],
        data_range=2,
    )
    auth, target = login_as(staff), people["tech"]
    assert client.get(f"{URL}{target.id}/", headers=auth).json["code"] == 400
    assert (
        client.put(f"{URL}{target.id}/", json={"username": "u_tech", "name": "hacked"}, headers=auth).json[
            "code"
        ]
        == 400
    )
    assert client.delete(f"{URL}{target.id}/", headers=auth).json["code"] == 400
    assert (
        client.delete(URL + "multiple_delete/", json={"keys": [target.id]}, headers=auth).json["code"] == 2000
    )
    assert client.post(URL + "get_by_ids/", json={"ids": [target.id]}, headers=auth).json["data"] == []
    r = client.put(
        f"{URL}{target.id}/reset_password/", json={"newPassword": "a", "newPassword2": "a"}, headers=auth
    )
    assert r.json["code"] == 400
    row = user_row(app, target.id)
    assert row is not None and row.name != "hacked"
    assert client.get(f"{URL}{people['ops'].id}/", headers=auth).json["code"] == 2000


# ---- escalation (differences #12) ----------------------------------------------------------


def test_no_escalation_through_user_writes(client, app, org, login_as):
    staff, my_role = staff_with(
        app, org["tech"], [("/api/system/user/", 1), ("/api/system/user/{id}/", 2)], data_range=1
    )
    strong = make_role(app, "strong")
    grant(app, strong, make_button(app, "/api/system/role/", 0), 3)
    auth = login_as(staff)
    target = make_user(app, "t", dept=org["tech"])

    def create(**extra):
        return client.post(
            URL, json={"username": "x1", "name": "x", "dept": org["tech"].id, **extra}, headers=auth
        ).json

    assert create(role=[strong.id])["msg"] == "关联角色:不能授予超出自身权限的角色"
    assert create(is_superuser=True)["msg"] == "超级用户状态:只有超级管理员可以修改"
    assert create(is_staff=True)["msg"] == "工作人员状态:只有超级管理员可以修改"
    assert create(dept=org["ops"].id)["msg"] == "所属部门:超出数据权限范围"
    r = client.put(
        f"{URL}{staff.id}/",
        json={"username": staff.username, "name": "me", "role": [my_role.id, strong.id]},
        headers=auth,
    )
    assert r.json["msg"] == "关联角色:不能修改自己的角色"
    r = client.put(
        f"{URL}{target.id}/", json={"username": "t", "name": "t", "role": [strong.id]}, headers=auth
    )
    assert r.json["msg"] == "关联角色:不能授予超出自身权限的角色"
    # a role within the caller's holdings may be handed out
    assert create(role=[my_role.id])["code"] == 2000
    from blueprints.user.models import users_role

    with app.app_context():
        held = db.session.execute(
            sa.select(users_role.c.role_id).where(users_role.c.users_id == target.id)
        ).all()
    assert held == []


# ---- resets (differences #29) ----------------------------------------------------------------


def test_reset_password(client, app, org, root_auth, login_as):
    target = make_user(app, "r1", dept=org["tech"], pwd_change_count=3)
    theirs = login_as(target)
    new = md5_hex("N3wpassword")
    r = client.put(
        f"{URL}{target.id}/reset_password/", json={"newPassword": new, "newPassword2": new}, headers=root_auth
    )
    assert r.json == {"code": 2000, "data": None, "msg": "修改成功"}
    row = user_row(app, target.id)
    assert row.pwd_change_count == 0 and check_hash(new, row.password)
    assert client.get(URL + "user_info/", headers=theirs).status_code == 401
    r = client.put(
        f"{URL}{target.id}/reset_password/", json={"newPassword": new, "newPassword2": "x"}, headers=root_auth
    )
    assert r.json == {"code": 400, "data": None, "msg": "两次密码不匹配"}


def test_reset_to_default_password(client, app, org, root_auth):
    target = make_user(app, "r2", dept=org["tech"], pwd_change_count=2)
    r = client.put(f"{URL}{target.id}/reset_to_default_password/", headers=root_auth)
    assert r.json["code"] == 400 and "default_password" in r.json["msg"]
    set_config(app, "base", "default_password", "admin123456")
    r = client.put(f"{URL}{target.id}/reset_to_default_password/", headers=root_auth)
    assert r.json == {"code": 2000, "data": None, "msg": "密码重置成功"}
    assert user_row(app, target.id).pwd_change_count == 0
    assert (
        client.post("/api/login/", json={"username": "r2", "password": md5_hex("admin123456")}).json["code"]
        == 2000
    )


# ---- column permissions (differences #15) ----------------------------------------------------


def test_column_permissions(client, app, org, login_as):
    from app.core.permissions import bump_permission_version
    from blueprints.menu.models import Menu, MenuField
    from blueprints.permission.models import FieldPermission

    staff, role = staff_with(
        app,
        org["tech"],
        [("/api/system/user/", 0), ("/api/system/user/{id}/", 0), ("/api/system/user/{id}/", 2)],
    )
    target = make_user(app, "col", dept=org["tech"], mobile="13800000000")
    with app.app_context():
        menu = Menu(name="用户管理", sort=1)
        db.session.add(menu)
        db.session.flush()
        mobile = MenuField(model="Users", menu_id=menu.id, field_name="mobile", title="电话")
        name = MenuField(model="Users", menu_id=menu.id, field_name="name", title="姓名")
        db.session.add_all([mobile, name])
        db.session.flush()
        db.session.add(
            FieldPermission(
                role_id=role.id, field_id=mobile.id, is_query=False, is_create=False, is_update=False
            )
        )
        db.session.add(
            FieldPermission(
                role_id=role.id, field_id=name.id, is_query=True, is_create=False, is_update=False
            )
        )
        db.session.commit()
        with app.test_request_context():
            bump_permission_version()
    auth = login_as(staff)
    listed = client.get(URL, headers=auth).json["data"]
    assert listed and all("mobile" not in row for row in listed) and all("name" in row for row in listed)
    detail = client.get(f"{URL}{target.id}/", headers=auth).json["data"]
    assert "mobile" not in detail and detail["username"] == "col"
    r = client.put(f"{URL}{target.id}/", json={"username": "col", "name": "changed"}, headers=auth)
    assert r.json == {"code": 4000, "data": None, "msg": "姓名:没有修改该字段的权限"}
    r = client.put(f"{URL}{target.id}/", json={**detail, "gender": 2}, headers=auth)
    assert r.json["code"] == 2000 and user_row(app, target.id).gender == 2


# ---- cost ------------------------------------------------------------------------------------


def test_list_costs_the_same_at_20_and_200_rows(client, app, org, root_auth):
    from blueprints.user.models import User

    role = make_role(app)
    with app.app_context():
        from blueprints.role.models import Role

        r = db.session.get(Role, role.id)
        for i in range(200):
            user = User(
                username=f"bulk{i}",
                name=f"批量{i}",
                dept_id=org["web"].id if i % 2 else org["ops"].id,
                dept_belong_id="1",
            )
            user.role = [r]
            db.session.add(user)
        db.session.commit()
    statements_for(app, client, "get", URL + "?limit=1", headers=root_auth)
    small = statements_for(app, client, "get", URL + "?limit=20", headers=root_auth)
    large = statements_for(app, client, "get", URL + "?limit=200", headers=root_auth)
    assert small == large


def test_hidden_columns_cannot_be_probed_by_filter_search_or_ordering(client, app, org, login_as):
    from app.core.permissions import bump_permission_version
    from blueprints.menu.models import Menu, MenuField
    from blueprints.permission.models import FieldPermission

    staff, role = staff_with(app, org["tech"], [("/api/system/user/", 0)])
    make_user(app, "probe_me", dept=org["tech"], name="秘密名字")
    with app.app_context():
        menu = Menu(name="用户管理", sort=1)
        db.session.add(menu)
        db.session.flush()
        hidden = MenuField(model="Users", menu_id=menu.id, field_name="name", title="姓名")
        db.session.add(hidden)
        db.session.flush()
        db.session.add(
            FieldPermission(
                role_id=role.id, field_id=hidden.id, is_query=False, is_create=False, is_update=False
            )
        )
        db.session.commit()
        with app.test_request_context():
            bump_permission_version()
    auth = login_as(staff)
    everyone = client.get(URL, headers=auth).json["total"]
    assert client.get(URL + "?name=秘密名字", headers=auth).json["total"] == everyone
    assert client.get(URL + "?search=秘密", headers=auth).json["total"] == 0
    assert client.get(URL + "?search=probe_me", headers=auth).json["total"] == 1
    first = [r["username"] for r in client.get(URL + "?ordering=name", headers=auth).json["data"]]
    assert first == [r["username"] for r in client.get(URL + "?ordering=-name", headers=auth).json["data"]]


def test_a_scoped_caller_cannot_create_users_outside_every_dept(client, app, org, login_as):
    staff, _ = staff_with(app, org["tech"], [("/api/system/user/", 1)], data_range=2)
    r = client.post(URL, json={"username": "nodept", "name": "x"}, headers=login_as(staff))
    assert r.json == {"code": 4000, "data": None, "msg": "所属部门:该字段是必填项。"}
    r = client.post(
        URL, json={"username": "indept", "name": "x", "dept": org["tech"].id}, headers=login_as(staff)
    )
    assert r.json["code"] == 2000
