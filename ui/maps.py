"""The place map: township boundaries filled by a measure, sites as circles, click to select.

Drawn by pydeck without a base map (`map_provider=None`, `map_style` unset), so nothing is fetched
from outside: the townships' own boundaries are the map. The legend is HTML under the map (pydeck
has none). No UI strings live here: the caller passes its labels and formatted texts.

A click reruns the page and `place_map` returns it once. The pickable layers then take new ids
(`townships@1`, `townships@2`, …): Streamlit drops a selection whose layer is gone, which keeps
it from fading every other township to 40 % opacity (the colours would no longer match the
legend). A new widget key would do the same by remounting the chart, at 6 s a click on a PC
without a GPU (the WebGL context is rebuilt); new layer ids cost about 1 s there.
"""

from __future__ import annotations

import bisect
import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import polars as pl
import pydeck as pdk
import streamlit as st

from ui.theme import (
    FONT_FAMILY,
    RATE_BAND_COLOURS,
    band_labels,
    presenting,
    rate_band,
    rate_thresholds,
)

TOWNSHIP_LAYER = "townships"
SITE_LAYER = "sites"
_OUTLINE_LAYER = "selected-township"
_NAME_LAYER = "township-names"
_RING_LAYER = "selected-site"

# Five classes, low to high. Amounts: ColorBrewer Blues without its near-white first class, so
# that the lowest class still stands apart from "no data". Rates: RdYlBu (colour-blind safe),
# warm where the value is bad.
SEQUENTIAL = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
WARM_TO_COOL = ("#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6")
NO_DATA = "#e3e3e3"
BORDER = (255, 255, 255, 255)
INK = (31, 35, 40)  # the page's text colour (#1f2328)
CLASSES = 5

LABEL_SIZE = 16  # px: township names, read on a 1920×1080 projector
LABEL_OUTLINE = 4  # px: the white halo around a name
SMALL_LABEL_SIZE = 11  # px: names on a map narrower than NARROW (a phone)
NARROW = 480  # px
MIN_HEIGHT = 320  # px: a phone's map is square, and no lower than this
RADIUS_MIN, RADIUS_MAX = 6.0, 30.0  # px: the smallest and largest site circle
# px: the width a map is fitted to until the browser reports its own: the narrowest map of a
# 1366-px laptop (the overview's half column), so that the first drawing crops nothing there.
FIT_WIDTH = 440
FIT_PADDING = 24  # px around the county
_TILE = 512  # deck.gl's world is 512 px wide at zoom 0


@dataclass(frozen=True)
class MapClick:
    level: Literal["township", "site"]
    name: str


@dataclass(frozen=True)
class View:
    """Where the map looks: its centre and deck.gl's zoom (pitch 0, no rotation)."""

    longitude: float
    latitude: float
    zoom: float


# --- classes and colours -----------------------------------------------------------------------


def _quantile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def class_breaks(values: Iterable[float | None], classes: int = CLASSES) -> list[float]:
    """Edges of up to `classes` classes: quantiles rounded to a round step, then deduplicated.

    The step is the power of ten below the narrowest class (and below a hundredth of the range;
    1 at least for whole numbers); the first edge is the minimum rounded down, the last the
    maximum rounded up. Whole numbers with at most `classes` distinct values get a class each
    (0 households apart from 1). One distinct value gives one class [v, v]; none gives [].
    """
    ordered = sorted(v for v in values if v is not None and math.isfinite(v))
    if not ordered:
        return []
    low, high = ordered[0], ordered[-1]
    whole = whole_numbers(ordered)
    distinct = sorted(set(ordered))
    if low == high or (whole and len(distinct) <= classes):
        return [*distinct, high]
    edges = _snapped_quantiles(ordered, classes, whole)
    if len(edges) <= classes and len(distinct) > classes:
        # Ties (most townships at 0) merged classes: share the classes among the distinct values.
        edges = max(edges, _snapped_quantiles(distinct, classes, whole), key=len)
    return edges


