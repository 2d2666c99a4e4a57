"""RQ jobs: queued with Redis and run by a worker inside an app context; inline without Redis."""

import pytest

from app.core.jobs import enqueue, make_worker
from app.extensions import db
from tests.conftest import make_app
from tests.support.factories import make_role
from tests.support.jobs import rename_role


def role_name(app, role_id):
    from blueprints.role.models import Role

    with app.app_context():
        return db.session.get(Role, role_id).name


@pytest.mark.needs_redis
def test_a_queued_job_runs_in_the_worker(app):
    role = make_role(app, "r", name="旧")
    with app.test_request_context():
        job_id = enqueue(rename_role, role.id, "新")
    assert job_id and role_name(app, role.id) == "旧"
    with app.app_context():
        assert make_worker(app, simple=True).work(burst=True) is True
    assert role_name(app, role.id) == "新"


@pytest.mark.fallback
def test_without_redis_a_job_runs_inline(_settings, app):
    local = make_app(_settings["database_url"], _settings["prefix"], REDIS_URL=None)
    role = make_role(app, "r", name="旧")
    with local.test_request_context():
        assert enqueue(rename_role, role.id, "新") is None
    assert role_name(app, role.id) == "新"
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        make_worker(local)
