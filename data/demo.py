"""The demo county: a fictional county modelled on the Jinsha (金沙县) figures in domain.md.

12 resettlement sites (the biggest, 幸福家园, has 33 buildings and 1,944 households), 26 townships,
about 17,000 relocated residents of whom about 8,500 are in the labour force, and monthly reports
up to December 2020 with a Spring Festival dip, the COVID-19 shock of February–March 2020 and the
recovery to about 95 % employed. `write_demo_ledgers` writes everything as the ledger files a
county would send (ledger-format.md); `build_demo` loads them through the importer, like any
other upload. Every name, ID number and phone number is made up; the ID numbers carry Jinsha's
real region codes only so that they pass the checks.

The ordinary data keeps domain.md's compliance rules (审计规则); a few abuses of every rule are
planted on purpose, with boundaries beside them that are none (`PLANTS`), so that the audit has
known cases to find (`planted_cases`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import xlsxwriter

from analytics import domain as dom
from data import spreadsheet
from data.ledger import LABOUR, POSTINGS, SUBSIDIES, TARGETS, TRAINING
from data.store import init_store

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from data.importer import ImportResult

COUNTY = "金沙县"
LAST_MONTH = dt.date(2020, 12, 1)
DEFAULT_PERSONS = 17_000
MIN_PERSONS = 1_000
LABOUR_FILE = "劳动力就业台账"  # the monthly ledgers' file names start with it
# Labour records the demo imports at once, at most (a whole month, at least): a province's two
# months, 9 GiB; each import reads the people and households it may update, 14 s a time at
# 2.2 million persons.
ONE_IMPORT_ROWS = 4_400_000
DEFAULT_OUT_DIR = Path(__file__).parent / "demo_ledgers"
BOUNDARY_FILE = Path(__file__).parent / "geo" / "demo_county_townships.geojson"

# Fixed file metadata, so that the same seed writes byte-identical workbooks.
_CREATED = dt.datetime(2021, 1, 5, 9, 0, 0)
# Above this many rows a table goes to CSV: xlsx holds 1,048,576 rows and is slow to write.
_XLSX_MAX_ROWS = 60_000

# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------

# Street offices first: they take the grid cells around the county town.
TOWNSHIPS = (
    "城关街道", "东城街道", "西城街道", "南山街道", "龙溪镇", "清水镇", "石门镇", "桃源镇",
    "白岩镇", "杉木镇", "青山镇", "大坪镇", "河坝镇", "新场镇", "高峰镇", "双河镇", "永兴镇",
    "三合镇", "长岭镇", "红岩镇", "金竹镇", "兴隆镇", "平山乡", "草坪乡", "水田彝族苗族乡",
    "云雾苗族乡",
)  # fmt: skip
_STREET_OFFICES = 4
PARK_TOWNSHIP = "东城街道"  # the county's economic development zone lies here

# name, township, households, buildings: the 12 sites of the default county.
SITES = (
    ("幸福家园", "东城街道", 1944, 33),
    ("阳光新城", "城关街道", 520, 10),
    ("和谐家园", "西城街道", 410, 8),
    ("安居苑", "南山街道", 300, 6),
    ("龙溪新居", "龙溪镇", 260, 6),
    ("石门安置点", "石门镇", 220, 5),
    ("清水新苑", "清水镇", 200, 5),
    ("桃源社区", "桃源镇", 180, 4),
    ("红岩小区", "红岩镇", 150, 4),
    ("兴隆佳苑", "兴隆镇", 140, 3),
    ("同心家园", "双河镇", 120, 3),
    ("惠民新村", "高峰镇", 100, 3),
)

_VILLAGE_NAMES = (
    "大坪", "石板", "青杠", "松林", "杨柳", "白果", "新田", "岩脚", "龙井", "水井", "茶园", "竹林",
    "凉水", "高山", "沙坝", "马鞍", "黄泥", "田坝", "核桃", "枫香", "桂花", "鱼塘", "青龙", "金星",
    "红星", "团结", "民主", "光明", "新华", "长春", "中心", "花园", "板桥", "平寨", "坪上", "木厂",
    "双龙", "关口", "新街", "河口", "营盘", "岩头", "小河", "大河", "箐口", "山脚", "坝子", "柏杨",
)  # fmt: skip

DEPARTMENTS = (
    "县经济开发区管委会", "县市场监管局", "县人社局", "县扶贫办", "县教育局", "县卫健局",
    "县住建局", "县交通运输局", "县农业农村局", "县财政局", "县民政局", "县自然资源局",
    "县水务局", "县商务局", "县林业局",
)  # fmt: skip

# The township grid: 6 × 5 cells around the county town, four corner cells left out (26 cells).
_GRID_COLS, _GRID_ROWS = 6, 5
_GRID_ORIGIN = (105.88, 27.21)
_CELL = (0.107, 0.098)
_DROPPED_CELLS = frozenset({(0, 0), (5, 0), (0, 4), (5, 4)})
_COUNTY_TOWN = (106.201, 27.455)
_GEO_SEED = 522424  # the boundaries do not depend on the demo's seed: they ship with the app

# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢龙安穆禄陶熊敖冉付韦"
)
_MALE_CHARS = "军伟强勇明华平刚林波涛斌超鹏辉杰峰磊俊龙兵成富贵江海忠国文武德洪祥福荣飞"
_FEMALE_CHARS = "芳英兰梅琴霞秀丽艳敏燕娟玲萍红珍凤莉婷雪慧琳芬仙菊桂春银翠蓉"
_MIDDLE_CHARS = "永正光德小大文明志开世家兴金玉春秋学朝定远建安"

_REF_DATE = np.datetime64("2020-12-31")  # ages are counted at the end of the last month
# domain.md's standards, which the ordinary data keeps and the planted abuses break.
LABOUR_AGES = (16, 65)  # a labour-force member's age at every day of a month they are one
TRANSPORT_PER_YEAR = 500  # 交通补贴 per person and calendar year
LIVING_PER_PAYMENT = 140  # 生活补贴: 20 yuan a day for up to 7 days
STABLE_MONTHS = 3  # 稳岗就业补贴 after this many months of (已就业, 县内务工)

# Status codes: the index in dom.STATUSES; `_LAB` marks a labour-force member whose 已就业 or
# 未就业 is decided month by month.
_EMPLOYED, _LAB, _STUDENT, _SOLDIER, _RETIRED, _OTHER = range(6)
_CAP_ABLE, _CAP_WEAK, _CAP_LOST, _CAP_NONE = range(4)

# Employment type codes: the index in dom.EMPLOYMENT_TYPES, plus the temporary epidemic posts of
# spring 2020, written as 公益性岗位.
_OUT, _INPROV, _COUNTY_JOB, _PUBLIC, _WORKSHOP, _HOME, _SELF, _FLEX = range(8)
_TEMP = 8
_MIGRANT = (_OUT, _INPROV)
_LOCAL_TYPES = (_WORKSHOP, _HOME, _SELF, _FLEX)

TRAINING_COURSES = (
    "家政", "月嫂", "电工", "焊工", "挖掘机", "烘焙", "电商", "厨师", "缝纫", "美容美发", "保安",
    "叉车", "种植养殖", "汽车维修",
)  # fmt: skip
_MALE_NEEDS = ("电工", "焊工", "挖掘机", "叉车", "汽车维修", "厨师", "保安", "电商")
_FEMALE_NEEDS = ("家政", "月嫂", "烘焙", "缝纫", "美容美发", "电商", "厨师")
_OLDER_NEEDS = ("种植养殖", "保安", "家政")
# course: (provider, days, training subsidy per certified trainee in yuan)
_COURSE_INFO = {
    "家政": ("县就业训练中心", 10, 1000),
    "月嫂": ("县就业训练中心", 15, 1500),
    "电工": ("县职业技术学校", 20, 1200),
    "焊工": ("县职业技术学校", 30, 1500),
    "挖掘机": ("县工程机械培训学校", 30, 2000),
    "烘焙": ("惠民职业培训学校", 10, 1000),
    "电商": ("县就业训练中心", 7, 600),
    "厨师": ("惠民职业培训学校", 15, 1200),
    "缝纫": ("惠民职业培训学校", 10, 800),
    "美容美发": ("惠民职业培训学校", 20, 1200),
    "保安": ("县就业训练中心", 5, 500),
    "叉车": ("县工程机械培训学校", 10, 1200),
    "种植养殖": ("县农业广播电视学校", 5, 400),
    "汽车维修": ("县职业技术学校", 30, 1500),
}

# ---------------------------------------------------------------------------------------------
# Jobs: employers and places, by employment type
# ---------------------------------------------------------------------------------------------

_OUT_PLACES = (
    ("浙江宁波", "宁波"), ("广东东莞", "东莞"), ("广东深圳", "深圳"), ("浙江温州", "温州"),
    ("福建晋江", "晋江"), ("江苏苏州", "苏州"), ("浙江义乌", "义乌"), ("广东佛山", "佛山"),
)  # fmt: skip
_IN_PROVINCE_PLACES = (
    ("贵州贵阳", "贵阳"), ("贵州遵义", "遵义"), ("贵州毕节", "毕节"), ("贵州六盘水", "六盘水"),
    ("贵州安顺", "安顺"),
)  # fmt: skip
_BRANDS = ("华丰", "永盛", "鑫达", "恒通", "宏远", "嘉美", "瑞丰", "金诚", "新亚", "立信")
_INDUSTRIES = ("电器", "电子", "鞋业", "服饰", "塑料制品", "五金", "包装", "建筑劳务")
_PARK_EMPLOYERS = (
    "恒丰鞋业有限公司", "鑫达电子有限公司", "顺和皮具有限公司", "博远科技有限公司",
    "黔丰食品有限公司", "宏达线缆有限公司", "兴农茶业有限公司", "金穗米业有限公司",
    "安顺达物流有限公司", "惠民建筑劳务有限公司",
)  # fmt: skip
_HOME_EMPLOYERS = ("顺和皮具有限公司", "鑫达电子有限公司", "宏达线缆有限公司", "恒丰鞋业有限公司")
_WORKSHOP_PRODUCTS = ("服装加工", "鞋材加工", "电子组装", "箱包加工", "假发加工", "手工编织")
_SHOPS = ("小吃店", "便利店", "理发店", "农家乐", "养殖场", "五金店", "快递代收点", "早餐店")
_FLEX_PLACES = ("蔬菜基地", "茶叶基地", "县城建筑工地", "零工市场", "中药材基地")
_FLEX_EMPLOYER = "县惠农就业劳务有限公司"
_SITE_POSTS = ("保洁员", "保安员", "绿化管护员")
_VILLAGE_POSTS = ("护林员", "护河员", "护路员")

# Monthly income: (low, high) in yuan; flexible work is paid by the day (80–100 yuan).
_INCOME = {
    _OUT: (3800, 6500),
    _INPROV: (3000, 5000),
    _COUNTY_JOB: (2200, 3800),
    _WORKSHOP: (1800, 3000),
    _HOME: (900, 2000),
    _SELF: (2500, 6000),
}
PUBLIC_POST_PAY = 800  # 公益性岗位补贴 per month, also the post holder's income
FLOOR_MANAGER_PAY = 400  # 楼层管理员补贴 per month (Jinsha)
HOUSEHOLDS_PER_FLOOR_MANAGER = 12

# ---------------------------------------------------------------------------------------------
# The employment curve
# ---------------------------------------------------------------------------------------------

# Employment rate before seasonal effects: 92.5 % in January 2019 rising to 95.2 % in Dec 2020.
_TREND = (dt.date(2019, 1, 1), 0.925, LAST_MONTH, 0.952)
# Spring Festival: workers come home and some look for a new job afterwards.
_SPRING_DIP = {1: 0.008, 2: 0.025, 3: 0.01}
# COVID-19: return to work stopped for weeks in February 2020, recovery by the summer.
_COVID_DIP = {(2020, 2): 0.16, (2020, 3): 0.10, (2020, 4): 0.045, (2020, 5): 0.02, (2020, 6): 0.008}
# Share of migrant workers on a temporary epidemic post or a local job instead, by month.
_COVID_DIVERSION = {
    (2020, 2): 0.30,
    (2020, 3): 0.28,
    (2020, 4): 0.18,
    (2020, 5): 0.1,
    (2020, 6): 0.04,
}
# Who is out of work first: a score penalty by month for migrant workers (out of province, in
# province), so that the dips fall on them rather than on everybody.
_SPRING_PENALTY = {1: (0.4, 0.2), 2: (1.0, 0.6), 3: (0.4, 0.2)}
_COVID_PENALTY = {(2020, 2): (2.5, 2.0), (2020, 3): (2.0, 1.5), (2020, 4): (1.2, 0.8),
                  (2020, 5): (0.8, 0.5), (2020, 6): (0.3, 0.2)}  # fmt: skip
_NOISE, _NOISE_MEMORY = 0.26, 0.6  # month-to-month churn: dozens of changes a month


def employment_rate_plan(month: dt.date) -> float:
    """The demo county's employment rate in `month` (the simulation hits it to one person)."""
    start, low, end, high = _TREND
    span = (end.year - start.year) * 12 + end.month - start.month
    done = (month.year - start.year) * 12 + month.month - start.month
    rate = low + (high - low) * min(max(done / span, 0.0), 1.0)
    return rate - _SPRING_DIP.get(month.month, 0.0) - _COVID_DIP.get((month.year, month.month), 0)


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, n: int, probs: Sequence[float]) -> np.ndarray:
    """`n` draws of the indices 0..len(probs)-1 with the given (relative) weights."""
    cum = np.cumsum(np.asarray(probs, dtype=float))
    return np.searchsorted(cum / cum[-1], rng.random(n), side="right").astype(np.int64)


def _take(values: Sequence[str] | pl.Series, codes: np.ndarray) -> pl.Series:
    """The strings `values[codes]`; a negative code gives null."""
    series = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    idx = pl.Series(codes.astype(np.int64))
    return series.gather(pl.select(pl.when(idx >= 0).then(idx)).to_series())


