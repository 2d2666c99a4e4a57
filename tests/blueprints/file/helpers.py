"""Helpers of the file tests."""

import io

import sqlalchemy as sa

from app.extensions import db
from tests.support.factories import grant, make_button, make_role, make_user

URL = "/api/system/file/"
NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}


def upload(client, headers, content=b"hello", name="h.txt", content_type=None, **form):
    """POST one file as multipart/form-data."""
    part = (io.BytesIO(content), name, content_type) if content_type else (io.BytesIO(content), name)
    return client.post(URL, data={"file": part, **form}, headers=headers, content_type="multipart/form-data")


def raw_upload(client, headers, disposition, content=b"x"):
    """POST a hand-built multipart body whose file part has the given Content-Disposition params
    (the test client would drop a backslash from a file name; a real client escapes it)."""
    boundary = "----dvadminboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; {disposition}\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        URL, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored_files(root):
    """Relative paths of every file under ``root``."""
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def file_count(app):
    """How many file rows exist."""
    from blueprints.file.models import FileList

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(FileList))


def staff_with(app, dept, buttons, data_range=3):
    """A non-superuser in ``dept`` whose role holds ``buttons`` [(api, method)]."""
    role = make_role(app)
    for api, method in buttons:
        grant(app, role, make_button(app, api, method), data_range)
    return make_user(app, dept=dept, roles=[role])
