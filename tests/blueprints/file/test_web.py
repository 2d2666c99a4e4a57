"""The clause pages, and a built SPA served at ``/web/`` and, when configured, at the root."""

import pytest

from tests.support.factories import set_config

NOT_FOUND = {"code": 404, "data": None, "msg": "接口地址不存在"}
INDEX = "<!DOCTYPE html><html><head><script src='/web/assets/index-abc123.js'></script></head></html>"


def fetch(client, path, **kwargs):
    """GET a file; ``buffered`` closes the file the response streamed from."""
    return client.get(path, buffered=True, **kwargs)


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/api/system/clause/privacy.html", "隐私政策"), ("/api/system/clause/terms_service.html", "服务条款")],
)
def test_clause_pages_are_public_html(client, path, heading):
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "text/html"
    text = r.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in text and "dvadmin-flask" in text
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(path, headers={"Authorization": "JWT stale"}).status_code == 200


def test_clause_title_comes_from_the_login_config_escaped(client, app):
    set_config(app, "login", "site_title", "<b>企业管理平台</b>")
    text = client.get("/api/system/clause/privacy.html").get_data(as_text=True)
    assert "&lt;b&gt;企业管理平台&lt;/b&gt;" in text and "<b>企业" not in text and "dvadmin-flask" not in text


@pytest.fixture()
def dist(app, tmp_path, monkeypatch):
    """A built SPA: index.html, version-build, a hashed asset, a favicon and a dot file."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "version-build").write_text("1732438363")
    (root / "assets" / "x.js").write_text("console.log('spa')")
    (root / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    (root / ".env").write_text("SECRET=1")
    (tmp_path / "outside.txt").write_text("outside")
    monkeypatch.setitem(app.config, "SPA_DIST", str(root))
    return root


def test_nothing_is_served_without_spa_dist(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SPA_DIST", None)
    for path in ("/web/", "/web/index.html", "/web/version-build", "/"):
        r = fetch(client, path)
        assert r.status_code == 404 and r.json == NOT_FOUND


def test_a_dist_without_index_html_is_not_served(client, app, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "version-build").write_text("1")
    monkeypatch.setitem(app.config, "SPA_DIST", str(tmp_path / "empty"))
    assert fetch(client, "/web/version-build").status_code == 404


def test_the_spa_under_web(client, dist):
    for path in ("/web/", "/web", "/web/index.html"):
        r = fetch(client, path)
        assert r.status_code == 200 and r.get_data(as_text=True) == INDEX, path
        assert r.mimetype == "text/html" and r.headers["Cache-Control"] == "no-cache"
    r = fetch(client, "/web/version-build?t=1732438363000")
    assert r.status_code == 200 and r.data == b"1732438363"
    assert r.mimetype == "text/plain" and r.headers["Cache-Control"] == "no-cache"
    r = fetch(client, "/web/assets/x.js")
    assert r.status_code == 200 and r.data == b"console.log('spa')" and "javascript" in r.mimetype
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(client, "/web/favicon.ico").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/web/missing.js",
        "/web/assets/",
        "/web/.env",
        "/web/../outside.txt",
        "/web/%2e%2e/outside.txt",
        "/web/assets/..%2f..%2foutside.txt",
        "/web/..%5coutside.txt",
    ],
)
def test_only_files_of_the_dist_are_served(client, dist, path):
    r = fetch(client, path)
    assert r.status_code == 404 and b"outside" not in r.data and b"SECRET" not in r.data


def test_the_root_is_served_only_when_asked(client, app, dist, monkeypatch):
    paths = ["/", "/index.html", "/assets/x.js", "/favicon.ico", "/version-build"]
    for path in paths:
        assert fetch(client, path).status_code == 404, path
    monkeypatch.setitem(app.config, "SPA_AT_ROOT", "true")
    for path in paths:
        assert fetch(client, path).status_code == 200, path
    assert fetch(client, "/").get_data(as_text=True) == INDEX
    assert fetch(client, "/version-build?t=1").headers["Cache-Control"] == "no-cache"
    assert fetch(client, "/assets/x.js").headers["Cache-Control"].startswith("public, max-age=31536000")
    assert fetch(client, "/assets/../.env").status_code == 404


def test_the_spa_at_the_root_shadows_nothing(client, app, dist, monkeypatch):
    monkeypatch.setitem(app.config, "SPA_AT_ROOT", True)
    assert client.get("/api/system/file/").status_code == 401
    assert client.get("/api/nothing-here/").json == NOT_FOUND
    assert client.post("/token/refresh/", json={}).json["code"] != 2000
    assert fetch(client, "/media/files/none.png").json == NOT_FOUND
    assert client.get("/healthz").get_data(as_text=True) == "OK"
    assert client.get("/readiness").json["code"] == 2000
    assert "swagger" in client.get("/swagger.json").json
    assert b"swagger" in fetch(client, "/swagger").data.lower()