def _snapped_quantiles(ordered: list[float], classes: int, whole: bool) -> list[float]:
    low, high = ordered[0], ordered[-1]
    raw = [_quantile(ordered, k / classes) for k in range(classes + 1)]
    narrowest = min(b - a for a, b in zip(raw, raw[1:], strict=False) if b > a)
    step = 10.0 ** math.floor(math.log10(max(narrowest, (high - low) / 100)))
    if whole:
        step = max(step, 1.0)
    digits = max(0, -math.floor(math.log10(step))) + 2

    def snap(value: float, how: Callable[[float], float]) -> float:
        return round(how(round(value / step, 9)) * step, digits)

    first, last = snap(low, math.floor), snap(high, math.ceil)
    edges = [first]
    for edge in (snap(q, round) for q in raw[1:-1]):
        if edges[-1] < edge < last:
            edges.append(edge)
    return [*edges, last]


def whole_numbers(values: Iterable[float | None]) -> bool:
    """Counts rather than measures: every value present is a whole number."""
    return all(float(v).is_integer() for v in values if v is not None and math.isfinite(v))


def fixed_edges(values: Iterable[float | None], thresholds: Sequence[float]) -> list[float]:
    """Class edges with `thresholds` inside, stretched to cover every value."""
    inner = sorted(thresholds)
    known = [v for v in values if v is not None and math.isfinite(v)]
    return [min([*known, inner[0]]), *inner, max([*known, inner[-1]])]


def class_of(value: float | None, edges: list[float]) -> int | None:
    """The class of `value`: edges[i] ≤ value < edges[i + 1], the last class closed; None if
    the value is missing."""
    if value is None or not math.isfinite(value) or len(edges) < 2:
        return None
    return min(max(bisect.bisect_right(edges, value) - 1, 0), len(edges) - 2)


