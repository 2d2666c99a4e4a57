"""Fixtures of the file tests: a temporary media root, an org tree, a superuser."""

import pytest

from tests.support.factories import make_dept, make_user


@pytest.fixture(autouse=True)
def media_root(app, tmp_path, monkeypatch):
    """A fresh local storage engine under ``tmp_path/media`` (the instance folder stays clean)."""
    from app.core.storage import EXTENSION_KEY, LocalStorage

    root = tmp_path / "media"
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, LocalStorage(root))
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return root


@pytest.fixture()
def org(app):
    """总部 with 技术部 and 运营部 below it."""
    root = make_dept(app, "总部")
    return {
        "root": root,
        "tech": make_dept(app, "技术部", parent=root),
        "ops": make_dept(app, "运营部", parent=root),
    }


@pytest.fixture()
def root_user(app, org):
    """A superuser in 总部."""
    return make_user(app, "root", superuser=True, dept=org["root"], name="超级管理员")


@pytest.fixture()
def root_auth(root_user, login_as):
    """The superuser's auth header."""
    return login_as(root_user)
