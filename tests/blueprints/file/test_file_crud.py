"""``/api/system/file/``: list, retrieve, update, delete, bulk routes, ``get_all``; auth and scope."""

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.file.helpers import NO_BUTTON, URL, file_count, staff_with, stored_files, upload
from tests.support.factories import make_user
from tests.support.queries import statements_for

ROUTES = [
    ("get", URL, 0),
    ("post", URL, 1),
    ("get", URL + "{id}/", 0),
    ("put", URL + "{id}/", 2),
    ("patch", URL + "{id}/", 2),
    ("delete", URL + "{id}/", 3),
    ("delete", URL + "multiple_delete/", 3),
    ("post", URL + "get_by_ids/", 1),
    ("get", URL + "get_all/", 0),
]


@pytest.fixture()
def a_file(client, root_auth):
    return upload(client, root_auth, b"hello", "h.txt").json["data"]


@pytest.mark.parametrize(("method", "url", "_m"), ROUTES)
def test_no_token(client, a_file, method, url, _m):
    r = getattr(client, method)(url.format(id=a_file["id"]), json={})
    assert r.status_code == 401 and r.json["code"] == 401


@pytest.mark.parametrize(("method", "url", "_m"), ROUTES)
def test_no_button(client, app, org, login_as, a_file, method, url, _m):
    r = getattr(client, method)(
        url.format(id=a_file["id"]), json={}, headers=login_as(make_user(app, dept=org["root"]))
    )
    assert r.status_code == 200 and r.json == NO_BUTTON


@pytest.mark.parametrize(("method", "url", "m"), ROUTES)
def test_with_the_button_each_route_answers(client, app, org, login_as, a_file, method, url, m):
    staff = staff_with(app, org["tech"], [(url, m)])
    kwargs = {
        ("post", URL): {"data": {"file": (io.BytesIO(b"x"), "x.txt")}},
        ("post", URL + "get_by_ids/"): {"json": {"ids": [a_file["id"]]}},
        ("put", URL + "{id}/"): {"json": {"name": "新名字.txt"}},
        ("patch", URL + "{id}/"): {"json": {"name": "新名字.txt"}},
        ("delete", URL + "multiple_delete/"): {"json": {"keys": [a_file["id"]]}},
    }.get((method, url), {})
    r = getattr(client, method)(url.format(id=a_file["id"]), headers=login_as(staff), **kwargs)
    assert r.status_code == 200 and r.json["code"] == 2000, r.json


def test_list_shape_and_filters(client, app, root_auth):
    upload(client, root_auth, b"hello", "a.txt")
    upload(client, root_auth, b"\x89PNG", "photo.png", upload_method="1")
    body = client.get(URL + "?page=1&limit=20", headers=root_auth).json
    assert list(body) == ["code", "msg", "page", "limit", "total", "is_next", "is_previous", "data"]
    assert body["total"] == 2 and [r["name"] for r in body["data"]] == ["photo.png", "a.txt"]
    row = body["data"][1]
    expected_keys = {
        "id",
        "modifier_name",
        "creator_name",
        "create_datetime",
        "update_datetime",
        "url",
        "description",
        "modifier",
        "dept_belong_id",
        "name",
        "file_url",
        "engine",
        "mime_type",
        "size",
        "md5sum",
        "upload_method",
        "file_type",
        "creator",
    }
    assert set(row) == expected_keys and row["url"] == row["file_url"] and not row["url"].startswith("/")

    def names(query):
        return [r["name"] for r in client.get(URL + "?" + query, headers=root_auth).json["data"]]

    assert names("name=PHOTO") == ["photo.png"]
    assert names("mime_type=image") == ["photo.png"]
    assert names("upload_method=0") == ["a.txt"]
    assert names("file_type=0") == ["photo.png"]
    assert names("file_type=3") == ["a.txt"]
    assert names("md5sum=zzz") == ["photo.png", "a.txt"]  # not a filter of the original
    assert client.get(URL + "?file_type=x", headers=root_auth).json == {
        "code": 4000,
        "data": None,
        "msg": "file_type:请填写合法的整数值。",
    }