def class_colours(count: int, higher_is_better: bool | None) -> list[str]:
    """`count` colours low to high, spread over the palette so that its ends stay in use."""
    palette = SEQUENTIAL if higher_is_better is None else WARM_TO_COOL
    if higher_is_better is False:
        palette = palette[::-1]
    if count <= 0:
        return []
    if count == 1:
        return [palette[len(palette) // 2]]
    last = len(palette) - 1
    return [palette[round(i * last / (count - 1))] for i in range(count)]


def legend_items(
    edges: list[float],
    higher_is_better: bool | None,
    value_format: Callable[[float], str],
    *,
    whole: bool = False,
) -> list[tuple[str, str]]:
    """(colour, "low – high") per class, low to high. A class holds its low edge and not its
    high one (the last holds both): for whole numbers it reads "8 – 15" where [8, 16) is meant."""
    colours = class_colours(len(edges) - 1, higher_is_better)
    items = []
    for i, colour in enumerate(colours):
        low, high = edges[i], edges[i + 1]
        if whole and i < len(colours) - 1:
            high -= 1
        label = value_format(low) if low >= high else f"{value_format(low)} – {value_format(high)}"
        items.append((colour, label))
    return items


def band_items(target: float, value_format: Callable[[float], str]) -> list[tuple[str, str]]:
    """(colour, band) for a rate's three bands, low to high, as the bars colour them."""
    return list(zip(RATE_BAND_COLOURS, band_labels(target, value_format), strict=True))


def rgba(colour: str, alpha: int = 255) -> list[int]:
    """ "#08519c" → [8, 81, 156, alpha]."""
    code = colour.lstrip("#")
    return [int(code[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


# --- geometry ----------------------------------------------------------------------------------


def _simplify_line(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas–Peucker on one ring (first and last point kept)."""
    if len(points) <= 4:
        return points
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        a, b = points[start], points[end]
        inner = points[start + 1 : end]
        ab = b - a
        length = float(np.hypot(*ab))
        if length == 0.0:
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(ab[0] * (inner[:, 1] - a[1]) - ab[1] * (inner[:, 0] - a[0])) / length
        far = int(np.argmax(dist))
        if dist[far] > tolerance:
            middle = start + 1 + far
            keep[middle] = True
            stack += [(start, middle), (middle, end)]
    return points[keep]


def _clean_ring(ring: list) -> np.ndarray:
    """A ring's lon/lat to 5 decimals (about 1 m), repeated points dropped."""
    points = np.round(np.asarray(ring, dtype=float)[:, :2], 5)
    if len(points) > 1:
        points = points[np.r_[True, np.any(np.diff(points, axis=0) != 0, axis=1)]]
    return points


def _polygons(geometry: Mapping[str, Any]) -> list[list]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _inside(points: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd rule over a polygon's rings (holes included), for many points at once."""
    inside = np.zeros(len(points), dtype=bool)
    px, py = points[:, 0:1], points[:, 1:2]
    for ring in rings:
        x1, y1 = ring[:, 0], ring[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        crosses = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        inside ^= (np.count_nonzero(crosses & (px < at), axis=1) % 2).astype(bool)
    return inside


def _edge_distance(points: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Each point's distance to the nearest edge of the rings."""
    a = np.concatenate([r for r in rings])
    b = np.concatenate([np.roll(r, -1, axis=0) for r in rings])
    ab = b - a
    length2 = np.maximum((ab**2).sum(axis=1), 1e-30)
    ap = points[:, None, :] - a[None, :, :]
    t = np.clip((ap * ab[None]).sum(axis=2) / length2, 0.0, 1.0)
    nearest = a[None] + t[..., None] * ab[None]
    return np.sqrt(((points[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1)


def label_point(geometry: Mapping[str, Any]) -> tuple[float, float] | None:
    """A point well inside the largest polygon, where its name goes (and where a click lands on
    it): the inside point farthest from the edges, found on a grid refined twice."""
    polygons = [
        [np.asarray(r, dtype=float)[:, :2] for r in p if len(r)] for p in _polygons(geometry)
    ]
    return _label([p for p in polygons if p and len(p[0]) >= 3])


def _label(polygons: list[list[np.ndarray]]) -> tuple[float, float] | None:
    if not polygons:
        return None
    rings = max(polygons, key=lambda p: abs(_ring_area(p[0])))
    # Distances in a locally square frame: a degree of longitude is shorter than one of latitude.
    squash = math.cos(math.radians(float(rings[0][:, 1].mean())))
    frame = [r * [squash, 1.0] for r in rings]
    # A label needs the outline to a two-hundredth of the polygon's size, not its every bend.
    coarse = float(np.hypot(*(frame[0].max(axis=0) - frame[0].min(axis=0)))) / 200
    frame = [simple if len(simple := _simplify_line(r, coarse)) >= 4 else r for r in frame]
    low, high = frame[0].min(axis=0), frame[0].max(axis=0)
    best, size = (low + high) / 2, (high - low) / 2
    best_distance = -1.0
    for _ in range(3):
        axes = [np.linspace(best[i] - size[i], best[i] + size[i], 15) for i in (0, 1)]
        grid = np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, 2)
        grid = grid[_inside(grid, frame)]
        if len(grid):
            distance = _edge_distance(grid, frame)
            top = int(np.argmax(distance))
            if distance[top] > best_distance:
                best, best_distance = grid[top], float(distance[top])
        size = size / 5
    if best_distance < 0:  # a sliver the grid missed: its first vertex is inside enough
        best = frame[0][0]
    return round(float(best[0] / squash), 6), round(float(best[1]), 6)


@dataclass(frozen=True)
class _Shape:
    polygons: list[list[np.ndarray]]  # rings of lon/lat, 5 decimals, repeated points dropped
    bbox: tuple[float, float, float, float]  # west, south, east, north
    label: tuple[float, float] | None


@lru_cache(maxsize=4096)
def _shape(boundary: str) -> _Shape | None:
    """A township's boundary read for the map (cached: boundaries change only with imports)."""
    try:
        geometry = json.loads(boundary)
    except (TypeError, ValueError):
        return None
    if not isinstance(geometry, dict):
        return None
    polygons = [[_clean_ring(r) for r in p if len(r)] for p in _polygons(geometry)]
    polygons = [p for p in polygons if p and len(p[0]) >= 3]
    if not polygons:
        return None
    outer = np.concatenate([p[0] for p in polygons])
    west, south = outer.min(axis=0)
    east, north = outer.max(axis=0)
    return _Shape(
        polygons, (float(west), float(south), float(east), float(north)), _label(polygons)
    )


@lru_cache(maxsize=4096)
def _outline(boundary: str, tolerance: float) -> dict[str, Any] | None:
    """The boundary as GeoJSON, simplified to `tolerance` degrees (Douglas–Peucker)."""
    shape = _shape(boundary)
    if shape is None:
        return None
    polygons = [
        [(simple if len(simple := _simplify_line(r, tolerance)) >= 4 else r).tolist() for r in p]
        for p in shape.polygons
    ]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def simplify_tolerance(zoom: float) -> float:
    """Half a pixel at `zoom`, in degrees, rounded down to a power of two (for the cache)."""
    half_pixel = 0.5 * 360.0 / (_TILE * 2.0**zoom)
    return 2.0 ** math.floor(math.log2(half_pixel))


def township_labels(townships: pl.DataFrame) -> dict[str, tuple[float, float]]:
    """Where each township's name is drawn (lon, lat): a point well inside it, where a click
    selects it unless a site's circle lies there."""
    return {
        name: shape.label
        for name, boundary in townships.select("township", "boundary").drop_nulls().iter_rows()
        if (shape := _shape(boundary)) is not None and shape.label is not None
    }


# --- the view ----------------------------------------------------------------------------------


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator in world units (0..1 across the world, y down)."""
    lat = max(min(lat, 85.05), -85.05)
    y = 0.5 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)
    return (lon + 180.0) / 360.0, y


def _inverse_mercator(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp((0.5 - y) * 2 * math.pi)) - math.pi / 2)


def label_half_width(name: str, size: float = LABEL_SIZE) -> float:
    """Half the width in pixels of a township's name drawn at `size` px: a CJK character is an
    em wide, a Latin one about half of it; the white outline adds a little on each side."""
    ems = sum(1.0 if ord(c) > 0x2E7F else 0.6 for c in name)
    return ems * size / 2 + LABEL_OUTLINE


def fit_view(
    bbox: tuple[float, float, float, float],
    width: float,
    height: float,
    padding: float = FIT_PADDING,
    max_zoom: float = 13.0,
    labels: Sequence[tuple[float, float, float]] = (),
    label_size: float = LABEL_SIZE,
) -> View:
    """The view that shows the box (west, south, east, north) whole in a width × height map,
    and every label (lon, lat, half its width in pixels) whole too: a long name near the edge
    ("水田彝族苗族乡") used to be cut to "苗族乡" when the box alone was fitted."""
    west, south, east, north = bbox
    x0, y0 = _mercator(west, north)
    x1, y1 = _mercator(east, south)
    points = [(*_mercator(lon, lat), half) for lon, lat, half in labels]
    half_height = label_size / 2 + LABEL_OUTLINE

    def extent(scale: float) -> tuple[float, float, float, float]:
        """The content's pixel box at `scale` (pixels per world unit): left, top, right, bottom."""
        return (
            min([x0 * scale, *(x * scale - h for x, _, h in points)]),
            min([y0 * scale, *(y * scale - half_height for _, y, _ in points)]),
            max([x1 * scale, *(x * scale + h for x, _, h in points)]),
            max([y1 * scale, *(y * scale + half_height for _, y, _ in points)]),
        )

    room_x, room_y = max(width - 2 * padding, 1.0), max(height - 2 * padding, 1.0)

    def fits(scale: float) -> bool:
        left, top, right, bottom = extent(scale)
        return right - left <= room_x and bottom - top <= room_y

    span_x, span_y = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
    high = min(room_x / span_x, room_y / span_y, _TILE * 2.0**max_zoom)  # the box alone
    low = high
    while not fits(low) and low > 1e-6:  # labels wider than the room: shrink until they fit
        low /= 2
    if not fits(high):  # the box fits at `high`, its labels only at `low`: the largest between
        for _ in range(40):
            middle = math.sqrt(low * high)
            low, high = (middle, high) if fits(middle) else (low, middle)
    scale = low
    left, top, right, bottom = extent(scale)
    centre_x, centre_y = (left + right) / 2 / scale, (top + bottom) / 2 / scale
    zoom = min(math.log2(scale / _TILE), max_zoom)
    return View(round(centre_x * 360.0 - 180.0, 7), _inverse_mercator(centre_y), round(zoom, 4))


def project(lon: float, lat: float, view: View, width: float, height: float) -> tuple[float, float]:
    """The pixel (from the map's top left corner) where deck.gl draws lon/lat in `view`."""
    scale = _TILE * 2.0**view.zoom
    x, y = _mercator(lon, lat)
    cx, cy = _mercator(view.longitude, view.latitude)
    return width / 2 + (x - cx) * scale, height / 2 + (y - cy) * scale


def township_view(
    townships: pl.DataFrame,
    height: int,
    sites: pl.DataFrame | None = None,
    width: float = FIT_WIDTH,
    label_size: float = LABEL_SIZE,
) -> View:
    """The initial view of `place_map`: every boundary and township name (else every site) in a
    map `width` pixels wide (as measured in the browser; FIT_WIDTH until it is)."""
    shapes = [
        (name, shape)
        for name, boundary in townships.select("township", "boundary").drop_nulls().iter_rows()
        if (shape := _shape(boundary)) is not None
    ]
    boxes = [shape.bbox for _, shape in shapes]
    labels = [
        (*shape.label, label_half_width(name, label_size))
        for name, shape in shapes
        if shape.label is not None
    ]
    if not boxes and sites is not None and sites.height:
        located = sites.drop_nulls(["lon", "lat"])
        boxes = [(lon, lat, lon, lat) for lon, lat in located.select("lon", "lat").iter_rows()]
    if not boxes:
        return View(104.0, 35.0, 3.0)  # all of China: nothing to show yet
    west, south, east, north = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return fit_view((west, south, east, north), width, height, labels=labels, label_size=label_size)


# --- layer data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TownshipLayer:
    """What the township layers draw: the features, their names' places and the classes."""

    features: dict[str, Any]  # a FeatureCollection; properties: name, text, fill
    labels: list[dict[str, Any]]  # name, lon, lat
    edges: list[float]
    whole: bool  # the values are counts
    has_no_data: bool


def township_layer(
    townships: pl.DataFrame,
    values: pl.DataFrame,
    *,
    higher_is_better: bool | None,
    no_data_label: str,
    tolerance: float = 0.0,
    target: float | None = None,
) -> TownshipLayer:
    """Each township with a readable boundary as a feature filled by its value's class; outlines
    simplified to `tolerance` degrees (see `simplify_tolerance`). With a rate's `target`, the
    classes are the rate bands the bars use (`ui.theme.rate_band`), in the bars' colours,
    instead of the values' quantiles."""
    table = (
        townships.select("township", "boundary")
        .filter(pl.col("boundary").is_not_null())
        .join(
            values.select(
                "township", pl.col("value").cast(pl.Float64), pl.col("text").cast(pl.String)
            ),
            on="township",
            how="left",
        )
        .sort("township")
    )
    present = table.get_column("value").to_list()
    if target is None:
        edges = class_breaks(present)
        colours = class_colours(len(edges) - 1, higher_is_better)
    else:
        edges = fixed_edges(present, rate_thresholds(target))
        colours = list(RATE_BAND_COLOURS)
    features, labels, has_no_data = [], [], False
    for name, boundary, value, text in table.iter_rows():
        shape, outline = _shape(boundary), _outline(boundary, tolerance)
        if shape is None or outline is None:
            continue
        index = class_of(value, edges) if target is None else rate_band(value, target)
        has_no_data |= index is None
        features.append(
            {
                "type": "Feature",
                "geometry": outline,
                "properties": {
                    "name": name,
                    "text": no_data_label if index is None else (text or no_data_label),
                    "fill": rgba(NO_DATA if index is None else colours[index]),
                },
            }
        )
        if shape.label is not None:
            labels.append({"name": name, "lon": shape.label[0], "lat": shape.label[1]})
    return TownshipLayer(
        {"type": "FeatureCollection", "features": features},
        labels,
        edges,
        whole_numbers(present),
        has_no_data,
    )


def circle_radii(sizes: Iterable[float | None]) -> list[float]:
    """Radii in pixels with the circle's area proportional to its size, clamped to
    [RADIUS_MIN, RADIUS_MAX]; the largest size gets RADIUS_MAX, a missing one RADIUS_MIN."""
    sizes = [max(s, 0.0) if s is not None and math.isfinite(s) else 0.0 for s in sizes]
    top = max(sizes, default=0.0)
    if top <= 0:
        return [RADIUS_MIN] * len(sizes)
    return [round(max(RADIUS_MIN, RADIUS_MAX * math.sqrt(s / top)), 2) for s in sizes]


def site_points(sites: pl.DataFrame) -> list[dict[str, Any]]:
    """One dict per located site (name, text, lon, lat, radius), biggest first, so that small
    circles are drawn on top of big ones and stay clickable."""
    located = sites.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null())
    radii = circle_radii(located.get_column("size").cast(pl.Float64).to_list())
    rows = [
        {
            "name": site,
            "text": text or "",
            "lon": lon,
            "lat": lat,
            "radius": radius,
        }
        for (site, lon, lat, text), radius in zip(
            located.select("site", "lon", "lat", "text").iter_rows(), radii, strict=True
        )
    ]
    return sorted(rows, key=lambda r: (-r["radius"], r["name"]))


def parse_click(selection: Mapping[str, Any] | None) -> MapClick | None:
    """The township or site picked in a pydeck selection ({"objects": {layer id: [object]}});
    a layer id may carry its generation (`townships@3`)."""
    if not selection:
        return None
    objects = selection.get("objects") or {}
    picks = {str(layer).split("@")[0]: found for layer, found in objects.items()}
    for layer, level in ((SITE_LAYER, "site"), (TOWNSHIP_LAYER, "township")):
        for picked in picks.get(layer) or []:
            if not isinstance(picked, Mapping):
                continue
            props = picked.get("properties")
            name = props.get("name") if isinstance(props, Mapping) else picked.get("name")
            if isinstance(name, str) and name:
                return MapClick(level, name)
    return None


# --- drawing -----------------------------------------------------------------------------------

_TOOLTIP_STYLE = {
    "backgroundColor": "#ffffff",
    "color": "#1f2328",
    "fontFamily": FONT_FAMILY,
    "fontSize": "16px",
    "lineHeight": "1.45",
    "padding": "8px 12px",
    "border": "1px solid #d0d7de",
    "borderRadius": "6px",
    "boxShadow": "0 2px 8px rgba(0,0,0,.18)",
}


# pydeck turns every string argument of a layer into a data accessor ("@@=pixels"); a constant
# string has to be quoted, and pydeck strips the quotes.
_PIXELS = "'pixels'"


class _Deck(pdk.Deck):
    """pydeck indents its JSON; the spec goes to the browser on every rerun, so drop the spaces."""

    def to_json(self) -> str:
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False)


def build_deck(
    layer: TownshipLayer,
    sites: list[dict[str, Any]],
    view: View,
    *,
    selected: str | None,
    generation: int = 0,
    label_size: int = LABEL_SIZE,
) -> pdk.Deck:
    """The deck: township fills, the selected township's outline, site circles, then names
    (on top, to stay readable; they take no clicks, which go to what lies under them)."""
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            data=layer.features,
            id=f"{TOWNSHIP_LAYER}@{generation}",
            pickable=True,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 40],
            filled=True,
            stroked=True,
            get_fill_color="properties.fill",
            get_line_color=BORDER,
            get_line_width=1.5,
            line_width_units=_PIXELS,
        )
    ]
    chosen = [f for f in layer.features["features"] if f["properties"]["name"] == selected]
    if chosen:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                data={"type": "FeatureCollection", "features": chosen},
                id=_OUTLINE_LAYER,
                pickable=False,
                filled=False,
                stroked=True,
                get_line_color=[*INK, 255],
                get_line_width=5,
                line_width_units=_PIXELS,
            )
        )
    if sites:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=sites,
                id=f"{SITE_LAYER}@{generation}",
                pickable=True,
                auto_highlight=True,
                highlight_color=[255, 255, 255, 90],
                get_position="[lon, lat]",
                get_radius="radius",
                radius_units=_PIXELS,
                filled=True,
                stroked=True,
                get_fill_color=[255, 255, 255, 150],
                get_line_color=[*INK, 235],
                get_line_width=2,
                line_width_units=_PIXELS,
            )
        )
    ring = [dict(s, radius=s["radius"] + 6) for s in sites if s["name"] == selected]
    if ring:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=ring,
                id=_RING_LAYER,
                pickable=False,
                get_position="[lon, lat]",
                get_radius="radius",
                radius_units=_PIXELS,
                filled=False,
                stroked=True,
                get_line_color=[*INK, 255],
                get_line_width=4,
                line_width_units=_PIXELS,
            )
        )
    layers.append(
        pdk.Layer(
            "TextLayer",
            data=layer.labels,
            id=_NAME_LAYER,
            pickable=False,
            get_position="[lon, lat]",
            get_text="name",
            get_size=label_size,
            size_units=_PIXELS,
            get_color=[*INK, 255],
            character_set="'auto'",
            font_family=f"'{FONT_FAMILY}'",
            font_weight=600,
            font_settings={"sdf": True, "fontSize": 64, "buffer": 16, "radius": 16},
            outline_width=11,
            outline_color=[255, 255, 255, 230],
        )
    )
    return _Deck(
        layers=layers,
        map_provider=None,
        initial_view_state=pdk.ViewState(
            longitude=view.longitude, latitude=view.latitude, zoom=view.zoom, pitch=0, bearing=0
        ),
        # Pan, pinch and +/- keys; no rotation, and the mouse wheel keeps scrolling the page.
        views=[
            pdk.View(
                type="MapView",
                controller={
                    "dragRotate": False,
                    "touchRotate": False,
                    "scrollZoom": False,
                    "doubleClickZoom": False,
                },
            )
        ],
        tooltip={"html": "<b>{name}</b><br/>{text}", "style": _TOOLTIP_STYLE},
    )


