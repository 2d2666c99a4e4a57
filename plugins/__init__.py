"""Optional packages, each exposing ``init_app(app)``; a failing one is logged and skipped."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)


def discover() -> list[str]:
    """Names of the plugin packages in this folder."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.ispkg)


def load_plugins(app: Flask) -> list[str]:
    """Import the enabled plugins (config ``PLUGINS``, minus ``PLUGINS_DISABLED``) and init them."""
    names = app.config.get("PLUGINS") or discover()
    disabled = set(app.config.get("PLUGINS_DISABLED") or [])
    loaded = []
    for name in names:
        if name in disabled:
            continue
        try:
            module = importlib.import_module(f"plugins.{name}")
            module.init_app(app)
        except Exception:  # noqa: BLE001 - a bad plugin must not take the app down
            log.exception("plugin %r failed to load and was skipped", name)
            continue
        loaded.append(name)
    return loaded
