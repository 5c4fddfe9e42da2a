"""The place map's pure parts: classes and colours, the legend, the view, the layer data built
from frames, the deck's JSON (offline, no pydeck string traps) and the click's parsing.

Drawing and clicking in a real browser is the e2e tests' job."""

from __future__ import annotations

import json
import math
from typing import Any

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ui import maps
from ui.charts import rate_bars
from ui.format import fmt_rate
from ui.maps import (
    NO_DATA,
    RADIUS_MAX,
    RADIUS_MIN,
    SEQUENTIAL,
    WARM_TO_COOL,
    MapClick,
    View,
    band_items,
    build_deck,
    circle_radii,
    class_breaks,
    class_colours,
    class_of,
    fit_view,
    fixed_edges,
    label_half_width,
    label_point,
    legend_html,
    legend_items,
    map_label_size,
    parse_click,
    project,
    rgba,
    simplify_tolerance,
    site_circles,
    site_points,
    township_labels,
    township_layer,
    township_values,
    township_view,
)
from ui.theme import BAD, GOOD, WARN


def square(west: float, south: float, size: float) -> dict[str, Any]:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def townships(**shapes: dict[str, Any] | None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "township": list(shapes),
            "boundary": [None if g is None else json.dumps(g) for g in shapes.values()],
        },
        schema={"township": pl.String, "boundary": pl.String},
    )


def values(**pairs: float | None) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "township": list(pairs),
            "value": list(pairs.values()),
            "text": [None if v is None else f"{v:g} 万元" for v in pairs.values()],
        },
        schema={"township": pl.String, "value": pl.Float64, "text": pl.String},
    )


def sites(*rows: tuple[str, float | None, float | None, float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [(name, lon, lat, size, f"{name} text") for name, lon, lat, size in rows],
        schema={
            "site": pl.String,
            "lon": pl.Float64,
            "lat": pl.Float64,
            "size": pl.Float64,
            "text": pl.String,
        },
        orient="row",
    )


def inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


# --- classes and colours ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], []),
        ([None, float("nan")], []),
        ([7.0, 7.0, None], [7.0, 7.0]),
        # Whole numbers with few distinct values: a class each (0 households stands alone).
        ([0, 0, 0, 0, 1, 1, 2, 3, 5], [0, 1, 2, 3, 5, 5]),
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], [0, 1, 1]),
        # Most townships at 0: quantiles of the values would merge classes, of the distinct
        # values they do not.
        ([0] * 20 + [1, 1, 2, 3, 5, 8, 13], [0, 1, 2, 4, 7, 13]),
        (list(range(41)), [0, 8, 16, 24, 32, 40]),
        # Amounts in yuan: round edges, the minimum rounded down and the maximum up.
        (
            [252997.5, 270700, 494560, 686486, 760536, 1e6, 1.2e6, 1.5e6, 2.2e6, 2.5e6, 3e6]
            + [3.26e6, 6277640],
            [200000, 600000, 1000000, 1600000, 2800000, 6300000],
        ),
        # Rates close together: the step follows the narrowest class.
        (
            [0.912, 0.93, 0.941, 0.945, 0.948, 0.95, 0.952, 0.955, 0.961, 0.97, 0.991],
            [0.912, 0.941, 0.948, 0.952, 0.961, 0.991],
        ),
        ([0.5, 1.0], [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]),
    ],
)
def test_class_breaks(data: list[float | None], expected: list[float]) -> None:
    result = class_breaks(data)
    assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    "data",
    [
        [0.1 * k for k in range(1, 27)],
        [3.0, 1e6, 2.5e6, 17.0, 0.0],
        [0.8801, 0.9543, 0.9999, 0.95, 0.93],
        [float(k * k) for k in range(26)],
    ],
)
def test_every_value_falls_in_a_class(data: list[float]) -> None:
    edges = class_breaks(data)
    assert 2 <= len(edges) <= 6
    assert edges == sorted(edges)
    assert edges[0] <= min(data) and edges[-1] >= max(data)
    assert all(class_of(v, edges) is not None for v in data)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 0), (0.99, 0), (1.0, 1), (1.5, 1), (2.0, 2), (3.0, 2), (None, None), (math.nan, None)],
)
def test_a_class_holds_its_low_edge_and_the_last_its_high_one(
    value: float | None, expected: int | None
) -> None:
    assert class_of(value, [0.0, 1.0, 2.0, 3.0]) == expected