def legend_html(
    title: str,
    items: list[tuple[str, str]],
    *,
    no_data: str | None = None,
    site_legend: str | None = None,
    font_size: int = 16,
) -> str:
    """The legend under the map: title, one swatch per class, "no data", the circles' meaning."""
    swatch = (
        "display:inline-block;width:1.7em;height:1.05em;border-radius:3px;margin-right:.4em;"
        "vertical-align:-0.15em;border:1px solid rgba(0,0,0,.25);background:{}"
    )
    entries = [f'<span style="font-weight:600;margin-right:.3em">{html.escape(title)}</span>']
    for colour, label in items:
        entries.append(
            f'<span style="white-space:nowrap"><span style="{swatch.format(colour)}"></span>'
            f"{html.escape(label)}</span>"
        )
    if no_data is not None:
        entries.append(
            f'<span style="white-space:nowrap"><span style="{swatch.format(NO_DATA)}"></span>'
            f"{html.escape(no_data)}</span>"
        )
    if site_legend:
        dot = (
            "display:inline-block;border-radius:50%;border:2px solid currentColor;"
            "background:rgba(255,255,255,.6);vertical-align:middle;margin-right:.25em;"
            "width:{0}em;height:{0}em"
        )
        entries.append(
            '<span style="white-space:nowrap;margin-left:.6em">'
            f'<span style="{dot.format(0.6)}"></span><span style="{dot.format(1.2)}"></span>'
            f"{html.escape(site_legend)}</span>"
        )
    style = (
        "display:flex;flex-wrap:wrap;align-items:center;gap:.45em 1.3em;padding:.3em 0;"
        f"font-size:{font_size}px;line-height:1.5;font-family:{html.escape(FONT_FAMILY)}"
    )
    return f'<div class="map-legend" style="{style}">{"".join(entries)}</div>'


