"""Every test here stores files under its own temporary media root."""

import pytest


@pytest.fixture(autouse=True)
def media_root(app, tmp_path, monkeypatch):
    """A fresh local storage engine under ``tmp_path/media`` (the instance folder stays clean)."""
    from app.core.storage import EXTENSION_KEY, LocalStorage

    root = tmp_path / "media"
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, LocalStorage(root))
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return root
