"""Uploads: the stored file and row, and every refusal leaving nothing behind (differences #19)."""

import hashlib

import pytest

from tests.blueprints.file.helpers import (
    NO_BUTTON,
    URL,
    file_count,
    raw_upload,
    staff_with,
    stored_files,
    upload,
)
from tests.support.factories import make_user

HELLO_MD5 = "5d41402abc4b2a76b9719d911017c592"


def test_upload_answers_the_original_shape(client, app, org, root_user, root_auth, media_root):
    r = upload(client, root_auth, b"hello", "h.txt")
    assert r.status_code == 200
    body = r.json
    assert list(body) == ["code", "data", "msg"] and body["code"] == 2000 and body["msg"] == "新增成功"
    data = body["data"]
    path = f"files/5/d/{HELLO_MD5}.txt"
    assert {k: data[k] for k in ("name", "url", "file_url", "engine", "mime_type", "size", "md5sum")} == {
        "name": "h.txt",
        "url": f"media/{path}",
        "file_url": f"media/{path}",
        "engine": "local",
        "mime_type": "text/plain",
        "size": "5",
        "md5sum": HELLO_MD5,
    }
    assert data["upload_method"] == 0 and data["file_type"] == 3
    assert data["creator"] == root_user.id and data["creator_name"] == "超级管理员"
    assert data["modifier"] == str(root_user.id) and data["dept_belong_id"] == str(org["root"].id)
    assert isinstance(data["id"], int) and data["create_datetime"] and "description" in data
    assert stored_files(media_root) == [path]
    assert (media_root / path).read_bytes() == b"hello"


def test_upload_method_and_types_come_from_the_server(client, root_auth):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    data = upload(client, root_auth, png, "Photo.PNG", content_type="text/html", upload_method="1").json[
        "data"
    ]
    md5 = hashlib.md5(png).hexdigest()
    assert data["url"] == f"media/files/{md5[0]}/{md5[1]}/{md5}.png"
    assert data["name"] == "Photo.PNG" and data["mime_type"] == "image/png" and data["file_type"] == 0
    assert data["upload_method"] == 1
    assert upload(client, root_auth, b"a", "a.mp3").json["data"]["file_type"] == 2
    assert upload(client, root_auth, b"v", "v.mp4").json["data"]["file_type"] == 1


def test_same_content_shares_one_stored_file(client, app, root_auth, media_root):
    first = upload(client, root_auth, b"same", "a.txt").json["data"]
    second = upload(client, root_auth, b"same", "b.txt").json["data"]
    assert first["id"] != second["id"] and first["url"] == second["url"]
    assert len(stored_files(media_root)) == 1 and file_count(app) == 2


def test_long_names_are_shortened_keeping_the_extension(client, root_auth):
    data = upload(client, root_auth, b"x", "名" * 300 + ".txt").json["data"]
    assert len(data["name"]) == 200 and data["name"].endswith(".txt")


@pytest.mark.parametrize(
    ("content", "name", "msg"),
    [
        (b"<script>alert(1)</script>", "x.html", "file:不允许上传 .html 类型的文件"),
        (b"<script>alert(1)</script>", "x.HTM", "file:不允许上传 .htm 类型的文件"),
        (b"alert(1)", "x.js", "file:不允许上传 .js 类型的文件"),
        (b"<html/>", "x.xhtml", "file:不允许上传 .xhtml 类型的文件"),
        (b"MZ", "x.exe", "file:不允许上传 .exe 类型的文件"),
        (b"", "empty.txt", "file:提交的是空文件。"),
        (b"x", "../x.png", "file:文件名不能包含路径"),
        (b"x", "a/b.png", "file:文件名不能包含路径"),
        (b"x", "..", "file:文件名不能包含路径"),
        (b"x", "noext", "file:文件名缺少扩展名"),
        (b"x", ".png", "file:文件名缺少扩展名"),
        (b"x", "x.", "file:文件名缺少扩展名"),
        (b"x", "a\x01b.txt", "file:文件名包含非法字符"),
    ],
)
def test_refused_uploads_change_nothing(client, app, root_auth, media_root, content, name, msg):
    r = upload(client, root_auth, content, name)
    assert r.status_code == 200 and r.json == {"code": 4000, "data": None, "msg": msg}
    assert file_count(app) == 0 and stored_files(media_root) == []


@pytest.mark.parametrize(
    "disposition",
    [
        'filename="a\\\\b.png"',
        'filename="..\\\\..\\\\x.png"',
        "filename*=UTF-8''..%2Fx.png",
        'filename="/etc/x.png"',
    ],
)
def test_escaped_paths_in_names_are_refused(client, app, root_auth, media_root, disposition):
    r = raw_upload(client, root_auth, disposition)
    assert r.json == {"code": 4000, "data": None, "msg": "file:文件名不能包含路径"}
    assert file_count(app) == 0 and stored_files(media_root) == []