def test_class_of_without_classes_is_no_data() -> None:
    assert class_of(1.0, []) is None


@pytest.mark.parametrize(
    ("count", "higher_is_better", "expected"),
    [
        (5, None, list(SEQUENTIAL)),
        (5, True, list(WARM_TO_COOL)),  # low rates are red
        (5, False, list(WARM_TO_COOL[::-1])),  # many zero-employment households are red
        (3, True, [WARM_TO_COOL[0], WARM_TO_COOL[2], WARM_TO_COOL[4]]),
        (2, None, [SEQUENTIAL[0], SEQUENTIAL[4]]),
        (1, None, [SEQUENTIAL[2]]),
        (0, True, []),
    ],
)
def test_class_colours_keep_the_palette_ends(
    count: int, higher_is_better: bool | None, expected: list[str]
) -> None:
    assert class_colours(count, higher_is_better) == expected


def test_bad_is_warm_and_no_data_is_none_of_the_class_colours() -> None:
    red, blue = rgba(WARM_TO_COOL[0]), rgba(WARM_TO_COOL[-1])
    assert red[0] > red[2] and blue[2] > blue[0]
    assert NO_DATA not in (*SEQUENTIAL, *WARM_TO_COOL)


def test_rgba() -> None:
    assert rgba("#08519c") == [8, 81, 156, 255]
    assert rgba("c6dbef", 90) == [198, 219, 239, 90]


# --- legend -----------------------------------------------------------------------------------


def test_legend_items_use_the_callers_format() -> None:
    items = legend_items([0.9, 0.95, 1.0], True, lambda v: f"{v * 100:.1f}%")
    assert items == [(WARM_TO_COOL[0], "90.0% – 95.0%"), (WARM_TO_COOL[4], "95.0% – 100.0%")]


def test_legend_items_for_counts_name_the_whole_numbers_each_class_holds() -> None:
    items = legend_items([0, 1, 2, 4, 7, 13], False, lambda v: f"{v:.0f} 户", whole=True)
    assert [label for _, label in items] == [
        "0 户",
        "1 户",
        "2 户 – 3 户",
        "4 户 – 6 户",
        "7 户 – 13 户",
    ]


def test_legend_of_a_single_value_is_that_value() -> None:
    assert legend_items([5.0, 5.0], None, str) == [(SEQUENTIAL[2], "5.0")]
    assert legend_items([], None, str) == []


def test_legend_html_escapes_and_shows_what_it_is_given() -> None:
    items = [(SEQUENTIAL[0], "<1 万元"), (SEQUENTIAL[4], "1 – 2 万元")]
    page = legend_html(
        "补贴金额（万元）", items, no_data="无数据", site_legend="圆圈大小：补贴金额"
    )
    assert "补贴金额（万元）" in page and "&lt;1 万元" in page and "<1 万元" not in page
    assert page.index("&lt;1 万元") < page.index("1 – 2 万元") < page.index("无数据")
    assert NO_DATA in page and "圆圈大小：补贴金额" in page
    assert "http" not in page  # nothing fetched: fonts are the machine's own
    bare = legend_html("就业率", items)
    assert NO_DATA not in bare and "圆圈" not in bare


# --- geometry and the view ----------------------------------------------------------------------


def test_label_point_of_a_square_is_its_centre() -> None:
    assert label_point(square(106.0, 27.0, 0.2)) == pytest.approx((106.1, 27.1), abs=0.01)


def test_label_point_of_a_u_shape_is_inside_an_arm_not_at_the_centroid() -> None:
    # The centroid of a U lies in its notch, outside the township.
    ring = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]
    lon, lat = label_point({"type": "Polygon", "coordinates": [ring]})
    assert inside((lon, lat), ring)
    assert not (1 < lon < 2 and lat > 1)


