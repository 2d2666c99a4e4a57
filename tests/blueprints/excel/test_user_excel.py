"""User export, templates and import: ``/api/system/user/export_data/``, ``import_data/``, ``update_template/``."""

import io
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.core.passwords import md5_hex
from app.extensions import db
from tests.blueprints.excel.helpers import (
    NO_BUTTON,
    count_rows,
    hide_column,
    rows_of,
    staff_with,
    upload,
    workbook_of,
    xlsx_bytes,
)
from tests.support.factories import make_dept, make_role, make_user, set_config
from tests.support.queries import count_statements

URL = "/api/system/user/"
EXPORT_HEADER = [
    "序号",
    "用户账号",
    "用户名称",
    "用户邮箱",
    "手机号码",
    "用户性别",
    "帐号状态",
    "最后登录时间",
    "部门名称",
    "部门负责人",
]
IMPORT_HEADER = [
    "序号",
    "登录账号",
    "用户名称",
    "用户邮箱",
    "手机号码",
    "用户性别",
    "帐号状态",
    "部门",
    "角色",
]
# (method, url, button api, button method)
ROUTES = [
    ("get", URL + "export_data/", URL + "export_data/", 0),
    ("get", URL + "export/", URL + "export/", 0),
    ("post", URL + "export/", URL + "export/", 1),
    ("get", URL + "import_data/", URL + "import_data/", 0),
    ("post", URL + "import_data/", URL + "import_data/", 1),
    ("get", URL + "import/", URL + "import/", 0),
    ("post", URL + "import/", URL + "import/", 1),
    ("get", URL + "update_template/", URL + "update_template/", 0),
]


@pytest.fixture()
def org(app):
    """总部 → 技术部 → 前端组, 运营部 beside 技术部, and a disabled 旧部门."""
    root = make_dept(app, "总部", owner="老板")
    tech = make_dept(app, "技术部", parent=root, owner="张三")
    web = make_dept(app, "前端组", parent=tech)
    ops = make_dept(app, "运营部", parent=root)
    old = make_dept(app, "旧部门", parent=root, status=False)
    return {"root": root, "tech": tech, "web": web, "ops": ops, "old": old}


@pytest.fixture()
def root(app, org):
    return make_user(app, "root", superuser=True, dept=org["root"])


@pytest.fixture()
def root_auth(root, login_as):
    return login_as(root)


def users_by_name(app):
    from blueprints.user.models import User

    with app.app_context():
        return {u.username: u for u in db.session.execute(sa.select(User)).scalars()}


def roles_of(app, user_id):
    from blueprints.user.models import users_role

    with app.app_context():
        return sorted(
            db.session.execute(
                sa.select(users_role.c.role_id).where(users_role.c.users_id == user_id)
            ).scalars()
        )


def post_import(client, headers, body, url=URL + "import_data/"):
    return client.post(url, json=body, headers=headers)