def township_values(
    townships: pl.DataFrame, measures: pl.DataFrame, column: str, spell: Callable[[float], str]
) -> pl.DataFrame:
    """`place_map`'s values: `column` of `measures` (by township) for every township of the
    store, null where it has none, with its text spelled by `spell`."""
    value = pl.col(column).cast(pl.Float64).alias("value")
    return (
        townships.select("township")
        .join(measures.select("township", value), on="township", how="left")
        .with_columns(text=pl.col("value").map_elements(spell, return_dtype=pl.String))
    )


def site_circles(
    sites: pl.DataFrame, measures: pl.DataFrame, size: str, text: Callable[[dict], str]
) -> pl.DataFrame:
    """`place_map`'s sites: every located site, sized by `size` of `measures` (by site; 0 where
    it has none), with the tooltip line `text(row of measures)`."""
    rows = sites.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null()).join(
        measures, on="site", how="left"
    )
    return rows.select(
        "site",
        "lon",
        "lat",
        size=pl.col(size).cast(pl.Float64).fill_null(0.0),
        text=pl.Series([text(row) for row in rows.iter_rows(named=True)], dtype=pl.String),
    )


def _take_click(key: str) -> None:
    """on_select: keep the click for `place_map`, and renew the layers (see the module doc)."""
    state = st.session_state.get(f"{key}__deck")
    click = parse_click(state.get("selection") if state else None)
    if click is not None:
        st.session_state[f"{key}__click"] = click
        st.session_state[f"{key}__gen"] = st.session_state.get(f"{key}__gen", 0) + 1


