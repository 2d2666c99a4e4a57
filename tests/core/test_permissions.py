"""Deny by default: buttons, placeholders, PATCH as PUT, disabled roles, whitelist, cache invalidation."""

import pytest

from app.core.permissions import api_key
from app.extensions import db
from tests.support.factories import grant, make_button, make_role, make_user

URL = "/api/probe/role/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}


@pytest.fixture()
def role(app):
    return make_role(app, "staff")


@pytest.fixture()
def staff(app, role):
    return make_user(app, "staff", roles=[role])


def test_without_a_button_http_200_code_4000(client, staff, login_as):
    r = client.get(URL, headers=login_as(staff))
    assert r.status_code == 200 and r.json == NO_BUTTON


def test_with_the_button(client, app, role, staff, login_as):
    grant(app, role, make_button(app, "/api/probe/role/", 0))
    assert client.get(URL, headers=login_as(staff)).json["code"] == 2000
    assert client.post(URL, json={"name": "a", "key": "a"}, headers=login_as(staff)).json == NO_BUTTON


def test_id_placeholder_is_one_segment(client, app, role, staff, login_as):
    target = make_role(app, "t")
    grant(app, role, make_button(app, "/api/probe/role/{id}/", 0))
    assert client.get(f"{URL}{target.id}/", headers=login_as(staff)).json["code"] == 2000
    assert client.get(URL, headers=login_as(staff)).json == NO_BUTTON


def test_patch_is_authorised_as_put(client, app, role, staff, login_as):
    target = make_role(app, "t")
    grant(app, role, make_button(app, "/api/probe/role/{id}/", 2))
    assert (
        client.patch(f"{URL}{target.id}/", json={"name": "z"}, headers=login_as(staff)).json["code"] == 2000
    )


def test_disabled_role_grants_nothing(client, app, staff, login_as):
    off = make_role(app, "off", status=False)
    grant(app, off, make_button(app, "/api/probe/role/", 0))
    user = make_user(app, "u2", roles=[off])
    assert client.get(URL, headers=login_as(user)).json == NO_BUTTON


def test_whitelist_grants_any_logged_in_user(client, app, staff, login_as):
    from app.core.permissions import bump_permission_version
    from blueprints.whitelist.models import ApiWhiteList

    with app.app_context():
        db.session.add(ApiWhiteList(url="/api/probe/role/", method=0, enable_datasource=True))
        db.session.commit()
        bump_permission_version()
    assert client.get(URL, headers=login_as(staff)).json["code"] == 2000


def test_superuser_needs_no_button(client, app, login_as):
    assert client.get(URL, headers=login_as(make_user(app, superuser=True))).json["code"] == 2000


@pytest.mark.needs_redis
def test_a_grant_reaches_another_instance(app, second_app, role, staff, login_as):
    other = second_app.test_client()
    assert other.get(URL, headers=login_as(staff)).json == NO_BUTTON
    grant(app, role, make_button(app, "/api/probe/role/", 0))
    assert other.get(URL, headers=login_as(staff)).json["code"] == 2000


@pytest.mark.parametrize(
    ("api", "key"),
    [
        ("/api/system/user/{id}/", "/api/system/user/{}/"),
        ("/API/System/User/{pk}/", "/api/system/user/{}/"),
        ("/api/system/role/{id}/set_role_users/", "/api/system/role/{}/set_role_users/"),
        (" /api/system/user/ ", "/api/system/user/"),
    ],
)
def test_api_key(api, key):
    assert api_key(api) == key


def test_an_id_button_does_not_open_action_routes(client, app, role, staff, login_as):
    target = make_role(app, "t")
    grant(app, role, make_button(app, "/api/probe/role/{id}/", 3))
    assert (
        client.delete(f"{URL}multiple_delete/", json={"keys": [target.id]}, headers=login_as(staff)).json
        == NO_BUTTON
    )
    assert client.delete(f"{URL}{target.id}/", headers=login_as(staff)).json["code"] == 2000


def test_a_path_without_its_slash_is_authorised_like_its_route(client, app, role, staff, login_as):
    grant(app, role, make_button(app, "/api/probe/role/", 0))
    assert client.get("/api/probe/role", headers=login_as(staff)).json["code"] == 2000


def test_a_literal_button_path_is_matched_case_insensitively(client, app, role, staff, login_as):
    grant(app, role, make_button(app, "/API/Probe/Role/", 0))
    assert client.get(URL, headers=login_as(staff)).json["code"] == 2000
