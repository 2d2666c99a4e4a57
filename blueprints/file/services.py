"""Uploads: checks, content-addressed storage, the file resource, and the media types it serves.

An upload is checked before anything is written (differences #19): a login and button (the
route's guard), a size limit, an extension allow-list, a plain file name with an extension, a
non-empty body. It is stored under a name the server chooses, ``files/<m>/<d>/<md5><ext>``
(contract §4 FileList), so identical content shares one stored file; deleting a row removes the
stored file once no row refers to it. The media type comes from the extension, never from the
client, and decides whether ``/media/`` may show the file inline.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app

from app.core.auth import current_user
from app.core.crud import Resource
from app.core.errors import ApiError
from app.core.listing import auto_filter_spec
from app.core.serialize import stamp_core_fields
from app.core.storage import get_storage
from app.extensions import db
from blueprints.file.models import FileList
from blueprints.file.schemas import FileUpdateSchema

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Images (SVG included: it is served as an attachment), office documents, pdf, text, archives,
# audio and video. HTML, XHTML and JavaScript are left out on purpose.
DEFAULT_EXTENSIONS = (
    "png jpg jpeg gif webp bmp ico svg "
    "pdf doc docx xls xlsx ppt pptx odt ods odp wps rtf "
    "txt csv md "
    "zip rar 7z gz "
    "mp3 wav ogg m4a aac flac "
    "mp4 webm mov avi mkv"
).split()

# Fixed so that the served type does not depend on the host's mime.types.
MIME_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "ico": "image/x-icon",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "wps": "application/vnd.ms-works",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "md": "text/markdown",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "gz": "application/gzip",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "mkv": "video/x-matroska",
    "html": "text/html",
    "htm": "text/html",
    "xhtml": "application/xhtml+xml",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "xml": "application/xml",
    "json": "application/json",
}
# Types a browser shows without running anything; everything else is sent as an attachment.
INLINE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/bmp",
        "image/x-icon",
        "application/pdf",
        "text/plain",
    }
)
OCTET_STREAM = "application/octet-stream"

MSG_NO_FILE = "file:没有提交任何文件。"
MSG_NO_NAME = "file:无法检测到文件名。"
MSG_EMPTY = "file:提交的是空文件。"
MSG_PATH_IN_NAME = "file:文件名不能包含路径"
MSG_BAD_CHARS = "file:文件名包含非法字符"
MSG_NO_EXTENSION = "file:文件名缺少扩展名"
NAME_MAX = 200
_CHUNK = 1024 * 1024


def upload_limit() -> int:
    """The largest accepted upload in bytes (config ``UPLOAD_MAX_BYTES``)."""
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)


def too_large_message() -> str:
    """``file:文件过大…`` with the limit in readable units."""
    limit = upload_limit()
    if limit >= 1024 * 1024:
        readable = f"{limit / (1024 * 1024):g} MB"
    elif limit >= 1024:
        readable = f"{limit / 1024:g} KB"
    else:
        readable = f"{limit} 字节"
    return f"file:文件过大，不能超过 {readable}"


def allowed_extensions() -> frozenset[str]:
    """Accepted extensions, lower case without the dot (config ``UPLOAD_EXTENSIONS``)."""
    value = current_app.config.get("UPLOAD_EXTENSIONS") or DEFAULT_EXTENSIONS
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return frozenset(str(v).strip().lower().lstrip(".") for v in value if str(v).strip())


def mime_for(extension: str) -> str:
    """The media type of an extension (without the dot); unknown ones are octet-stream."""
    ext = extension.lower().lstrip(".")
    return MIME_TYPES.get(ext) or mimetypes.guess_type(f"x.{ext}", strict=False)[0] or OCTET_STREAM


def is_inline(mime: str) -> bool:
    """True for types a browser displays without running code (raster images, pdf, text, media)."""
    return mime in INLINE_TYPES or mime.startswith(("audio/", "video/"))


def file_type_for(mime: str) -> int:
    """0 image, 1 video, 2 audio, 3 other, from the media type's prefix (contract §4)."""
    for prefix, kind in (("image/", 0), ("video/", 1), ("audio/", 2)):
        if mime.startswith(prefix):
            return kind
    return 3


def clean_filename(raw: str | None) -> tuple[str, str]:
    """The original name to keep, and its lower-case extension; refuses anything path-like."""
    name = (raw or "").strip()
    if not name:
        raise ApiError(MSG_NO_NAME)
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise ApiError(MSG_PATH_IN_NAME)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ApiError(MSG_BAD_CHARS)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem.strip(". ") or not ext.strip():
        raise ApiError(MSG_NO_EXTENSION)
    extension = ext.lower()
    if extension not in allowed_extensions():
        raise ApiError(f"file:不允许上传 .{extension} 类型的文件")
    if len(name) > NAME_MAX:
        name = f"{stem[: NAME_MAX - len(ext) - 1]}.{ext}"
    return name, extension


def stored_path(md5: str, extension: str) -> str:
    """The server-chosen relative path of a stored upload (contract §4)."""
    return f"files/{md5[0]}/{md5[1]}/{md5}.{extension}"


def media_url(path: str | None) -> str | None:
    """``media/<path>``, relative with no leading slash, as the SPA expects it."""
    return f"media/{path}" if path else None


