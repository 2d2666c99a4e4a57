"""Download center: each user's export tasks, and the helpers export jobs record them with.

The original leaves this resource without button checks and without data scope; here it needs a
login and its buttons (differences #11), and a non-superuser sees only the tasks they created.
Finished files are stored under ``files/dlct/…`` with a random part in the name: ``/media/`` serves
them without a token (the SPA opens them as plain links), so the name must not be guessable.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import IO, Any

import sqlalchemy as sa

from app.core.auth import current_user
from app.core.crud import Resource
from app.core.errors import ApiError
from app.core.listing import auto_filter_spec
from app.core.serialize import stamp_core_fields
from app.core.storage import get_storage
from app.core.validation import ApiSchema
from app.extensions import db
from blueprints.download.models import DownloadCenter
from blueprints.file.services import media_url, spool_hashed

TASK_CREATED, TASK_RUNNING, TASK_DONE, TASK_FAILED = 0, 1, 2, 3
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
STEM_MAX = 30


def _own_rows(stmt: sa.Select) -> sa.Select:
    """Superusers see every task; everyone else the tasks they created (contract §6.3)."""
    user = current_user()
    if user is None:
        return stmt.where(sa.false())
    if user.is_superuser:
        return stmt
    return stmt.where(DownloadCenter.creator_id == user.id)


class DownloadResource(Resource):
    """Download tasks: the computed ``url``; deleting a task removes its stored file."""

    def to_dicts(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """Columns plus ``url`` as ``media/<path>`` (null until the file exists)."""
        dicts = super().to_dicts(rows)
        for row, out in zip(rows, dicts, strict=True):
            out["url"] = media_url(row.url)
        return dicts

    def delete(self, objs: Sequence[Any]) -> None:
        """Delete the tasks, then their files when no other task refers to them."""
        paths = {obj.url for obj in objs if obj.url}
        super().delete(objs)
        if not paths:
            return
        used = set(
            db.session.execute(sa.select(DownloadCenter.url).where(DownloadCenter.url.in_(paths))).scalars()
        )
        storage = get_storage()
        for path in sorted(paths - used):
            try:
                storage.delete(path)
            except (ApiError, OSError):
                continue


def _filters():
    """The original's FilterSet: task_status exact, task_name and file_name icontains."""
    spec = auto_filter_spec(DownloadCenter, default_ordering=["-create_datetime"])
    return replace(
        spec,
        fields={
            "task_status": (DownloadCenter.task_status, "exact"),
            "task_name": (DownloadCenter.task_name, "icontains"),
            "file_name": (DownloadCenter.file_name, "icontains"),
        },
    )


resource = DownloadResource(
    model=DownloadCenter, filters=_filters(), create_schema=ApiSchema, scoped=False, base_filter=_own_rows
)


def create_task(user: Any, task_name: str, file_name: str | None = None) -> DownloadCenter:
    """Record a new export task of ``user`` (status 0, 任务已创建)."""
    row = DownloadCenter(task_name=task_name[:255], task_status=TASK_CREATED, file_name=file_name, size=0)
    stamp_core_fields(row, user, creating=True)
    db.session.add(row)
    db.session.commit()
    return row


def _task(task_id: int) -> DownloadCenter:
    row = db.session.get(DownloadCenter, task_id)
    if row is None:
        raise ApiError("下载任务不存在")
    return row


def start_task(task_id: int) -> DownloadCenter:
    """Mark a task as running (status 1)."""
    row = _task(task_id)
    row.task_status = TASK_RUNNING
    db.session.commit()
    return row


def task_file_path(file_name: str, md5: str) -> str:
    """``files/dlct/<m>/<d>/<name>-<time digits><random><ext>``: the original's shape, unguessable."""
    stem, dot, ext = file_name.rpartition(".")
    if not dot:
        stem, ext = file_name, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:STEM_MAX] or "export"
    suffix = f".{_UNSAFE.sub('', ext).lower()[:10]}" if ext else ""
    digits = str(time.time()).replace(".", "")
    return f"files/dlct/{md5[0]}/{md5[1]}/{stem}-{digits}{secrets.token_hex(8)}{suffix}"


def finish_task(task_id: int, file_name: str, stream: IO[bytes]) -> DownloadCenter:
    """Store the finished file of a task and mark it done (status 2, ``url``, size, md5)."""
    row = _task(task_id)
    spool, size, md5 = spool_hashed(stream)
    with spool:
        path = task_file_path(file_name, md5)
        get_storage().save(path, spool)
    row.file_name = file_name
    row.url = path
    row.size = size
    row.md5sum = md5
    row.task_status = TASK_DONE
    db.session.commit()
    return row


def fail_task(task_id: int, message: str) -> DownloadCenter:
    """Mark a task failed (status 3) with the reason in ``description``."""
    row = _task(task_id)
    row.task_status = TASK_FAILED
    row.description = str(message)[:255]
    db.session.commit()
    return row