def test_a_hand_built_body_with_a_plain_name_is_stored(client, root_auth):
    data = raw_upload(client, root_auth, 'filename="plain.txt"', b"hello").json["data"]
    assert data["name"] == "plain.txt" and data["md5sum"] == HELLO_MD5


def test_no_file_part(client, app, root_auth, media_root):
    r = client.post(URL, data={"upload_method": "0"}, headers=root_auth, content_type="multipart/form-data")
    assert r.json == {"code": 4000, "data": None, "msg": "file:没有提交任何文件。"}
    r = client.post(URL, json={"file": "x.png"}, headers=root_auth)
    assert r.json["msg"] == "file:没有提交任何文件。"
    assert file_count(app) == 0


def test_bad_upload_method_names_the_field(client, app, root_auth, media_root):
    r = upload(client, root_auth, b"x", "x.txt", upload_method="7")
    assert r.json == {"code": 4000, "data": None, "msg": "上传方式:“7” 不是合法选项。"}
    assert file_count(app) == 0 and stored_files(media_root) == []


def test_over_the_limit_changes_nothing(client, app, root_auth, media_root, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1000)
    expected = {"code": 4000, "data": None, "msg": "file:文件过大，不能超过 1000 字节"}
    # just over: read and refused while it is being stored
    assert upload(client, root_auth, b"x" * 1001, "a.txt").json == expected
    # far over: refused from the request's length, before the body is read
    assert upload(client, root_auth, b"x" * 200_000, "a.txt").json == expected
    assert file_count(app) == 0 and stored_files(media_root) == []
    assert upload(client, root_auth, b"x" * 1000, "a.txt").json["code"] == 2000


def test_the_default_limit_is_20_mb(client, app, root_auth):
    from blueprints.file.services import too_large_message, upload_limit

    with app.test_request_context():
        assert upload_limit() == 20 * 1024 * 1024
        assert too_large_message() == "file:文件过大，不能超过 20 MB"


def test_uploads_may_exceed_the_json_body_limit(client, app, root_auth, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 100_000)
    assert upload(client, root_auth, b"y" * 50_000, "big.txt").json["code"] == 2000
    # every other route keeps the body limit
    r = client.post(URL + "get_by_ids/", json={"ids": [1] * 2000}, headers=root_auth)
    assert r.json == {"code": 4000, "data": None, "msg": "请求体过大"}


def test_the_allow_list_comes_from_config(client, app, root_auth, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_EXTENSIONS", "txt, .PNG")
    assert upload(client, root_auth, b"x", "x.png").json["code"] == 2000
    assert upload(client, root_auth, b"x", "x.pdf").json["msg"] == "file:不允许上传 .pdf 类型的文件"


def test_upload_needs_a_login_and_the_button(client, app, org, login_as, media_root):
    assert upload(client, {}, b"x", "x.txt").status_code == 401
    plain = make_user(app, dept=org["tech"])
    r = upload(client, login_as(plain), b"x", "x.txt")
    assert r.status_code == 200 and r.json == NO_BUTTON
    assert file_count(app) == 0 and stored_files(media_root) == []
    staff = staff_with(app, org["tech"], [(URL, 1)])
    data = upload(client, login_as(staff), b"x", "x.txt").json["data"]
    assert data["creator"] == staff.id and data["dept_belong_id"] == str(org["tech"].id)


def test_a_failed_commit_removes_the_new_stored_file(client, app, root_auth, media_root):
    from app.extensions import db

    def broken_commit():
        raise RuntimeError("database went away")

    upload(client, root_auth, b"kept", "kept.txt")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db.session, "commit", broken_commit)
        r = upload(client, root_auth, b"lost", "lost.txt")
        # content another row already stores is kept
        again = upload(client, root_auth, b"kept", "again.txt")
    assert r.status_code == 500 and r.json["code"] == 500 and again.status_code == 500
    kept = hashlib.md5(b"kept").hexdigest()
    assert stored_files(media_root) == [f"files/{kept[0]}/{kept[1]}/{kept}.txt"] and file_count(app) == 1


def test_find_uploaded_by_id_or_media_url_for_its_uploader_only(
    client, app, org, root_user, root_auth, login_as
):
    from blueprints.file.services import find_uploaded

    staff = staff_with(app, org["tech"], [(URL, 1)])
    data = upload(client, login_as(staff), b"rows", "rows.xlsx").json["data"]
    with app.app_context():
        for value in (
            data["id"],
            str(data["id"]),
            data["url"],
            "/" + data["url"],
            "http://h/api/" + data["url"],
        ):
            assert find_uploaded(value, staff).id == data["id"], value
            assert find_uploaded(value, root_user).id == data["id"], value
        other = make_user(app, dept=org["tech"])
        assert find_uploaded(data["id"], other) is None
        assert find_uploaded("../../config.py", staff) is None
        assert find_uploaded("media/files/x/y/none.xlsx", staff) is None
