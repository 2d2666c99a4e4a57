"""The shared settings and dictionary caches: rebuilt after any change, on every instance."""

import pytest

from app.extensions import db
from blueprints.system_config import cache
from tests.blueprints.dictionary.helpers import make_dict
from tests.blueprints.system_config.helpers import make_config
from tests.support.factories import make_user, set_config
from tests.support.queries import count_statements

SETTINGS = "/api/init/settings/"


@pytest.fixture()
def captcha_on(app):
    base = make_config(app, "base")
    return make_config(app, "captcha_state", base, True, form_item_type=9, title="开启验证码")


@pytest.mark.needs_redis
def test_a_config_change_reaches_another_instance(client, app, second_app, captcha_on, login_as):
    other = second_app.test_client()
    assert other.get(SETTINGS).json["data"] == {"base.captcha_state": True}
    assert other.get("/api/captcha/").json["data"] != {}
    root = login_as(make_user(app, superuser=True))
    body = {"title": "开启验证码", "key": "captcha_state", "value": False, "form_item_type": 9}
    assert (
        client.put(f"/api/system/system_config/{captcha_on.id}/", json=body, headers=root).json["code"]
        == 2000
    )
    assert other.get(SETTINGS).json["data"] == {"base.captcha_state": False}
    assert other.get("/api/captcha/").json["data"] == {}
    with second_app.app_context():
        from blueprints.auth.services import captcha_enabled

        assert captcha_enabled() is False


@pytest.mark.needs_redis
def test_a_dictionary_change_reaches_another_instance(client, app, second_app, login_as):
    parent = make_dict(app, "gender")
    headers = login_as(make_user(app, superuser=True))
    other = second_app.test_client()
    url = "/api/init/dictionary/?dictionary_key=gender"
    assert other.get(url, headers=headers).json["data"] == []
    body = {"value": "1", "label": "男", "parent": parent.id, "type": 1}
    assert client.post("/api/system/dictionary/", json=body, headers=headers).json["code"] == 2000
    assert other.get(url, headers=headers).json["data"] == [
        {"label": "男", "value": "1", "type": 1, "color": None}
    ]


def test_turning_the_captcha_off_takes_effect_at_once(client, app, captcha_on, login_as):
    assert client.get("/api/captcha/").json["data"] != {}
    root = login_as(make_user(app, superuser=True))
    body = [{"id": captcha_on.id, "title": "开启验证码", "key": "captcha_state", "value": False}]
    assert client.put("/api/system/system_config/save_content/", json=body, headers=root).json["code"] == 2000
    assert client.get("/api/captcha/").json["data"] == {}


def test_captcha_state_needs_no_query_once_warm(client, app, captcha_on):
    client.get("/api/captcha/")
    with count_statements(app) as statements:
        assert client.get("/api/captcha/").json["code"] == 2000
    assert statements == []


def test_any_committed_write_invalidates(client, app, captcha_on):
    assert client.get(SETTINGS).json["data"]["base.captcha_state"] is True
    set_config(app, "base", "captcha_state", False)
    assert client.get(SETTINGS).json["data"]["base.captcha_state"] is False
    # an ORM bulk delete counts too
    from blueprints.system_config.models import SystemConfig

    with app.app_context():
        db.session.execute(db.delete(SystemConfig).where(SystemConfig.parent_id.is_not(None)))
        db.session.commit()
    assert client.get(SETTINGS).json["data"] == {}


def test_a_rolled_back_write_leaves_the_cache(client, app, captcha_on):
    from blueprints.system_config.models import SystemConfig

    assert client.get(SETTINGS).json["data"]["base.captcha_state"] is True
    with app.app_context():
        version = cache._current_version(cache.CONFIG)
        db.session.get(SystemConfig, captcha_on.id).value = False
        db.session.flush()
        db.session.rollback()
        assert cache._current_version(cache.CONFIG) == version
    assert client.get(SETTINGS).json["data"]["base.captcha_state"] is True


def test_a_stale_rebuild_cannot_outlive_a_change(app, captcha_on):
    """A rebuild that read before a change stores under the old version, which nobody reads."""
    with app.app_context():
        old = cache._current_version(cache.CONFIG)
        cache.invalidate(cache.CONFIG)
        new = cache._current_version(cache.CONFIG)
        assert new != old
        assert cache._data_key(cache.CONFIG, old) != cache._data_key(cache.CONFIG, new)
        assert cache.config_lookup("base.captcha_state") is True