def _month_dates(months: int) -> list[dt.date]:
    """The first days of the `months` reporting months that end with LAST_MONTH."""
    first = LAST_MONTH.year * 12 + LAST_MONTH.month - 1 - (months - 1)
    return [dt.date((first + i) // 12, (first + i) % 12 + 1, 1) for i in range(months)]


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _full_years(birth: pl.Series, days: Sequence[dt.date]) -> np.ndarray:
    """Age in full years of each birth date (rows) on each of `days` (columns), as the audit
    counts it from the ID number."""
    b = birth.to_numpy().astype("datetime64[D]")
    # Small integers: persons × months of int64 would take gigabytes at a province's size.
    b_year = (b.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16)[:, None]
    b_month = (b.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int8)[:, None]
    b_day = ((b - b.astype("datetime64[M]")).astype(np.int64) + 1).astype(np.int8)[:, None]
    year, month, day = (
        np.array([getattr(d, a) for d in days], dtype=t)
        for a, t in (("year", np.int16), ("month", np.int8), ("day", np.int8))
    )
    ahead = (month < b_month) | ((month == b_month) & (day < b_day))
    return year - b_year - ahead.astype(np.int16)


def _working_age(birth: pl.Series, months: int) -> np.ndarray:
    """Persons × months: within LABOUR_AGES on every day of the month (on its first day at
    least the youngest age, on its last at most the oldest), so that any payment of the month
    finds them of working age too."""
    dates = _month_dates(months)
    low, high = LABOUR_AGES
    return (_full_years(birth, dates) >= low) & (
        _full_years(birth, [_month_end(d) for d in dates]) <= high
    )


def _phones(rng: np.random.Generator, n: int) -> pl.Series:
    prefixes = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 157,
                         158, 159, 177, 180, 182, 183, 185, 187, 188, 189, 198, 199])  # fmt: skip
    numbers = prefixes[rng.integers(0, len(prefixes), n)] * 10**8 + rng.integers(0, 10**8, n)
    return pl.Series(numbers).cast(pl.String)


def _names(rng: np.random.Generator, surname_idx: np.ndarray, male: np.ndarray) -> pl.Series:
    """Surname + one or two given-name characters by gender."""
    n = len(surname_idx)
    male_char = _take(_MALE_CHARS, rng.integers(0, len(_MALE_CHARS), n))
    female_char = _take(_FEMALE_CHARS, rng.integers(0, len(_FEMALE_CHARS), n))
    middle = rng.integers(0, len(_MIDDLE_CHARS), n)
    middle[rng.random(n) < 0.3] = -1  # a third of the names have a single given character
    frame = pl.DataFrame(
        {
            "s": _take(_SURNAMES, surname_idx),
            "m": _take(_MIDDLE_CHARS, middle).fill_null(""),
            "g": male,
            "mc": male_char,
            "fc": female_char,
        }
    )
    return frame.select(
        pl.concat_str("s", "m", pl.when("g").then("mc").otherwise("fc")).alias("name")
    ).to_series()


def _surname_draw(rng: np.random.Generator, n: int) -> np.ndarray:
    # Common surnames come first in _SURNAMES: weight them by a Zipf-like curve.
    return _pick(rng, n, 1.0 / np.arange(1, len(_SURNAMES) + 1) ** 0.7)


# ---------------------------------------------------------------------------------------------
# Township boundaries
# ---------------------------------------------------------------------------------------------


def _grid_cells() -> list[tuple[int, int]]:
    """The 26 grid cells, nearest to the county town first (street offices take those)."""
    cells = [
        (i, j) for j in range(_GRID_ROWS) for i in range(_GRID_COLS) if (i, j) not in _DROPPED_CELLS
    ]
    centre = (_GRID_COLS / 2, _GRID_ROWS / 2)
    return sorted(
        cells,
        key=lambda c: ((c[0] + 0.5 - centre[0]) ** 2 + (c[1] + 0.5 - centre[1]) ** 2, c[1], c[0]),
    )


def township_rings() -> dict[str, list[tuple[float, float]]]:
    """Each township's boundary ring (lon, lat), counter-clockwise and closed.

    A jittered grid: neighbouring cells share their corner points and the jittered points along
    their common edge, so the townships tile the county without gaps or overlaps.
    """
    rng = np.random.default_rng(_GEO_SEED)
    (lon0, lat0), (dx, dy) = _GRID_ORIGIN, _CELL
    jitter = rng.uniform(-0.28, 0.28, size=(_GRID_COLS + 1, _GRID_ROWS + 1, 2))
    corners = {
        (i, j): (lon0 + (i + jitter[i, j, 0]) * dx, lat0 + (j + jitter[i, j, 1]) * dy)
        for i in range(_GRID_COLS + 1)
        for j in range(_GRID_ROWS + 1)
    }
    bends = rng.uniform(-0.12, 0.12, size=(2, _GRID_COLS + 1, _GRID_ROWS + 1, 2))

    def edge(a: tuple[int, int], b: tuple[int, int], kind: int) -> list[tuple[float, float]]:
        """Two bent points between corners a and b, in the direction a → b.

        They are computed from the lower corner to the higher one whichever way the edge is
        walked, so that both cells along an edge get the same points.
        """
        lo, hi = min(a, b), max(a, b)
        (ax, ay), (bx, by) = corners[lo], corners[hi]
        nx, ny = -(by - ay), bx - ax  # perpendicular, as long as the edge
        points = [
            (ax + t * (bx - ax) + s * nx, ay + t * (by - ay) + s * ny)
            for t, s in zip((1 / 3, 2 / 3), bends[kind, lo[0], lo[1]], strict=True)
        ]
        return points if a == lo else points[::-1]

    rings = {}
    for name, (i, j) in zip(TOWNSHIPS, _grid_cells(), strict=True):
        bl, br, tr, tl = (i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)
        ring = [corners[bl], *edge(bl, br, 0), corners[br], *edge(br, tr, 1), corners[tr]]
        ring += [*edge(tr, tl, 0), corners[tl], *edge(tl, bl, 1), corners[bl]]
        rings[name] = [(round(x, 5), round(y, 5)) for x, y in ring]
    return rings


