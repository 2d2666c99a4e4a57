"""Dept export, templates and import: ``/api/system/dept/export_data/``, ``import_data/``, ``update_template/``."""

import io
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

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
from tests.support.factories import make_dept, make_user
from tests.support.queries import count_statements

URL = "/api/system/dept/"
IMPORT_HEADER = ["序号", "部门名称", "部门标识", "上级部门"]
EXPORT_HEADER = [
    "序号",
    "部门名称",
    "部门标识",
    "上级部门",
    "负责人",
    "联系电话",
    "邮箱",
    "部门状态",
    "显示排序",
]
ROUTES = [
    ("get", URL + "export_data/", 0),
    ("get", URL + "import_data/", 0),
    ("post", URL + "import_data/", 1),
    ("get", URL + "update_template/", 0),
]


@pytest.fixture()
def org(app):
    """总部 → 技术部 → 前端组, 运营部 beside 技术部, and a disabled 旧部门."""
    root = make_dept(app, "总部", key="hq", owner="老板", sort=1)
    tech = make_dept(app, "技术部", parent=root, key="tech", owner="张三", phone="010", sort=1)
    web = make_dept(app, "前端组", parent=tech, sort=1)
    ops = make_dept(app, "运营部", parent=root, sort=2)
    old = make_dept(app, "旧部门", parent=root, status=False, sort=3)
    return {"root": root, "tech": tech, "web": web, "ops": ops, "old": old}


@pytest.fixture()
def root(app, org):
    return make_user(app, "root", superuser=True, dept=org["root"])


@pytest.fixture()
def root_auth(root, login_as):
    return login_as(root)


def depts(app):
    from blueprints.dept.models import Dept

    with app.app_context():
        return {d.name: d for d in db.session.execute(sa.select(Dept)).scalars()}


def _dept_model():
    from blueprints.dept.models import Dept

    return Dept


