"""Background jobs on RQ: enqueue from a request, run in ``worker.py`` inside an app context.

Without ``REDIS_URL`` a job runs at once in the calling process (and the log says so), so a
single-process install still works.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)

EXTENSION_KEY = "dvadmin_rq"


def queue_name(app: Flask, name: str = "default") -> str:
    """Queue names carry the key prefix, so apps sharing a Redis keep their jobs apart."""
    return f"{app.config.get('REDIS_KEY_PREFIX') or ''}{name}"


def init_jobs(app: Flask) -> None:
    """Create the RQ connection for this app when Redis is configured."""
    url = app.config.get("REDIS_URL")
    if not url:
        app.extensions[EXTENSION_KEY] = None
        return
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(url)
    app.extensions[EXTENSION_KEY] = {
        "connection": connection,
        "default": Queue(queue_name(app), connection=connection),
    }


def job(func: Callable) -> Callable:
    """Mark a plain function as a job: it gets a fresh database session each run."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        from app.extensions import db

        try:
            return func(*args, **kwargs)
        finally:
            db.session.remove()

    return run


def enqueue(func: Callable, *args: Any, **kwargs: Any) -> str | None:
    """Queue ``func(*args, **kwargs)``; returns the RQ job id, or None when it ran inline."""
    holder = current_app.extensions.get(EXTENSION_KEY)
    if not holder:
        log.info("no REDIS_URL: running job %s inline", getattr(func, "__name__", func))
        func(*args, **kwargs)
        return None
    return holder["default"].enqueue(func, *args, **kwargs).id


def make_worker(app: Flask, *, simple: bool = False):
    """An RQ worker on this app's queue (``simple`` runs jobs without forking, for tests)."""
    from rq import SimpleWorker, Worker

    holder = app.extensions.get(EXTENSION_KEY)
    if not holder:
        raise RuntimeError("REDIS_URL must be set to run a worker")
    cls = SimpleWorker if simple else Worker
    return cls([holder["default"]], connection=holder["connection"])