def township_geojson() -> dict:
    """The demo county's township boundaries as a GeoJSON FeatureCollection (synthetic)."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": name, "synthetic": True},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
        }
        for name, ring in township_rings().items()
    ]
    return {
        "type": "FeatureCollection",
        "name": "演示县乡镇界线（虚构）",
        "description": "Synthetic township boundaries of the fictional demo county: a jittered "
        "grid around 106.2°E 27.45°N, not real borders. 虚构数据，仅供演示。",
        "synthetic": True,
        "features": features,
    }


def write_township_geojson(path: Path) -> Path:
    """Write the boundaries, one feature per line (readable diffs of the committed file)."""
    collection = township_geojson()
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    ]
    text = (
        json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _centroids() -> dict[str, tuple[float, float]]:
    return {
        name: (float(np.mean([p[0] for p in ring[:-1]])), float(np.mean([p[1] for p in ring[:-1]])))
        for name, ring in township_rings().items()
    }


# ---------------------------------------------------------------------------------------------
# The county's layout: sites, buildings, villages, households
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    sites: pl.DataFrame  # site, township, lon, lat, buildings, households
    buildings: pl.DataFrame  # site_idx, building, households, captain, department, captain_phone
    villages: pl.DataFrame  # township_idx, village; a village's code is its row
    households: pl.DataFrame  # site_idx, building_idx, unit, room, township_idx, village_idx, ...


def _site_plan(persons: int) -> list[tuple[str, str, int, int]]:
    """(site, township, households, buildings): the 12 sites, scaled to `persons`.

    At the default size this is SITES itself. Larger counties repeat the 12 sites (幸福家园2区, …)
    so that sites and buildings keep their sizes; smaller ones shrink them.
    """
    factor = persons / DEFAULT_PERSONS
    copies = max(1, round(factor))
    share = factor / copies
    return [
        (
            name if k == 0 else f"{name}{k + 1}区",
            township,
            max(1, round(households * share)),
            max(1, round(buildings * share)),
        )
        for k in range(copies)
        for name, township, households, buildings in SITES
    ]


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights` that add up to exactly `total` (largest remainder)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(counts - exact, kind="stable")[: total - counts.sum()]] += 1
    return counts


def _layout(rng: np.random.Generator, persons: int, months: int) -> _Layout:
    plan = _site_plan(persons)
    township_idx = {name: i for i, name in enumerate(TOWNSHIPS)}
    centres = _centroids()

    # Sites: near their township's centre, pulled towards the county town.
    offsets = rng.uniform(-0.012, 0.012, size=(len(plan), 2))
    lon, lat = [], []
    for (_, township, _, _), (ox, oy) in zip(plan, offsets, strict=True):
        cx, cy = centres[township]
        lon.append(round(cx + 0.3 * (_COUNTY_TOWN[0] - cx) + ox, 5))
        lat.append(round(cy + 0.3 * (_COUNTY_TOWN[1] - cy) + oy, 5))
    sites = pl.DataFrame(
        {
            "site": [p[0] for p in plan],
            "township": [p[1] for p in plan],
            "lon": lon,
            "lat": lat,
            "buildings": [p[3] for p in plan],
            "households": [p[2] for p in plan],
        }
    )

    # Buildings: the site's households split unevenly; one captain from a paired department each.
    b_site = np.repeat(np.arange(len(plan)), [p[3] for p in plan])
    b_number = np.concatenate([np.arange(1, p[3] + 1) for p in plan])
    b_households = np.concatenate([_split(p[2], rng.uniform(0.85, 1.15, p[3])) for p in plan])
    captain_male = rng.random(len(b_site)) < 0.7
    buildings = pl.DataFrame(
        {
            "site_idx": b_site,
            "building": [f"{n}栋" for n in b_number],
            "households": b_households,
            "captain": _names(rng, _surname_draw(rng, len(b_site)), captain_male),
            "department": _take(DEPARTMENTS, (np.arange(len(b_site)) + rng.integers(0, 15)) % 15),
            "captain_phone": _phones(rng, len(b_site)),
        }
    )

    # Villages of origin: 8–11 per township (the county has about 242).
    per_town = rng.integers(8, 12, len(TOWNSHIPS))
    village_names = [
        f"{_VILLAGE_NAMES[k]}村"
        for n in per_town
        for k in rng.choice(len(_VILLAGE_NAMES), n, replace=False)
    ]
    villages = pl.DataFrame(
        {"township_idx": np.repeat(np.arange(len(TOWNSHIPS)), per_town), "village": village_names}
    )
    village_start = np.concatenate([[0], np.cumsum(per_town)[:-1]])

    # Households: rooms unit-floorNN, two flats per floor and unit, a few flats left empty.
    h_building = np.repeat(np.arange(len(b_site)), b_households)
    units, rooms = [], []
    for n in b_households:
        n_units = 1 if n <= 30 else (2 if n <= 80 else 3)
        floors = math.ceil(n / (2 * n_units)) + int(rng.random() < 0.5)
        slots = np.sort(rng.choice(n_units * floors * 2, n, replace=False))
        unit, rest = np.divmod(slots, floors * 2)
        floor, flat = np.divmod(rest, 2)
        units.extend(f"{u + 1}单元" for u in unit)
        rooms.extend(
            f"{u + 1}-{f + 1}{r + 1:02d}" for u, f, r in zip(unit, floor, flat, strict=True)
        )
    h_site = b_site[h_building]

    # Township of origin: county-town sites draw from the whole county, township sites mostly
    # from their own township and its nearest neighbours.
    coords = np.array([centres[t] for t in TOWNSHIPS])
    h_town = np.empty(len(h_site), dtype=np.int64)
    for s, (_, township, _, _) in enumerate(plan):
        mine = np.flatnonzero(h_site == s)
        home = township_idx[township]
        if home < _STREET_OFFICES:
            weights = rng.uniform(0.5, 1.5, len(TOWNSHIPS))
            weights[:_STREET_OFFICES] = 0.05
        else:
            distance = np.hypot(*(coords - coords[home]).T)
            weights = np.zeros(len(TOWNSHIPS))
            weights[np.argsort(distance)[1:4]] = 0.1
            weights[home] = 0.7
        h_town[mine] = _pick(rng, len(mine), weights)
    h_village = village_start[h_town] + (rng.random(len(h_town)) * per_town[h_town]).astype(
        np.int64
    )

    # Most households were lifted out of poverty (脱贫户); a few are monitored; a few moved with
    # them without being registered as poor (no monitoring type).
    monitoring = _pick(rng, len(h_site), (0.85, 0.06, 0.04, 0.01, 0.04))
    monitoring[monitoring == 4] = -1
    # A few households moved in during the first months of the window.
    join = np.zeros(len(h_site), dtype=np.int64)
    late = rng.random(len(h_site)) < (0.03 if months > 1 else 0.0)
    join[late] = rng.integers(1, max(2, min(9, months)), late.sum())
    households = pl.DataFrame(
        {
            "site_idx": h_site,
            "building_idx": h_building,
            "unit": units,
            "room": rooms,
            "township_idx": h_town,
            "village_idx": h_village,
            "monitoring": monitoring,
            "join": join,
        }
    )
    return _Layout(sites=sites, buildings=buildings, villages=villages, households=households)


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------

_JINSHA_CODES = ((522424, 522425, 522426), (520523, 520524, 520525))  # before / from 2011
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _id_numbers(birth: np.ndarray, male: np.ndarray) -> pl.Series:
    """Valid, unique 18-character ID numbers (GB 11643) for the given birth dates and genders.

    The region code is Jinsha's for the birth year; the sequence number is odd for men. When
    one birth date and gender hold more than 499 people (only at the largest scales), the next
    ones get a neighbouring county's code.
    """
    days = birth.astype("datetime64[D]").astype(np.int64)
    rank = (
        pl.DataFrame({"d": days, "m": male})
        .select(pl.int_range(pl.len()).over("d", "m"))
        .to_series()
        .to_numpy()
    )
    if rank.max(initial=0) >= 499 * len(_JINSHA_CODES[0]):
        raise ValueError("too many persons share a birth date for unique ID numbers")
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = days - birth.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + 1
    region = np.where(
        year < 2011,
        np.array(_JINSHA_CODES[0])[rank // 499],
        np.array(_JINSHA_CODES[1])[rank // 499],
    )
    # The sequence numbers of one birth date start at a date-dependent place, not always at 001.
    seq = 2 * ((rank % 499 + days * 7919) % 499) + np.where(male, 1, 2)
    s17 = region * 10**11 + (year * 10_000 + month * 100 + day) * 1000 + seq
    digits = (s17[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = (digits * _ID_WEIGHTS).sum(axis=1) % 11
    return (
        pl.DataFrame({"s": s17, "c": _take("10X98765432", check)})
        .select(pl.concat_str(pl.col("s").cast(pl.String), "c"))
        .to_series()
    )


def _people(rng: np.random.Generator, layout: _Layout, persons: int, months: int) -> pl.DataFrame:
    """Everyone who lives in the county during the window, with what does not change monthly.

    Codes index the tuples of analytics.domain; -1 is empty. `st_a`/`st_b`/`switch` say the
    status before and from month `switch` (a school leaver, a recruit, a retiree);
    `type_a`/`type_b`/`type_switch` the same for the usual employment type (a job change).
    """
    people = _members(rng, layout, persons, months)
    people = _life_courses(rng, layout, people, months)
    people = _working_lives(rng, layout, people, months)
    return people.with_columns(floor_manager=_floor_managers(rng, layout, people, months))


def _members(rng: np.random.Generator, layout: _Layout, persons: int, months: int) -> pl.DataFrame:
    """Households of 1–6 (exactly `persons` in all): relation, age, gender, name, ID, phone."""
    n_hh = layout.households.height
    sizes = 1 + _pick(rng, n_hh, (0.08, 0.15, 0.20, 0.25, 0.20, 0.12))
    while (diff := persons - int(sizes.sum())) != 0:
        room = np.flatnonzero(sizes < 7) if diff > 0 else np.flatnonzero(sizes > 1)
        chosen = rng.choice(room, min(abs(diff), len(room)), replace=False)
        sizes[chosen] += 1 if diff > 0 else -1
    n = int(sizes.sum())
    hh = np.repeat(np.arange(n_hh), sizes)
    pos = np.arange(n) - np.concatenate([[0], np.cumsum(sizes)[:-1]])[hh]

    # The head's age and gender; the others' relations and ages follow from the head's.
    elderly = rng.random(n_hh) < np.where(sizes == 1, 0.6, 0.2)
    head_age = np.where(elderly, rng.normal(67, 7, n_hh), rng.normal(43, 10, n_hh))
    head_age = head_age.clip(22, 88)[hh]
    head_male = (rng.random(n_hh) < 0.85)[hh]
    rel = np.array([2, 3, 4, 5])[_pick(rng, n, (0.56, 0.21, 0.19, 0.04))]
    rel[(rel == 3) & (head_age > 58)] = 2  # parents live with younger heads
    rel[(rel == 4) & (head_age < 45)] = 2  # grandchildren with older ones
    rel[(pos == 1) & (rng.random(n) < 0.85)] = 1
    rel[pos == 0] = 0
    age = np.select(
        [rel == 0, rel == 1, rel == 2, rel == 3, rel == 4],
        [
            head_age,
            (head_age + rng.normal(-2, 4, n)).clip(20, 92),
            head_age - rng.uniform(22, 38, n),
            (head_age + rng.uniform(22, 32, n)).clip(None, 95),
            rng.uniform(0, 1, n) * (head_age - 40).clip(1, 16),
        ],
        (head_age + rng.uniform(-10, 10, n)).clip(16, 90),
    )
    age = np.where(age < 0, rng.uniform(0, 3, n), age).astype(np.int64)
    male = np.where(rel == 0, head_male, np.where(rel == 1, ~head_male, rng.random(n) < 0.5))
    birth = _REF_DATE - (age * 365.25 + rng.uniform(1, 364, n)).astype("timedelta64[D]")
    first = np.datetime64(_month_dates(months)[0], "M")

    # Children, grandchildren, siblings and fathers carry the head's surname.
    hh_surname = _surname_draw(rng, n_hh)[hh]
    own = (rel == 1) | ((rel == 3) & ~male)
    surname = np.where(own, _surname_draw(rng, n), hh_surname)
    no_phone = (age < 16) | ((age >= 75) & (rng.random(n) < 0.5))
    return pl.DataFrame(
        {
            "hh": hh,
            "surname": surname,
            "relation": rel,
            "name": _names(rng, surname, male),
            "id_number": _id_numbers(birth, male),
            "gender": np.where(male, 0, 1),
            "male": male,
            "age": age,
            "birth": pl.Series(birth.astype("datetime64[D]"), dtype=pl.Date),
            "born": (birth.astype("datetime64[M]") - first).astype(np.int64),  # month index
            "phone": _phones(rng, n).set(pl.Series(no_phone), None),
        }
    )


def _life_courses(
    rng: np.random.Generator, layout: _Layout, people: pl.DataFrame, months: int
) -> pl.DataFrame:
    """Capacity, status and education by age; status changes inside the window (school leavers
    in July, recruits and veterans in September, retirements); arrivals (late households,
    births, marriages) and departures (marriages, deaths)."""
    n = people.height
    age, male, rel = (people[c].to_numpy() for c in ("age", "male", "relation"))
    cap = np.full(n, _CAP_NONE)
    st = np.full(n, _OTHER)
    edu = np.full(n, -1)
    r = rng.random(n)
    school = (age >= 6) & (age <= 15)
    st[school] = _STUDENT
    edu[school] = np.where(age[school] <= 12, 0, 1)
    young = (age >= 16) & (age <= 22)
    stay_rate = np.array([0.8, 0.75, 0.6, 0.4, 0.35, 0.3, 0.2])[(age.clip(16, 22) - 16)]
    student = young & (r < stay_rate) & (rel != 1)  # a spouse has left school
    st[student], cap[student] = _STUDENT, _CAP_ABLE
    edu[student] = np.where(age[student] <= 18, 2, 3)
    leaver = young & ~student
    soldier = leaver & male & (age >= 18) & (rng.random(n) < 0.07)
    cap[leaver] = np.where(rng.random(leaver.sum()) < 0.97, _CAP_ABLE, _CAP_WEAK)
    st[leaver] = np.where(soldier[leaver], _SOLDIER, _LAB)
    edu[leaver] = np.where(rng.random(leaver.sum()) < 0.65, 1, 2)
    adult = (age >= 23) & (age <= 59)
    cap[adult] = _pick(rng, adult.sum(), (0.79, 0.08, 0.08, 0.05))
    edu[adult] = np.where(
        age[adult] < 40,
        _pick(rng, adult.sum(), (0.2, 0.55, 0.18, 0.07)),
        _pick(rng, adult.sum(), (0.55, 0.4, 0.05, 0.0)),
    )
    older = (age >= 60) & (age <= 69)
    old = age >= 70
    cap[older] = _pick(rng, older.sum(), (0.2, 0.45, 0.3, 0.05))
    cap[old] = _pick(rng, old.sum(), (0.0, 0.15, 0.6, 0.25))
    edu[older | old] = np.where(rng.random((older | old).sum()) < 0.9, 0, 1)
    able = cap <= _CAP_WEAK
    st[adult & able] = _LAB
    # Women of 55–59 are past the labour age of most ledgers; about half still work.
    st[adult & able & ~male & (age >= 55) & (r < 0.5)] = _OTHER
    aged = older | old
    still_working = np.where(older, 0.4, 0.2)
    st[aged] = np.where(
        able[aged] & (r[aged] < still_working[aged]),
        _LAB,
        np.where(rng.random(aged.sum()) < 0.6, _RETIRED, _OTHER),
    )

    first = _month_dates(months)[0]
    switch = np.full(n, months)
    st_b = st.copy()
    year = np.where(rng.random(n) < 0.5, 2019, 2020)
    july = (year - first.year) * 12 + 7 - first.month  # month index, may lie outside
    september = july + 2
    leaves_school = (st == _STUDENT) & (age >= 16) & (age <= 19) & (rng.random(n) < 0.22)
    edu[leaves_school] = np.where(age[leaves_school] <= 17, 1, 2)
    st[leaves_school & (july < 0)] = _LAB  # left before the window opened
    during = leaves_school & (july >= 0) & (july < months)
    switch[during], st_b[during] = july[during], _LAB
    recruit = (st == _LAB) & male & (age >= 18) & (age <= 21) & (rng.random(n) < 0.03)
    veteran = (st == _SOLDIER) & (rng.random(n) < 0.3)
    for who, becomes in ((recruit, _SOLDIER), (veteran, _LAB)):
        who &= (september > 0) & (september < months)
        switch[who], st_b[who] = september[who], becomes
    retire = (st == _LAB) & (age >= 60) & (age <= 66) & (rng.random(n) < 0.08) & (months > 1)
    switch[retire] = rng.integers(1, max(2, months), retire.sum())
    st_b[retire] = _RETIRED
    ever_lab = (st == _LAB) | (st_b == _LAB)

    moved_in = layout.households["join"].to_numpy()[people["hh"].to_numpy()]
    join = np.maximum(moved_in, people["born"].to_numpy().clip(0, None))
    if months > 1:
        married_in = (rel == 1) & (age < 35) & (rng.random(n) < 0.15)
        join[married_in] = np.maximum(join[married_in], rng.integers(1, months, married_in.sum()))
    leave = np.full(n, months)
    go = (((rel == 3) & (age >= 70) & (rng.random(n) < 0.08))
          | ((rel == 2) & ~male & (age >= 19) & (age <= 28) & (rng.random(n) < 0.12)))  # fmt: skip
    go &= join + 1 < months
    leave[go] = rng.integers(join[go] + 1, months)
    return people.with_columns(
        education=edu,
        capacity=cap,
        st_a=st,
        st_b=st_b,
        switch=switch,
        join=join,
        leave=leave,
        ever_lab=ever_lab,
        two_after=ever_lab & (age >= 16) & (age <= 24) & ((edu == 1) | (edu == 2)),
    )


def _working_lives(
    rng: np.random.Generator, layout: _Layout, people: pl.DataFrame, months: int
) -> pl.DataFrame:
    """Three-no people; the usual employment type (and a job change for some); wishes and
    training needs; employability."""
    n = people.height
    age, male, cap, ever_lab = (
        people[c].to_numpy() for c in ("age", "male", "capacity", "ever_lab")
    )
    edu = people["education"].to_numpy()
    # Little schooling or weak, middle-aged: mostly on public-welfare posts.
    three_no = ever_lab & (age >= 35) & (age <= 64)
    three_no &= ((edu == 0) & (rng.random(n) < 0.2)) | ((cap == _CAP_WEAK) & (rng.random(n) < 0.3))

    group = np.select([three_no, cap == _CAP_WEAK, age >= 50], [0, 1, 2], 3)
    type_probs = (
        (0, 0, 0, 0.8, 0.1, 0.1, 0, 0),
        (0, 0, 0, 0.35, 0.2, 0.25, 0, 0.2),
        (0.06, 0.06, 0.25, 0.12, 0.14, 0.1, 0.02, 0.25),
        (0.42, 0.16, 0.17, 0.02, 0.08, 0.04, 0.04, 0.07),
    )

    def usual_type() -> np.ndarray:
        drawn = np.full(n, -1)
        for g, probs in enumerate(type_probs):
            mine = ever_lab & (group == g)
            drawn[mine] = _pick(rng, mine.sum(), probs)
        return drawn

    type_a = usual_type()
    type_b = usual_type()
    changes = ever_lab & (rng.random(n) < 0.15) & (months > 1)
    type_switch = np.where(changes, rng.integers(1, max(2, months), n), months)
    type_b = np.where(changes, type_b, type_a)

    wish_probs = ((0, 0.2, 0.8, 0, 0), (0.8, 0.15, 0, 0.05, 0), (0, 0.3, 0.4, 0, 0.3),
                  (0.1, 0.65, 0.1, 0.1, 0.05))  # fmt: skip
    wish_group = np.select([three_no, np.isin(type_a, _MIGRANT), age >= 55], [0, 1, 2], 3)
    wish = np.full(n, -1)
    for g, probs in enumerate(wish_probs):
        mine = ever_lab & (wish_group == g)
        wish[mine] = _pick(rng, mine.sum(), probs)
    need = np.full(n, -1)
    pool = np.select([age >= 50, male], [0, 1], 2)
    wants = ever_lab & (rng.random(n) < 0.6)
    for p, courses in enumerate((_OLDER_NEEDS, _MALE_NEEDS, _FEMALE_NEEDS)):
        mine = wants & (pool == p)
        codes = np.array([TRAINING_COURSES.index(c) for c in courses])
        need[mine] = codes[rng.integers(0, len(courses), mine.sum())]

    # Employability: a household part (monitored households fare worse), a personal part, and
    # the stability of the usual job.
    monitored = layout.households["monitoring"].to_numpy() >= 1
    hh_effect = rng.normal(0, 1, len(monitored)) - 0.6 * monitored
    bonus = np.array([0, 0, 0.3, 1.0, 0.5, 0.3, 0.8, 0, 0])
    z = 0.6 * hh_effect[people["hh"].to_numpy()] + 0.8 * rng.normal(0, 1, n)
    return people.with_columns(
        three_no=three_no,
        type_a=type_a,
        type_b=type_b,
        type_switch=type_switch,
        wish=wish,
        wish_always=rng.random(n) < 0.25,  # shown even when employed
        need=need,
        need_always=rng.random(n) < 0.2,
        z=z + bonus[type_a] - 0.3 * three_no,
        u_job=rng.random(n),
        u_pay=rng.random(n),
        u_covid=rng.random(n),
    )


def _floor_managers(
    rng: np.random.Generator, layout: _Layout, people: pl.DataFrame, months: int
) -> pl.Series:
    """One floor manager per 12 households of a building (楼层管理员): residents of working age
    who stay all window, always work close to home, and hold no public-welfare post (that would
    be two posts).
    """
    building = layout.households.get_column("building_idx").to_numpy()[people["hh"].to_numpy()]
    quota = np.ceil(layout.buildings["households"].to_numpy() / HOUSEHOLDS_PER_FLOOR_MANAGER)
    eligible = (
        (people["st_a"] == _LAB)
        & (people["st_b"] == _LAB)
        & pl.Series(_working_age(people["birth"], months).all(axis=1))
        & (people["join"] == 0)
        & (people["leave"] == months)
        & people["type_a"].is_in(_LOCAL_TYPES)
        & (people["type_a"] == people["type_b"])
        & ~people["three_no"]
    ).to_numpy()
    key = np.where(eligible, rng.random(people.height), np.inf)
    rank = (
        pl.DataFrame({"b": building, "k": key})
        .select(pl.col("k").rank("ordinal").over("b"))
        .to_series()
        .to_numpy()
    )
    return pl.Series(eligible & (rank <= quota[building]))


# ---------------------------------------------------------------------------------------------
# Jobs and the monthly simulation
# ---------------------------------------------------------------------------------------------


def _jobs(
    rng: np.random.Generator, layout: _Layout, people: pl.DataFrame
) -> tuple[pl.DataFrame, np.ndarray]:
    """The county's jobs (employer, work place, and the township and site that employer
    subsidies are placed at), and for each person the job they hold in each employment type.

    A person keeps the same employer in a type month after month: the job is drawn once.
    """
    sites = layout.sites
    site_names = sites["site"].to_list()
    site_towns = sites["township"].to_list()
    rows: list[tuple[str, str, str | None, str | None, int]] = []

    def block(entries: list[tuple[str, str, str | None, str | None]], kind: int) -> int:
        rows.extend((*entry, kind) for entry in entries)
        return len(rows) - len(entries)

    def companies(places: Sequence[tuple[str, str]], per_place: int) -> list:
        combos = [(b, i) for b in _BRANDS for i in _INDUSTRIES]
        return [
            (f"{city}{combos[k][0]}{combos[k][1]}有限公司", place, None, None)
            for place, city in places
            for k in rng.choice(len(combos), per_place, replace=False)
        ]

    out = block(companies(_OUT_PLACES, 3), _OUT)
    inprov = block(companies(_IN_PROVINCE_PLACES, 3), _INPROV)
    park = block([(e, "县经济开发区", PARK_TOWNSHIP, None) for e in _PARK_EMPLOYERS], _COUNTY_JOB)
    site_posts = block(
        [
            (f"{site}社区居委会", f"{site}（{post}）", town, site)
            for site, town in zip(site_names, site_towns, strict=True)
            for post in _SITE_POSTS
        ],
        _PUBLIC,
    )
    village_town = layout.villages["township_idx"].to_list()
    village_posts = block(
        [
            (f"{TOWNSHIPS[t]}人民政府", f"{TOWNSHIPS[t]}{v}（{post}）", TOWNSHIPS[t], None)
            for t, v in zip(village_town, layout.villages["village"], strict=True)
            for post in _VILLAGE_POSTS
        ],
        _PUBLIC,
    )
    # Workshops: one per site, two from 300 households, three from 1,000 (上楼居住，下楼就业).
    n_workshops = (
        1 + (sites["households"].to_numpy() >= 300) + (sites["households"].to_numpy() >= 1000)
    )
    workshop_at = np.concatenate([[0], np.cumsum(n_workshops)[:-1]])
    workshops = block(
        [
            (f"{site}扶贫车间（{_WORKSHOP_PRODUCTS[product]}）", site, town, site)
            for site, town, n in zip(site_names, site_towns, n_workshops, strict=True)
            for product in rng.choice(len(_WORKSHOP_PRODUCTS), n, replace=False)
        ],
        _WORKSHOP,
    )
    home = block(
        [(f"{e}（来料加工）", "居家", PARK_TOWNSHIP, None) for e in _HOME_EMPLOYERS], _HOME
    )
    shops = block(
        [
            (f"{surname}记{shop}", town, town, None)
            for surname in _SURNAMES
            for shop in _SHOPS
            for town in TOWNSHIPS
        ],
        _SELF,
    )
    flex = block([(_FLEX_EMPLOYER, place, PARK_TOWNSHIP, None) for place in _FLEX_PLACES], _FLEX)
    temp = block(
        [(f"{site}社区居委会", f"{site}（疫情防控临时岗）", town, site)
         for site, town in zip(site_names, site_towns, strict=True)],
        _TEMP,
    )  # fmt: skip
    table = pl.DataFrame(
        rows, schema=["employer", "work_place", "township", "site", "kind"], orient="row"
    )

    hh = people["hh"].to_numpy()
    site = layout.households["site_idx"].to_numpy()[hh]
    village = layout.households["village_idx"].to_numpy()[hh]
    site_town = np.array([TOWNSHIPS.index(t) for t in site_towns])[site]
    u = people["u_job"].to_numpy()

    def pick(k: int) -> np.ndarray:
        """One of k jobs; the same draw serves every type."""
        return (u * k).astype(np.int64)

    on_site = u < 0.45
    codes = np.empty((people.height, 9), dtype=np.int32)
    codes[:, _OUT] = out + pick(len(_OUT_PLACES) * 3)
    codes[:, _INPROV] = inprov + pick(len(_IN_PROVINCE_PLACES) * 3)
    codes[:, _COUNTY_JOB] = park + pick(len(_PARK_EMPLOYERS))
    post = (np.where(on_site, u / 0.45, (u - 0.45) / 0.55) * 3).astype(np.int64)
    codes[:, _PUBLIC] = np.where(on_site, site_posts + 3 * site, village_posts + 3 * village) + post
    codes[:, _WORKSHOP] = workshops + workshop_at[site] + (u * n_workshops[site]).astype(np.int64)
    codes[:, _HOME] = home + pick(len(_HOME_EMPLOYERS))
    shop = pick(len(_SHOPS))
    codes[:, _SELF] = (
        shops + (people["surname"].to_numpy() * len(_SHOPS) + shop) * len(TOWNSHIPS) + site_town
    )
    codes[:, _FLEX] = flex + pick(len(_FLEX_PLACES))
    codes[:, _TEMP] = temp + site
    return table, codes


@dataclass(frozen=True)
class _Months:
    """The simulated months: persons × months arrays."""

    dates: list[dt.date]
    present: np.ndarray  # bool: the person is in the month's ledger
    status: np.ndarray  # int8: index in dom.STATUSES
    kind: np.ndarray  # int8: employment type code, -1 when not employed
    job: np.ndarray  # int32: row of the job table, -1 when not employed
    income: np.ndarray  # float32: monthly income in yuan, NaN when not employed


def _simulate(
    rng: np.random.Generator, people: pl.DataFrame, job_codes: np.ndarray, months: int
) -> _Months:
    """Who works, where, for how much, month by month.

    Each month the labour force is ranked by employability (persistent, plus noise that
    remembers the last month) minus a penalty for migrant workers in the Spring Festival and
    COVID-19 months; the top share given by `employment_rate_plan` is employed. The noise makes
    a few dozen people change status every month; the penalties put the dips on migrants.
    """
    dates = _month_dates(months)
    n = people.height

    def col(name: str) -> np.ndarray:
        return people[name].to_numpy()

    m_idx = np.arange(months)
    present = (col("join")[:, None] <= m_idx) & (m_idx < col("leave")[:, None])
    before = m_idx < col("switch")[:, None]
    status = np.where(before, col("st_a")[:, None], col("st_b")[:, None]).astype(np.int8)
    # Below working age one is still at school; past it, retired: the labour force is of working
    # age month by month, whatever one's age at the end of the window.
    young = _full_years(people["birth"], dates) < LABOUR_AGES[0]
    status[(status == _LAB) & young] = _STUDENT
    status[(status == _LAB) & ~young & ~_working_age(people["birth"], months)] = _RETIRED
    labour = present & (status == _LAB)
    usual = np.where(
        m_idx < col("type_switch")[:, None], col("type_a")[:, None], col("type_b")[:, None]
    ).astype(np.int8)
    kind = np.full((n, months), -1, dtype=np.int8)
    job = np.full((n, months), -1, dtype=np.int32)
    income = np.full((n, months), np.nan, dtype=np.float32)

    z, u_covid, u_pay = col("z"), col("u_covid"), col("u_pay")
    floor_manager = col("floor_manager")
    low = np.array([_INCOME.get(t, (PUBLIC_POST_PAY, PUBLIC_POST_PAY))[0] for t in range(9)])
    high = np.array([_INCOME.get(t, (PUBLIC_POST_PAY, PUBLIC_POST_PAY))[1] for t in range(9)])
    wobble = np.array([0.03, 0.03, 0.03, 0.0, 0.05, 0.2, 0.15, 0.0, 0.0])
    day_rate = 80 + 5 * (u_pay * 5).astype(np.int64)  # 80–100 yuan a day
    noise = rng.normal(0, 1, n)
    for m, month in enumerate(dates):
        if m:
            fresh = rng.normal(0, 1, n)
            noise = _NOISE_MEMORY * noise + math.sqrt(1 - _NOISE_MEMORY**2) * fresh
        key = (month.year, month.month)
        t = usual[:, m].copy()
        share = _COVID_DIVERSION.get(key, 0.0)
        diverted = np.isin(t, _MIGRANT) & (u_covid < share)
        t[diverted] = np.select(
            [u_covid[diverted] < 0.45 * share, u_covid[diverted] < 0.75 * share],
            [_TEMP, _COUNTY_JOB],
            _FLEX,
        )
        spring, covid = _SPRING_PENALTY.get(month.month, (0, 0)), _COVID_PENALTY.get(key, (0, 0))
        penalty = np.where(t == _OUT, spring[0] + covid[0], 0.0)
        penalty += np.where(t == _INPROV, spring[1] + covid[1], 0.0)
        score = np.where(floor_manager, np.inf, z + _NOISE * noise - penalty)

        candidates = np.flatnonzero(labour[:, m])
        k = round(employment_rate_plan(month) * len(candidates))
        order = np.argsort(-score[candidates], kind="stable")
        employed = np.zeros(n, dtype=bool)
        employed[candidates[order[:k]]] = True

        status[labour[:, m] & ~employed, m] = dom.STATUSES.index(dom.STATUS_UNEMPLOYED)
        status[employed, m] = dom.STATUSES.index(dom.STATUS_EMPLOYED)
        kind[employed, m] = t[employed]
        job[employed, m] = job_codes[employed, t[employed]]
        te = t[employed].astype(np.int64)
        pay = low[te] + u_pay[employed] * (high[te] - low[te])
        pay *= 1 + wobble[te] * rng.uniform(-1, 1, len(te))
        pay = np.where(te == _FLEX, day_rate[employed] * rng.integers(16, 27, len(te)), pay)
        income[employed, m] = np.round(pay, -1)
    return _Months(dates=dates, present=present, status=status, kind=kind, job=job, income=income)


# ---------------------------------------------------------------------------------------------
# The county and its tables
# ---------------------------------------------------------------------------------------------

_TYPE_NAMES = (*dom.EMPLOYMENT_TYPES, dom.PUBLIC_WELFARE_POST)  # codes 0..8; 8 = epidemic post
# The headers of the files a county sends, as the ledger formats declare them (data.ledger): the
# demo writes no 户编号 (its households are known by their rooms) and no 凭证号.
LABOUR_HEADERS = tuple(c.zh for c in LABOUR.columns if c.name != "household_id")
POSTING_HEADERS = {c.name: c.zh for c in POSTINGS.columns}
TRAINING_HEADERS = {c.name: c.zh for c in TRAINING.columns}
TARGET_HEADERS = {c.name: c.zh for c in TARGETS.columns}
SUBSIDY_HEADERS = {c.name: c.zh for c in SUBSIDIES.columns if c.name != "voucher"}


@dataclass(frozen=True)
class _County:
    layout: _Layout
    people: pl.DataFrame
    roster: pl.DataFrame  # per person, the ledger columns that do not change monthly
    jobs: pl.DataFrame  # employer, work_place, township, site, kind (employment type code)
    months: _Months
    # 劳动能力 written otherwise than the roster's in a month: month → {person: capacity}.
    capacity_edits: dict[int, dict[int, str]] = field(default_factory=dict)


def _build_county(seed: int, persons: int, months: int) -> _County:
    rng = np.random.default_rng(seed)
    layout = _layout(rng, persons, months)
    people = _people(rng, layout, persons, months)
    jobs, job_codes = _jobs(rng, layout, people)
    simulated = _simulate(rng, people, job_codes, months)
    return _County(layout, people, _roster(layout, people), jobs, simulated)


def _roster(layout: _Layout, people: pl.DataFrame) -> pl.DataFrame:
    hh = people["hh"].to_numpy()
    households = layout.households
    building = households["building_idx"].to_numpy()[hh]
    heads = np.flatnonzero(people["relation"].to_numpy() == 0)  # one per household, in order

    def yes_no(flags: pl.Series) -> pl.Series:
        return _take(("否", "是"), flags.cast(pl.Int64).to_numpy())

    return pl.DataFrame(
        {
            "乡镇(街道)": _take(TOWNSHIPS, households["township_idx"].to_numpy()[hh]),
            "村(社区)": layout.villages["village"].gather(households["village_idx"].to_numpy()[hh]),
            "安置点": layout.sites["site"].gather(households["site_idx"].to_numpy()[hh]),
            "楼栋": layout.buildings["building"].gather(building),
            "单元": households["unit"].gather(hh),
            "房号": households["room"].gather(hh),
            "户主姓名": people["name"].gather(heads[hh]),
            "姓名": people["name"],
            "身份证号": people["id_number"],
            "性别": _take(dom.GENDERS, people["gender"].to_numpy()),
            "与户主关系": _take(dom.RELATIONS, people["relation"].to_numpy()),
            "文化程度": _take(dom.EDUCATIONS, people["education"].to_numpy()),
            "劳动能力": _take(dom.CAPACITIES, people["capacity"].to_numpy()),
            "是否三无人员": yes_no(people["three_no"]),
            "监测类型": _take(dom.MONITORING_TYPES, households["monitoring"].to_numpy()[hh]),
            "联系电话": people["phone"],
        }
    )


def _ledger_month(county: _County, m: int, month_label: object) -> pl.DataFrame:
    """The labour ledger of month `m`: one row per person present, in the headers of format 1."""
    sim, people = county.months, county.people
    status = sim.status[:, m]
    employed = status == dom.STATUSES.index(dom.STATUS_EMPLOYED)
    unemployed = status == dom.STATUSES.index(dom.STATUS_UNEMPLOYED)
    show_wish = unemployed | (employed & people["wish_always"].to_numpy())
    show_need = unemployed | (employed & people["need_always"].to_numpy())
    income = pl.Series(sim.income[:, m]).fill_nan(None).cast(pl.Int64)
    frame = county.roster.with_columns(
        pl.lit(month_label).alias("统计月份"),
        _take(dom.STATUSES, status).alias("就业状态"),
        _take(_TYPE_NAMES, sim.kind[:, m]).alias("就业形式"),
        _take(county.jobs["employer"], sim.job[:, m]).alias("就业单位"),
        _take(county.jobs["work_place"], sim.job[:, m]).alias("就业地点"),
        income.alias("月收入(元)"),
        _take(dom.WISHES, np.where(show_wish, people["wish"].to_numpy(), -1)).alias("就业意愿"),
        _take(TRAINING_COURSES, np.where(show_need, people["need"].to_numpy(), -1)).alias(
            "培训需求"
        ),
        _take(
            ("否", "是"),
            (people["two_after"].to_numpy() & (employed | unemployed)).astype(np.int64),
        ).alias("是否两后生"),
    )
    if edits := county.capacity_edits.get(m):
        rows = sorted(edits)
        capacity = frame.get_column("劳动能力").clone().scatter(rows, [edits[r] for r in rows])
        frame = frame.with_columns(capacity)
    return frame.filter(pl.Series(sim.present[:, m])).select(LABOUR_HEADERS)


def _paid_on(dates: list[dt.date], month_idx: np.ndarray, day: int) -> np.ndarray:
    return np.array(dates, dtype="datetime64[D]")[month_idx] + (day - 1)


def _to_persons(
    county: _County,
    person: np.ndarray,
    paid_on: np.ndarray,
    kind: str,
    amount: np.ndarray | float,
    note: pl.Series | str | None,
) -> pl.DataFrame:
    """Payments to persons, placed at their township (of origin) and site."""
    who = county.roster.select("姓名", "身份证号", "乡镇(街道)", "安置点")[person]
    return pl.DataFrame(
        {
            "paid_on": pl.Series(paid_on.astype("datetime64[D]"), dtype=pl.Date),
            "kind": pl.repeat(kind, len(person), eager=True),
            "name": who["姓名"],
            "id_number": who["身份证号"],
            "employer": pl.repeat(None, len(person), dtype=pl.String, eager=True),
            "amount": np.broadcast_to(np.asarray(amount, dtype=float), len(person)),
            "township": who["乡镇(街道)"],
            "site": who["安置点"],
            "note": note
            if isinstance(note, pl.Series)
            else pl.repeat(note, len(person), dtype=pl.String, eager=True),
        }
    )


def _to_employers(
    county: _County,
    job: np.ndarray,
    month_idx: np.ndarray,
    kind: str,
    amount: np.ndarray,
    note: list[str],
) -> pl.DataFrame:
    """Payments to employers (单位名称), placed at the employer's township and site."""
    at = county.jobs[job]
    return pl.DataFrame(
        {
            "paid_on": pl.Series(_paid_on(county.months.dates, month_idx, 20), dtype=pl.Date),
            "kind": pl.repeat(kind, len(job), eager=True),
            "name": pl.repeat(None, len(job), dtype=pl.String, eager=True),
            "id_number": pl.repeat(None, len(job), dtype=pl.String, eager=True),
            "employer": at["employer"],
            "amount": amount.astype(float),
            "township": at["township"],
            "site": at["site"],
            "note": pl.Series(note, dtype=pl.String),
        }
    )


