"""``flask createsuperuser``: non-interactive creation and its refusals."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.passwords import check_hash, md5_hex
from app.extensions import db
from tests.support.factories import set_config


def users(app) -> dict:
    from blueprints.user.models import User

    with app.app_context():
        return {
            u.username: (u.is_superuser, [r.key for r in u.role], u.password, u.dept_id)
            for u in db.session.execute(sa.select(User)).scalars()
        }


def test_creates_a_superuser_with_the_admin_role(app, runner, seeded, client):
    args = [
        "createsuperuser",
        "--no-input",
        "--username",
        "boss",
        "--email",
        "b@x.cn",
        "--password",
        "Go0dEnough",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    is_superuser, roles, password, dept_id = users(app)["boss"]
    assert is_superuser and roles == ["admin"] and dept_id is not None
    assert check_hash(md5_hex("Go0dEnough"), password)
    set_config(app, "base", "captcha_state", False)  # the seed turns the captcha on
    r = client.post("/api/login/", json={"username": "boss", "password": md5_hex("Go0dEnough")})
    assert r.json["code"] == 2000, r.json


def test_without_a_seed_the_superuser_is_still_created(app, runner):
    result = runner.invoke(
        args=["createsuperuser", "--no-input", "--username", "solo", "--password", "Go0dEnough"]
    )
    assert result.exit_code == 0, result.output
    assert "flask init" in result.output
    assert users(app)["solo"][:2] == (True, [])


def test_a_weak_password_is_refused(app, runner):
    result = runner.invoke(args=["createsuperuser", "--no-input", "--username", "weak", "--password", "abc"])
    assert result.exit_code != 0 and "password refused" in result.output
    assert "weak" not in users(app)


def test_a_duplicate_username_is_refused_ignoring_case(app, runner, seeded):
    result = runner.invoke(
        args=["createsuperuser", "--no-input", "--username", "SuperAdmin", "--password", "Go0dEnough"]
    )
    assert result.exit_code != 0 and "already exists" in result.output
    assert len(users(app)) == 3


def test_no_input_needs_username_and_password(app, runner):
    missing_password = runner.invoke(args=["createsuperuser", "--no-input", "--username", "x"])
    assert missing_password.exit_code != 0 and "--password is required" in missing_password.output
    missing_username = runner.invoke(args=["createsuperuser", "--password", "Go0dEnough"])
    assert missing_username.exit_code != 0 and "--username is required" in missing_username.output
    assert users(app) == {}