# The map's width is known only in the browser: this reports the width of the container the map
# is drawn in (again when it changes by more than a few pixels), and the map is fitted to it.
# Without it a county fitted to 640 px lost its edges in the 512 px of a laptop's column.
_WIDTH_JS = """
export default function(component) {
  const { setStateValue, parentElement, data } = component;
  const block = parentElement.closest('[data-testid="stVerticalBlock"]') || parentElement;
  const report = () => {
    const width = Math.round(block.clientWidth);
    if (width > 0 && (data === null || Math.abs(width - data) > 8)) {
      setStateValue("width", width);
    }
  };
  const observer = new ResizeObserver(report);
  observer.observe(block);
  report();
  return () => observer.disconnect();
}
"""
_width_reporter = st.components.v2.component("ydbq_map_width", js=_WIDTH_JS, isolate_styles=False)


def _measured_width(key: str) -> float | None:
    """The width in pixels of the container `key`'s map is drawn in, once the browser said it."""
    known = st.session_state.get(f"{key}__width_px")
    result = _width_reporter(key=f"{key}-mapwidth", data=known, on_width_change=lambda: None)
    width = getattr(result, "width", None)
    if isinstance(width, (int, float)) and width > 0:
        st.session_state[f"{key}__width_px"] = float(width)
        return float(width)
    return known


