"""Where uploaded and generated files live: a small engine interface and the local engine.

Paths are relative (``files/a/b/<md5>.png``), as the original stores them in ``FileList.url``;
the engine maps them to bytes. Every path is checked to stay inside the storage root.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

from app.core.errors import ApiError

EXTENSION_KEY = "dvadmin_storage"


class Storage(Protocol):
    """What the file, import and export code needs from a storage engine."""

    name: str

    def save(self, relative: str, stream: BinaryIO) -> int:
        """Write ``stream`` at ``relative``; returns the size in bytes."""

    def open(self, relative: str) -> BinaryIO:
        """Read the file at ``relative``."""

    def exists(self, relative: str) -> bool:
        """True when a file is stored at ``relative``."""

    def delete(self, relative: str) -> None:
        """Remove the file at ``relative`` (no error when it is gone)."""

    def local_path(self, relative: str) -> Path | None:
        """A filesystem path for serving, when the engine has one."""


class LocalStorage:
    """Files under ``MEDIA_ROOT`` (default ``<instance>/media``), served at ``/media/<path>``."""

    name = "local"

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).resolve()

    def _path(self, relative: str) -> Path:
        relative = str(relative).replace("\\", "/").lstrip("/")
        if relative.startswith("media/"):
            relative = relative[len("media/") :]
        path = (self.root / relative).resolve()
        if path != self.root and self.root not in path.parents:
            raise ApiError("文件路径不合法")
        return path

    def save(self, relative: str, stream: BinaryIO) -> int:
        """Write atomically (a temp file renamed into place)."""
        path = self._path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "wb") as out:
            shutil.copyfileobj(stream, out, 1024 * 1024)
        os.replace(tmp, path)
        return path.stat().st_size

    def open(self, relative: str) -> BinaryIO:
        """Open for reading; a missing file is a clear error."""
        path = self._path(relative)
        if not path.is_file():
            raise ApiError("文件不存在")
        return open(path, "rb")

    def exists(self, relative: str) -> bool:
        """True when the file exists."""
        return self._path(relative).is_file()

    def delete(self, relative: str) -> None:
        """Remove the file if present."""
        self._path(relative).unlink(missing_ok=True)

    def local_path(self, relative: str) -> Path | None:
        """The file's path on disk."""
        return self._path(relative)


def init_storage(app: Flask) -> None:
    """Create the configured engine (local only for now; S3-compatible engines plug in here)."""
    root = app.config.get("MEDIA_ROOT") or os.path.join(app.instance_path, "media")
    app.config["MEDIA_ROOT"] = root
    app.extensions[EXTENSION_KEY] = LocalStorage(root)


def get_storage() -> Storage:
    """The current app's storage engine."""
    return current_app.extensions[EXTENSION_KEY]
