"""Spreadsheets built to cost time or memory are refused before they are parsed."""

import io
import time
import zipfile

import pytest

from app.core.errors import ApiError
from app.core.excel import _open_workbook


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A minimal xlsx archive whose first sheet is ``sheet_xml``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def test_millions_of_empty_cells_are_refused_quickly(app):
    row = b"<row>" + b"<c/>" * 1000 + b"</row>"
    bomb = _xlsx_with_sheet(b"<worksheet><sheetData>" + row * 10_000 + b"</sheetData></worksheet>")
    assert len(bomb) < 200_000
    with app.test_request_context():
        started = time.perf_counter()
        with pytest.raises(ApiError, match="单元格过多"):
            _open_workbook(io.BytesIO(bomb))
        assert time.perf_counter() - started < 5


def test_a_huge_unpacked_size_is_refused(app, monkeypatch):
    monkeypatch.setattr("app.core.excel.MAX_UNPACKED_BYTES", 1000)
    with app.test_request_context(), pytest.raises(ApiError, match="解压后过大"):
        _open_workbook(io.BytesIO(_xlsx_with_sheet(b"<worksheet>" + b" " * 5000 + b"</worksheet>")))


def test_not_a_zip(app):
    with app.test_request_context(), pytest.raises(ApiError, match="Excel"):
        _open_workbook(io.BytesIO(b"plain text"))