def test_label_point_avoids_a_hole_and_picks_the_largest_part() -> None:
    outer = square(0, 0, 3)["coordinates"][0]
    hole = square(1, 1, 1)["coordinates"][0]
    lon, lat = label_point({"type": "Polygon", "coordinates": [outer, hole]})
    assert inside((lon, lat), outer) and not inside((lon, lat), hole)
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(10, 10, 0.1)["coordinates"], square(0, 0, 2)["coordinates"]],
    }
    assert label_point(multi) == pytest.approx((1.0, 1.0), abs=0.05)


@pytest.mark.parametrize(
    "geometry", [{"type": "Point", "coordinates": [1, 2]}, {"type": "Polygon", "coordinates": []}]
)
def test_no_label_without_an_area(geometry: dict[str, Any]) -> None:
    assert label_point(geometry) is None


def test_project_puts_the_view_centre_in_the_middle() -> None:
    view = View(106.2, 27.5, 9.3)
    assert project(106.2, 27.5, view, 800, 560) == pytest.approx((400, 280))
    # deck.gl's world is 512 px wide at zoom 0.
    world = View(0.0, 0.0, 0.0)
    assert project(180.0, 0.0, world, 512, 512) == pytest.approx((512, 256))
    assert project(-90.0, 0.0, world, 512, 512) == pytest.approx((128, 256))
    x, y = project(0.0, 60.0, world, 512, 512)
    assert x == pytest.approx(256) and y < 256  # north is up


@pytest.mark.parametrize(
    ("bbox", "width", "height"),
    [
        ((105.95, 27.15, 106.5, 27.75), 640, 560),  # the demo county
        ((105.95, 27.15, 106.5, 27.75), 1800, 560),
        ((106.0, 27.0, 107.5, 27.2), 640, 560),  # wide and flat
        ((116.0, 39.5, 116.1, 40.5), 640, 400),  # tall and thin, further north
    ],
)
def test_fit_view_shows_the_box_whole_and_fills_one_side(
    bbox: tuple[float, float, float, float], width: int, height: int
) -> None:
    view = fit_view(bbox, width, height, padding=24)
    west, south, east, north = bbox
    x0, y0 = project(west, north, view, width, height)
    x1, y1 = project(east, south, view, width, height)
    assert x0 >= 24 - 0.5 and x1 <= width - 24 + 0.5
    assert y0 >= 24 - 0.5 and y1 <= height - 24 + 0.5
    assert min(x0 - 24, y0 - 24) == pytest.approx(0, abs=0.5)  # as close as it can be
    assert (x0 + x1) / 2 == pytest.approx(width / 2, abs=0.5)
    assert (y0 + y1) / 2 == pytest.approx(height / 2, abs=0.5)


def test_fit_view_of_a_point_stops_at_the_max_zoom() -> None:
    assert fit_view((106.2, 27.5, 106.2, 27.5), 640, 560) == View(106.2, pytest.approx(27.5), 13.0)


def test_township_view_fits_the_boundaries_else_the_sites_else_china() -> None:
    both = townships(a=square(106.0, 27.0, 0.2), b=square(106.2, 27.0, 0.2), c=None)
    view = township_view(both, 560)
    assert view == fit_view((106.0, 27.0, 106.4, 27.2), maps.FIT_WIDTH, 560)
    only_sites = sites(("s1", 106.0, 27.0, 1.0), ("s2", 106.1, 27.1, 1.0), ("s3", None, None, 1.0))
    from_sites = township_view(townships(c=None), 560, only_sites)
    assert from_sites == fit_view((106.0, 27.0, 106.1, 27.1), maps.FIT_WIDTH, 560)
    assert township_view(townships(c=None), 560).zoom < 5


# A county whose westernmost township has the longest name, as the demo's 水田彝族苗族乡.
LONG_WEST = townships(
    水田彝族苗族乡=square(105.95, 27.4, 0.1),
    青山镇=square(106.05, 27.4, 0.1),
    东城街道=square(106.15, 27.3, 0.2),
    草坪乡=square(106.35, 27.35, 0.1),
)