def test_retrieve_update_patch(client, app, root_auth, a_file):
    item = f"{URL}{a_file['id']}/"
    got = client.get(item, headers=root_auth).json
    assert (
        list(got) == ["code", "data", "msg"] and got["msg"] == "获取成功" and got["data"]["name"] == "h.txt"
    )
    # the SPA PUTs whole rows back: server-owned fields are ignored
    row = dict(got["data"], name="改名.txt", description="说明", file_url="media/../../config.py", size="1")
    r = client.put(item, json=row, headers=root_auth).json
    assert r["code"] == 2000 and r["msg"] == "更新成功"
    assert r["data"]["name"] == "改名.txt" and r["data"]["description"] == "说明"
    assert r["data"]["file_url"] == a_file["file_url"] and r["data"]["size"] == "5"
    r = client.patch(item, json={"upload_method": 1}, headers=root_auth).json
    assert r["data"]["upload_method"] == 1 and r["data"]["name"] == "改名.txt"


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        ({"name": ""}, "名称:该字段不能为空。"),
        ({"name": "x" * 201}, "名称:请确保这个字段不能超过 200 个字符。"),
        ({"upload_method": 5}, "上传方式:“5” 不是合法选项。"),
        ({"upload_method": "abc"}, "上传方式:请填写合法的整数值。"),
    ],
)
def test_bad_update_names_the_field_and_changes_nothing(client, app, root_auth, a_file, body, msg):
    r = client.put(f"{URL}{a_file['id']}/", json=body, headers=root_auth)
    assert r.json == {"code": 4000, "data": None, "msg": msg}
    assert client.get(f"{URL}{a_file['id']}/", headers=root_auth).json["data"] == a_file


def test_unknown_id(client, root_auth):
    expected = {"code": 400, "data": None, "msg": "接口地址不正确"}
    assert client.get(f"{URL}999999/", headers=root_auth).json == expected
    assert client.put(f"{URL}999999/", json={"name": "x.txt"}, headers=root_auth).json == expected
    assert client.delete(f"{URL}999999/", headers=root_auth).json == expected


def test_delete_removes_the_stored_file_once_unreferenced(client, app, root_auth, media_root):
    first = upload(client, root_auth, b"shared", "a.txt").json["data"]
    second = upload(client, root_auth, b"shared", "b.txt").json["data"]
    assert client.delete(f"{URL}{first['id']}/", headers=root_auth).json == {
        "code": 2000,
        "data": [],
        "msg": "删除成功",
    }
    assert len(stored_files(media_root)) == 1
    assert client.delete(f"{URL}{second['id']}/", headers=root_auth).json["code"] == 2000
    assert stored_files(media_root) == [] and file_count(app) == 0


def test_multiple_delete_and_get_by_ids(client, app, root_auth, media_root):
    ids = [upload(client, root_auth, bytes([65 + i]), f"{i}.txt").json["data"]["id"] for i in range(3)]
    got = client.post(URL + "get_by_ids/", json={"ids": ids[:2]}, headers=root_auth).json
    assert got["code"] == 2000 and sorted(r["id"] for r in got["data"]) == ids[:2]
    assert client.post(URL + "get_by_ids/", json={"ids": []}, headers=root_auth).json["data"] is None
    assert client.post(URL + "get_by_ids/", json={"ids": ["x"]}, headers=root_auth).json == {
        "code": 4000,
        "data": None,
        "msg": "ids:请填写合法的整数值。",
    }
    assert client.delete(URL + "multiple_delete/", json={}, headers=root_auth).json == {
        "code": 400,
        "data": None,
        "msg": "未获取到keys字段",
    }
    r = client.delete(URL + "multiple_delete/", json={"keys": ids[:2]}, headers=root_auth).json
    assert r["code"] == 2000 and r["msg"] == "删除成功"
    assert file_count(app) == 1 and len(stored_files(media_root)) == 1


def test_get_all_is_unpaginated_and_filtered(client, root_auth):
    for i in range(12):
        upload(client, root_auth, bytes([65 + i]), f"f{i}.txt")
    body = client.get(URL + "get_all/", headers=root_auth).json
    assert list(body) == ["code", "data", "msg"] and len(body["data"]) == 12
    assert len(client.get(URL + "get_all/?name=f1", headers=root_auth).json["data"]) == 3


