"""The operation log hook (contract §9, differences #21). Filled in by the log area."""

from __future__ import annotations

from flask import Flask


def init_oplog(app: Flask) -> None:
    """Install the request hooks that write operation-log rows."""