@pytest.mark.parametrize(("width", "height"), [(358, 358), (512, 560), (860, 560), (1400, 560)])
def test_every_township_name_lies_whole_inside_the_map(width: int, height: int) -> None:
    size = map_label_size(width)
    view = township_view(LONG_WEST, height, width=width, label_size=size)
    for name, (lon, lat) in township_labels(LONG_WEST).items():
        x, y = project(lon, lat, view, width, height)
        half = label_half_width(name, size)
        assert x - half >= 0 and x + half <= width, (name, x, half, width)
        assert y - size / 2 >= 0 and y + size / 2 <= height
    # Still filling the map: the fit is as close as the names allow, not a lost county.
    west, south, east, north = 105.95, 27.3, 106.45, 27.5
    x0, _ = project(west, north, view, width, height)
    x1, _ = project(east, south, view, width, height)
    assert x1 - x0 > width / 2


def test_a_label_sticking_out_shrinks_the_fit_only_as_much_as_it_needs() -> None:
    box = (106.0, 27.0, 106.2, 27.2)
    plain = fit_view(box, 512, 560)
    name_at_west_edge = [(106.0, 27.1, 60.0)]
    fitted = fit_view(box, 512, 560, labels=name_at_west_edge)
    assert fitted.zoom < plain.zoom
    x, _ = project(106.0, 27.1, fitted, 512, 560)
    assert x - 60 == pytest.approx(maps.FIT_PADDING, abs=0.5)  # flush with the padding
    x1, _ = project(106.2, 27.1, fitted, 512, 560)
    assert x1 == pytest.approx(512 - maps.FIT_PADDING, abs=0.5)


def test_a_cjk_name_is_an_em_a_character_wide() -> None:
    assert label_half_width("水田彝族苗族乡", 16) == 7 * 16 / 2 + maps.LABEL_OUTLINE
    assert label_half_width("ab", 10) < label_half_width("水田", 10)
    assert map_label_size(358) < map_label_size(512) == maps.LABEL_SIZE


def test_simplify_tolerance_is_half_a_pixel_or_less() -> None:
    for zoom in (8.0, 9.21, 11.5, 13.0):
        pixel = 360 / (512 * 2**zoom)
        tolerance = simplify_tolerance(zoom)
        assert pixel / 4 < tolerance <= pixel / 2
        assert math.log2(tolerance).is_integer()


# --- layer data from frames ---------------------------------------------------------------------


def test_township_layer_fills_by_class_and_greys_out_missing_values() -> None:
    frame = townships(
        甲镇=square(106.0, 27.0, 0.1),
        乙镇=square(106.1, 27.0, 0.1),
        丙镇=square(106.2, 27.0, 0.1),
        丁镇=square(106.3, 27.0, 0.1),
        无边界乡=None,
    )
    layer = township_layer(
        frame,
        values(甲镇=0.9, 乙镇=0.95, 丙镇=None, 无边界乡=0.5),  # 丁镇 has no row at all
        higher_is_better=True,
        no_data_label="无数据",
    )
    features = {f["properties"]["name"]: f for f in layer.features["features"]}
    assert set(features) == {"甲镇", "乙镇", "丙镇", "丁镇"}  # no boundary: not drawn
    props = {name: f["properties"] for name, f in features.items()}
    assert props["甲镇"] == {"name": "甲镇", "text": "0.9 万元", "fill": rgba(WARM_TO_COOL[0])}
    assert props["乙镇"]["fill"] == rgba(WARM_TO_COOL[-1])
    assert props["丙镇"] == {"name": "丙镇", "text": "无数据", "fill": rgba(NO_DATA)}
    assert props["丁镇"]["text"] == "无数据"
    assert layer.edges == pytest.approx(class_breaks([0.9, 0.95]))  # drawn townships only
    assert layer.has_no_data and not layer.whole
    assert {label["name"] for label in layer.labels} == set(features)
    for label in layer.labels:
        ring = features[label["name"]]["geometry"]["coordinates"][0]
        assert inside((label["lon"], label["lat"]), ring)
    assert township_labels(frame) == {x["name"]: (x["lon"], x["lat"]) for x in layer.labels}
    json.dumps(layer.features)  # plain JSON: no polars or numpy values


