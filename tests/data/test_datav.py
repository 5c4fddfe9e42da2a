"""Township boundaries as counties download them from 阿里云 DataV.GeoAtlas: a FeatureCollection on
one line, properties adcode, name, center, centroid, childrenNum, level, parent {adcode},
subFeatureIndex, acroutes; MultiPolygon geometry; thousands of vertices per township; names as
the civil affairs register writes them (水田彝族苗族乡). Built here: the file's shape is DataV's,
its outlines are generated (wobbly rings of a few thousand vertices around a county's centre).

It must import, every name must find its township in the store, and the map must draw it, its
outlines simplified for the screen.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy.engine import Engine

from data.frames import load_frames
from data.importer import import_files, township_short_name
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import labour_row
from ui.maps import simplify_tolerance, township_layer, township_view

COUNTY_ADCODE = 522424  # 金沙县, under 毕节市 (522400), 贵州省 (520000)
TOWNSHIPS = (
    "岩孔街道",
    "西洛街道",
    "禹谟镇",
    "新化苗族彝族满族乡",
    "马路彝族苗族乡",
    "石场苗族彝族乡",
    "水田彝族苗族乡",
    "大田彝族苗族布依族乡",
    "平坝镇",
    "长坝镇",
    "沙土镇",
    "安底镇",
)
VERTICES = 4_000  # of each township's main ring: DataV's outlines run to thousands


def _ring(rng: np.random.Generator, lon: float, lat: float, radius: float, n: int) -> list:
    """A closed, wobbly, counter-clockwise ring of `n` vertices (6 decimals, as DataV)."""
    angle = np.linspace(0, 2 * math.pi, n, endpoint=False)
    wobble = 1 + 0.12 * np.sin(7 * angle) + 0.04 * rng.standard_normal(n).cumsum() / math.sqrt(n)
    r = radius * np.clip(wobble, 0.6, 1.4)
    points = np.round(np.c_[lon + r * np.cos(angle) / math.cos(math.radians(lat)),
                            lat + r * np.sin(angle)], 6)  # fmt: skip
    return [*points.tolist(), points[0].tolist()]


def datav_county(path: Path, names: tuple[str, ...] = TOWNSHIPS, seed: int = 7) -> Path:
    """A county's townships as DataV.GeoAtlas gives them (`…_full.json`), written on one line."""
    rng = np.random.default_rng(seed)
    features = []
    for k, name in enumerate(names):
        lon = 106.05 + 0.11 * (k % 4)
        lat = 27.30 + 0.10 * (k // 4)
        main = _ring(rng, lon, lat, 0.045, VERTICES)
        # Every few townships own an exclave: a second polygon, as DataV writes them.
        polygons = [[main]]
        if k % 3 == 0:
            polygons.append([_ring(rng, lon + 0.05, lat - 0.045, 0.006, 300)])
        adcode = COUNTY_ADCODE * 1000 + 100 + k
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adcode": adcode,
                    "name": name,
                    "center": [round(lon, 6), round(lat, 6)],
                    "centroid": [round(lon + 0.002, 6), round(lat - 0.001, 6)],
                    "childrenNum": 0,
                    "level": "street",
                    "parent": {"adcode": COUNTY_ADCODE},
                    "subFeatureIndex": k,
                    "acroutes": [100000, 520000, 522400, COUNTY_ADCODE],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path


def county_store(engine: Engine, tmp_path: Path) -> Engine:
    """A store that knows the county's townships from its labour ledger."""
    rows = [labour_row(i, **{"乡镇(街道)": name}) for i, name in enumerate(TOWNSHIPS)]
    assert import_files(engine, [labour_ledger(tmp_path / "台账.xlsx", rows)]).ok
    return engine


def test_the_file_is_shaped_as_datav_gives_it(tmp_path: Path) -> None:
    doc = json.loads(datav_county(tmp_path / "522424_full.json").read_text(encoding="utf-8"))
    first = doc["features"][0]
    assert set(first["properties"]) == {
        "adcode", "name", "center", "centroid", "childrenNum", "level", "parent",
        "subFeatureIndex", "acroutes",
    }  # fmt: skip
    assert first["geometry"]["type"] == "MultiPolygon"
    assert len(first["geometry"]["coordinates"][0][0]) == VERTICES + 1


def test_a_datav_file_imports_every_township_and_the_map_draws_it(
    engine: Engine, tmp_path: Path
) -> None:
    county_store(engine, tmp_path)
    path = datav_county(tmp_path / "522424_full.json")
    written = {
        f["properties"]["name"]: f["geometry"]
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    }

    result = import_files(engine, [path])

    assert result.ok, result.report()
    assert result.errors == [] and result.warnings == []
    assert (result.sheets[0].imported, result.sheets[0].skipped) == (len(TOWNSHIPS), 0)
    townships = load_frames(engine).townships
    stored = {
        name: json.loads(boundary)
        for name, boundary in townships.select("township", "boundary").iter_rows()
    }
    assert stored == written  # every name matched, every geometry as written

    # The map: the county's view, outlines simplified to half a pixel of it.
    view = township_view(townships, 600)
    tolerance = simplify_tolerance(view.zoom)
    values = pl.DataFrame(
        {"township": list(TOWNSHIPS), "value": [float(k) for k in range(len(TOWNSHIPS))]}
    ).with_columns(pl.col("value").cast(pl.String).alias("text"))
    layer = township_layer(
        townships, values, higher_is_better=True, no_data_label="—", tolerance=tolerance
    )
    features = {f["properties"]["name"]: f for f in layer.features["features"]}
    assert set(features) == set(TOWNSHIPS)
    assert {label["name"] for label in layer.labels} == set(TOWNSHIPS)
    for name, feature in features.items():
        geometry = feature["geometry"]
        # A MultiPolygon of one polygon is drawn as that Polygon.
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        assert len(polygons) == len(written[name]["coordinates"])
        drawn = sum(len(ring) for polygon in polygons for ring in polygon)
        given = sum(len(ring) for polygon in written[name]["coordinates"] for ring in polygon)
        assert 4 <= drawn < given / 4  # simplified for the screen, still a shape
        label = next(x for x in layer.labels if x["name"] == name)
        main = np.asarray(written[name]["coordinates"][0][0])
        assert main[:, 0].min() < label["lon"] < main[:, 0].max()
        assert main[:, 1].min() < label["lat"] < main[:, 1].max()
    json.dumps(layer.features)


def test_a_ledger_without_the_nationalities_still_gets_its_boundaries(
    engine: Engine, tmp_path: Path
) -> None:
    """The ledger writes 水田乡 where DataV (and the civil affairs register) writes
    水田彝族苗族乡: before, five of the twelve townships were left without a boundary."""
    short = [township_short_name(pl.Series([n]))[0] for n in TOWNSHIPS]
    assert short[3:8] == ["新化乡", "马路乡", "石场乡", "水田乡", "大田乡"]
    rows = [labour_row(i, **{"乡镇(街道)": name}) for i, name in enumerate(short)]
    assert import_files(engine, [labour_ledger(tmp_path / "台账.xlsx", rows)]).ok
    path = datav_county(tmp_path / "522424_full.json")

    result = import_files(engine, [path])

    assert result.ok and result.errors == []
    assert (result.sheets[0].imported, result.sheets[0].skipped) == (len(TOWNSHIPS), 0)
    renamed = [(w.row, w.value, w.message("zh")) for w in result.warnings]
    assert renamed[0] == (
        4,
        "新化苗族彝族满族乡",
        '第 4 个要素 properties.name "新化苗族彝族满族乡" '
        "按去掉民族名称后的名称，作为“新化乡”的边界导入",
    )
    assert [r[1] for r in renamed] == list(TOWNSHIPS[3:8])
    stored = load_frames(engine).townships.filter(pl.col("boundary").is_not_null())
    assert sorted(stored["township"]) == sorted(short)


def test_the_name_without_nationalities() -> None:
    names = ["水田彝族苗族乡", "大田彝族苗族布依族乡", "三都水族自治县", "水族乡", "黎平镇"]
    names += ["东乡族乡", "鄂伦春族乡", "岩孔街道", "某某土家族苗族镇"]
    assert township_short_name(pl.Series(names)).to_list() == [
        "水田乡", "大田乡", "三都水族自治县", "水族乡", "黎平镇",
        "东乡族乡", "鄂伦春族乡", "岩孔街道", "某某镇",
    ]  # fmt: skip
