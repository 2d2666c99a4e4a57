"""Excel export, import templates and import (contract §6.4, differences #14, #15, #20).

Exports and templates are written with openpyxl's write-only mode into a temporary file (rows go
straight to disk, so memory stays flat whatever the row count) and streamed back. The reader
checks every row of an uploaded file and collects every bad cell, so an import is all or nothing.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice
from typing import Any, BinaryIO
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from flask import Response, current_app
from marshmallow import ValidationError
from marshmallow import fields as ma_fields
from marshmallow import validate as ma_validate
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from app.core.errors import ApiError
from app.core.timeutil import format_datetime
from app.core.validation import ApiSchema

XLSX_MIMETYPE = "application/msexcel"
INDEX_LABEL = "序号"
KEY_LABEL = "更新主键(勿改)"
DATA_SHEET = "data"
MSG_NOT_EXCEL = "文件不是有效的 Excel 文件"
MSG_BAD_FILE_REF = "只能导入通过文件上传接口上传的文件"
# M2M cells hold several names separated by any of these (contract §6.3 user import).
MANY_SEPARATORS = re.compile(r"[，；：|.,;:\s]+")
MAX_WIDTH = 50
# Column widths come from the header and the first rows (the rest is still being read).
WIDTH_SAMPLE_ROWS = 1000
# Rows a template's drop-down validation covers below the existing ones.
TEMPLATE_ROWS = 1000
EXPORT_BATCH = 2000
DEFAULT_MAX_IMPORT_ROWS = 10_000
DEFAULT_MAX_ERRORS_SHOWN = 20
_EMAIL = ma_validate.Email()
# What a damaged or foreign file raises inside openpyxl (XML parse errors are SyntaxErrors).
BAD_FILE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    InvalidFileException,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    EOFError,
)


# ---- cells ------------------------------------------------------------------------------


def text_width(value: Any) -> float:
    """Column width for a value: 4 + 1 per ASCII and 2.1 per other character, at most 50."""
    text = "" if value is None else str(value)
    return min(4 + sum(1 if ord(ch) < 128 else 2.1 for ch in text), MAX_WIDTH)


def cell_value(value: Any) -> Any:
    """A value as a cell holds it: datetimes formatted, booleans and None left to the caller."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _cell(ws: Any, value: Any) -> Any:
    """A write-only cell; text starting with ``=`` stays text, never a formula (no injection)."""
    value = cell_value(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


# ---- writing ------------------------------------------------------------------------------


def _set_widths(ws: Any, header: Sequence[str], sample: Sequence[Sequence[Any]]) -> None:
    for index, label in enumerate(header, start=1):
        width = text_width(label)
        for row in sample:
            if index - 1 < len(row):
                width = max(width, text_width(cell_value(row[index - 1])))
        ws.column_dimensions[get_column_letter(index)].width = width


def _add_table(ws: Any, name: str, header: Sequence[str], last_row: int) -> None:
    ref = f"A1:{get_column_letter(len(header))}{max(last_row, 2)}"
    table = Table(displayName=name, ref=ref)
    # Column names are given here: a write-only sheet cannot be read back for them.
    table.tableColumns = [TableColumn(id=i, name=label) for i, label in enumerate(header, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight11", showRowStripes=True)
    # ``add_table`` warns on every write-only sheet even with the columns given, so add directly
    ws.tables.add(table)


def _save(workbook: Workbook) -> str:
    fd, path = tempfile.mkstemp(prefix="dvadmin-", suffix=".xlsx")
    os.close(fd)
    try:
        workbook.save(path)
    except BaseException:
        os.unlink(path)
        raise
    return path


def write_rows(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    table: str = "Table",
    numbered: bool = True,
    dropdowns: Sequence[tuple[int, Sequence[str], bool]] = (),
) -> str:
    """Write one sheet (``序号`` + ``header``, rows numbered from 1) to a temp file; return its path.

    ``dropdowns`` are ``(column index in header (0-based), options, strict)``: the options go to
    the hidden sheet ``data`` and the column gets a list validation over the rows written plus
    :data:`TEMPLATE_ROWS` more; a non-strict one (several names per cell) only suggests.
    """
    workbook = Workbook(write_only=True)
    try:
        _fill(workbook, header, rows, title=title, table=table, numbered=numbered, dropdowns=dropdowns)
        return _save(workbook)
    except BaseException:
        _discard(workbook)
        raise


def _discard(workbook: Workbook) -> None:
    """Remove the sheets' temp files of a workbook that will not be saved (a failed export)."""
    for ws in workbook.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            if ws._rows is not None:
                ws._rows.close()
        with contextlib.suppress(Exception):
            writer.close()
        with contextlib.suppress(OSError, TypeError):
            os.remove(writer.out)


def _fill(
    workbook: Workbook,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    table: str,
    numbered: bool,
    dropdowns: Sequence[tuple[int, Sequence[str], bool]],
) -> None:
    ws = workbook.create_sheet(title)
    full_header = [INDEX_LABEL, *header] if numbered else list(header)
    iterator = iter(rows)
    sample = list(islice(iterator, WIDTH_SAMPLE_ROWS))
    offset = 1 if numbered else 0
    _set_widths(ws, full_header, [([None] * offset) + list(r) for r in sample])
    ws.append(full_header)
    count = 0
    for count, row in enumerate(chain(sample, iterator), start=1):
        values = [_cell(ws, v) for v in row]
        ws.append([count, *values] if numbered else values)
    last_row = count + 1
    if dropdowns:
        data = workbook.create_sheet(DATA_SHEET)
        data.sheet_state = "hidden"
        lists = [list(options) for _index, options, _strict in dropdowns]
        data.append([full_header[index + offset] for index, _o, _s in dropdowns])
        for line in range(max((len(o) for o in lists), default=0)):
            data.append([_cell(data, o[line]) if line < len(o) else None for o in lists])
        bottom = last_row + TEMPLATE_ROWS
        for position, ((index, options, strict), _) in enumerate(zip(dropdowns, lists, strict=True)):
            if not options:
                continue
            source = get_column_letter(position + 1)
            target = get_column_letter(index + offset + 1)
            validation = DataValidation(
                type="list",
                formula1=f"{DATA_SHEET}!${source}$2:${source}${len(options) + 1}",
                allow_blank=True,
                showErrorMessage=strict,
                errorTitle="输入错误",
                error="请从下拉列表中选择",
            )
            validation.add(f"{target}2:{target}{bottom}")
            ws.data_validations.append(validation)
    _add_table(ws, table, full_header, last_row)


def _read_chunks(handle: BinaryIO, size: int = 256 * 1024) -> Iterator[bytes]:
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


def file_response(path: str, filename: str) -> Response:
    """Stream a generated xlsx as a download; the temp file is gone once the response closes."""
    handle = open(path, "rb")  # noqa: SIM115 - closed when the body is consumed or the response closes
    size = os.fstat(handle.fileno()).st_size
    # The open handle keeps the data readable after the name is removed (POSIX).
    os.unlink(path)
    response = Response(_read_chunks(handle), mimetype=XLSX_MIMETYPE, direct_passthrough=True)
    response.call_on_close(handle.close)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f"attachment;filename={quote(filename)}"
    response.headers["Access-Control-Expose-Headers"] = "Content-Disposition"
    response.headers["Cache-Control"] = "no-store"
    return response


# ---- export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    """One exported column: its label and the model field whose column permission governs it."""

    key: str
    label: str
    field: str


def visible_columns(columns: Sequence[ExportColumn], hidden: set[str]) -> list[ExportColumn]:
    """The columns whose field (or own key) the caller may see (differences #15)."""
    return [c for c in columns if c.field not in hidden and c.key not in hidden]


def stream_rows(session: Any, stmt: sa.Select, batch: int = EXPORT_BATCH) -> Iterator[Any]:
    """Rows of ``stmt`` from a server-side cursor, ``batch`` at a time."""
    result = session.execute(stmt.execution_options(yield_per=batch))
    try:
        yield from result
    finally:
        result.close()


def export_response(
    filename: str, columns: Sequence[ExportColumn], rows: Iterable[dict[str, Any]]
) -> Response:
    """The xlsx download of ``rows`` (dicts by column key), numbered, as an Excel table."""
    header = [c.label for c in columns]
    keys = [c.key for c in columns]
    path = write_rows(header, ([row.get(k) for k in keys] for row in rows))
    return file_response(path, filename)


# ---- templates ------------------------------------------------------------------------------


@dataclass
class ImportField:
    """One import column: wire field, title, and how a cell becomes a value."""

    name: str
    label: str
    required: bool = False
    max_length: int | None = None
    email: bool = False
    # label → stored value; ``aliases`` are accepted too but not offered in the drop-down
    choices: dict[str, Any] | None = None
    aliases: dict[str, Any] = field(default_factory=dict)
    # names offered for a reference column (resolved to ids by the resource)
    options: Sequence[str] | None = None
    many: bool = False

    def dropdown(self) -> list[str] | None:
        """The drop-down list for this column, if it has one."""
        if self.choices is not None:
            return list(self.choices)
        return list(self.options) if self.options is not None else None

    def display(self, value: Any) -> Any:
        """A stored value as the template shows it (the reverse of ``choices``)."""
        if self.choices is None:
            if self.many and isinstance(value, list | tuple):
                return "，".join(str(v) for v in value)
            return value
        for label, stored in self.choices.items():
            if stored == value and type(stored) is type(value):
                return label
        return None


def template_response(
    filename: str,
    fields: Sequence[ImportField],
    rows: Iterable[Sequence[Any]] = (),
    *,
    with_key: bool = False,
) -> Response:
    """An import template: ``序号`` [+ ``更新主键(勿改)``] + titles, drop-downs from sheet ``data``."""
    header = ([KEY_LABEL] if with_key else []) + [f.label for f in fields]
    shift = 1 if with_key else 0
    dropdowns = []
    for index, item in enumerate(fields):
        options = item.dropdown()
        if options is not None:
            dropdowns.append((index + shift, options, not item.many))
    path = write_rows(header, rows, table="Table1", dropdowns=dropdowns)
    return file_response(path, filename)


# ---- reading --------------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One data row of an import: its sheet row number, update key, and the non-blank values."""

    number: int
    key: int | None
    values: dict[str, Any]


class ImportErrors:
    """Bad cells by row and column; :meth:`raise_if_any` refuses the whole import."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str | None, str]] = []

    def add(self, row: int, label: str | None, message: str) -> None:
        """Record one problem (``label`` None for a whole-row problem)."""
        self.items.append((row, label, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def message(self) -> str:
        """``第3行 用户性别: “男性”不是合法选项；…`` (the first N, then the total)."""
        limit = current_app.config.get("EXCEL_IMPORT_MAX_ERRORS_SHOWN", DEFAULT_MAX_ERRORS_SHOWN)
        ordered = sorted(self.items, key=lambda item: item[0])
        parts = [
            f"第{row}行 {label}: {text}" if label else f"第{row}行: {text}"
            for row, label, text in ordered[:limit]
        ]
        text = "；".join(parts)
        if len(ordered) > limit:
            text += f"；……共 {len(ordered)} 处错误"
        return text

    def raise_if_any(self) -> None:
        """Refuse with every collected problem (code 4000); nothing has been written."""
        if self.items:
            raise ApiError(self.message())


def clean_cell(value: Any) -> Any:
    """Strip strings (blank → None) and turn whole floats such as ``3.0`` into ``3``."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value) or ""
    return str(value)


def parse_cell(item: ImportField, raw: Any) -> tuple[Any, str | None]:
    """``(value, error)`` for one non-blank cell."""
    if item.many:
        names = [n for n in MANY_SEPARATORS.split(_as_text(raw)) if n]
        return list(dict.fromkeys(names)), None
    if item.choices is not None:
        text = _as_text(raw)
        if text in item.choices:
            return item.choices[text], None
        if text in item.aliases:
            return item.aliases[text], None
        return None, f"“{text}”不是合法选项"
    text = _as_text(raw)
    if item.max_length is not None and len(text) > item.max_length:
        return None, f"请确保这个字段不能超过 {item.max_length} 个字符。"
    if item.email:
        try:
            _EMAIL(text)
        except ValidationError:
            return None, "请输入合法的邮件地址。"
    return text, None


# An xlsx is a zip: a tiny upload can unpack to gigabytes or millions of empty cells. These
# bounds are checked on the archive before any XML is parsed.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
CELLS_PER_ROW_ALLOWED = 64


def _check_archive(data: bytes, max_rows: int) -> None:
    """Refuse archives that unpack too large or hold far more cells than rows allow."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ApiError(MSG_NOT_EXCEL) from None
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ApiError("文件解压后过大，请拆分后再导入")
        max_cells = (max_rows + 1) * CELLS_PER_ROW_ALLOWED
        for member in members:
            if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
                continue
            cells, tail = 0, b""
            with archive.open(member) as sheet:
                while chunk := sheet.read(1024 * 1024):
                    block = tail + chunk
                    cells += block.count(b"<c ") + block.count(b"<c>") + block.count(b"<c/>")
                    tail = block[-3:]
                    cells -= tail.count(b"<c ") + tail.count(b"<c>") + tail.count(b"<c/>")
                    if cells > max_cells:
                        raise ApiError(f"文件单元格过多（超过 {max_cells} 个），请拆分后再导入")


def _open_workbook(stream: BinaryIO) -> Any:
    data = stream.read(MAX_UNPACKED_BYTES + 1)
    _check_archive(data, int(current_app.config.get("EXCEL_IMPORT_MAX_ROWS", DEFAULT_MAX_IMPORT_ROWS)))
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except BAD_FILE_ERRORS:
        raise ApiError(MSG_NOT_EXCEL) from None


def read_import(
    stream: BinaryIO, fields: Sequence[ImportField]
) -> tuple[bool, list[ImportRow], ImportErrors]:
    """Read the first sheet: ``(is update file, rows, errors)``.

    Columns are found by their titles (``序号`` and unknown titles are ignored). A file with a
    ``更新主键(勿改)`` column updates the rows whose key is filled and creates the others. Every
    cell is checked; required fields are checked for rows that create.
    """
    workbook = _open_workbook(stream)
    max_rows = current_app.config.get("EXCEL_IMPORT_MAX_ROWS", DEFAULT_MAX_IMPORT_ROWS)
    errors = ImportErrors()
    rows: list[ImportRow] = []
    try:
        if not workbook.worksheets:
            raise ApiError(MSG_NOT_EXCEL)
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(lines, None) or ()
        titles = {clean_cell(v): i for i, v in reversed(list(enumerate(header))) if isinstance(v, str)}
        key_column = titles.get(KEY_LABEL)
        columns = {f.name: titles[f.label] for f in fields if f.label in titles}
        if not columns:
            expected = "、".join(f.label for f in fields)
            raise ApiError(f"文件表头不正确，应包含：{expected}")
        if key_column is None:
            missing = [f.label for f in fields if f.required and f.name not in columns]
            if missing:
                raise ApiError(f"文件缺少必填列：{'、'.join(missing)}")
        for number, line in enumerate(lines, start=2):
            # blank rows count too: a sheet of empty rows must not cost unbounded time
            if number > 2 * max_rows + 1000:
                raise ApiError(f"导入行数超过上限（{max_rows} 行）")
            cells = {name: clean_cell(line[i]) if i < len(line) else None for name, i in columns.items()}
            raw_key = (
                clean_cell(line[key_column]) if key_column is not None and key_column < len(line) else None
            )
            if raw_key is None and all(v is None for v in cells.values()):
                continue
            if len(rows) >= max_rows:
                raise ApiError(f"导入行数超过上限（{max_rows} 行）")
            key = None
            if raw_key is not None:
                if isinstance(raw_key, int) and not isinstance(raw_key, bool) and 0 < raw_key < 2**63:
                    key = raw_key
                elif isinstance(raw_key, str) and raw_key.isdigit() and 0 < int(raw_key) < 2**63:
                    key = int(raw_key)
                else:
                    errors.add(number, KEY_LABEL, f"“{raw_key}”不是合法的主键")
            values: dict[str, Any] = {}
            for item in fields:
                if item.name not in columns:
                    continue
                raw = cells[item.name]
                if raw is None:
                    if item.required and key is None and raw_key is None:
                        errors.add(number, item.label, "该字段是必填项。")
                    continue
                value, problem = parse_cell(item, raw)
                if problem:
                    errors.add(number, item.label, problem)
                else:
                    values[item.name] = value
            for item in fields:
                if item.required and key is None and raw_key is None and item.name not in columns:
                    errors.add(number, item.label, "该字段是必填项。")
            rows.append(ImportRow(number=number, key=key, values=values))
    except ApiError:
        raise
    except BAD_FILE_ERRORS:
        raise ApiError(MSG_NOT_EXCEL) from None
    finally:
        workbook.close()
    return key_column is not None, rows, errors


class ImportFileSchema(ApiSchema):
    """``POST import_data/`` body: the uploaded file by media URL or by FileList id."""

    url = ma_fields.String(
        allow_none=True, load_default=None, validate=ma_validate.Length(max=1000), metadata={"label": "url"}
    )
    file = ma_fields.Integer(allow_none=True, load_default=None, metadata={"label": "file"})


# ---- the uploaded file ------------------------------------------------------------------------


def media_relative(reference: str) -> str | None:
    """``files/…`` from ``media/files/…``, ``/media/files/…`` or a full URL with that path."""
    text = (reference or "").strip()
    if not text:
        return None
    if "://" in text or text.startswith("//"):
        try:
            text = urlsplit(text).path
        except ValueError:
            return None
    text = text.split("?", 1)[0].split("#", 1)[0]
    if text.startswith("/"):
        text = text[1:]
    if not text.startswith("media/files/"):
        return None
    relative = text[len("media/") :]
    if any(part in ("", ".", "..") for part in relative.split("/")) or "\\" in relative:
        return None
    return relative


def open_uploaded(body: dict[str, Any]) -> BinaryIO:
    """The uploaded ``.xlsx`` named by ``{"file": id}`` or ``{"url": media url}`` (differences #20).

    Only a FileList row the caller may see (data scope of this request, or their own upload)
    is read, through the storage engine; no other path is ever opened.
    """
    from app.core.auth import current_user
    from app.core.datascope import scope_clause
    from app.core.permissions import current_access
    from app.core.storage import get_storage
    from app.extensions import db
    from blueprints.file.models import FileList

    file_id, url = body.get("file"), body.get("url")
    stmt = sa.select(FileList)
    if file_id not in (None, ""):
        try:
            number = int(file_id)
        except (TypeError, ValueError):
            raise ApiError("file:请填写合法的整数值。") from None
        if isinstance(file_id, bool) or not 0 < number < 2**63:
            raise ApiError("file:请填写合法的整数值。")
        stmt = stmt.where(FileList.id == number)
    elif isinstance(url, str) and url.strip():
        relative = media_relative(url)
        if relative is None:
            raise ApiError(f"url:{MSG_BAD_FILE_REF}")
        stmt = stmt.where(sa.or_(FileList.url == relative, FileList.file_url == f"media/{relative}"))
    else:
        raise ApiError("url:该字段是必填项。")
    user = current_user()
    clause = scope_clause(current_access(), FileList)
    if clause is not None:
        stmt = stmt.where(sa.or_(clause, FileList.creator_id == user.id))
    row = db.session.execute(stmt.order_by(FileList.id).limit(1)).scalar_one_or_none()
    if row is None or not row.url:
        raise ApiError("文件不存在或无权使用")
    if not row.url.lower().endswith(".xlsx"):
        raise ApiError(MSG_NOT_EXCEL)
    return get_storage().open(row.url)


def read_uploaded_import(
    resource: Any, body: dict[str, Any], fields: Sequence[ImportField], chunk: int = 1000
) -> tuple[list[ImportRow], ImportErrors, dict[int, Any]]:
    """Read an import from the uploaded file named in ``body``: ``(rows, errors, existing)``,
    where ``existing`` maps the update keys to the rows the caller may see (by ``resource``)."""
    with open_uploaded(body) as stream:
        _is_update, rows, errors = read_import(stream, fields)
    if not rows and not errors:
        raise ApiError("文件中没有数据")
    keys = sorted({row.key for row in rows if row.key is not None})
    existing: dict[int, Any] = {}
    for start in range(0, len(keys), chunk):
        existing.update({obj.id: obj for obj in resource.visible(keys[start : start + chunk])})
    return rows, errors, existing