def test_a_value_without_its_text_says_no_data_in_the_tooltip_only_if_missing() -> None:
    counts = pl.DataFrame(
        {"township": ["甲镇", "乙镇"], "value": [0, 3], "text": ["0 户", None]},
        schema={"township": pl.String, "value": pl.Int64, "text": pl.String},
    )
    layer = township_layer(
        townships(甲镇=square(0, 0, 1), 乙镇=square(1, 0, 1)),
        counts,
        higher_is_better=False,
        no_data_label="—",
    )
    props = [f["properties"] for f in layer.features["features"]]
    assert [(p["name"], p["text"]) for p in props] == [("乙镇", "—"), ("甲镇", "0 户")]
    assert layer.whole and not layer.has_no_data
    assert props[1]["fill"] == rgba(WARM_TO_COOL[-1])  # 0 households: blue, the good end


def test_outlines_are_simplified_to_the_tolerance_and_rounded() -> None:
    # A square whose bottom edge has 400 points that stray 2e-5 degrees (2 m) from the line.
    bottom = [[106.0 + k / 1000, 27.0 + (k % 2) * 2e-5 + 1e-9] for k in range(400)]
    ring = [*bottom, [106.4, 27.0], [106.4, 27.4], [106.0, 27.4], bottom[0]]
    frame = townships(甲镇={"type": "Polygon", "coordinates": [ring]})
    layer = township_layer(
        frame, values(), higher_is_better=None, no_data_label="—", tolerance=1e-4
    )
    simple = layer.features["features"][0]["geometry"]["coordinates"][0]
    assert len(simple) == 5
    assert all(round(c, 5) == c for point in simple for c in point)
    exact = township_layer(frame, values(), higher_is_better=None, no_data_label="—")
    assert len(exact.features["features"][0]["geometry"]["coordinates"][0]) > 300


