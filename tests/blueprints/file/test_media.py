"""``/media/<path>``: public, stored files only, no traversal, safe types inline, the rest attached."""

import pytest

from tests.blueprints.file.helpers import upload


def fetch(client, path, method="get", **kwargs):
    """Request a file; ``buffered`` closes the file the response streamed from."""
    return getattr(client, method)(path, buffered=True, **kwargs)


NOT_FOUND = {"code": 404, "data": None, "msg": "接口地址不存在"}
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>'
)


def test_an_image_is_served_inline_without_a_token(client, root_auth):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    url = upload(client, root_auth, png, "avatar.png").json["data"]["url"]
    r = fetch(client, "/" + url)
    assert r.status_code == 200 and r.data == png
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert not r.headers.get("Content-Disposition", "").startswith("attachment")
    # a stale token does not matter on a public route
    assert fetch(client, "/" + url, headers={"Authorization": "JWT bad"}).status_code == 200


def test_svg_is_allowed_but_served_as_an_attachment(client, root_auth):
    data = upload(client, root_auth, SVG, "logo.svg").json["data"]
    assert data["mime_type"] == "image/svg+xml" and data["file_type"] == 0
    r = fetch(client, "/" + data["url"])
    assert r.status_code == 200 and r.data == SVG
    assert r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r.headers["Content-Security-Policy"]


def test_html_allowed_by_config_is_still_an_attachment(client, app, root_auth, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_EXTENSIONS", ["html", "txt", "xml"])
    for name, mime in (("page.html", "text/html"), ("feed.xml", "application/xml")):
        url = upload(client, root_auth, b"<html><script>alert(1)</script></html>", name).json["data"]["url"]
        r = fetch(client, "/" + url)
        assert r.headers["Content-Type"].startswith(mime)
        assert r.headers["Content-Disposition"].startswith("attachment")
        assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "mime", "inline"),
    [
        ("a.txt", "text/plain; charset=utf-8", True),
        ("a.pdf", "application/pdf", True),
        ("a.mp3", "audio/mpeg", True),
        ("a.mp4", "video/mp4", True),
        ("a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
        ("a.zip", "application/zip", False),
        ("a.csv", "text/csv; charset=utf-8", False),
    ],
)
def test_type_and_disposition_come_from_the_extension(client, root_auth, name, mime, inline):
    url = upload(client, root_auth, b"<html><script>alert(1)</script>", name, content_type="text/html").json[
        "data"
    ]["url"]
    r = fetch(client, "/" + url)
    assert r.headers["Content-Type"] == mime
    assert r.headers.get("Content-Disposition", "").startswith("attachment") is not inline
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_head_and_conditional_requests(client, root_auth):
    url = "/" + upload(client, root_auth, b"hello", "h.txt").json["data"]["url"]
    assert fetch(client, url, "head").status_code == 200
    etag = fetch(client, url).headers["ETag"]
    assert fetch(client, url, headers={"If-None-Match": etag}).status_code == 304


def test_a_missing_file_is_a_404_envelope(client):
    r = fetch(client, "/media/files/0/0/00000000000000000000000000000000.png")
    assert r.status_code == 404 and r.json == NOT_FOUND


@pytest.mark.parametrize(
    "path",
    [
        "/media/../config.py",
        "/media/%2e%2e/config.py",
        "/media/%2E%2E%2Fconfig.py",
        "/media/files/../../config.py",
        "/media/files/..%2f..%2fconfig.py",
        "/media/..%5cconfig.py",
        "/media/files/..%5c..%5cconfig.py",
        "/media/%252e%252e/config.py",
        "/media//etc/passwd",
        "/media/%2fetc/passwd",
        "/media/files/%00x.png",
        "/media/.secret",
        "/media/files/a.txt.part",
        "/media/c:/windows/win.ini",
    ],
)
def test_traversal_is_impossible(client, media_root, path):
    (media_root.parent / "config.py").write_text("SECRET_KEY = 'top-secret'")
    (media_root / "files").mkdir(parents=True)
    (media_root / ".secret").write_text("top-secret")
    (media_root / "files" / "a.txt.part").write_text("top-secret")
    r = fetch(client, path)
    assert r.status_code == 404 and b"top-secret" not in r.data
