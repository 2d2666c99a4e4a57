"""``/api/system/download_center/``: each user's own tasks, read and delete; the task helpers."""

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.download.helpers import stored_files
from tests.support.factories import grant, make_button, make_dept, make_role, make_user
from tests.support.queries import statements_for

URL = "/api/system/download_center/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
ROUTES = [
    ("get", URL, 0),
    ("get", URL + "{id}/", 0),
    ("delete", URL + "{id}/", 3),
    ("delete", URL + "multiple_delete/", 3),
    ("post", URL + "get_by_ids/", 1),
]


@pytest.fixture()
def dept(app):
    return make_dept(app, "总部")


@pytest.fixture()
def root_user(app, dept):
    return make_user(app, "root", superuser=True, dept=dept)


def staff_with(app, dept, buttons):
    role = make_role(app)
    for api, method in buttons:
        grant(app, role, make_button(app, api, method), 3)
    return make_user(app, dept=dept, roles=[role])


def new_task(app, user, name="导出用户", content=None, file_name="导出用户.xlsx"):
    """A task of ``user``; finished with ``content`` when given."""
    from blueprints.download import services

    with app.app_context():
        task = services.create_task(user, name)
        if content is not None:
            task = services.finish_task(task.id, file_name, io.BytesIO(content))
        return task.id


def task_row(app, task_id):
    from blueprints.download.models import DownloadCenter

    with app.app_context():
        return db.session.get(DownloadCenter, task_id)