def _subsidies(rng: np.random.Generator, county: _County, training: pl.DataFrame) -> pl.DataFrame:
    """The subsidy roster: every kind in dom.SUBSIDY_KINDS at the standards of domain.md."""
    parts = [
        *_post_payments(county),
        *_travel_payments(rng, county),
        _training_payments(county, training),
        *_in_county_payments(rng, county),
        *_start_up_payments(rng, county),
    ]
    return pl.concat(parts).sort("paid_on", "kind", "township", maintain_order=True)


def _post_payments(county: _County) -> list[pl.DataFrame]:
    """公益性岗位补贴 to every post holder every month (the spring 2020 epidemic posts too), and
    楼层管理员补贴, 400 yuan a month, to the floor managers."""
    sim, dates = county.months, county.months.dates
    person, m = np.nonzero(np.isin(sim.kind, (_PUBLIC, _TEMP)))
    post = _take(county.jobs["work_place"], sim.job[person, m])
    public = _to_persons(
        county, person, _paid_on(dates, m, 25), dom.SUBSIDY_PUBLIC_WELFARE, PUBLIC_POST_PAY, post
    )
    person, m = np.nonzero(county.people["floor_manager"].to_numpy()[:, None] & sim.present)
    floor = _to_persons(
        county,
        person,
        _paid_on(dates, m, 25),
        dom.SUBSIDY_FLOOR_MANAGER,
        FLOOR_MANAGER_PAY,
        "楼层管理员",
    )
    return [public, floor]


