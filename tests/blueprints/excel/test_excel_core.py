"""The generic pieces of ``app.core.excel``: widths, cell cleaning, M2M splitting, media paths."""

import pytest

from app.core.excel import (
    ImportField,
    clean_cell,
    media_relative,
    parse_cell,
    text_width,
)


@pytest.mark.parametrize(
    ("value", "width"),
    [("", 4), ("abc", 7), ("用户", 4 + 4.2), ("a用", 4 + 1 + 2.1), ("x" * 100, 50), (None, 4), (12, 6)],
)
def test_text_width(value, width):
    assert text_width(value) == pytest.approx(width)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" a ", "a"),
        ("   ", None),
        (3.0, 3),
        (3.5, 3.5),
        (13800000000.0, 13800000000),
        (True, True),
        (None, None),
    ],
)
def test_clean_cell(raw, clean):
    assert clean_cell(raw) == clean and type(clean_cell(raw)) is type(clean)


def test_many_cells_split_on_every_separator():
    field = ImportField("role", "角色", many=True)
    value, problem = parse_cell(field, "甲，乙；丙：丁|戊.己,庚;辛:壬 癸\t甲")
    assert problem is None and value == ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]


def test_choices_aliases_and_lengths():
    status = ImportField(
        "is_active", "帐号状态", choices={"启用": True, "禁用": False}, aliases={"停用": False}
    )
    assert parse_cell(status, "停用") == (False, None)
    assert parse_cell(status, "开") == (None, "“开”不是合法选项")
    assert status.dropdown() == ["启用", "禁用"] and status.display(False) == "禁用"
    gender = ImportField("gender", "用户性别", choices={"未知": 0, "男": 1, "女": 2})
    assert gender.display(1) == "男" and gender.display(True) is None
    name = ImportField("name", "名称", max_length=3)
    assert parse_cell(name, "abcd") == (None, "请确保这个字段不能超过 3 个字符。")
    assert parse_cell(name, 123) == ("123", None)


@pytest.mark.parametrize(
    ("reference", "relative"),
    [
        ("media/files/a/b/x.xlsx", "files/a/b/x.xlsx"),
        ("/media/files/a/b/x.xlsx", "files/a/b/x.xlsx"),
        ("https://host:8000/media/files/a/b/x.xlsx?x=1", "files/a/b/x.xlsx"),
        ("//host/media/files/a/b/x.xlsx", "files/a/b/x.xlsx"),
        ("https://host/api/media/files/a/b/x.xlsx", None),
        ("media/files/../secret.xlsx", None),
        ("media/files/a//x.xlsx", None),
        ("media/files/a\\..\\x.xlsx", None),
        ("files/a/b/x.xlsx", None),
        ("/etc/passwd", None),
        ("", None),
    ],
)
def test_media_relative(reference, relative):
    assert media_relative(reference) == relative


def test_a_failed_write_leaves_no_temp_files(tmp_path, monkeypatch):
    import tempfile

    from app.core.excel import write_rows

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        # past the rows sampled for widths, so the sheet is already being written
        for i in range(1500):
            yield ["a", i]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_rows(["名称", "数量"], rows(), dropdowns=[(0, ["x"], True)])
    assert list(tmp_path.iterdir()) == []
    path = write_rows(["名称"], [["a"]])
    assert path.startswith(str(tmp_path)) and len(list(tmp_path.iterdir())) == 1
