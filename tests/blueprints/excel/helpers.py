"""Helpers for the Excel tests: uploaded files, workbooks in and out, staff with buttons, columns."""

from __future__ import annotations

import hashlib
import io
import itertools
from types import SimpleNamespace

from openpyxl import Workbook, load_workbook

from app.extensions import db
from tests.support.factories import grant, make_button, make_role, make_user

NO_BUTTON = {"code": 4000, "data": None, "msg": "您没有执行该操作的权限。"}
METHODS = {"get": 0, "post": 1, "put": 2, "delete": 3}
_seq = itertools.count(1)


def xlsx_bytes(header, rows, *, title="Sheet1") -> bytes:
    """An xlsx with ``header`` and ``rows`` on its first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(app, content: bytes, *, owner=None, dept=None, ext: str = ".xlsx", name: str = "导入.xlsx"):
    """Store ``content`` as the file endpoint would and add its FileList row."""
    from app.core.storage import get_storage
    from blueprints.file.models import FileList

    digest = hashlib.md5(content + str(next(_seq)).encode()).hexdigest()
    relative = f"files/{digest[0]}/{digest[1]}/{digest}{ext}"
    dept_id = getattr(dept, "id", dept) if dept is not None else getattr(owner, "dept_id", None)
    with app.app_context():
        get_storage().save(relative, io.BytesIO(content))
        row = FileList(
            name=name,
            url=relative,
            file_url=f"media/{relative}",
            engine="local",
            mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            size=str(len(content)),
            md5sum=digest,
            creator_id=getattr(owner, "id", None),
            dept_belong_id=str(dept_id) if dept_id is not None else None,
        )
        db.session.add(row)
        db.session.commit()
        return SimpleNamespace(id=row.id, url=relative, file_url=f"media/{relative}")


def workbook_of(response):
    """The downloaded xlsx, opened with openpyxl."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "application/msexcel"
    return load_workbook(io.BytesIO(response.data))


def rows_of(sheet):
    """Every row of a sheet as a list of values."""
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def staff_with(app, dept, buttons, data_range: int = 3):
    """A non-superuser in ``dept`` whose one role holds ``buttons`` ``[(api, method)]``."""
    role = make_role(app)
    for api, method in buttons:
        grant(app, role, make_button(app, api, method), data_range)
    user = make_user(app, dept=dept, roles=[role])
    user.role = role
    return user


def hide_column(app, role, model: str, field_name: str, *, query=False, create=False, update=False):
    """Configure a column of ``model`` and grant ``role`` only the given flags on it."""
    from app.core.permissions import bump_permission_version
    from blueprints.menu.models import Menu, MenuField
    from blueprints.permission.models import FieldPermission

    with app.app_context():
        menu = Menu(name=f"列菜单{next(_seq)}", sort=1)
        db.session.add(menu)
        db.session.flush()
        column = MenuField(model=model, field_name=field_name, title=field_name, menu_id=menu.id)
        db.session.add(column)
        db.session.flush()
        db.session.add(
            FieldPermission(
                role_id=role.id, field_id=column.id, is_query=query, is_create=create, is_update=update
            )
        )
        db.session.commit()
        bump_permission_version()


def count_rows(app, model) -> int:
    """How many rows ``model`` holds."""
    import sqlalchemy as sa

    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