def _travel_payments(rng: np.random.Generator, county: _County) -> list[pl.DataFrame]:
    """交通补贴 for the trip back to work after the Spring Festival (≤ 500 yuan round trip); in
    2020 the point-to-point transport of returning workers, with their quarantine paid as
    生活补贴 (20 yuan a day, up to 7 days)."""
    kind, dates = county.months.kind, county.months.dates
    claims = rng.random(county.people.height) < 0.7
    parts = []
    for year in sorted({d.year for d in dates}):
        in_year = np.array([d.year == year and d.month >= 2 for d in dates])
        away = np.isin(kind, _MIGRANT) & in_year
        person = np.flatnonzero(away.any(axis=1) & claims)
        m = away[person].argmax(axis=1)  # the first month back at work
        tens = np.where(
            kind[person, m] == _OUT,
            rng.integers(30, 51, len(person)),
            rng.integers(8, 21, len(person)),
        )
        note = "点对点返岗" if year == 2020 else "春节后返岗"
        parts.append(
            _to_persons(
                county, person, _paid_on(dates, m, 10), dom.SUBSIDY_TRANSPORT, 10 * tens, note
            )
        )
        if year != 2020:
            continue
        spring = np.array([dates[i].month <= 6 for i in m], dtype=bool)
        quarantined = spring & (rng.random(len(person)) < 0.6)
        days = np.where(rng.random(len(person)) < 0.8, 7, rng.integers(3, 7, len(person)))
        days = days[quarantined]
        note = pl.Series([f"集中隔离{d}天×20元" for d in days], dtype=pl.String)
        parts.append(
            _to_persons(
                county,
                person[quarantined],
                _paid_on(dates, m[quarantined], 15),
                dom.SUBSIDY_LIVING,
                20 * days,
                note,
            )
        )
    return parts


def _training_payments(county: _County, training: pl.DataFrame) -> pl.DataFrame:
    """培训补贴 per certified trainee, by course, three weeks after the course ends."""
    certified = training.filter(
        pl.col("certified") & (pl.col("end") <= dt.date(2020, 12, 11))
    ).unique(["id_number", "end"], keep="first", maintain_order=True)
    # Two courses ending the same day are paid once: the importer refuses a second payment of
    # one kind to one person on one day (seen at a million persons).
    index = pl.DataFrame(
        {"身份证号": county.roster["身份证号"], "row": np.arange(county.roster.height)}
    )
    rows = certified.join(index, left_on="id_number", right_on="身份证号", maintain_order="left")
    paid_on = rows.select(pl.col("end") + pl.duration(days=20)).to_series().to_numpy()
    # Only to trainees still in the county when it is paid: paying one who has moved away is an
    # abuse the audit looks for (离开后发放).
    first = np.datetime64(county.months.dates[0], "M")
    paid_month = (paid_on.astype("datetime64[M]") - first).astype(np.int64)
    here = county.months.present[rows["row"].to_numpy(), paid_month]
    rows, paid_on = rows.filter(pl.Series(here)), paid_on[here]
    amount = rows["course"].replace_strict({c: i[2] for c, i in _COURSE_INFO.items()}).to_numpy()
    return _to_persons(
        county, rows["row"].to_numpy(), paid_on, dom.SUBSIDY_TRAINING, amount, rows["course"]
    )


def _in_county_payments(rng: np.random.Generator, county: _County) -> list[pl.DataFrame]:
    """For work in the county (县内务工, 扶贫车间), paid quarterly: 稳岗就业补贴, 2,500 yuan once
    after three months' steady 县内务工; to the employers 社保补贴 (300 yuan per insured worker and
    month), 以工代训补贴 (2020: 500 yuan per month for a new hire's first six months) and, half-
    yearly, 吸纳就业补贴 (2,000 yuan per hire that stayed six months)."""
    sim, dates = county.months, county.months.dates
    kind, job = sim.kind, sim.job
    n = county.people.height
    local = np.isin(kind, (_COUNTY_JOB, _WORKSHOP))
    years = np.array([d.year for d in dates])
    streak = np.zeros(n, dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)  # month the current job began; 0 = before the window
    stable_paid = np.zeros(n, dtype=bool)
    contract = rng.random(n) < 0.4  # workers with a contract and social insurance
    hires = np.zeros(county.jobs.height, dtype=np.int64)
    insured = np.zeros(county.jobs.height, dtype=np.int64)
    trained = np.zeros(county.jobs.height, dtype=np.int64)
    parts = []
    for m, month in enumerate(dates):
        same = local[:, m] & (job[:, m] == job[:, m - 1]) if m else np.zeros(n, dtype=bool)
        start = np.where(same, start, m)
        streak = np.where(same, streak + 1, local[:, m].astype(np.int64))
        hired = local[:, m] & (start > 0)
        np.add.at(hires, job[hired & (streak == 6) & contract, m], 1)
        np.add.at(insured, job[local[:, m] & contract, m], 1)
        np.add.at(trained, job[hired & (streak <= 6) & (years[start] == 2020), m], 1)
        if month.month % 3:
            continue
        # A job's streak is at one employer, so a county job's streak is (已就业, 县内务工) all
        # along; a workshop (扶贫车间) is in the county, but not 县内务工.
        due = (streak >= STABLE_MONTHS) & (kind[:, m] == _COUNTY_JOB) & ~stable_paid
        stable_paid |= due
        person = np.flatnonzero(due)
        parts.append(
            _to_persons(
                county,
                person,
                _paid_on(dates, np.full(len(person), m), 20),
                dom.SUBSIDY_STABLE,
                2500,
                "县内稳定就业3个月以上",
            )
        )
        quarterly = [
            (dom.SUBSIDY_SOCIAL_INSURANCE, insured, 300, "人月×300元"),
            (dom.SUBSIDY_ON_THE_JOB, trained, 500, "人月×500元"),
        ]
        if month.month % 6 == 0:
            quarterly.append((dom.SUBSIDY_HIRING, hires, 2000, "人（劳动合同6个月以上）"))
        for name, counter, rate, label in quarterly:
            at = np.flatnonzero(counter)
            notes = [f"{c}{label}" for c in counter[at]]
            parts.append(
                _to_employers(county, at, np.full(len(at), m), name, counter[at] * rate, notes)
            )
            counter[:] = 0
    return parts


def _start_up_payments(rng: np.random.Generator, county: _County) -> list[pl.DataFrame]:
    """创业补贴 (5,000 yuan once) and 创业担保贷款贴息 (quarterly, on loans up to 150,000 yuan)."""
    kind, dates = county.months.kind, county.months.dates
    n = county.people.height
    own = kind == _SELF
    person = np.flatnonzero(own.any(axis=1))
    first = own[person].argmax(axis=1)
    # Start-ups from before the window were mostly paid before it; a few still wait.
    keep = (first > 0) | (rng.random(len(person)) < 0.3)
    person, first = person[keep], np.where(first[keep] > 0, first[keep], min(2, len(dates) - 1))
    here = county.months.present[person, first]  # not to one who has moved away (离开后发放)
    person, first = person[here], first[here]
    grant = _to_persons(
        county, person, _paid_on(dates, first, 28), dom.SUBSIDY_START_UP, 5000, "一次性创业补贴"
    )
    loan = rng.choice((50_000, 100_000, 150_000), n) * (rng.random(n) < 0.4)
    quarter_end = np.array([d.month % 3 == 0 for d in dates])
    person, m = np.nonzero(own & quarter_end & (loan[:, None] > 0))
    interest = np.round(loan[person] * 0.0435 / 4, 2)  # at the 4.35 % benchmark rate
    note = pl.Series([f"贷款{v // 10_000}万元，季度贴息" for v in loan[person]], dtype=pl.String)
    return [
        grant,
        _to_persons(
            county, person, _paid_on(dates, m, 21), dom.SUBSIDY_LOAN_INTEREST, interest, note
        ),
    ]


