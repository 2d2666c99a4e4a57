"""A list page costs the same number of statements at 20 rows and at 200."""

import pytest

from app.core.passwords import make_hash
from app.extensions import db
from tests.conftest import make_app
from tests.support.factories import make_user
from tests.support.queries import statements_for


def test_probe_list_is_constant(client, app, login_as):
    from blueprints.role.models import Role

    auth = login_as(make_user(app, superuser=True, stored_hash=make_hash("x")))
    with app.app_context():
        db.session.add_all(
            Role(name=f"r{i}", key=f"k{i}", sort=i, status=True, creator_id=1) for i in range(200)
        )
        db.session.commit()
    statements_for(app, client, "get", "/api/probe/role/?limit=1", headers=auth)  # compiles the grants
    small = statements_for(app, client, "get", "/api/probe/role/?limit=20", headers=auth)
    large = statements_for(app, client, "get", "/api/probe/role/?limit=200", headers=auth)
    # token user, page, creator/modifier names; the total comes from the count cache
    assert small == large == 3


def test_count_cache_follows_writes(client, app, login_as):
    auth = login_as(make_user(app, superuser=True, stored_hash=make_hash("x")))
    assert client.get("/api/probe/role/", headers=auth).json["total"] == 0
    client.post("/api/probe/role/", json={"name": "a", "key": "a"}, headers=auth)
    assert client.get("/api/probe/role/", headers=auth).json["total"] == 1
    role_id = client.get("/api/probe/role/", headers=auth).json["data"][0]["id"]
    client.delete(f"/api/probe/role/{role_id}/", headers=auth)
    assert client.get("/api/probe/role/", headers=auth).json["total"] == 0


@pytest.mark.needs_redis
def test_count_cache_is_invalidated_on_every_instance(client, app, second_app, login_as):
    auth = login_as(make_user(app, superuser=True, stored_hash=make_hash("x")))
    other = second_app.test_client()
    assert other.get("/api/probe/role/", headers=auth).json["total"] == 0
    client.post("/api/probe/role/", json={"name": "a", "key": "a"}, headers=auth)
    assert other.get("/api/probe/role/", headers=auth).json["total"] == 1


def test_count_cache_can_be_turned_off(_settings, app, login_as):
    off = make_app(_settings["database_url"], _settings["prefix"], COUNT_CACHE_SECONDS=0)
    auth = login_as(make_user(app, superuser=True, stored_hash=make_hash("x")))
    client = off.test_client()
    client.post("/api/probe/role/", json={"name": "a", "key": "a"}, headers=auth)
    statements_for(off, client, "get", "/api/probe/role/?limit=1", headers=auth)
    assert statements_for(off, client, "get", "/api/probe/role/?limit=20", headers=auth) == 4
