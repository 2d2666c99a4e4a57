"""OpenAPI, Swagger UI, health, readiness and CORS."""

import re

import pytest

from tests.conftest import make_app

pytestmark = pytest.mark.fallback


def test_swagger_json_as_the_spa_accepts_it(client):
    r = client.get("/swagger.json")
    spec = r.json
    assert r.status_code == 200 and spec["swagger"] == "2.0"
    assert "/api/login/" in spec["paths"] and "/token/refresh/" in spec["paths"]
    assert "/api/probe/role/{id}/" in spec["paths"]
    assert not [p for p in spec["paths"] if re.search(r"\{(?!id\})", p)]
    assert spec["securityDefinitions"]["JWT"]["in"] == "header"
    assert spec["paths"]["/api/login/"]["post"]["security"] == []
    assert spec["paths"]["/api/system/user/user_info/"]["get"].get("security") is None
    envelope = spec["paths"]["/api/system/user/user_info/"]["get"]["responses"]["200"]["schema"]
    assert envelope["$ref"].endswith("UserInfoEnvelope")


def test_swagger_ui_uses_local_assets_only(client):
    page = client.get("/swagger").get_data(as_text=True)
    assert "swagger-ui-bundle.js" in page
    assert not re.search(r"(https?:)?//[a-z]", page)
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        r = client.get(f"/swagger-ui-assets/{asset}")
        assert r.status_code == 200 and len(r.get_data()) > 1000
        r.close()


def test_swagger_behind_login_when_configured(_settings, app):
    closed = make_app(_settings["database_url"], _settings["prefix"], SWAGGER_REQUIRES_LOGIN=True)
    assert closed.test_client().get("/swagger.json").status_code == 401


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_data(as_text=True) == "OK"


def test_readiness(client, app):
    r = client.get("/readiness")
    assert r.status_code == 200 and r.json["data"]["database"] == "ok"
    expected = "ok" if app.config["REDIS_URL"] else "not configured"
    assert r.json["data"]["redis"] == expected


def test_readiness_reports_a_dead_redis(_settings, app):
    broken = make_app(_settings["database_url"], _settings["prefix"], REDIS_URL="redis://127.0.0.1:1/0")
    r = broken.test_client().get("/readiness")
    assert r.status_code == 503 and r.json["data"]["redis"] == "down" and r.json["data"]["database"] == "ok"


def test_cors_preflight_from_an_allowed_origin(client):
    r = client.options(
        "/api/login/", headers={"Origin": "http://spa.example.test", "Access-Control-Request-Method": "POST"}
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "http://spa.example.test"
    assert "authorization" in r.headers["Access-Control-Allow-Headers"]


def test_cors_refuses_other_origins(client):
    r = client.options(
        "/api/login/", headers={"Origin": "http://evil.test", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in r.headers
    r = client.post("/api/login/", json={}, headers={"Origin": "http://evil.test"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_on_actual_requests(client):
    r = client.get("/api/captcha/", headers={"Origin": "http://spa.example.test"})
    assert r.headers["Access-Control-Allow-Origin"] == "http://spa.example.test"
    assert "Content-Disposition" in r.headers["Access-Control-Expose-Headers"]


def test_stale_token_on_a_public_route_is_ignored(client):
    r = client.get("/api/captcha/", headers={"Authorization": "JWT expired.or.bad"})
    assert r.json["code"] == 2000