@pytest.mark.parametrize(("method", "url", "_m"), ROUTES + [("get", URL + "field_permission/", 0)])
def test_no_token(client, app, root_user, method, url, _m):
    task = new_task(app, root_user)
    r = getattr(client, method)(url.format(id=task), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_m"), ROUTES)
def test_no_button(client, app, dept, login_as, method, url, _m):
    user = make_user(app, dept=dept)
    task = new_task(app, user)
    r = getattr(client, method)(url.format(id=task), json={}, headers=login_as(user))
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert task_row(app, task) is not None


@pytest.mark.parametrize(("method", "url", "m"), ROUTES)
def test_with_the_button_each_route_answers(client, app, dept, login_as, method, url, m):
    staff = staff_with(app, dept, [(url, m)])
    task = new_task(app, staff)
    body = {"keys": [task], "ids": [task]}
    r = getattr(client, method)(url.format(id=task), json=body, headers=login_as(staff))
    assert r.status_code == 200 and r.json["code"] == 2000, r.json


def test_writes_are_not_offered(client, app, root_user, login_as):
    auth = login_as(root_user)
    task = new_task(app, root_user)
    assert client.post(URL, json={"task_name": "x"}, headers=auth).json == {
        "code": 4000,
        "data": None,
        "msg": "方法 “POST” 不被允许。",
    }
    assert client.put(f"{URL}{task}/", json={"task_name": "x"}, headers=auth).json["code"] == 4000
    assert client.patch(f"{URL}{task}/", json={"task_name": "x"}, headers=auth).json["code"] == 4000
    assert task_row(app, task).task_name == "导出用户"


def test_list_shape_filters_and_url(client, app, root_user, login_as, media_root):
    done = new_task(app, root_user, "导出用户", b"xlsx bytes")
    new_task(app, root_user, "导出部门")
    body = client.get(URL + "?page=1&limit=20", headers=login_as(root_user)).json
    assert list(body) == ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
    assert body["total"] == 2 and [r["task_name"] for r in body["data"]] == ["导出部门", "导出用户"]
    pending, finished = body["data"]
    assert pending["url"] is None and pending["task_status"] == 0 and pending["size"] == 0
    assert finished["id"] == done and finished["task_status"] == 2 and finished["size"] == 10
    assert finished["file_name"] == "导出用户.xlsx" and finished["md5sum"]
    assert finished["url"].startswith("media/files/dlct/") and finished["url"].endswith(".xlsx")
    assert {"creator", "creator_name", "modifier", "dept_belong_id", "create_datetime", "description"} <= set(
        finished
    )
    assert stored_files(media_root) == [finished["url"][len("media/") :]]

    def names(query):
        return [
            r["task_name"] for r in client.get(URL + "?" + query, headers=login_as(root_user)).json["data"]
        ]

    assert names("task_status=2") == ["导出用户"]
    assert names("task_name=部门") == ["导出部门"]
    assert names("file_name=xlsx") == ["导出用户"]
    assert client.get(URL + "?task_status=x", headers=login_as(root_user)).json["msg"] == (
        "task_status:请填写合法的整数值。"
    )


def test_a_finished_file_is_served_at_its_url_as_an_attachment(client, app, root_user, login_as):
    new_task(app, root_user, content=b"PK\x03\x04 xlsx")
    url = client.get(URL, headers=login_as(root_user)).json["data"][0]["url"]
    r = client.get("/" + url, buffered=True)
    assert r.status_code == 200 and r.data == b"PK\x03\x04 xlsx"
    assert r.headers["Content-Disposition"].startswith("attachment")
    # the name carries a random part: it cannot be guessed from the task's time
    assert len(url.rsplit("-", 1)[1]) >= len("1732438363123456") + 16


def test_each_user_sees_and_deletes_only_their_own(client, app, dept, root_user, login_as, media_root):
    buttons = [(URL, 0), (URL + "{id}/", 0), (URL + "{id}/", 3), (URL + "multiple_delete/", 3)]
    buttons.append((URL + "get_by_ids/", 1))
    staff = staff_with(app, dept, buttons)
    other = make_user(app, dept=dept)
    mine = new_task(app, staff, "我的", b"mine")
    theirs = new_task(app, other, "别人的", b"theirs")
    auth = login_as(staff)
    assert [r["id"] for r in client.get(URL, headers=auth).json["data"]] == [mine]
    assert client.get(f"{URL}{theirs}/", headers=auth).json == {
        "code": 400,
        "data": None,
        "msg": "接口地址不正确",
    }
    assert client.delete(f"{URL}{theirs}/", headers=auth).json["code"] == 400
    assert client.delete(URL + "multiple_delete/", json={"keys": [theirs]}, headers=auth).json["code"] == 2000
    assert (
        client.post(URL + "get_by_ids/", json={"ids": [theirs, mine]}, headers=auth).json["data"][0]["id"]
        == mine
    )
    assert task_row(app, theirs) is not None and len(stored_files(media_root)) == 2
    # the superuser sees every task
    assert len(client.get(URL, headers=login_as(root_user)).json["data"]) == 2
    r = client.delete(f"{URL}{mine}/", headers=auth).json
    assert r == {"code": 2000, "data": [], "msg": "删除成功"}
    assert task_row(app, mine) is None and len(stored_files(media_root)) == 1


def test_bulk_routes_edge_cases(client, app, root_user, login_as):
    auth = login_as(root_user)
    assert client.delete(URL + "multiple_delete/", json={}, headers=auth).json == {
        "code": 400,
        "data": None,
        "msg": "未获取到keys字段",
    }
    assert client.delete(URL + "multiple_delete/", json={"keys": ["x"]}, headers=auth).json["msg"] == (
        "keys:请填写合法的整数值。"
    )
    assert client.post(URL + "get_by_ids/", json={"ids": [""]}, headers=auth).json == {
        "code": 2000,
        "data": None,
        "msg": "success",
    }


def test_field_permission_is_login_only(client, app, dept, root_user, login_as):
    from blueprints.menu.models import Menu, MenuField

    plain = make_user(app, dept=dept)
    r = client.get(URL + "field_permission/", headers=login_as(plain)).json
    assert r == {"code": 2000, "data": {}, "msg": "success"}
    with app.app_context():
        menu = Menu(name="下载中心", sort=1)
        db.session.add(menu)
        db.session.flush()
        db.session.add(
            MenuField(menu_id=menu.id, model="DownloadCenter", field_name="task_name", title="任务名")
        )
        db.session.commit()
        from app.core.permissions import bump_permission_version

        with app.test_request_context():
            bump_permission_version()
    data = client.get(URL + "field_permission/", headers=login_as(root_user)).json["data"]
    assert data == {"task_name": {"is_create": True, "is_query": True, "is_update": True}}


def test_task_helpers(app, root_user):
    from blueprints.download import services

    with app.app_context():
        task = services.create_task(root_user, "导出角色")
        assert task.task_status == 0 and task.creator_id == root_user.id and task.dept_belong_id
        assert services.start_task(task.id).task_status == 1
        failed = services.fail_task(task.id, "x" * 300)
        assert failed.task_status == 3 and len(failed.description) == 255
        path = services.task_file_path("../../角色/清单.XLSX", "ab" * 16)
        assert path.startswith("files/dlct/a/b/角色_清单-") and path.endswith(".xlsx")
        assert path.count("/") == 4 and ".." not in path
        with pytest.raises(Exception, match="下载任务不存在"):
            services.start_task(999999)


def test_list_costs_the_same_at_20_and_200_rows(client, app, root_user, login_as):
    from blueprints.download.models import DownloadCenter

    with app.app_context():
        db.session.execute(
            sa.insert(DownloadCenter),
            [
                {
                    "task_name": f"t{i}",
                    "task_status": 2,
                    "size": 1,
                    "creator_id": root_user.id,
                    "modifier": "1",
                }
                for i in range(210)
            ],
        )
        db.session.commit()
    auth = login_as(root_user)
    statements_for(app, client, "get", URL + "?limit=1", headers=auth)
    assert statements_for(app, client, "get", URL + "?limit=20", headers=auth) == statements_for(
        app, client, "get", URL + "?limit=200", headers=auth
    )
