"""Login and operation logs: read-only resources (data scope applies) and the retention purge."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core.crud import Resource
from app.core.listing import auto_filter_spec
from app.core.timeutil import local_now
from app.extensions import db
from blueprints.log.models import LoginLog, OperationLog
from blueprints.log.schemas import NoInputSchema

DEFAULT_RETENTION_DAYS = 180
PURGE_BATCH = 1000

login_resource = Resource(
    model=LoginLog,
    filters=auto_filter_spec(LoginLog),
    create_schema=NoInputSchema,
)
operation_resource = Resource(
    model=OperationLog,
    filters=auto_filter_spec(OperationLog),
    create_schema=NoInputSchema,
)

LOG_MODELS: dict[str, type] = {"login_log": LoginLog, "operation_log": OperationLog}


def retention_days() -> int:
    """Days log rows are kept (config ``LOG_RETENTION_DAYS``; 0 keeps them forever)."""
    return max(0, int(current_app.config.get("LOG_RETENTION_DAYS", DEFAULT_RETENTION_DAYS) or 0))


def purge_cutoff(days: int) -> datetime:
    """Rows created before this local time are older than ``days``."""
    return local_now() - timedelta(days=days)


def purge_logs(cutoff: datetime, *, dry_run: bool = False, batch: int = PURGE_BATCH) -> dict[str, int]:
    """Delete (or with ``dry_run`` count) log rows created before ``cutoff``, in batches.

    Each batch is its own short transaction, so a large purge never holds long locks. Rows
    without a creation time are kept (their age is unknown).
    """
    counts: dict[str, int] = {}
    for name, model in LOG_MODELS.items():
        old = model.create_datetime < cutoff
        if dry_run:
            counts[name] = db.session.execute(
                sa.select(sa.func.count()).select_from(model).where(old)
            ).scalar_one()
            continue
        total = 0
        while True:
            ids = list(
                db.session.execute(sa.select(model.id).where(old).order_by(model.id).limit(batch)).scalars()
            )
            if not ids:
                break
            db.session.execute(sa.delete(model).where(model.id.in_(ids)))
            db.session.commit()
            total += len(ids)
        counts[name] = total
    db.session.rollback()
    return counts