def _training(rng: np.random.Generator, county: _County) -> pl.DataFrame:
    """Training records: labour-force members, mostly those who asked for a course or are out of
    work, about 1,000 a year at the default size; no classes in the lockdown of Feb–Mar 2020."""
    sim, people = county.months, county.people
    dates = sim.dates
    wanted = max(10, round(1000 * people.height / DEFAULT_PERSONS * len(dates) / 12))
    labour = sim.present & (sim.status <= dom.STATUSES.index(dom.STATUS_UNEMPLOYED))
    labour[:, [(d.year, d.month) in _COVID_DIP and d.month <= 3 for d in dates]] = False
    person, m = np.nonzero(labour)
    need = people["need"].to_numpy()
    weight = 1 + 2 * (need[person] >= 0) + 2 * (sim.status[person, m] == 1)
    # Weighted sampling without replacement (Efraimidis–Spirakis): the k largest keys.
    keys = np.log(rng.random(len(person))) / weight
    k = min(wanted, len(person))
    chosen = np.sort(np.argpartition(-keys, k - 1)[:k]) if k else np.array([], dtype=np.int64)
    person, m = person[chosen], m[chosen]
    course = np.where(
        (need[person] >= 0) & (rng.random(k) < 0.8),
        need[person],
        rng.integers(0, len(TRAINING_COURSES), k),
    )
    days = np.array([_COURSE_INFO[c][1] for c in TRAINING_COURSES])[course]
    start = _paid_on(dates, m, 1) + rng.integers(0, 20, k)
    start = np.minimum(start, _REF_DATE - days + 1)  # courses end by 31 December 2020
    return (
        pl.DataFrame(
            {
                "name": county.roster["姓名"].gather(person),
                "id_number": county.roster["身份证号"].gather(person),
                "course": _take(TRAINING_COURSES, course),
                "provider": _take([_COURSE_INFO[c][0] for c in TRAINING_COURSES], course),
                "start": pl.Series(start, dtype=pl.Date),
                "end": pl.Series(start + days - 1, dtype=pl.Date),
                "certified": rng.random(k) < 0.82,
            }
        )
        .unique(["id_number", "course", "start"], keep="first", maintain_order=True)
        .sort("start", "id_number")
    )


# title, skills (the training needs it matches), monthly wage low, high
_TITLES = (
    ("普工", None, 2800, 4500), ("电工", "电工", 3500, 6000), ("焊工", "焊工", 4000, 7000),
    ("家政服务员", "家政", 2800, 4500), ("月嫂", "月嫂、家政", 5000, 9000),
    ("烘焙师", "烘焙", 2800, 4500), ("挖掘机司机", "挖掘机", 6000, 10000),
    ("电商客服", "电商", 2500, 3800), ("直播运营助理", "电商", 3000, 5000),
    ("厨师", "厨师", 3500, 6000), ("缝纫工", "缝纫", 2500, 4500),
    ("美发师", "美容美发", 3000, 6000),
    ("保安", "保安", 2200, 3200), ("叉车司机", "叉车", 3800, 5500),
    ("汽车维修工", "汽车维修", 3500, 6000), ("分拣员", None, 3000, 4500),
    ("种植工人", "种植养殖", 1800, 2600),
)  # fmt: skip


def _postings(rng: np.random.Generator, county: _County) -> pl.DataFrame:
    """Job postings: about 150 a year at the default size, more at the spring recruitment fairs
    (春风行动) and after the lockdown, online only while it lasted."""
    dates = county.months.dates
    wanted = max(20, round(150 * county.people.height / DEFAULT_PERSONS * len(dates) / 12))
    jobs = county.jobs.with_row_index("job")
    share = {_OUT: 0.3, _INPROV: 0.15, _COUNTY_JOB: 0.35, _WORKSHOP: 0.15, _FLEX: 0.05}
    employers = jobs.filter(pl.col("kind").is_in(list(share)))
    # Each kind gets its share however many employers it has.
    sizes = employers.group_by("kind").len()
    weights = employers.join(sizes, on="kind", maintain_order="left").select(
        pl.col("kind").replace_strict(share, return_dtype=pl.Float64) / pl.col("len")
    )
    row = _pick(rng, wanted, weights.to_series().to_numpy())
    month_weight = [
        {(2020, 2): 0.6, (2020, 4): 2.0, (2020, 5): 2.0}.get(
            (d.year, d.month), 2.0 if d.month in (2, 3) else 1.0
        )
        for d in dates
    ]
    m = _pick(rng, wanted, month_weight)
    lockdown = np.array([(d.year, d.month) in ((2020, 2), (2020, 3)) for d in dates])[m]
    source = np.where(lockdown, 1, _pick(rng, wanted, (0.4, 0.35, 0.25)))
    kind = employers["kind"].to_numpy()[row]
    farm = employers["work_place"].str.ends_with("基地").to_numpy()[row]
    title = np.select(
        [kind == _WORKSHOP, farm, kind == _FLEX],
        [np.where(rng.random(wanted) < 0.5, 0, 10), 16, np.where(rng.random(wanted) < 0.5, 0, 6)],
        rng.integers(0, len(_TITLES) - 1, wanted),  # farm work is posted by the farms only
    )
    low = np.array([t[2] for t in _TITLES])[title] + 100 * rng.integers(-2, 3, wanted)
    high = np.array([t[3] for t in _TITLES])[title] + 100 * rng.integers(-2, 3, wanted)
    bonus = np.where(np.isin(kind, _MIGRANT), 500, 0)
    vacancies = np.where(title == 0, rng.integers(10, 81, wanted), rng.integers(1, 16, wanted))
    return (
        pl.DataFrame(
            {
                "posted_on": pl.Series(
                    _paid_on(dates, m, 1) + rng.integers(0, 28, wanted), dtype=pl.Date
                ),
                "employer": employers["employer"].gather(row),
                "title": _take([t[0] for t in _TITLES], title),
                "work_place": employers["work_place"].gather(row),
                "township": employers["township"].gather(row),
                "vacancies": vacancies,
                "wage_min": low + bonus,
                "wage_max": high + bonus,
                "skills": pl.Series([t[1] for t in _TITLES], dtype=pl.String).gather(title),
                "source": _take(dom.JOB_SOURCES, source),
            }
        )
        .unique(["posted_on", "employer", "title"], keep="first", maintain_order=True)
        .sort("posted_on", "employer", "title")
    )


def _targets(county: _County, subsidies: pl.DataFrame, training: pl.DataFrame) -> pl.DataFrame:
    """The year's targets (挂图作战) for the county, every township and every site: set a little
    above what the county then achieved, as a leadership group would."""
    sim = county.months
    rows: list[tuple[int, str, str, float]] = []
    workshops = county.jobs.filter(pl.col("kind") == _WORKSHOP).height
    for year in sorted({d.year for d in sim.dates}):
        m = max(i for i, d in enumerate(sim.dates) if d.year == year)
        rate = 95.0 if year >= 2020 else 93.0
        month = _ledger_month(county, m, "").filter(pl.col("就业状态").is_in(dom.LABOUR_STATUSES))
        employed = month.filter(pl.col("就业状态") == dom.STATUS_EMPLOYED)
        kinds = employed.group_by("就业形式").len()
        count = dict(zip(kinds["就业形式"], kinds["len"], strict=True))
        spent = subsidies.filter(pl.col("paid_on").dt.year() == year)["amount"].sum()
        trained = training.filter(pl.col("start").dt.year() == year).height
        county_targets = {
            "就业率": rate,
            "一户一人率": 100.0,
            "零就业家庭": 0.0,
            "已就业人数": round(month.height * rate / 100, -1),
            "公益性岗位人数": round(count.get(dom.PUBLIC_WELFARE_POST, 0) * 1.05, -1),
            "培训人数": round(trained * 1.1, -2),
            "扶贫车间": float(workshops),
            "居家就业": round(count.get(dom.HOME_PIECEWORK, 0) * 1.05, -1),
            "补贴金额": round(spent * 1.05, -4),
        }
        rows += [
            (year, metric, dom.COUNTY_SCOPE, value) for metric, value in county_targets.items()
        ]
        per_town = month.group_by("乡镇(街道)").len().sort("乡镇(街道)")
        for town, labour in per_town.iter_rows():
            rows += [
                (year, "就业率", town, rate),
                (year, "一户一人率", town, 100.0),
                (year, "零就业家庭", town, 0.0),
                (year, "已就业人数", town, round(labour * rate / 100)),
            ]
        for site in county.layout.sites["site"]:
            rows += [(year, "就业率", site, rate), (year, "零就业家庭", site, 0.0)]
    return pl.DataFrame(rows, schema=["year", "metric", "scope", "target"], orient="row")


# ---------------------------------------------------------------------------------------------
# Planted abuses: the cases the audit must find in the demo county, and no others
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plant:
    """One abuse planted in the demo county on purpose, or a boundary that is none.

    `how` says what is done to whom (a key of `_Planting.PLANTERS`); `back` is the month, as
    months before the last one (when that month has nobody to plant on, or the window does not
    hold it, the nearest month that has); `at_risk` is the yuan the case puts at risk (None for
    the data-quality rule); `case` False marks a boundary that `rules` must not list.
    """

    rules: tuple[str, ...]
    how: str
    back: int
    at_risk: float | None
    case: bool = True


# domain.md's rules by their codes; a few cases each, spread over townships and months.
PLANTS = (
    Plant(("一人多岗",), "second_post", 1, 800),
    Plant(("一人多岗",), "second_post", 4, 600),  # a smaller second post: at risk is that one
    Plant(("挂岗",), "post_to_migrant", 2, 800),
    Plant(("挂岗",), "post_to_unemployed", 5, 800),
    Plant(("挂岗",), "post_after_leaving", 0, 800),  # no record that month
    Plant(("挂岗", "替岗"), "post_to_elderly", 3, 800),  # one payment, two rules
    Plant(("替岗",), "holder_lost_capacity", 0, 800),
    Plant(("替岗",), "holder_without_capacity", 2, 800),
    Plant(("替岗",), "holder_aged_65", 1, None, case=False),  # 65 on the payment day
    Plant(("交通补贴超标",), "second_fare", 2, 300),
    Plant(("交通补贴超标",), "fare_over", 4, 60),
    Plant(("交通补贴超标",), "fares_to_the_standard", 1, None, case=False),  # 500 in the year
    Plant(("生活补贴超标",), "living", 3, 20),  # 8 days
    Plant(("生活补贴超标",), "living", 0, 140),  # 14 days
    Plant(("生活补贴超标",), "living", 5, 0, case=False),  # 7 days: 140 exactly
    Plant(("稳岗补贴未满三个月",), "stable_after_two_months", 1, 2500),
    Plant(("稳岗补贴未满三个月",), "stable_in_workshop", 3, 2500),
    Plant(("稳岗补贴未满三个月",), "stable_after_three_months", 0, None, case=False),
    Plant(("发放对象不明",), "payee_not_in_ledger", 4, 5000),
    Plant(("发放对象不明",), "payee_under_head_name", 2, 1200),
    Plant(("发放对象不明",), "employer_payment", 3, None, case=False),  # no ID: never a case
    Plant(("离开后发放",), "training_after_leaving", 1, 1000),
    Plant(("离开后发放",), "interest_after_leaving", 3, 1087.5),
    Plant(("劳动力年龄不符",), "elderly_counted_unemployed", 2, None),
    Plant(("劳动力年龄不符",), "pupil_counted_unemployed", 4, None),
    Plant(("劳动力年龄不符",), "turns_16", 1, None, case=False),  # 16 on the month's last day
    Plant(("劳动力年龄不符",), "last_month_at_65", 3, None, case=False),
)
PLANTED_SCHEMA = {
    "rule": pl.String(),
    "id_number": pl.String(),  # null: an employer
    "name": pl.String(),  # as the payment writes it
    "period": pl.String(),  # YYYY-MM, or YYYY for 交通补贴超标
    "amount_at_risk": pl.Float64(),  # null for the data-quality rule and the boundaries
    "case": pl.Boolean(),  # False: a boundary the rule must not list
    "plant": pl.String(),  # Plant.how
}
_DATA_QUALITY = "劳动力年龄不符"
_NO_CAPACITY = {"holder_lost_capacity": "丧失劳动能力", "holder_without_capacity": "无劳动能力"}


