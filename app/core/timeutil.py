"""Naive local datetimes in the configured zone, as the original stores them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def local_now() -> datetime:
    """Return the current naive local time, to the microsecond."""
    zone = "Asia/Shanghai"
    if has_app_context():
        zone = current_app.config.get("TIME_ZONE") or zone
    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None)


def format_datetime(value: datetime | None) -> str | None:
    """Format a datetime the way the wire expects (``YYYY-MM-DD HH:MM:SS``)."""
    return value.strftime(DATETIME_FORMAT) if value is not None else None