@pytest.mark.parametrize(("method", "url", "_m"), ROUTES)
def test_no_token_is_401(client, app, method, url, _m):
    r = getattr(client, method)(url, json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_m"), ROUTES)
def test_without_the_button_is_4000(client, app, login_as, org, method, url, _m):
    other = staff_with(app, org["tech"], [(URL, 0)])
    r = getattr(client, method)(url, json={}, headers=login_as(other))
    assert r.status_code == 200 and r.json == NO_BUTTON


@pytest.mark.parametrize(("method", "url", "m"), ROUTES)
def test_with_the_button_each_route_answers(client, app, login_as, org, method, url, m):
    staff = staff_with(app, org["root"], [(url, m)])
    if method == "post":
        content = xlsx_bytes(IMPORT_HEADER, [[1, "新部门", None, "技术部"]])
        r = client.post(
            url, json={"url": upload(app, content, owner=staff).file_url}, headers=login_as(staff)
        )
        assert r.json == {"code": 2000, "data": {"created": 1, "updated": 0}, "msg": "导入成功！"}
    else:
        r = client.get(url, headers=login_as(staff))
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/msexcel"


def test_export_rows_and_headers(client, app, org, root_auth):
    r = client.get(URL + "export_data/", headers=root_auth)
    assert r.headers["Content-Disposition"] == "attachment;filename=" + quote("导出部门表.xlsx")
    rows = rows_of(workbook_of(r).worksheets[0])
    assert rows[0] == EXPORT_HEADER
    body = {row[1]: row for row in rows[1:]}
    assert sorted(body) == sorted(["总部", "技术部", "前端组", "运营部", "旧部门"])
    assert body["技术部"][2:] == ["tech", "总部", "张三", "010", None, "启用", 1]
    assert body["旧部门"][7] == "禁用" and body["总部"][3] is None


def test_export_of_a_dept_scoped_user_has_only_their_depts(client, app, org, login_as):
    staff = staff_with(app, org["tech"], [(URL + "export_data/", 0)], data_range=1)
    rows = rows_of(workbook_of(client.get(URL + "export_data/", headers=login_as(staff))).worksheets[0])
    assert sorted(r[1] for r in rows[1:]) == ["前端组", "技术部"]
    staff2 = staff_with(app, org["ops"], [(URL + "export_data/", 0)], data_range=2)
    rows = rows_of(workbook_of(client.get(URL + "export_data/", headers=login_as(staff2))).worksheets[0])
    assert [r[1] for r in rows[1:]] == ["运营部"]


def test_export_leaves_out_hidden_columns(client, app, org, login_as):
    staff = staff_with(app, org["root"], [(URL + "export_data/", 0)])
    hide_column(app, staff.role, "Dept", "phone")
    hide_column(app, staff.role, "Dept", "owner")
    rows = rows_of(workbook_of(client.get(URL + "export_data/", headers=login_as(staff))).worksheets[0])
    assert rows[0] == ["序号", "部门名称", "部门标识", "上级部门", "邮箱", "部门状态", "显示排序"]
    assert all("张三" not in row and "010" not in row for row in rows)


def test_export_costs_the_same_statements_at_20_and_200_depts(client, app, org, root_auth):
    def run():
        with count_statements(app) as statements:
            response = client.get(URL + "export_data/", headers=root_auth)
        return len(statements), len(rows_of(workbook_of(response).worksheets[0])) - 1

    _bulk_depts(app, org["ops"], 15)
    run()
    small = run()
    _bulk_depts(app, org["ops"], 180, start=15)
    large = run()
    assert small[1] == 20 and large[1] == 200 and small[0] == large[0]


def _bulk_depts(app, parent, n, start=0):
    from blueprints.dept.models import Dept

    with app.app_context():
        db.session.add_all(Dept(name=f"批量{start + i}", sort=1, parent_id=parent.id) for i in range(n))
        db.session.commit()


def test_import_template_has_the_parent_list(client, app, org, login_as):
    staff = staff_with(app, org["tech"], [(URL + "import_data/", 0)], data_range=1)
    r = client.get(URL + "import_data/", headers=login_as(staff))
    assert r.headers["Content-Disposition"] == "attachment;filename=" + quote("导入部门表模板.xlsx")
    book = workbook_of(r)
    assert rows_of(book.worksheets[0]) == [IMPORT_HEADER]
    data = book["data"]
    assert data.sheet_state == "hidden"
    assert [c.value for c in next(data.iter_cols())] == ["上级部门", "技术部", "前端组"]
    validations = {str(v.sqref): v.formula1 for v in book.worksheets[0].data_validations.dataValidation}
    assert validations == {"D2:D1001": "data!$A$2:$A$3"}


def test_import_creates_depts_under_named_parents(client, app, org, root, root_auth):
    content = xlsx_bytes(
        IMPORT_HEADER,
        [[1, "后端组", "backend", "技术部"], [2, "测试组", None, "技术部"], [3, "行政部", "Admin", None]],
    )
    r = client.post(
        URL + "import_data/", json={"url": upload(app, content, owner=root).file_url}, headers=root_auth
    )
    assert r.json == {"code": 2000, "data": {"created": 3, "updated": 0}, "msg": "导入成功！"}
    rows = depts(app)
    assert rows["后端组"].parent_id == org["tech"].id and rows["后端组"].key == "backend"
    # after the real parent's last child (前端组 has sort 1)
    assert (rows["后端组"].sort, rows["测试组"].sort) == (2, 3)
    assert rows["行政部"].parent_id == org["root"].id  # blank parent: the caller's dept
    assert rows["后端组"].dept_belong_id == str(rows["后端组"].id)


def test_a_bad_dept_import_writes_nothing(client, app, org, root, root_auth):
    before = count_rows(app, _dept_model())
    content = xlsx_bytes(
        IMPORT_HEADER,
        [
            [1, "好部门", "good", "技术部"],
            [2, "撞键", "TECH", "技术部"],
            [3, None, "k3", None],
            [4, "甲", "same", "不存在"],
            [5, "乙", "Same", "旧部门"],
        ],
    )
    r = client.post(
        URL + "import_data/", json={"url": upload(app, content, owner=root).file_url}, headers=root_auth
    )
    assert r.json["code"] == 4000
    assert r.json["msg"] == (
        "第3行 部门标识: 已被其他部门使用；第4行 部门名称: 该字段是必填项。；"
        "第5行 上级部门: “不存在”不存在或超出数据权限范围；第6行 部门标识: 与第5行重复；"
        "第6行 上级部门: “旧部门”不存在或超出数据权限范围"
    )
    assert count_rows(app, _dept_model()) == before and "好部门" not in depts(app)


def test_update_template_round_trips_into_an_update(client, app, org, root, root_auth):
    response = client.get(URL + "update_template/", headers=root_auth)
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["序号", "更新主键(勿改)", *IMPORT_HEADER[1:]]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == "前端组":
            row[2].value = "Web组"
            row[4].value = "运营部"
    out = io.BytesIO()
    book.save(out)
    before = count_rows(app, _dept_model())
    r = client.post(
        URL + "import_data/",
        json={"url": upload(app, out.getvalue(), owner=root).file_url},
        headers=root_auth,
    )
    assert r.json == {"code": 2000, "data": {"created": 0, "updated": 5}, "msg": "导入成功！"}
    rows = depts(app)
    assert rows["Web组"].id == org["web"].id and rows["Web组"].parent_id == org["ops"].id
    assert rows["技术部"].key == "tech" and count_rows(app, _dept_model()) == before


def test_an_update_cannot_move_a_dept_below_itself(client, app, org, root, root_auth):
    header = ["序号", "更新主键(勿改)", *IMPORT_HEADER[1:]]
    content = xlsx_bytes(header, [[1, org["tech"].id, "技术部", "tech", "前端组"]])
    r = client.post(
        URL + "import_data/", json={"url": upload(app, content, owner=root).file_url}, headers=root_auth
    )
    assert r.json == {
        "code": 4000,
        "data": None,
        "msg": "第2行 上级部门: 不能把部门移到它自己或它的下级部门之下",
    }


def test_a_scoped_import_stays_in_reach(client, app, org, login_as):
    staff = staff_with(app, org["tech"], [(URL + "import_data/", 1)], data_range=2)
    header = ["序号", "更新主键(勿改)", *IMPORT_HEADER[1:]]
    content = xlsx_bytes(header, [[1, None, "新组", None, "运营部"], [2, org["ops"].id, "改名", None, None]])
    r = client.post(
        URL + "import_data/",
        json={"url": upload(app, content, owner=staff).file_url},
        headers=login_as(staff),
    )
    assert r.json["msg"] == (
        "第2行 上级部门: “运营部”不存在或超出数据权限范围；"
        f"第3行 更新主键(勿改): 部门“{org['ops'].id}”不存在或无权修改"
    )
    assert "新组" not in depts(app) and "改名" not in depts(app)


def test_a_dept_import_of_a_file_not_visible_is_refused(client, app, org, login_as):
    staff = staff_with(app, org["ops"], [(URL + "import_data/", 1)], data_range=2)
    stranger = make_user(app, dept=org["tech"])
    theirs = upload(app, xlsx_bytes(IMPORT_HEADER, [[1, "x"]]), owner=stranger)
    r = client.post(URL + "import_data/", json={"file": theirs.id}, headers=login_as(staff))
    assert r.json == {"code": 4000, "data": None, "msg": "文件不存在或无权使用"}
    r = client.post(URL + "import_data/", json={"url": "/media/../instance/x.xlsx"}, headers=login_as(staff))
    assert r.json == {"code": 4000, "data": None, "msg": "url:只能导入通过文件上传接口上传的文件"}
