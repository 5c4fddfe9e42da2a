"""Township boundary files (GeoJSON) through the importer, on SQLite and PostgreSQL: good files,
the property names counties use for the township, partial files, and broken files, each with a
clear issue and the store left as it was.

A name matching no township is covered in test_import.py, reading a feature without geometry in
test_ledger.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from data.frames import load_frames
from data.importer import ImportResult, import_files
from data.ledger import MAX_DEPTH, LedgerIssue
from data.store import data_version
from tests.data.test_import import assert_store_unchanged, dump, labour_ledger
from tests.data.test_ledger import labour_row

YANKONG, XINHUA, YUMO = "岩孔街道", "新化乡", "禹谟镇"


def ring(west: float, south: float, size: float = 0.1) -> list[list[float]]:
    return [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]


def polygon(west: float = 106.0, south: float = 27.0) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring(west, south)]}


def feature(name: str | None, geometry: dict[str, Any] | None, key: str = "name") -> dict:
    return {
        "type": "Feature",
        "properties": {} if name is None else {key: name},
        "geometry": geometry,
    }


def write(path: Path, *features: dict, encoding: str = "utf-8") -> Path:
    doc = {"type": "FeatureCollection", "features": list(features)}
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode(encoding))
    return path


@pytest.fixture
def county(engine: Engine, tmp_path: Path) -> Engine:
    """A store that knows three townships from a labour ledger, none with a boundary yet."""
    rows = [labour_row(i, **{"乡镇(街道)": t}) for i, t in enumerate([YANKONG, XINHUA, YUMO])]
    assert import_files(engine, [labour_ledger(tmp_path / "台账.csv", rows)]).ok
    return engine


def stored(engine: Engine) -> dict[str, dict | None]:
    frame = load_frames(engine).townships
    return {
        name: None if boundary is None else json.loads(boundary)
        for name, boundary in frame.select("township", "boundary").iter_rows()
    }


def only_issue(result: ImportResult) -> LedgerIssue:
    assert len(result.issues) == 1, [i.message() for i in result.issues]
    return result.issues[0]


# --- good files -------------------------------------------------------------------------------


def test_polygons_and_multipolygons_are_stored_as_written(county: Engine, tmp_path: Path) -> None:
    multi = {"type": "MultiPolygon", "coordinates": [[ring(106.1, 27.0)], [ring(106.3, 27.2)]]}
    with_hole = {"type": "Polygon", "coordinates": [ring(106.0, 27.2, 0.3), ring(106.1, 27.3)]}
    path = write(
        tmp_path / "乡镇边界.geojson",
        feature(YANKONG, polygon()),
        feature(XINHUA, multi),
        feature(YUMO, with_hole),
    )
    result = import_files(county, [path])
    assert result.ok, result.report()
    assert result.issues == []
    assert (result.sheets[0].imported, result.sheets[0].skipped) == (3, 0)
    assert stored(county) == {YANKONG: polygon(), XINHUA: multi, YUMO: with_hole}


def test_a_gbk_file_and_names_with_spaces_and_full_width_forms(
    county: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "b.geojson", feature(f" {YANKONG}\u3000", polygon()), encoding="gb18030"
    )
    result = import_files(county, [path])
    assert result.ok and result.issues == [], result.report()
    assert stored(county)[YANKONG] == polygon()


@pytest.mark.parametrize(
    "key",
    ["name", "NAME", "Name", "乡镇", "乡镇名称", "乡镇(街道)", "township", "XZQMC", "ＸＺＱＭＣ"],
)
def test_the_township_name_property_counties_use(county: Engine, tmp_path: Path, key: str) -> None:
    path = write(
        tmp_path / "b.geojson",
        feature(YANKONG, polygon(), key=key),
        feature("火星乡", polygon(106.5), key=key),
    )
    result = import_files(county, [path])
    assert result.ok
    assert stored(county)[YANKONG] == polygon()
    # Messages name the property as the file spells it.
    assert [(w.row, w.column, w.value) for w in result.warnings] == [
        (2, f"properties.{key}", "火星乡")
    ]


def test_name_wins_over_other_name_properties(county: Engine, tmp_path: Path) -> None:
    both = {
        "type": "Feature",
        "properties": {"XZQMC": "金沙县", "XZQDM": "520523", "name": YANKONG},
        "geometry": polygon(),
    }
    result = import_files(county, [write(tmp_path / "b.geojson", both)])
    assert result.ok and result.issues == []
    assert stored(county)[YANKONG] == polygon()


def test_a_partial_file_imports_the_known_townships_and_names_the_others(
    county: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "边界.geojson",
        feature(YANKONG, polygon()),
        feature("火星乡", polygon(106.2)),
        feature(XINHUA, polygon(106.4)),
        feature("月亮镇", polygon(106.6)),
    )
    result = import_files(county, [path])
    assert result.ok
    assert [(w.file, w.row, w.column, w.value, w.severity) for w in result.warnings] == [
        ("边界.geojson", 2, "properties.name", "火星乡", "warning"),
        ("边界.geojson", 4, "properties.name", "月亮镇", "warning"),
    ]
    assert result.warnings[0].message("zh") == (
        '第 2 个要素 properties.name "火星乡" '
        "没有这个乡镇（名称与台账中的乡镇都不一致），边界未导入"
    )
    assert result.warnings[0].message("en").startswith('feature 2 properties.name "火星乡": no ')
    assert (result.sheets[0].imported, result.sheets[0].skipped) == (2, 2)
    assert stored(county) == {YANKONG: polygon(), XINHUA: polygon(106.4), YUMO: None}


def test_a_file_matching_no_township_changes_nothing(county: Engine, tmp_path: Path) -> None:
    """Before: a batch and a new data version that changed nothing. The features of known
    townships in a partly matching file are imported (above); none at all is a refusal."""
    path = write(
        tmp_path / "边界.geojson", feature("火星乡", polygon()), feature("月亮镇", polygon(106.2))
    )
    before = dump(county)
    version = data_version(county)

    result = import_files(county, [path])

    assert not result.ok and result.batch_id is None
    assert data_version(county) == version
    assert_store_unchanged(before, county)
    [error] = result.errors
    assert (error.file, error.row, error.severity) == ("边界.geojson", None, "error")
    assert error.reason_zh == (
        "边界文件中没有一个乡镇与库中的乡镇同名，未导入，数据没有任何改动。文件中的乡镇："
        f"火星乡、月亮镇；库中的乡镇：{'、'.join(sorted([YANKONG, XINHUA, YUMO]))}"
    )
    assert error.reason_en.startswith("no township of the boundary file is in the store")
    assert [w.value for w in result.warnings] == ["火星乡", "月亮镇"]
    assert result.report("zh").startswith("导入被拒绝，数据没有任何改动：共 1 个错误")


def test_boundaries_before_any_township_say_to_import_the_ledgers_first(
    engine: Engine, tmp_path: Path
) -> None:
    result = import_files(engine, [write(tmp_path / "b.geojson", feature(YANKONG, polygon()))])

    assert not result.ok and data_version(engine) == 0
    assert (
        "库中还没有乡镇：请先导入劳动力就业台账或安置点表，再导入边界" in result.errors[0].reason_zh
    )


# --- broken files: a clear issue, and the store as it was ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"name": "岩孔街道"}, "geometry": {"type": "Polygon", "coordinates": '
        + "[" * 100_000
        + "]" * 100_000
        + "}}]}",
        # Not deep enough for the decoder to give up: the walk after it refuses it.
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"name": "岩孔街道"}, "geometry": {"type": "Polygon", "coordinates": '
        + "[" * 500
        + "]" * 500
        + "}}]}",
    ],
    ids=["arrays", "objects", "coordinates", "500-deep"],
)
def test_deeply_nested_json_is_refused(county: Engine, tmp_path: Path, text: str) -> None:
    """Before: an uncaught RecursionError and a traceback."""
    path = tmp_path / "深.geojson"
    path.write_text(text, encoding="utf-8")
    before = dump(county)

    result = import_files(county, [path])

    assert not result.ok
    issue = only_issue(result)
    assert (issue.file, issue.row, issue.severity) == ("深.geojson", None, "error")
    assert issue.reason_zh.startswith(f"JSON 嵌套超过 {MAX_DEPTH} 层，不是乡镇边界文件，未导入")
    assert issue.reason_en.startswith(f"the JSON is nested deeper than {MAX_DEPTH} levels")
    assert_store_unchanged(before, county)


def test_a_boundary_file_too_big_is_refused(
    county: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import data.ledger

    path = write(tmp_path / "b.geojson", *[feature(f"乡{k}", polygon()) for k in range(4)])
    monkeypatch.setattr(data.ledger, "MAX_FEATURES", 3)
    monkeypatch.setattr(data.ledger, "MAX_POSITIONS", 1_000)
    # The limits as the reading child sees them: it forks from a server that imported the
    # module before the patch, so the patch is checked in this process.
    sheets, issues = data.ledger.read_geojson(path)
    assert sheets == []
    assert issues[0].reason_zh.startswith("文件有 4 个要素，超出边界文件的上限")
    monkeypatch.setattr(data.ledger, "MAX_POSITIONS", 10)
    sheets, issues = data.ledger.read_geojson(path)
    assert issues[0].reason_zh.startswith("坐标点太多，超出边界文件的上限")
    assert issues[0].reason_en.startswith("too many positions, beyond what a boundary file may")


def test_a_file_that_is_not_json(county: Engine, tmp_path: Path) -> None:
    path = tmp_path / "b.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    before = dump(county)
    result = import_files(county, [path])
    assert not result.ok
    issue = only_issue(result)
    assert (issue.file, issue.row, issue.severity) == ("b.geojson", None, "error")
    assert "JSON" in issue.reason_zh and "无法读取文件" in issue.reason_zh
    assert "cannot read the file" in issue.reason_en
    assert_store_unchanged(before, county)


@pytest.mark.parametrize(
    "doc",
    [
        feature(YANKONG, polygon()),  # one Feature, not a collection
        polygon(),  # a bare geometry
        [feature(YANKONG, polygon())],
        {"type": "FeatureCollection", "features": {"a": 1}},
        {"type": "FeatureCollection", "features": ["岩孔街道"]},
    ],
)
def test_json_that_is_not_a_feature_collection(county: Engine, tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = dump(county)
    result = import_files(county, [path])
    assert not result.ok
    issue = only_issue(result)
    assert (issue.file, issue.row, issue.severity) == ("b.json", None, "error")
    assert "FeatureCollection" in issue.reason_zh and "XZQMC" in issue.reason_zh
    assert "FeatureCollection" in issue.reason_en
    assert_store_unchanged(before, county)


POINT = {"type": "Point", "coordinates": [106.2, 27.5]}
LINE = {"type": "LineString", "coordinates": [[106.2, 27.5], [106.3, 27.6]]}


@pytest.mark.parametrize(
    ("geometry", "column", "value", "zh", "en"),
    [
        (POINT, "geometry.type", "Point", "Polygon 或 MultiPolygon", "Polygon or MultiPolygon"),
        (LINE, "geometry.type", "LineString", "不是面", "not an area"),
        (
            {"type": "Polygon", "coordinates": [[[106.0, 27.0], [106.1, 95.0], [106.0, 27.1]]]},
            "geometry.coordinates",
            "[106.0, 27.0]",  # where the ring starts; the reason names the position
            "坐标 [106.1, 95] 不是经纬度",
            "[106.1, 95] is not a lon/lat position",
        ),
        (
            {"type": "Polygon", "coordinates": [[[27.0, 106.0], [27.1, 106.0], [27.1, 106.1]]]},
            "geometry.coordinates",
            "[27.0, 106.0]",
            "经纬度是否写反了",
            "swapped",
        ),
        (
            {"type": "Polygon", "coordinates": [[["106.0", "27.0"], [106.1, 27.0], [106, 27]]]},
            "geometry.coordinates",
            '["106.0", "27.0"]',
            "坐标格式不对",
            "malformed coordinates",
        ),
        ({"type": "Polygon", "coordinates": []}, "geometry.coordinates", None, "坐标格式不对", ""),
        (
            {"type": "MultiPolygon", "coordinates": [[[[106.0, 27.0], [106.1, 27.0]]]]},
            "geometry.coordinates",
            "[106.0, 27.0]",
            "环",
            "rings",
        ),
    ],
)
def test_a_geometry_that_is_no_lon_lat_area_is_an_error(
    county: Engine,
    tmp_path: Path,
    geometry: dict,
    column: str,
    value: str | None,
    zh: str,
    en: str,
) -> None:
    path = write(tmp_path / "b.geojson", feature(YANKONG, polygon()), feature(XINHUA, geometry))
    before = dump(county)
    result = import_files(county, [path])
    assert not result.ok  # all or nothing: 岩孔街道's good boundary is not stored either
    issue = only_issue(result)
    assert (issue.file, issue.row, issue.column, issue.value) == ("b.geojson", 2, column, value)
    assert issue.severity == "error" and zh in issue.reason_zh and en in issue.reason_en
    assert_store_unchanged(before, county)


def test_projected_coordinates_are_one_error_for_the_file(county: Engine, tmp_path: Path) -> None:
    # CGCS2000 3-degree Gauss-Krüger, zone 36: metres, as many county GIS layers are kept.
    def metres(x: float) -> dict:
        ring = [[x, 3045678.1], [x + 500, 3045678.1], [x + 500, 3046178.1], [x, 3045678.1]]
        return {"type": "Polygon", "coordinates": [ring]}

    path = write(
        tmp_path / "b.geojson",
        feature(YANKONG, metres(36512345.2)),
        feature(XINHUA, metres(36513345.2)),
    )
    before = dump(county)
    result = import_files(county, [path])
    assert not result.ok
    issue = only_issue(result)
    assert (issue.row, issue.column, issue.severity) == (None, "geometry.coordinates", "error")
    assert "所有要素" in issue.reason_zh and "[3.65123e+07, 3.04568e+06]" in issue.reason_zh
    assert "投影坐标" in issue.reason_zh and "EPSG:4326" in issue.reason_zh
    assert "projected" in issue.reason_en
    assert_store_unchanged(before, county)


def test_keep_valid_imports_the_good_features_and_writes_the_rejected_one(
    county: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path / "b.geojson", feature(YANKONG, polygon()), feature(XINHUA, POINT))
    rejects = tmp_path / "rejects.xlsx"
    result = import_files(county, [path], keep_valid=rejects)
    assert result.ok and result.rejects_path == rejects
    assert stored(county) == {YANKONG: polygon(), XINHUA: None, YUMO: None}
    assert (result.sheets[0].imported, result.sheets[0].rejected) == (1, 1)
    sheet = pl.read_excel(rejects)
    assert sheet.select("行号", "properties.name", "geometry.type").rows() == [(2, XINHUA, "Point")]
    assert "Polygon" in sheet["错误原因"][0]


def test_the_same_township_twice_is_an_error(county: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path / "b.geojson", feature(YANKONG, polygon()), feature(YANKONG, polygon(106.5))
    )
    before = dump(county)
    result = import_files(county, [path])
    assert not result.ok
    assert [(e.row, e.value) for e in result.errors] == [(1, YANKONG), (2, YANKONG)]
    assert "同一乡镇的边界重复" in result.errors[0].reason_zh
    assert_store_unchanged(before, county)


@pytest.mark.parametrize(
    ("broken", "column", "value", "zh", "en"),
    [
        (feature(XINHUA, None), "properties.name", XINHUA, "没有边界", "no geometry"),
        (
            {"type": "Feature", "geometry": polygon(106.5)},
            "properties.name",
            None,
            "没有乡镇名",
            "",
        ),
        (feature(None, polygon(106.5)), "properties.name", None, "XZQMC", "no township name"),
    ],
)
def test_a_feature_without_geometry_or_name_is_skipped_with_a_warning(
    county: Engine, tmp_path: Path, broken: dict, column: str, value: str | None, zh: str, en: str
) -> None:
    # Alone in its file: nothing to import, nothing changes.
    before = dump(county)
    alone = import_files(county, [write(tmp_path / "a.geojson", broken)])
    assert not alone.ok
    assert [(w.row, w.column, w.value) for w in alone.warnings] == [(1, column, value)]
    assert zh in alone.warnings[0].reason_zh and en in alone.warnings[0].reason_en
    assert alone.errors[-1].reason_en == "no rows to import"
    assert_store_unchanged(before, county)
    # Beside a good feature: the good one is imported, the broken one changes nothing.
    result = import_files(
        county, [write(tmp_path / "b.geojson", feature(YANKONG, polygon()), broken)]
    )
    assert result.ok
    assert [(w.row, w.severity) for w in result.warnings] == [(2, "warning")]
    assert stored(county) == {YANKONG: polygon(), XINHUA: None, YUMO: None}
