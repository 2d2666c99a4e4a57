"""Example plugin: a "note" resource under ``/api/example/note/`` (see README.md).

What a plugin declares here is picked up by ``plugins.load_plugins``: ``BLUEPRINTS`` (registered
with the Api after a clash check), ``COMMANDS`` (added to ``flask``), ``SEED_DIR`` (loaded by
``flask init --app example``) and ``init_app(app)``. Importing ``models`` puts the table in
``db.metadata``; ``migrations/`` holds its alembic branch.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from plugins.example import models  # noqa: F401  (the note table joins db.metadata)
from plugins.example.commands import example_hello
from plugins.example.routes import blp

BLUEPRINTS = (blp,)
COMMANDS = (example_hello,)
SEED_DIR = Path(__file__).resolve().parent / "seed"


def init_app(app: Flask) -> None:
    """Config defaults of the plugin (the loader registers the blueprint and the command)."""
    app.config.setdefault("EXAMPLE_GREETING", "hello from the example plugin")