def test_multipolygons_and_unreadable_boundaries() -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0, 1)["coordinates"], square(5, 5, 1)["coordinates"]],
    }
    frame = pl.DataFrame(
        {"township": ["甲镇", "坏乡", "点乡"], "boundary": [json.dumps(multi), "{oops", '"x"']}
    )
    layer = township_layer(frame, values(), higher_is_better=None, no_data_label="—")
    assert [f["properties"]["name"] for f in layer.features["features"]] == ["甲镇"]
    assert layer.features["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_circle_area_follows_the_size() -> None:
    radii = circle_radii([400.0, 100.0, 25.0, 0.0, None, 1.0])
    assert radii[0] == RADIUS_MAX
    assert radii[1] == pytest.approx(
        RADIUS_MAX / 2
    )  # a quarter of the amount, a quarter of the area
    assert radii[2] == pytest.approx(RADIUS_MAX / 4)
    assert radii[3:] == [RADIUS_MIN, RADIUS_MIN, RADIUS_MIN]  # clamped: still visible, clickable
    assert circle_radii([0.0, None]) == [RADIUS_MIN, RADIUS_MIN]
    assert circle_radii([]) == []


def test_site_points_are_plain_dicts_biggest_first() -> None:
    points = site_points(
        sites(("小", 106.1, 27.1, 1.0), ("大", 106.2, 27.2, 100.0), ("无坐标", None, 27.0, 5.0))
    )
    assert points == [
        {"name": "大", "text": "大 text", "lon": 106.2, "lat": 27.2, "radius": RADIUS_MAX},
        {"name": "小", "text": "小 text", "lon": 106.1, "lat": 27.1, "radius": RADIUS_MIN},
    ]


# --- the deck -----------------------------------------------------------------------------------


def demo_deck(selected: str | None = None, generation: int = 0) -> dict[str, Any]:
    layer = township_layer(
        townships(甲镇=square(106.0, 27.0, 0.1), 乙镇=square(106.1, 27.0, 0.1)),
        values(甲镇=1.0, 乙镇=2.0),
        higher_is_better=None,
        no_data_label="—",
    )
    points = site_points(sites(("幸福家园", 106.05, 27.05, 10.0)))
    view = View(106.1, 27.05, 10.0)
    return json.loads(
        build_deck(layer, points, view, selected=selected, generation=generation).to_json()
    )


def test_the_deck_loads_nothing_from_outside() -> None:
    deck = demo_deck()
    text = json.dumps(deck, ensure_ascii=False)
    assert "http" not in text and "carto" not in text.lower() and "mapbox" not in text.lower()
    assert "mapProvider" not in deck  # map_provider=None
    assert deck["mapStyle"] == "__MAP_STYLE__"  # unset: Streamlit then draws no base map


def test_layer_constants_are_not_turned_into_accessors() -> None:
    # pydeck makes every string argument a "@@=" accessor unless it is quoted.
    layers = {layer["id"]: layer for layer in demo_deck()["layers"]}
    names = layers["township-names"]
    assert names["characterSet"] == "auto"
    assert names["fontFamily"].startswith('"Noto Sans CJK SC"')
    assert names["sizeUnits"] == "pixels" and names["getSize"] >= 14
    assert names["getText"] == "@@=name" and names["pickable"] is False
    assert layers["townships@0"]["lineWidthUnits"] == "pixels"
    assert layers["sites@0"]["radiusUnits"] == "pixels"
    assert layers["townships@0"]["getFillColor"] == "@@=properties.fill"


def test_pickable_layers_carry_ids_and_the_tooltip_fields() -> None:
    deck = demo_deck(generation=3)
    pickable = [layer for layer in deck["layers"] if layer["pickable"]]
    assert [layer["id"] for layer in pickable] == ["townships@3", "sites@3"]
    township = pickable[0]["data"]["features"][0]["properties"]
    assert {"name", "text"} <= set(township)
    assert {"name", "text"} <= set(pickable[1]["data"][0])
    assert deck["views"][0]["controller"]["dragRotate"] is False
    assert deck["initialViewState"]["pitch"] == 0


def test_the_selected_township_or_site_is_outlined() -> None:
    ids = [layer["id"] for layer in demo_deck()["layers"]]
    assert ids == ["townships@0", "sites@0", "township-names"]
    outlined = {layer["id"]: layer for layer in demo_deck(selected="乙镇")["layers"]}
    outline = outlined["selected-township"]
    assert [f["properties"]["name"] for f in outline["data"]["features"]] == ["乙镇"]
    assert outline["getLineWidth"] >= 4 and outline["pickable"] is False
    ring = {layer["id"]: layer for layer in demo_deck(selected="幸福家园")["layers"]}
    assert ring["selected-site"]["data"][0]["name"] == "幸福家园"
    assert "selected-township" not in ring


# --- clicks -------------------------------------------------------------------------------------

# As Streamlit 1.67 hands them over (recorded in Chromium).
TOWNSHIP_PICK = {
    "indices": {"townships@0": [14]},
    "objects": {
        "townships@0": [
            {
                "geometry": {"coordinates": [[[106.07, 27.2], [106.1, 27.2], [106.07, 27.2]]]},
                "properties": {
                    "fill": [158, 202, 225, 255],
                    "name": "河坝镇",
                    "text": "114.9 万元",
                },
                "type": "Feature",
            }
        ]
    },
}
SITE_PICK = {
    "indices": {"sites@2": [9]},
    "objects": {
        "sites@2": [
            {
                "lat": 27.6,
                "lon": 106.3,
                "name": "兴隆佳苑",
                "radius": 8.41,
                "text": "补贴 131.0 万元",
            }
        ]
    },
}


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (TOWNSHIP_PICK, MapClick("township", "河坝镇")),
        (SITE_PICK, MapClick("site", "兴隆佳苑")),
        (
            {"indices": {"sites": [0]}, "objects": {"sites": [{"name": "甲"}]}},
            MapClick("site", "甲"),
        ),
        ({"indices": {}, "objects": {}}, None),  # a click beside the townships
        (None, None),
        ({"objects": {"township-names": [{"name": "甲镇"}]}}, None),
        ({"objects": {"townships@1": [{"properties": {}}]}}, None),
        ({"objects": {"sites@1": [None, {"name": ""}]}}, None),
    ],
)
def test_parse_click(selection: dict[str, Any] | None, expected: MapClick | None) -> None:
    assert parse_click(selection) == expected