def map_label_size(width: float) -> int:
    """Township names' size on a map `width` pixels wide: smaller on a phone, where 26 names at
    16 px covered one another."""
    return LABEL_SIZE if width >= NARROW else SMALL_LABEL_SIZE


def place_map(
    townships: pl.DataFrame,
    values: pl.DataFrame,
    *,
    legend_title: str,
    value_format: Callable[[float], str],
    sites: pl.DataFrame | None = None,
    site_legend: str | None = None,
    higher_is_better: bool | None = None,
    selected: str | None = None,
    no_data_label: str = "—",
    key: str,
    height: int = 560,
    target: float | None = None,
) -> MapClick | None:
    """Draw the map and return what the user clicked in this run (None if nothing).

    `townships`: township, boundary (GeoJSON geometry text; null: not drawn). `values`: township,
    value (null: no data), text (the tooltip's line). `sites`: site, lon, lat, size (circle area
    ∝ size), text. `higher_is_better`: True for rates (low is red), False for counts of a bad
    thing (high is red), None for amounts (one blue hue). `selected` (a township or site) is
    outlined. `target`: a rate's target; the map is then coloured and its legend written in
    the bars' three bands (`< 93.0%`, `93.0–95.0%`, `≥ 95.0%`) instead of quantiles.
    """
    click = st.session_state.pop(f"{key}__click", None)
    projector = presenting()
    with st.container(key=key):
        width = _measured_width(key) or FIT_WIDTH
        label_size = 20 if projector else map_label_size(width)
        if width < height:  # a phone: a square map, not a tall strip with the county in its middle
            height = max(MIN_HEIGHT, round(width))
        view = township_view(townships, height, sites, width, label_size)
        layer = township_layer(
            townships,
            values,
            higher_is_better=higher_is_better,
            no_data_label=no_data_label,
            tolerance=simplify_tolerance(view.zoom),
            target=target,
        )
        points = site_points(sites) if sites is not None else []
        deck = build_deck(
            layer,
            points,
            view,
            selected=selected,
            generation=st.session_state.get(f"{key}__gen", 0),
            label_size=label_size,
        )
        st.pydeck_chart(
            deck,
            on_select=lambda: _take_click(key),
            selection_mode="single-object",
            key=f"{key}__deck",
            height=height,
            alt=legend_title,
        )
        items = (
            legend_items(layer.edges, higher_is_better, value_format, whole=layer.whole)
            if target is None
            else band_items(target, value_format)
        )
        st.html(
            legend_html(
                legend_title,
                items,
                no_data=no_data_label if layer.has_no_data else None,
                site_legend=site_legend if points else None,
                font_size=22 if projector else 16,
            )
        )
    return click