class _Planting:
    """Plants `PLANTS` in a county: first the ledger's part (before the subsidies are paid from
    it), then the payments; each plant on a person of its own, the townships taken in turn
    (the most populous first), and records what it planted."""

    def __init__(self, county: _County, rng: np.random.Generator) -> None:
        self.county, self.rng = county, rng
        sim, people = county.months, county.people
        self.n, self.months = people.height, len(sim.dates)
        hh = people["hh"].to_numpy()
        self.town = county.layout.households["township_idx"].to_numpy()[hh]
        persons = np.bincount(self.town, minlength=len(TOWNSHIPS))
        self.rank = np.argsort(np.argsort(-persons, kind="stable"), kind="stable")
        self.town_use = np.zeros(len(TOWNSHIPS), dtype=np.int64)
        self.used = np.zeros(self.n, dtype=bool)
        self.capacity = people["capacity"].to_numpy()
        self.subsidies = pl.DataFrame()  # the ordinary roster, once paid
        self.payments: list[dict[str, object]] = []
        self.planted: list[dict[str, object]] = []

    # --- who -----------------------------------------------------------------------------------

    def _age(self, day: dt.date) -> np.ndarray:
        return _full_years(self.county.people["birth"], [day])[:, 0]

    def _status(self, m: int) -> np.ndarray:
        return self.county.months.status[:, m]

    def _employed(self, m: int, *kinds: int) -> np.ndarray:
        sim = self.county.months
        return (self._status(m) == dom.STATUSES.index(dom.STATUS_EMPLOYED)) & np.isin(
            sim.kind[:, m], kinds
        )

    def _labour(self, m: int) -> np.ndarray:
        return self.county.months.present[:, m] & (self._status(m) <= 1)

    def _able(self) -> np.ndarray:
        return self.capacity <= _CAP_WEAK

    def _left_before(self, m: int) -> np.ndarray:
        present = self.county.months.present
        return present[:, :m].any(axis=1) & ~present[:, m:].any(axis=1)

    def _fares(self, year: int) -> np.ndarray:
        """Each person's 交通补贴 in `year` so far, in yuan."""
        paid = (
            self.subsidies.filter(
                (pl.col("kind") == dom.SUBSIDY_TRANSPORT) & (pl.col("paid_on").dt.year() == year)
            )
            .group_by("id_number")
            .agg(pl.col("amount").sum())
        )
        index = pl.DataFrame({"id_number": self.county.roster["身份证号"]})
        joined = index.join(paid, on="id_number", how="left", maintain_order="left")
        return joined.get_column("amount").fill_null(0.0).to_numpy()

    def _pick(self, candidates: np.ndarray) -> int | None:
        """A person not planted on yet, from the township planted on least (the most populous
        first), at random within it."""
        idx = np.flatnonzero(candidates & ~self.used)
        if not len(idx):
            return None
        town = self.town[idx]
        order = np.lexsort((self.rng.random(len(idx)), self.rank[town], self.town_use[town]))
        person = int(idx[order[0]])
        self.used[person] = True
        self.town_use[self.town[person]] += 1
        return person

    # --- what ----------------------------------------------------------------------------------

    def _day(self, m: int, day: int) -> dt.date:
        return self.county.months.dates[m].replace(day=day)

    def _pay(
        self, person: int, m: int, day: int, kind: str, amount: float, note: str, **over: object
    ) -> None:
        who = self.county.roster.row(person, named=True)
        id_number = over.get("id_number", who["身份证号"])
        paid = self.subsidies.filter(
            (pl.col("id_number") == id_number) & (pl.col("kind") == kind)
        ).get_column("paid_on")
        # The importer takes a second payment of a kind to one person on one day for the first
        # one again: a day of its own.
        while self._day(m, day) in paid:
            day += 1
        self.payments.append(
            {
                "paid_on": self._day(m, day),
                "kind": kind,
                "name": who["姓名"],
                "id_number": who["身份证号"],
                "employer": None,
                "amount": float(amount),
                "township": who["乡镇(街道)"],
                "site": who["安置点"],
                "note": note,
            }
            | over
        )

    def _record(self, plant: Plant, person: int | None, period: str, **over: object) -> None:
        who = self.county.roster.row(person, named=True) if person is not None else {}
        for rule in plant.rules:
            self.planted.append(
                {
                    "rule": rule,
                    "id_number": who.get("身份证号"),
                    "name": who.get("姓名"),
                    "period": period,
                    "amount_at_risk": plant.at_risk
                    if plant.case and rule != _DATA_QUALITY
                    else None,
                    "case": plant.case,
                    "plant": plant.how,
                }
                | over
            )

    def _village_post(self, person: int, post: str) -> str:
        who = self.county.roster.row(person, named=True)
        return f"{who['乡镇(街道)']}{who['村(社区)']}（{post}）"

    # --- the planters: (first month index it fits, pass, candidates, act) -----------------------

    def plant(self, plants: Sequence[Plant], ledger: bool) -> None:
        """Plant those of `plants` that change the ledger (`ledger`), or those that pay."""
        for plant in plants:
            first, on_ledger, candidates, act = self.PLANTERS[plant.how]
            if on_ledger != ledger:
                continue
            target = self.months - 1 - plant.back
            for m in sorted(range(first, self.months), key=lambda k: (abs(k - target), k)):
                person = self._pick(candidates(self, m, plant))
                if person is not None:
                    act(self, person, m, plant)
                    break

    def _month(self, m: int) -> str:
        return f"{self.county.months.dates[m]:%Y-%m}"

    # 一人多岗: a post holder paid for a second post in the month.
    def _holders(self, m: int, plant: Plant) -> np.ndarray:
        return self._employed(m, _PUBLIC, _TEMP) & self._able()

    def _second_post(self, person: int, m: int, plant: Plant) -> None:
        assert plant.at_risk is not None and plant.at_risk <= PUBLIC_POST_PAY
        post = self._village_post(person, "护林员")
        self._pay(person, m, 5, dom.SUBSIDY_PUBLIC_WELFARE, plant.at_risk, post)
        self._record(plant, person, self._month(m))

    # 挂岗: a post paid to one not on it (away, out of work, gone, or old: also 替岗).
    def _migrants(self, m: int, plant: Plant) -> np.ndarray:
        return self._employed(m, *_MIGRANT)

    def _unemployed(self, m: int, plant: Plant) -> np.ndarray:
        return self._labour(m) & (self._status(m) == 1)

    def _gone_of_working_age(self, m: int, plant: Plant) -> np.ndarray:
        age = self._age(self._day(m, 25))
        return self._left_before(m) & (age >= LABOUR_AGES[0]) & (age <= LABOUR_AGES[1])

    def _elderly(self, m: int, plant: Plant) -> np.ndarray:
        present = self.county.months.present[:, m]
        return present & ~self._labour(m) & (self._age(self._day(m, 1)) > LABOUR_AGES[1])

    def _post_to(self, person: int, m: int, plant: Plant) -> None:
        post = self._village_post(person, "护路员")
        self._pay(person, m, 25, dom.SUBSIDY_PUBLIC_WELFARE, PUBLIC_POST_PAY, post)
        self._record(plant, person, self._month(m))

    # 替岗: a holder whose record that month says they cannot work; and one aged 65 exactly.
    def _without_capacity(self, person: int, m: int, plant: Plant) -> None:
        assert plant.at_risk == PUBLIC_POST_PAY  # the month's ordinary post payment
        self.county.capacity_edits.setdefault(m, {})[person] = _NO_CAPACITY[plant.how]
        self._record(plant, person, self._month(m))

    def _aged_65(self, m: int, plant: Plant) -> np.ndarray:
        aged = self._labour(m) & (self._age(self._day(m, 25)) == LABOUR_AGES[1])
        holders = aged & self._holders(m, plant)
        return holders if (holders & ~self.used).any() else aged

    def _on_post_at_65(self, person: int, m: int, plant: Plant) -> None:
        """On a post that month (one of the site's posts when they were not): paid at 65."""
        sim = self.county.months
        if sim.kind[person, m] not in (_PUBLIC, _TEMP):
            site = self.county.roster["安置点"][person]
            jobs = self.county.jobs
            post = (jobs["site"] == site) & (jobs["kind"] == _PUBLIC)
            sim.status[person, m] = dom.STATUSES.index(dom.STATUS_EMPLOYED)
            sim.kind[person, m] = _PUBLIC
            sim.job[person, m] = int(np.flatnonzero(post.to_numpy())[0])
            sim.income[person, m] = PUBLIC_POST_PAY
        self._record(plant, person, self._month(m))

    # 交通补贴超标: fares in a calendar year above 500; and exactly 500.
    def _fared(self, m: int, plant: Plant) -> np.ndarray:
        fares = self._fares(self.county.months.dates[m].year)
        return self.county.months.present[:, m] & (fares > 0) & (fares < TRANSPORT_PER_YEAR)

    def _not_fared(self, m: int, plant: Plant) -> np.ndarray:
        fares = self._fares(self.county.months.dates[m].year)
        return self._employed(m, *_MIGRANT) & (fares == 0)

    def _fare(self, person: int, m: int, plant: Plant) -> None:
        year = self.county.months.dates[m].year
        topped = TRANSPORT_PER_YEAR - self._fares(year)[person] + (plant.at_risk or 0)
        self._pay(person, m, 12, dom.SUBSIDY_TRANSPORT, topped, "返岗交通补贴")
        self._record(plant, person, str(year))

    # 生活补贴超标: one payment above 140 (20 yuan a day, 7 days); and 140 exactly.
    def _present(self, m: int, plant: Plant) -> np.ndarray:
        return self._labour(m)

    def _living(self, person: int, m: int, plant: Plant) -> None:
        amount = LIVING_PER_PAYMENT + (plant.at_risk or 0)
        note = f"集中隔离{amount // 20:.0f}天×20元"
        self._pay(person, m, 16, dom.SUBSIDY_LIVING, amount, note)
        self._record(plant, person, self._month(m))

    # 稳岗补贴未满三个月: paid after two months of 县内务工, or for a workshop; and after three.
    def _in_county(self, m: int) -> np.ndarray:
        return self._employed(m, _COUNTY_JOB)

    def _two_months(self, m: int, plant: Plant) -> np.ndarray:
        return self._in_county(m) & self._in_county(m - 1) & ~self._in_county(m - 2)

    def _workshop(self, m: int, plant: Plant) -> np.ndarray:
        return np.logical_and.reduce([self._employed(k, _WORKSHOP) for k in (m, m - 1, m - 2)])

    def _three_months(self, m: int, plant: Plant) -> np.ndarray:
        months = [self._in_county(k) for k in range(m - STABLE_MONTHS + 1, m + 1)]
        return np.logical_and.reduce(months) & ~self._in_county(m - STABLE_MONTHS)

    def _stable(self, person: int, m: int, plant: Plant) -> None:
        self._pay(person, m, 8, dom.SUBSIDY_STABLE, 2500, "县内稳定就业3个月以上")
        self._record(plant, person, self._month(m))

    # 发放对象不明: an ID in no record; a member paid under the head's name; an employer.
    def _anyone(self, m: int, plant: Plant) -> np.ndarray:
        return self.county.months.present[:, m]

    def _stranger(self, person: int, m: int, plant: Plant) -> None:
        """Paid in the township of `person` (who gets nothing) to an ID nobody in it holds."""
        known = set(self.county.roster["身份证号"].to_list())
        birth = np.datetime64("1986-03-14")
        while (number := _id_numbers(np.array([birth]), np.array([True]))[0]) in known:
            birth += np.timedelta64(1, "D")
        name = _names(self.rng, _surname_draw(self.rng, 1), np.array([True]))[0]
        over = {"id_number": number, "name": name, "site": None}
        self._pay(person, m, 28, dom.SUBSIDY_START_UP, plant.at_risk or 0, "一次性创业补贴", **over)
        self._record(plant, person, self._month(m), id_number=number, name=name)

    def _members(self, m: int, plant: Plant) -> np.ndarray:
        return self._labour(m) & (self.county.people["relation"].to_numpy() != 0)

    def _under_head_name(self, person: int, m: int, plant: Plant) -> None:
        head = self.county.roster["户主姓名"][person]
        self._pay(person, m, 24, dom.SUBSIDY_TRAINING, plant.at_risk or 0, "电工", name=head)
        self._record(plant, person, self._month(m), name=head)

    def _employer(self, person: int, m: int, plant: Plant) -> None:
        """A hiring bonus (吸纳就业补贴) to an employer in the park: its payee is in no labour
        record, which makes a person's payment 发放对象不明, but an employer's is never a case.
        `person` gets nothing."""
        park = self.county.jobs.filter(pl.col("kind") == _COUNTY_JOB).row(0, named=True)
        self.payments.append(
            {
                "paid_on": self._day(m, 16),
                "kind": dom.SUBSIDY_HIRING,
                "name": None,
                "id_number": None,
                "employer": park["employer"],
                "amount": 2000.0,
                "township": park["township"],
                "site": park["site"],
                "note": "1人（劳动合同6个月以上）",
            }
        )
        self._record(plant, None, self._month(m), name=park["employer"])

    # 离开后发放: paid in a month after one's last record, a few months after they moved away.
    def _gone(self, m: int, plant: Plant) -> np.ndarray:
        recently = self.county.months.present[:, max(0, m - 3) : m].any(axis=1)
        return self._left_before(m) & recently & self._gone_of_working_age(m, plant)

    def _training_gone(self, person: int, m: int, plant: Plant) -> None:
        self._pay(person, m, 24, dom.SUBSIDY_TRAINING, plant.at_risk or 0, "家政")
        self._record(plant, person, self._month(m))

    def _interest_gone(self, person: int, m: int, plant: Plant) -> None:
        note = "贷款10万元，季度贴息"
        self._pay(person, m, 21, dom.SUBSIDY_LOAN_INTEREST, plant.at_risk or 0, note)
        self._record(plant, person, self._month(m))

    # 劳动力年龄不符: the aged and a pupil counted as out of work; a 16-year-old, a 65-year-old.
    def _able_outside(self, m: int) -> np.ndarray:
        return self.county.months.present[:, m] & ~self._labour(m) & self._able()

    def _old_enough_to_retire(self, m: int, plant: Plant) -> np.ndarray:
        end = _month_end(self.county.months.dates[m])
        return self._able_outside(m) & (self._age(end) > LABOUR_AGES[1])

    def _pupils(self, m: int, plant: Plant) -> np.ndarray:
        end = _month_end(self.county.months.dates[m])
        return self._able_outside(m) & (self._age(end) < LABOUR_AGES[0])

    def _sixteen_this_month(self, m: int, plant: Plant) -> np.ndarray:
        month = self.county.months.dates[m]
        low = LABOUR_AGES[0]
        turning = (self._age(month) == low - 1) & (self._age(_month_end(month)) == low)
        return self._able_outside(m) & turning

    def _counted_unemployed(self, person: int, m: int, plant: Plant) -> None:
        self.county.months.status[person, m] = dom.STATUSES.index(dom.STATUS_UNEMPLOYED)
        self._record(plant, person, self._month(m))

    def _last_at_65(self, m: int, plant: Plant) -> np.ndarray:
        end = _month_end(self.county.months.dates[m])
        return self._labour(m) & (self._age(end) == LABOUR_AGES[1])

    def _noted(self, person: int, m: int, plant: Plant) -> None:
        self._record(plant, person, self._month(m))

    PLANTERS: dict[str, tuple[int, bool, Callable, Callable]] = {
        "second_post": (0, False, _holders, _second_post),
        "post_to_migrant": (0, False, _migrants, _post_to),
        "post_to_unemployed": (0, False, _unemployed, _post_to),
        "post_after_leaving": (1, False, _gone_of_working_age, _post_to),
        "post_to_elderly": (0, False, _elderly, _post_to),
        "holder_lost_capacity": (0, True, _holders, _without_capacity),
        "holder_without_capacity": (0, True, _holders, _without_capacity),
        "holder_aged_65": (0, True, _aged_65, _on_post_at_65),
        "second_fare": (0, False, _fared, _fare),
        "fare_over": (0, False, _not_fared, _fare),
        "fares_to_the_standard": (0, False, _fared, _fare),
        "living": (0, False, _present, _living),
        "stable_after_two_months": (2, False, _two_months, _stable),
        "stable_in_workshop": (2, False, _workshop, _stable),
        "stable_after_three_months": (STABLE_MONTHS, False, _three_months, _stable),
        "payee_not_in_ledger": (0, False, _anyone, _stranger),
        "payee_under_head_name": (0, False, _members, _under_head_name),
        "employer_payment": (0, False, _anyone, _employer),
        "training_after_leaving": (1, False, _gone, _training_gone),
        "interest_after_leaving": (1, False, _gone, _interest_gone),
        "elderly_counted_unemployed": (0, True, _old_enough_to_retire, _counted_unemployed),
        "pupil_counted_unemployed": (0, True, _pupils, _counted_unemployed),
        "turns_16": (0, True, _sixteen_this_month, _counted_unemployed),
        "last_month_at_65": (0, True, _last_at_65, _noted),
    }

    def paid(self, subsidies: pl.DataFrame) -> pl.DataFrame:
        """`subsidies` with the planted payments (the ledger's plants are done by now)."""
        self.subsidies = subsidies
        self.plant(PLANTS, ledger=False)
        planted = pl.DataFrame(self.payments, schema=subsidies.schema)
        return pl.concat([subsidies, planted]).sort(
            "paid_on", "kind", "township", maintain_order=True
        )

    def cases(self) -> pl.DataFrame:
        return pl.DataFrame(self.planted, schema=PLANTED_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Writing the ledger files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    name: str
    frame: pl.DataFrame
    title: str | None = None  # a merged title row above the header
    unit_row: str | None = None  # a line such as 填报单位 between title and header
    total: dict[str, object] | None = None  # a trailing 合计 row: header → value


def _cell_writers(
    ws: xlsxwriter.worksheet.Worksheet, dtypes: list[pl.DataType], date: xlsxwriter.format.Format
) -> list[Callable[[int, int, object], object]]:
    """One writer per column, chosen by type: much faster than xlsxwriter guessing each cell."""

    def write_date(row: int, col: int, serial: object) -> object:
        return ws.write_number(row, col, serial, date)

    return [
        write_date if d == pl.Date else ws.write_number if d.is_numeric() else ws.write_string
        for d in dtypes
    ]


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> Path:
    """A workbook the way county staff lay it out: title row, unit row, header, data, total.

    IDs and phone numbers are written as text (Excel would otherwise lose their last digits),
    dates as Excel dates.
    """
    workbook = spreadsheet.workbook(path)  # text stays text, as in every file the app writes
    workbook.set_properties({"title": path.stem, "author": f"{COUNTY}人社局", "created": _CREATED})
    bold = workbook.add_format({"bold": True, "align": "center", "text_wrap": True})
    big = workbook.add_format({"bold": True, "font_size": 16, "align": "center"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name)
        headers = sheet.frame.columns
        row = 0
        if sheet.title:
            ws.merge_range(row, 0, row, len(headers) - 1, sheet.title, big)
            row += 1
        if sheet.unit_row:
            ws.write_string(row, 0, sheet.unit_row)
            row += 1
        ws.write_row(row, 0, headers, bold)
        writers = _cell_writers(ws, sheet.frame.dtypes, date)
        # Excel stores a date as days since 1899-12-30 (1970-01-01 is day 25,569).
        frame = sheet.frame.with_columns(pl.col(pl.Date).cast(pl.Int32) + 25_569)
        for values in frame.iter_rows():
            row += 1
            for c, value in enumerate(values):
                if value is not None:
                    writers[c](row, c, value)
        if sheet.total:
            ws.write_row(row + 1, 0, [sheet.total.get(h) for h in headers], bold)
    workbook.close()
    return path


def _write_csv(path: Path, frame: pl.DataFrame, encoding: str) -> Path:
    """CSV as Excel in China saves it (GBK, CRLF), or as other tools do (UTF-8, BOM or not)."""
    if encoding == "utf-8-sig":
        frame.write_csv(path, include_bom=True)
    elif encoding == "utf-8":
        frame.write_csv(path)
    else:
        path.write_bytes(frame.write_csv(line_terminator="\r\n").encode(encoding))
    return path


def _write_table(out_dir: Path, stem: str, sheets: Sequence[Sheet]) -> list[Path]:
    """One workbook, or one UTF-8 CSV per sheet when a sheet is too long for xlsx to be sensible."""
    if all(s.frame.height <= _XLSX_MAX_ROWS for s in sheets):
        return [write_xlsx(out_dir / f"{stem}.xlsx", sheets)]
    suffix = len(sheets) > 1
    return [
        _write_csv(
            out_dir / (f"{stem}_{s.name}.csv" if suffix else f"{stem}.csv"), s.frame, "utf-8-sig"
        )
        for s in sheets
    ]


# How the monthly ledgers arrive: the month written four ways, CSV in four encodings, and two
# months as workbooks (one with title, unit and total rows and full-width brackets in the
# headers; one with the month as an Excel date).
_MONTH_STYLES: tuple[Callable[[dt.date], str], ...] = (
    lambda d: f"{d:%Y-%m}",
    lambda d: f"{d.year}年{d.month}月",
    lambda d: f"{d.year}/{d.month}",
    lambda d: f"{d:%Y%m}",
)
_ENCODINGS = ("gbk", "utf-8-sig", "utf-8", "utf-8-sig")


def _respelled(frame: pl.DataFrame, month: dt.date) -> pl.DataFrame:
    """Two months typed by other hands: `3号楼` and padded township names in October 2019;
    bare building numbers, full-width room numbers and a lower-case x in IDs in April 2020."""
    if month == dt.date(2019, 10, 1):
        return frame.with_columns(
            pl.col("楼栋").str.replace("栋$", "号楼"), pl.format(" {} ", pl.col("乡镇(街道)"))
        )
    if month == dt.date(2020, 4, 1):
        return frame.with_columns(
            pl.col("楼栋").str.replace("栋$", ""),
            pl.col("房号").str.replace_many(list("0123456789-"), list("０１２３４５６７８９－")),
            pl.col("身份证号").str.to_lowercase(),
        )
    return frame


_TITLED_MONTH = dt.date(2020, 8, 1)
_DATED_MONTH = dt.date(2019, 6, 1)


def _write_labour(out_dir: Path, county: _County) -> list[Path]:
    paths = []
    small = county.people.height <= _XLSX_MAX_ROWS
    for m, month in enumerate(county.months.dates):
        stem = f"{LABOUR_FILE}_{month.year}年{month.month:02d}月"
        if small and month == _TITLED_MONTH:
            frame = _ledger_month(county, m, f"{month.year}年{month.month}月")
            income = frame["月收入(元)"].sum()
            frame = frame.rename({"乡镇(街道)": "乡镇（街道）", "月收入(元)": "月收入\n（元）"})
            sheet = Sheet(
                f"{month.month}月",
                frame,
                title=f"{COUNTY}易地扶贫搬迁劳动力就业台账（{month.year}年{month.month}月）",
                unit_row=f"填报单位：{COUNTY}人力资源和社会保障局      单位：人、元",
                total={"统计月份": "合计", "月收入\n（元）": income},
            )
            paths.append(write_xlsx(out_dir / f"{stem}.xlsx", [sheet]))
        elif small and month == _DATED_MONTH:
            frame = _ledger_month(county, m, month)
            paths.append(write_xlsx(out_dir / f"{stem}.xlsx", [Sheet("台账", frame)]))
        else:
            frame = _respelled(_ledger_month(county, m, _MONTH_STYLES[m % 4](month)), month)
            encoding = "gb18030" if month.month == 12 and month.year == 2019 else _ENCODINGS[m % 4]
            paths.append(_write_csv(out_dir / f"{stem}.csv", frame, encoding))
    return paths


def _write_places(out_dir: Path, county: _County) -> Path:
    layout = county.layout
    sites = layout.sites.select(
        pl.col("site").alias("安置点"),
        pl.col("township").alias("所在乡镇"),
        pl.col("lon").alias("经度"),
        pl.col("lat").alias("纬度"),
        pl.col("buildings").alias("楼栋数"),
        pl.col("households").alias("规划户数"),
    )
    captains = layout.buildings.select(
        pl.col("site_idx")
        .replace_strict(dict(enumerate(layout.sites["site"])), return_dtype=pl.String)
        .alias("安置点"),
        pl.col("building").alias("楼栋"),
        pl.col("captain").alias("楼长"),
        pl.col("department").alias("包保单位"),
        pl.col("captain_phone").alias("联系电话"),
    )
    title = f"{COUNTY}易地扶贫搬迁安置点基本情况"
    sheets = [
        Sheet("安置点", sites, title=title),
        Sheet("就业楼长", captains, title=f"{COUNTY}就业楼长名册"),
    ]
    return _write_table(out_dir, "安置点及就业楼长", sheets)[0]


def _by_year(frame: pl.DataFrame, column: str) -> list[tuple[int, pl.DataFrame]]:
    years = frame.get_column(column).dt.year()
    return [(y, frame.filter(years == y)) for y in sorted(years.unique())]


def _county_tables(
    seed: int, persons: int, months: int
) -> tuple[_County, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The county with its abuses planted, its training records and subsidy roster, and the
    planted cases (`planted_cases`)."""
    county = _build_county(seed, persons, months)
    # Every table draws from its own stream, so that adding one never reshuffles another.
    streams = np.random.default_rng(seed).spawn(4)
    planting = _Planting(county, streams[3])
    planting.plant(PLANTS, ledger=True)  # before anything is paid from the ledger
    training = _training(streams[0], county)
    subsidies = planting.paid(_subsidies(streams[1], county, training))
    return county, training, subsidies, planting.cases()


def planted_cases(*, seed: int = 2020, scale: int | None = None, months: int = 24) -> pl.DataFrame:
    """The abuses `write_demo_ledgers` plants with the same arguments, in `PLANTED_SCHEMA`: a
    row per case a rule must list (`case`) and per boundary it must not, with real ID numbers.

    The audit's expectation, computed from the plan and not by the audit: a plant whose month
    the window does not hold, or that finds nobody to plant on, is left out.
    """
    return _county_tables(seed, DEFAULT_PERSONS if scale is None else scale, months)[3]


def write_demo_ledgers(
    out_dir: Path, *, seed: int = 2020, scale: int | None = None, months: int = 24
) -> list[Path]:
    """Write the demo county's ledger files into `out_dir`; return them in import order.

    `scale` is the number of persons (default 17,000); `months` the number of monthly reports
    ending in December 2020. The same arguments write the same bytes.
    """
    persons = DEFAULT_PERSONS if scale is None else scale
    if persons < MIN_PERSONS:
        raise ValueError(f"scale must be at least {MIN_PERSONS:,} persons, not {persons:,}")
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    county, training, subsidies, _ = _county_tables(seed, persons, months)
    postings = _postings(np.random.default_rng(seed).spawn(3)[2], county)
    targets = _targets(county, subsidies, training)

    paths = [_write_places(out_dir, county), write_township_geojson(out_dir / "乡镇界线.geojson")]
    paths += _write_labour(out_dir, county)
    roster = subsidies.rename(SUBSIDY_HEADERS)
    paths += _write_table(
        out_dir,
        "补贴发放花名册",
        [Sheet(f"{year}年", part, title=f"{COUNTY}就业扶贫补贴发放花名册（{year}年）")
         for year, part in _by_year(roster, "发放日期")],
    )  # fmt: skip
    certified = pl.col("certified").replace_strict(
        {True: "是", False: "否"}, return_dtype=pl.String
    )
    paths += _write_table(
        out_dir, "岗位信息", [Sheet("岗位信息", postings.rename(POSTING_HEADERS))]
    )
    trainees = training.with_columns(certified).rename(TRAINING_HEADERS)
    paths += _write_table(out_dir, "培训记录", [Sheet("培训记录", trainees)])
    paths += _write_table(out_dir, "年度目标", [Sheet("年度目标", targets.rename(TARGET_HEADERS))])
    return paths


def build_demo(
    engine: Engine,
    *,
    seed: int = 2020,
    scale: int | None = None,
    months: int = 24,
    out_dir: Path | None = None,
    set_aside: Path | None = None,
) -> ImportResult:
    """Write the demo county's ledgers (default into data/demo_ledgers/) and load them all
    through the importer in one import, recorded as user "demo", source "demo"; then give the
    demo county its demo accounts, one per role (signing in by them stays off unless allowed).

    `set_aside`: for a new SQLite store that nothing opens until this is done, a folder for the
    labour records on their way (`import_files`); they are appended at the end.
    """
    from data.accounts import ensure_demo_accounts
    from data.bulk import append
    from data.importer import import_files

    init_store(engine)
    paths = write_demo_ledgers(out_dir or DEFAULT_OUT_DIR, seed=seed, scale=scale, months=months)
    persons = DEFAULT_PERSONS if scale is None else scale
    if persons * months <= ONE_IMPORT_ROWS:
        groups = [paths]
    else:
        # A province's year of ledgers at once would not fit in memory: the places first, then
        # as many months as make about ONE_IMPORT_ROWS records at a time (an import holds about
        # 2 GiB a million), then the rest; each an import (and a data version) of its own.
        labour = [p for p in paths if p.name.startswith(LABOUR_FILE)]
        places, rest = paths[:2], [p for p in paths[2:] if p not in labour]
        step = max(1, ONE_IMPORT_ROWS // persons)
        groups = [places, *(labour[i : i + step] for i in range(0, len(labour), step)), rest]
    for group in groups:
        result = import_files(engine, group, user="demo", source="demo", set_aside=set_aside)
        if not result.ok:
            return result
    if set_aside is not None:
        engine.dispose()  # the appends are another process's: no connection of ours stays open
        append(Path(engine.url.database), set_aside)
    ensure_demo_accounts(engine)
    return result