def _map_app() -> None:
    import json

    import polars as pl
    import streamlit as st

    from ui.maps import place_map

    ring = [[106.0, 27.0], [106.1, 27.0], [106.1, 27.1], [106.0, 27.1], [106.0, 27.0]]
    towns = pl.DataFrame(
        {
            "township": ["甲镇", "乙镇"],
            "boundary": [json.dumps({"type": "Polygon", "coordinates": [ring]}), None],
        }
    )
    vals = pl.DataFrame({"township": ["甲镇"], "value": [12.5], "text": ["12.5 万元"]})
    clicked = place_map(
        towns,
        vals,
        legend_title="补贴金额（万元）",
        value_format=lambda v: f"{v:g} 万元",
        sites=pl.DataFrame(
            {"site": ["幸福家园"], "lon": [106.05], "lat": [27.05], "size": [3.0], "text": ["x"]}
        ),
        site_legend="圆圈大小：补贴金额",
        key="m",
    )
    st.write(f"clicked={clicked}")


def test_place_map_draws_the_chart_and_its_legend_and_reports_no_click() -> None:
    at = AppTest.from_function(_map_app, default_timeout=30).run()
    assert not at.exception
    chart = at.get("deck_gl_json_chart")
    assert len(chart) == 1
    spec = json.loads(chart[0].proto.json)
    assert [layer["id"] for layer in spec["layers"]] == ["townships@0", "sites@0", "township-names"]
    legend = at.get("html")[0].proto.body
    assert "补贴金额（万元）" in legend and "12.5 万元" in legend and "圆圈大小：补贴金额" in legend
    assert at.markdown[0].value == "clicked=None"


@pytest.mark.parametrize(
    ("values", "thresholds", "expected"),
    [
        ([0.90, 0.94, 0.97], [0.93, 0.95], [0.90, 0.93, 0.95, 0.97]),
        ([0.96, None, 0.99], [0.93, 0.95], [0.93, 0.93, 0.95, 0.99]),
        ([None], [0.93, 0.95], [0.93, 0.93, 0.95, 0.95]),
    ],
)
def test_fixed_edges_keep_the_thresholds_and_cover_every_value(values, thresholds, expected):
    assert fixed_edges(values, thresholds) == pytest.approx(expected)
    assert [class_of(v, fixed_edges(values, thresholds)) for v in (0.92, 0.94, 0.96)] == [0, 1, 2]


def test_township_values_cover_every_township_and_spell_gaps():
    townships = pl.DataFrame({"township": ["甲镇", "乙镇"], "boundary": [None, None]})
    measures = pl.DataFrame({"township": ["甲镇", "丙镇"], "rate": [0.5, 0.9]})

    values = township_values(townships, measures, "rate", lambda v: f"{v:.0%}")

    assert values.rows() == [("甲镇", 0.5, "50%"), ("乙镇", None, None)]


def test_site_circles_keep_located_sites_and_size_missing_ones_zero():
    sites = pl.DataFrame(
        {"site": ["A", "B", "C"], "lon": [106.1, 106.2, None], "lat": [27.1, 27.2, None]}
    )
    measures = pl.DataFrame({"site": ["A"], "amount": [1200.0]})

    circles = site_circles(sites, measures, "amount", lambda row: str(row["amount"]))

    assert circles.rows() == [
        ("A", 106.1, 27.1, 1200.0, "1200.0"),
        ("B", 106.2, 27.2, 0.0, "None"),
    ]


# --- the bars' bands on the map (issue 21) -----------------------------------------------------


def test_a_rate_map_with_a_target_fills_each_band_in_its_bar_colour() -> None:
    frame = townships(
        甲镇=square(106.0, 27.0, 0.1), 乙镇=square(106.1, 27.0, 0.1), 丙镇=square(106.2, 27.0, 0.1)
    )
    rates = {"甲镇": 0.90, "乙镇": 0.94, "丙镇": 0.95}
    layer = township_layer(
        frame, values(**rates), higher_is_better=True, no_data_label="无数据", target=0.95
    )
    fills = {f["properties"]["name"]: f["properties"]["fill"] for f in layer.features["features"]}
    for name, rate in rates.items():
        bars = rate_bars(
            pl.DataFrame({"township": [name], "employment_rate": [rate], "labour_force": [10]}),
            "township",
            0.95,
        )
        assert fills[name] == rgba(bars.data[0].marker.color[0]), name


def test_a_rate_legend_names_the_bands() -> None:
    items = band_items(0.95, fmt_rate)
    assert [label for _, label in items] == ["< 93.0%", "93.0–95.0%", "≥ 95.0%"]
    assert [colour for colour, _ in items] == [BAD, WARN, GOOD]