def test_another_department_can_neither_read_update_nor_delete(client, app, org, login_as, media_root):
    owner = staff_with(app, org["tech"], [(URL, 1)])
    theirs = upload(client, login_as(owner), b"tech secret", "tech.txt").json["data"]
    buttons = [(URL, 0), (URL + "get_all/", 0), (URL + "get_by_ids/", 1), (URL + "multiple_delete/", 3)]
    buttons += [(URL + "{id}/", m) for m in (0, 2, 3)] + [(URL, 1)]
    staff = staff_with(app, org["ops"], buttons, data_range=2)
    auth = login_as(staff)
    mine = upload(client, auth, b"ops file", "ops.txt").json["data"]
    item = f"{URL}{theirs['id']}/"
    assert [r["id"] for r in client.get(URL, headers=auth).json["data"]] == [mine["id"]]
    assert [r["id"] for r in client.get(URL + "get_all/", headers=auth).json["data"]] == [mine["id"]]
    assert client.get(item, headers=auth).json["code"] == 400
    assert client.put(item, json={"name": "hacked.txt"}, headers=auth).json["code"] == 400
    assert client.patch(item, json={"name": "hacked.txt"}, headers=auth).json["code"] == 400
    assert client.delete(item, headers=auth).json["code"] == 400
    assert (
        client.delete(URL + "multiple_delete/", json={"keys": [theirs["id"]]}, headers=auth).json["code"]
        == 2000
    )
    assert client.post(URL + "get_by_ids/", json={"ids": [theirs["id"]]}, headers=auth).json["data"] == []
    from blueprints.file.models import FileList

    with app.app_context():
        row = db.session.get(FileList, theirs["id"])
        assert row is not None and row.name == "tech.txt"
    assert len(stored_files(media_root)) == 2
    assert client.get(f"{URL}{mine['id']}/", headers=auth).json["code"] == 2000


def test_data_range_0_sees_only_own_uploads(client, app, org, login_as):
    other = staff_with(app, org["tech"], [(URL, 1)])
    upload(client, login_as(other), b"other", "other.txt")
    staff = staff_with(app, org["tech"], [(URL, 0), (URL, 1)], data_range=0)
    mine = upload(client, login_as(staff), b"mine", "mine.txt").json["data"]
    assert [r["id"] for r in client.get(URL, headers=login_as(staff)).json["data"]] == [mine["id"]]


def test_list_costs_the_same_at_20_and_200_rows(client, app, root_user, root_auth):
    from blueprints.file.models import FileList

    with app.app_context():
        db.session.execute(
            sa.insert(FileList),
            [
                {
                    "name": f"{i}.txt",
                    "url": f"files/a/b/{i:032d}.txt",
                    "file_url": f"media/files/a/b/{i:032d}.txt",
                    "engine": "local",
                    "mime_type": "text/plain",
                    "size": "1",
                    "md5sum": f"{i:032d}",
                    "upload_method": 0,
                    "file_type": 3,
                    "creator_id": root_user.id,
                    "modifier": str(root_user.id),
                    "dept_belong_id": "1",
                }
                for i in range(210)
            ],
        )
        db.session.commit()
    statements_for(app, client, "get", URL + "?limit=1", headers=root_auth)
    small = statements_for(app, client, "get", URL + "?limit=20", headers=root_auth)
    large = statements_for(app, client, "get", URL + "?limit=200", headers=root_auth)
    assert small == large
    assert statements_for(app, client, "get", URL + "get_all/", headers=root_auth) <= small + 1


def test_bytes_an_avatar_still_uses_are_kept(client, app, tmp_path):
    """Deleting the last file row of an upload keeps its bytes while an avatar points at them."""
    from app.core.storage import get_storage
    from app.extensions import db
    from blueprints.file.models import FileList
    from blueprints.file.services import remove_unreferenced
    from blueprints.user.models import User
    from tests.support.factories import make_user

    owner = make_user(app, "avatar_owner")
    with app.app_context(), app.test_request_context():
        get_storage().save("files/a/b/kept.png", __import__("io").BytesIO(b"png"))
        row = db.session.get(User, owner.id)
        row.avatar = "media/files/a/b/kept.png"
        db.session.commit()
        assert db.session.execute(__import__("sqlalchemy").select(FileList)).first() is None
        remove_unreferenced(["files/a/b/kept.png"])
        assert get_storage().exists("files/a/b/kept.png")
        row.avatar = None
        db.session.commit()
        remove_unreferenced(["files/a/b/kept.png"])
        assert not get_storage().exists("files/a/b/kept.png")