# ---- authorisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_no_token_is_401(client, app, method, url, _api, _m):
    r = getattr(client, method)(url, json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_api", "_m"), ROUTES)
def test_without_the_button_is_4000(client, app, login_as, org, method, url, _api, _m):
    other = staff_with(app, org["tech"], [(URL, 0)])  # holds the list, not this route
    r = getattr(client, method)(url, json={}, headers=login_as(other))
    assert r.status_code == 200 and r.json == NO_BUTTON


@pytest.mark.parametrize(("method", "url", "api", "m"), ROUTES)
def test_with_the_button_each_route_answers(client, app, login_as, org, method, url, api, m):
    staff = staff_with(app, org["root"], [(api, m)])
    body = {}
    if method == "post" and "import" in url:
        content = xlsx_bytes(IMPORT_HEADER, [[1, "fresh", "新人"]])
        body = {"url": upload(app, content, owner=staff).file_url}
    r = getattr(client, method)(url, json=body, headers=login_as(staff))
    if method == "post" and "import" in url:
        assert r.json == {"code": 2000, "data": {"created": 1, "updated": 0}, "msg": "导入成功！"}
    else:
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/msexcel"


# ---- export ------------------------------------------------------------------------------------


def test_export_rows_headers_and_layout(client, app, org, root_auth):
    role = make_role(app)
    make_user(app, "alice", dept=org["tech"], name="爱丽丝", gender=2, email="a@x.cn", mobile="138")
    make_user(app, "bob", dept=org["web"], name="鲍勃", gender=1, active=False, roles=[role])
    make_user(app, "carol", name="无部门")
    r = client.get(URL + "export_data/", headers=root_auth)
    assert r.headers["Content-Disposition"] == "attachment;filename=" + quote("导出用户表.xlsx")
    assert r.headers["Access-Control-Expose-Headers"] == "Content-Disposition"
    book = workbook_of(r)
    sheet = book.worksheets[0]
    rows = rows_of(sheet)
    assert rows[0] == EXPORT_HEADER
    body = {row[1]: row for row in rows[1:]}
    assert sorted(body) == ["alice", "bob", "carol"]  # the superuser is never exported
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    assert body["alice"][1:] == ["alice", "爱丽丝", "a@x.cn", "138", "女", "启用", None, "技术部", "张三"]
    assert body["bob"][5:7] == ["男", "停用"] and body["bob"][8] == "前端组"
    assert body["carol"][8:] == [None, None]
    assert list(sheet.tables) == ["Table"] and sheet.tables["Table"].ref == "A1:J4"
    assert sheet.column_dimensions["A"].width == pytest.approx(4 + 2 * 2.1)
    assert sheet.column_dimensions["B"].width == pytest.approx(4 + 4 * 2.1)


def test_export_applies_the_list_filters_and_ordering(client, app, org, root_auth):
    make_user(app, "u1", dept=org["tech"])
    make_user(app, "u2", dept=org["ops"])
    make_user(app, "u3", dept=org["web"])
    book = workbook_of(client.get(URL + "export_data/?username=u2", headers=root_auth))
    assert [r[1] for r in rows_of(book.worksheets[0])[1:]] == ["u2"]
    book = workbook_of(client.get(URL + "export_data/?ordering=-username", headers=root_auth))
    assert [r[1] for r in rows_of(book.worksheets[0])[1:]] == ["u3", "u2", "u1"]
    book = workbook_of(client.get(URL + f"export_data/?dept={org['tech'].id}&show_all=1", headers=root_auth))
    assert sorted(r[1] for r in rows_of(book.worksheets[0])[1:]) == ["u1", "u3"]


def test_export_of_a_dept_scoped_user_has_only_their_dept(client, app, org, login_as):
    staff = staff_with(app, org["tech"], [(URL + "export_data/", 0)], data_range=2)
    make_user(app, "in_tech", dept=org["tech"])
    make_user(app, "in_web", dept=org["web"])
    make_user(app, "in_ops", dept=org["ops"])
    book = workbook_of(client.get(URL + "export_data/", headers=login_as(staff)))
    assert sorted(r[1] for r in rows_of(book.worksheets[0])[1:]) == sorted(["in_tech", staff.username])


def test_export_range_follows_the_export_button_not_the_list(client, app, org, login_as):
    role = make_role(app)
    from tests.support.factories import grant, make_button

    grant(app, role, make_button(app, URL, 0), 3)
    grant(app, role, make_button(app, URL + "export_data/", 0), 0)
    staff = make_user(app, dept=org["tech"], roles=[role])
    make_user(app, "someone", dept=org["tech"])
    book = workbook_of(client.get(URL + "export_data/", headers=login_as(staff)))
    assert rows_of(book.worksheets[0])[1:] == []  # range 0: only rows the caller created


def test_export_leaves_out_hidden_columns(client, app, org, login_as):
    staff = staff_with(app, org["root"], [(URL + "export_data/", 0)])
    hide_column(app, staff.role, "Users", "mobile")
    hide_column(app, staff.role, "Users", "dept")
    make_user(app, "m", dept=org["tech"], mobile="13900000000")
    rows = rows_of(workbook_of(client.get(URL + "export_data/", headers=login_as(staff))).worksheets[0])
    assert rows[0] == ["序号", "用户账号", "用户名称", "用户邮箱", "用户性别", "帐号状态", "最后登录时间"]
    assert all("13900000000" not in row for row in rows)


def test_export_keeps_formulas_as_text(client, app, org, root_auth):
    make_user(app, "f", name='=HYPERLINK("http://x")')
    response = client.get(URL + "export_data/", headers=root_auth)
    cell = load_workbook(io.BytesIO(response.data)).worksheets[0]["C2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_export_costs_the_same_statements_at_20_and_200_users(client, app, org, root_auth):
    def run():
        with count_statements(app) as statements:
            response = client.get(URL + "export_data/", headers=root_auth)
        assert response.status_code == 200
        return len(statements), len(rows_of(workbook_of(response).worksheets[0])) - 1

    _bulk_users(app, org["tech"], 20)
    run()
    small = run()
    _bulk_users(app, org["tech"], 180, start=20)
    large = run()
    assert small[1] == 20 and large[1] == 200 and small[0] == large[0]


def _bulk_users(app, dept, n, start=0):
    from blueprints.user.models import User

    with app.app_context():
        db.session.add_all(
            User(username=f"bulk{start + i}", name=f"批量{i}", dept_id=dept.id, dept_belong_id=str(dept.id))
            for i in range(n)
        )
        db.session.commit()


# ---- templates -----------------------------------------------------------------------------------


def test_import_template_has_hidden_lists_and_validations(client, app, org, root_auth):
    make_role(app, name="管理员")
    make_role(app, name="普通用户")
    r = client.get(URL + "import_data/", headers=root_auth)
    assert r.headers["Content-Disposition"] == "attachment;filename=" + quote("导入用户表模板.xlsx")
    book = workbook_of(r)
    main, data = book.worksheets
    assert rows_of(main) == [IMPORT_HEADER]
    assert data.title == "data" and data.sheet_state == "hidden"
    columns = {col[0].value: [c.value for c in col[1:] if c.value is not None] for col in data.iter_cols()}
    assert columns["用户性别"] == ["未知", "男", "女"]
    assert columns["帐号状态"] == ["启用", "禁用"]
    assert columns["部门"] == ["总部", "技术部", "前端组", "运营部"]  # active depts only
    assert columns["角色"] == ["管理员", "普通用户"]
    validations = {str(v.sqref): v for v in main.data_validations.dataValidation}
    assert validations["F2:F1001"].formula1 == "data!$A$2:$A$4"
    assert validations["G2:G1001"].formula1 == "data!$B$2:$B$3"
    assert validations["H2:H1001"].formula1 == "data!$C$2:$C$5"
    assert validations["I2:I1001"].showErrorMessage is False  # several roles per cell
    assert validations["F2:F1001"].showErrorMessage is True
    assert list(main.tables) == ["Table1"]


def test_import_template_lists_only_reachable_depts_and_grantable_roles(client, app, org, login_as):
    staff = staff_with(app, org["tech"], [(URL + "import_data/", 0)], data_range=1)
    make_role(app, name="高权限")  # holds a button the staff does not
    from tests.support.factories import grant, make_button

    big = make_role(app, name="大角色")
    grant(app, big, make_button(app, "/api/system/role/", 0), 3)
    book = workbook_of(client.get(URL + "import_data/", headers=login_as(staff)))
    data = book["data"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value is not None] for col in data.iter_cols()}
    assert columns["部门"] == ["技术部", "前端组"]
    assert "大角色" not in columns["角色"] and "高权限" in columns["角色"]


def test_update_template_lists_visible_users_with_their_keys(client, app, org, login_as):
    role = make_role(app, name="编辑")
    a = make_user(app, "a1", dept=org["tech"], gender=1, roles=[role])
    make_user(app, "other", dept=org["ops"])
    staff = staff_with(app, org["tech"], [(URL + "update_template/", 0)], data_range=2)
    book = workbook_of(client.get(URL + "update_template/", headers=login_as(staff)))
    rows = rows_of(book.worksheets[0])
    assert rows[0] == ["序号", "更新主键(勿改)", *IMPORT_HEADER[1:]]
    body = {row[2]: row for row in rows[1:]}
    assert sorted(body) == sorted(["a1", staff.username])
    assert body["a1"][1] == a.id and body["a1"][6:] == ["男", "启用", "技术部", "编辑"]
    assert book["data"].sheet_state == "hidden"


def test_update_template_costs_the_same_statements_at_20_and_200_users(client, app, org, root_auth):
    def run():
        with count_statements(app) as statements:
            response = client.get(URL + "update_template/", headers=root_auth)
        return len(statements), len(rows_of(workbook_of(response).worksheets[0])) - 1

    _bulk_users(app, org["tech"], 20)
    run()
    small = run()
    _bulk_users(app, org["tech"], 180, start=20)
    large = run()
    assert small[1] == 20 and large[1] == 200 and small[0] == large[0]


# ---- import ---------------------------------------------------------------------------------------


def test_import_creates_users_with_the_model_gender_mapping(client, app, org, root, root_auth):
    set_config(app, "base", "default_password", "Def4ultpass")
    r1, r2 = make_role(app, name="甲"), make_role(app, name="乙")
    content = xlsx_bytes(
        IMPORT_HEADER,
        [
            [1, " neo ", "尼奥", "neo@x.cn", 13800000000.0, "男", "启用", "技术部", "甲，乙"],
            [2, "trinity", "崔妮蒂", None, None, "女", "禁用", "运营部", "乙"],
            [3, "tank", "坦克", None, None, "未知", None, None, None],
            [None, None, None, None, None, None, None, None, None],
        ],
    )
    file = upload(app, content, owner=root)
    r = post_import(client, root_auth, {"url": file.file_url})
    assert r.json == {"code": 2000, "data": {"created": 3, "updated": 0}, "msg": "导入成功！"}
    users = users_by_name(app)
    neo, trinity, tank = users["neo"], users["trinity"], users["tank"]
    assert (neo.gender, trinity.gender, tank.gender) == (1, 2, 0)
    assert neo.mobile == "13800000000" and neo.email == "neo@x.cn"
    assert (neo.is_active, trinity.is_active, tank.is_active) == (True, False, True)
    assert neo.dept_id == org["tech"].id and neo.dept_belong_id == str(org["tech"].id)
    assert roles_of(app, neo.id) == sorted([r1.id, r2.id]) and roles_of(app, trinity.id) == [r2.id]
    assert neo.pwd_change_count == 0 and neo.creator_id == root.id
    login = client.post("/api/login/", json={"username": "neo", "password": md5_hex("Def4ultpass")})
    assert login.json["code"] == 2000


def test_import_by_file_id_and_by_full_url(client, app, org, root, root_auth):
    one = upload(app, xlsx_bytes(IMPORT_HEADER, [[1, "byid", "按编号"]]), owner=root)
    assert post_import(client, root_auth, {"file": one.id}).json["code"] == 2000
    two = upload(app, xlsx_bytes(IMPORT_HEADER, [[1, "byurl", "按地址"]]), owner=root)
    full = f"http://example.com/{two.file_url}"
    assert post_import(client, root_auth, {"url": full}).json["code"] == 2000
    three = upload(app, xlsx_bytes(IMPORT_HEADER, [[1, "slash", "斜杠"]]), owner=root)
    assert post_import(client, root_auth, {"url": "/" + three.file_url}, URL + "import/").json["code"] == 2000
    assert {"byid", "byurl", "slash"} <= set(users_by_name(app))


def test_a_bad_import_writes_nothing_and_names_every_bad_cell(client, app, org, root, root_auth):
    make_user(app, "taken", dept=org["tech"])
    before = count_rows(app, _user_model())
    content = xlsx_bytes(
        IMPORT_HEADER,
        [
            [1, "good", "好人", None, None, "男", "启用", "技术部", None],
            [2, "bad1", "坏人", None, None, "男性", "启用", None, None],
            [3, "dup", "甲", None, None, None, None, None, None],
            [4, "TAKEN", "重名", "not-an-email", None, None, "开启", "不存在部门", "无此角色"],
            [5, "DUP", None, None, None, None, None, None, None],
        ],
    )
    r = post_import(client, root_auth, {"url": upload(app, content, owner=root).file_url})
    assert r.json["code"] == 4000 and r.json["data"] is None
    msg = r.json["msg"]
    assert msg.startswith("第3行 用户性别: “男性”不是合法选项；")
    for part in (
        "第5行 登录账号: 已存在",
        "第5行 用户邮箱: 请输入合法的邮件地址。",
        "第5行 帐号状态: “开启”不是合法选项",
        "第5行 部门: “不存在部门”不存在或超出数据权限范围",
        "第5行 角色: “无此角色”不存在",
        "第6行 用户名称: 该字段是必填项。",
        "第6行 登录账号: 与第4行重复",
    ):
        assert part in msg, msg
    assert "good" not in users_by_name(app) and count_rows(app, _user_model()) == before


def _user_model():
    from blueprints.user.models import User

    return User


def test_too_many_errors_are_cut_with_a_total(client, app, org, root, root_auth):
    content = xlsx_bytes(IMPORT_HEADER, [[i, f"u{i}", f"名{i}", None, None, "错"] for i in range(30)])
    msg = post_import(client, root_auth, {"url": upload(app, content, owner=root).file_url}).json["msg"]
    assert msg.count("不是合法选项") == 20 and msg.endswith("……共 30 处错误")


def test_update_template_round_trips_into_an_update(client, app, org, root, root_auth):
    role = make_role(app, name="编辑")
    a = make_user(app, "a1", dept=org["tech"], name="旧名", roles=[role])
    b = make_user(app, "b1", dept=org["ops"], name="乙")
    response = client.get(URL + "update_template/", headers=root_auth)
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == "a1":
            row[3].value = "新名"
            row[5].value = 13700000000
            row[6].value = "女"
            row[8].value = "运营部"
    out = io.BytesIO()
    book.save(out)
    before = count_rows(app, _user_model())
    r = post_import(client, root_auth, {"url": upload(app, out.getvalue(), owner=root).file_url})
    assert r.json == {"code": 2000, "data": {"created": 0, "updated": 2}, "msg": "导入成功！"}
    users = users_by_name(app)
    assert users["a1"].id == a.id and users["a1"].name == "新名" and users["a1"].gender == 2
    assert users["a1"].mobile == "13700000000" and users["a1"].dept_id == org["ops"].id
    assert roles_of(app, a.id) == [role.id] and users["b1"].name == "乙" and users["b1"].id == b.id
    assert count_rows(app, _user_model()) == before


def test_an_update_of_a_user_outside_scope_is_refused(client, app, org, login_as):
    staff = staff_with(app, org["tech"], [(URL + "import_data/", 1)], data_range=2)
    outsider = make_user(app, "outsider", dept=org["ops"], name="外人")
    header = ["序号", "更新主键(勿改)", *IMPORT_HEADER[1:]]
    content = xlsx_bytes(header, [[1, outsider.id, "outsider", "改名"]])
    r = post_import(client, login_as(staff), {"url": upload(app, content, owner=staff).file_url})
    assert r.json["code"] == 4000
    assert r.json["msg"] == f"第2行 更新主键(勿改): 用户“{outsider.id}”不存在或无权修改"
    assert users_by_name(app)["outsider"].name == "外人"


def test_import_keeps_to_the_callers_roles_and_depts(client, app, org, login_as):
    staff = staff_with(app, org["tech"], [(URL + "import_data/", 1)], data_range=1)
    from tests.support.factories import grant, make_button

    big = make_role(app, name="大角色")
    grant(app, big, make_button(app, "/api/system/role/", 0), 3)
    content = xlsx_bytes(
        IMPORT_HEADER,
        [
            [1, "x1", "甲", None, None, None, None, "运营部", None],
            [2, "x2", "乙", None, None, None, None, "前端组", "大角色"],
            [3, "x3", "丙", None, None, None, None, "前端组", None],
        ],
    )
    r = post_import(client, login_as(staff), {"url": upload(app, content, owner=staff).file_url})
    assert r.json["msg"] == (
        "第2行 部门: “运营部”不存在或超出数据权限范围；第3行 角色: 不能授予超出自身权限的角色“大角色”"
    )
    assert not {"x1", "x2", "x3"} & set(users_by_name(app))


def test_import_refuses_columns_without_create_permission(client, app, org, login_as):
    staff = staff_with(app, org["root"], [(URL + "import_data/", 1)])
    hide_column(app, staff.role, "Users", "email", query=True, create=False)
    content = xlsx_bytes(IMPORT_HEADER, [[1, "e1", "甲", "e@x.cn"]])
    r = post_import(client, login_as(staff), {"url": upload(app, content, owner=staff).file_url})
    assert r.json == {"code": 4000, "data": None, "msg": "第2行 用户邮箱: 没有新增该字段的权限"}


@pytest.mark.parametrize(
    ("content", "ext"),
    [(b"username,name\nx,y\n", ".xlsx"), (b"PK\x03\x04broken", ".xlsx"), (None, ".xls"), (None, ".txt")],
)
def test_a_file_that_is_not_excel_is_refused(client, app, org, root, root_auth, content, ext):
    content = content or xlsx_bytes(IMPORT_HEADER, [[1, "x", "y"]])
    file = upload(app, content, owner=root, ext=ext)
    r = post_import(client, root_auth, {"url": file.file_url})
    assert r.json == {"code": 4000, "data": None, "msg": "文件不是有效的 Excel 文件"}


def test_a_sheet_without_the_titles_is_refused(client, app, org, root, root_auth):
    file = upload(app, xlsx_bytes(["a", "b"], [[1, 2]]), owner=root)
    r = post_import(client, root_auth, {"url": file.file_url})
    assert r.json["code"] == 4000 and r.json["msg"].startswith("文件表头不正确")
    file = upload(app, xlsx_bytes(["序号", "用户名称"], [[1, "x"]]), owner=root)
    assert post_import(client, root_auth, {"url": file.file_url}).json["msg"] == "文件缺少必填列：登录账号"


def test_a_file_of_another_department_is_refused(client, app, org, login_as):
    staff = staff_with(app, org["ops"], [(URL + "import_data/", 1)], data_range=2)
    stranger = make_user(app, dept=org["tech"])
    content = xlsx_bytes(IMPORT_HEADER, [[1, "sneaky", "偷偷"]])
    theirs = upload(app, content, owner=stranger)
    for body in ({"url": theirs.file_url}, {"file": theirs.id}):
        r = post_import(client, login_as(staff), body)
        assert r.json == {"code": 4000, "data": None, "msg": "文件不存在或无权使用"}
    assert "sneaky" not in users_by_name(app)
    mine = upload(app, content, owner=staff)
    # their own file is read; the row is then refused for lacking a dept the caller can reach
    answer = post_import(client, login_as(staff), {"file": mine.id}).json
    assert answer["code"] == 4000 and "部门" in answer["msg"] and "无权使用" not in answer["msg"]


@pytest.mark.parametrize(
    "url",
    [
        "/etc/passwd",
        "config.py",
        "media/../config.py",
        "media/files/../../config.py",
        "http://example.com/static/x.xlsx",
        "media/avatar/x.xlsx",
        "file:///etc/passwd",
    ],
)
def test_a_url_outside_media_files_is_refused(client, app, org, root_auth, url):
    r = post_import(client, root_auth, {"url": url})
    assert r.json == {"code": 4000, "data": None, "msg": "url:只能导入通过文件上传接口上传的文件"}


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({}, "url:该字段是必填项。"),
        ({"url": ""}, "url:该字段是必填项。"),
        ({"file": "abc"}, "file:请填写合法的整数值。"),
        ({"file": 999999}, "文件不存在或无权使用"),
        ({"url": "media/files/a/b/none.xlsx"}, "文件不存在或无权使用"),
    ],
)
def test_bad_import_bodies_name_the_field(client, app, org, root_auth, body, msg):
    assert post_import(client, root_auth, body).json == {"code": 4000, "data": None, "msg": msg}


def test_an_empty_file_is_refused(client, app, org, root, root_auth):
    file = upload(app, xlsx_bytes(IMPORT_HEADER, []), owner=root)
    assert post_import(client, root_auth, {"url": file.file_url}).json["msg"] == "文件中没有数据"


def test_a_file_over_the_row_limit_is_refused(client, app, org, root, root_auth, monkeypatch):
    monkeypatch.setitem(app.config, "EXCEL_IMPORT_MAX_ROWS", 3)
    content = xlsx_bytes(IMPORT_HEADER, [[i, f"many{i}", "多"] for i in range(4)])
    r = post_import(client, root_auth, {"url": upload(app, content, owner=root).file_url})
    assert r.json == {"code": 4000, "data": None, "msg": "导入行数超过上限（3 行）"}
    assert not any(name.startswith("many") for name in users_by_name(app))


def test_export_routes_are_documented(client, app):
    paths = client.get("/swagger.json").json["paths"]
    for path in ("export_data/", "export/", "import_data/", "import/", "update_template/"):
        assert "/api/system/user/" + path in paths
    assert "/api/system/dept/import_data/" in paths