def spool_hashed(stream: IO[bytes], limit: int | None = None) -> tuple[IO[bytes], int, str]:
    """Copy ``stream`` to a temporary file: (file at offset 0, size, md5 hex); refuses it past
    ``limit`` bytes (the caller closes the file)."""
    digest = hashlib.md5(usedforsecurity=False)
    spool = tempfile.SpooledTemporaryFile(max_size=_CHUNK)
    size = 0
    try:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if limit is not None and size > limit:
                raise ApiError(too_large_message())
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size, digest.hexdigest()


def upload_file(upload: Any, upload_method: int | None) -> FileList:
    """Check, store and record one uploaded file (a werkzeug ``FileStorage``)."""
    if upload is None:
        raise ApiError(MSG_NO_FILE)
    name, extension = clean_filename(upload.filename)
    if upload_method is not None:
        resource.check_columns(None, {"upload_method": upload_method})
    spool, size, md5 = spool_hashed(upload.stream, upload_limit())
    with spool:
        if size == 0:
            raise ApiError(MSG_EMPTY)
        storage = get_storage()
        path = stored_path(md5, extension)
        mime = mime_for(extension)
        row = FileList(
            name=name,
            url=path,
            file_url=media_url(path),
            engine=storage.name,
            mime_type=mime,
            size=str(size),
            md5sum=md5,
            upload_method=0 if upload_method is None else upload_method,
            file_type=file_type_for(mime),
        )
        stamp_core_fields(row, current_user(), creating=True)
        storage.save(path, spool)
    try:
        db.session.add(row)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        try:
            remove_unreferenced([path])
        except Exception:  # noqa: BLE001 - the original failure is the one to report
            log.exception("could not clean up %r after a failed upload", path)
        raise
    return row


def remove_unreferenced(paths: Iterable[str]) -> None:
    """Delete stored files that no file row refers to any more (by ``url`` or ``file_url``)."""
    wanted = {p for p in paths if p}
    if not wanted:
        return
    urls = [media_url(p) for p in wanted]
    rows = db.session.execute(
        sa.select(FileList.url, FileList.file_url).where(
            sa.or_(FileList.url.in_(sorted(wanted)), FileList.file_url.in_(urls))
        )
    )
    used = set()
    for url, file_url in rows:
        used.add(url)
        if file_url and file_url.startswith("media/"):
            used.add(file_url[len("media/") :])
    used |= _referenced_elsewhere(wanted - used)
    storage = get_storage()
    for path in sorted(wanted - used):
        try:
            storage.delete(path)
        except (ApiError, OSError) as exc:
            log.warning("could not remove stored file %r: %s", path, exc)


def _referenced_elsewhere(paths: set[str]) -> set[str]:
    """Paths an avatar or a config value (images, files) still points at: their bytes stay."""
    from blueprints.system_config.models import SystemConfig
    from blueprints.user.models import User

    kept = set()
    for path in paths:
        in_use = db.session.execute(
            sa.select(sa.literal(1))
            .where(
                sa.or_(
                    sa.exists().where(User.avatar.contains(path, autoescape=True)),
                    sa.exists().where(sa.cast(SystemConfig.value, sa.Text).contains(path, autoescape=True)),
                )
            )
            .limit(1)
        ).first()
        if in_use:
            kept.add(path)
    return kept


def find_uploaded(value: Any, user: Any) -> FileList | None:
    """An uploaded file by id or by its media URL (``media/files/…``, ``/media/…`` or a full URL),
    among those ``user`` uploaded (every file for a superuser); for imports (differences #20)."""
    stmt = sa.select(FileList)
    text = str(value if value is not None else "").strip()
    if text.isdigit():
        stmt = stmt.where(FileList.id == int(text))
    else:
        marker = text.find("media/")
        if marker < 0:
            return None
        relative = text[marker + len("media/") :].split("?", 1)[0]
        stmt = stmt.where(sa.or_(FileList.url == relative, FileList.file_url == media_url(relative)))
    if not user.is_superuser:
        stmt = stmt.where(FileList.creator_id == user.id)
    return db.session.execute(stmt.order_by(FileList.id).limit(1)).scalar_one_or_none()


class FileResource(Resource):
    """Files: the computed ``url``; deletes also remove stored files no row uses any more."""

    def to_dicts(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """Columns plus ``url``: ``file_url``, or ``media/<path>`` (contract §6.3 file)."""
        dicts = super().to_dicts(rows)
        for row, out in zip(rows, dicts, strict=True):
            out["url"] = row.file_url or media_url(row.url)
        return dicts

    def delete(self, objs: Sequence[Any]) -> None:
        """Delete the rows, then the stored files left without a row."""
        paths = [obj.url for obj in objs if obj.url and (obj.engine or "local") == get_storage().name]
        super().delete(objs)
        remove_unreferenced(paths)

    def all_response_rows(self) -> list[dict[str, Any]]:
        """Every file the caller may see, filtered and ordered as the list, unpaginated."""
        from app.core.listing import apply_filters, apply_ordering

        spec = self.visible_filters()
        stmt = apply_ordering(apply_filters(self.query(), spec), spec)
        return self.serialize(list(db.session.execute(stmt).scalars()))


def _filters():
    """The original's FilterSet: name and mime_type icontains, upload_method and file_type exact."""
    spec = auto_filter_spec(FileList, default_ordering=["-create_datetime"])
    return replace(
        spec,
        fields={
            "name": (FileList.name, "icontains"),
            "mime_type": (FileList.mime_type, "icontains"),
            "upload_method": (FileList.upload_method, "exact"),
            "file_type": (FileList.file_type, "exact"),
        },
    )


resource = FileResource(model=FileList, filters=_filters(), create_schema=FileUpdateSchema)
