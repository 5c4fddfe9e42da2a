"""`make bench`: how fast the dashboard is at county and province scale. A benchmark, not a test.

For each scale (persons × 12 months; `BENCH_SCALES`, default "10000 100000"), it builds the demo
county at that size in a store of its own (kept in `BENCH_DIR`, default data/store/bench/, and
reused by the next run: delete a scale's folder to build it again), then measures, each as the
median of several runs:

- import: one month's labour ledger re-imported (replacing that month), CSV and xlsx, rows/s;
- cold start: store → frames (no snapshot), and snapshot → frames;
- every page's server-side run (AppTest, in this process), cold (caches cleared) and warm, for
  the county (an analyst) and for a building captain;
- `python -m analytics rates --by building`, end to end (a new process);
- the overview's numbers two other ways: the polars floor (the same analytics on frames already in
  memory) and the naive way (SQL GROUP BY on the store for every request);
- peak memory (RSS) of this process, which ran the pages.

It writes BENCHMARKS.md. Usage: `make bench` or `.venv/bin/python tests/bench/run.py [SCALE …]`.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
from sqlalchemy import text  # noqa: E402

from analytics.drill import Place, children  # noqa: E402
from analytics.kpis import headline  # noqa: E402
from analytics.rates import latest_month  # noqa: E402
from data.demo import build_demo  # noqa: E402
from data.frames import load_frames  # noqa: E402
from data.importer import import_files  # noqa: E402
from data.store import data_version, get_engine  # noqa: E402

MONTHS = 12
PAGES = ("overview", "building", "subsidies", "explore", "rosters", "jobs", "income")
CAPTAIN_PAGES = ("overview", "building")
WARM_RUNS = 5
TARGET_WARM, TARGET_COLD = 0.25, 5.0  # seconds, issue 8
BENCH_DIR = Path(os.environ.get("BENCH_DIR", ROOT / "data" / "store" / "bench"))


def median_time(run: Callable[[], object], times: int) -> float:
    """The median wall time of `times` calls, in seconds."""
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


@dataclass
class Scale:
    persons: int
    rows: int = 0
    build_s: float = 0.0
    import_rows: int = 0
    import_csv: float = 0.0  # rows/s
    import_xlsx: float = 0.0
    frames_cold: float = 0.0
    frames_snapshot: float = 0.0
    pages: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    cli_rates: float = 0.0
    floor: float = 0.0
    naive: float = 0.0
    peak_rss_mib: float = 0.0


def store_for(persons: int) -> tuple[str, float]:
    """A demo store of `persons` × 12 months (built once), and the seconds building it took."""
    folder = BENCH_DIR / f"{persons}"
    url = f"sqlite:///{folder / 'store.sqlite'}"
    if (folder / "store.sqlite").exists() and data_version(get_engine(url)) > 0:
        return url, float((folder / "build_seconds").read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    result = build_demo(get_engine(url), scale=persons, months=MONTHS, out_dir=folder / "ledgers")
    spent = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(result.report())
    (folder / "build_seconds").write_text(f"{spent:.1f}")
    return url, spent


def measure_import(url: str, ledgers: Path, scale: Scale) -> None:
    """Re-import the last month's labour ledger, as CSV and as xlsx: rows per second."""
    latest = sorted(ledgers.glob("劳动力就业台账_*.csv"))[-1]
    rows = pl.read_csv(latest, infer_schema_length=0)
    xlsx = latest.with_suffix(".xlsx")
    if not xlsx.exists():
        rows.write_excel(xlsx, worksheet="台账")
    engine = get_engine(url)
    scale.import_rows = rows.height
    for path, attr in ((latest, "import_csv"), (xlsx, "import_xlsx")):
        spent = median_time(lambda p=path: _import_ok(engine, p), 3)
        setattr(scale, attr, rows.height / spent)


def _import_ok(engine, path: Path) -> None:
    result = import_files(engine, [path], user="bench", source="bench")
    if not result.ok:
        raise SystemExit(result.report())


def measure_frames(url: str, scale: Scale) -> None:
    """Store → frames without a snapshot (the first load of a data version), then from it."""
    engine = get_engine(url)
    snapshots = Path(url.removeprefix("sqlite:///")).with_suffix(".sqlite.frames")

    def cold() -> None:
        shutil.rmtree(snapshots, ignore_errors=True)
        load_frames(engine)

    scale.frames_cold = median_time(cold, 3)
    scale.frames_snapshot = median_time(lambda: load_frames(engine), 3)
    scale.rows = load_frames(engine).labour.height


def measure_pages(url: str, scale: Scale) -> None:
    """Each page's server-side run, cold and warm, for an analyst and a building captain."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from data.accounts import get_account

    os.environ["DATABASE_URL"] = url
    engine = get_engine(url)
    for user, pages in (("demo-analyst", PAGES), ("demo-captain", CAPTAIN_PAGES)):
        account = get_account(engine, user)
        for page in pages:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
            at.session_state["auth_account"] = account
            if page != "overview":
                at.switch_page(f"pages/{page}.py")
            st.cache_resource.clear()
            st.cache_data.clear()
            start = time.perf_counter()
            at.run()
            cold = time.perf_counter() - start
            if at.exception:
                raise SystemExit(f"{page} as {user}: {at.exception[0].message}")
            warm = median_time(at.run, WARM_RUNS)
            scale.pages[(user, page)] = (cold, warm)


def measure_cli(url: str, scale: Scale) -> None:
    def run() -> None:
        subprocess.run(
            [sys.executable, "-m", "analytics", "rates", "--by", "building", "--format", "csv"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )

    scale.cli_rates = median_time(run, 3)


def measure_references(url: str, scale: Scale) -> None:
    """The overview's county numbers: on frames in memory (floor) and by SQL per request (naive)."""
    engine = get_engine(url)
    data = load_frames(engine)
    month = latest_month(data.labour)

    def floor() -> None:
        headline(data.labour, data.subsidies, month)
        children(data.labour, Place(), month, by="township")

    scale.floor = median_time(floor, WARM_RUNS)
    scale.naive = median_time(lambda: naive_overview(engine, month), 3)


NAIVE_SQL = """
    SELECT t.name AS township,
           SUM(CASE WHEN r.capacity IN ('有劳动能力', '弱劳动力')
                     AND r.status IN ('已就业', '未就业') THEN 1 ELSE 0 END) AS labour_force,
           SUM(CASE WHEN r.capacity IN ('有劳动能力', '弱劳动力')
                     AND r.status = '已就业' THEN 1 ELSE 0 END) AS employed
    FROM labour_record r
    JOIN household h ON h.id = r.household_id
    JOIN township t ON t.id = h.township_id
    WHERE r.month = :month
    GROUP BY t.name"""
NAIVE_HOUSEHOLDS = """
    SELECT COUNT(*) FROM (
        SELECT r.household_id,
               MAX(CASE WHEN r.status = '已就业' THEN 1 ELSE 0 END) AS covered
        FROM labour_record r
        WHERE r.month = :month AND r.capacity IN ('有劳动能力', '弱劳动力')
          AND r.status IN ('已就业', '未就业')
        GROUP BY r.household_id) AS households WHERE covered = 0"""


def naive_overview(engine, month: date) -> None:
    """What a page without frames would do on every request: group the store in SQL."""
    with engine.connect() as conn:
        conn.execute(text(NAIVE_SQL), {"month": month}).all()
        conn.execute(text(NAIVE_HOUSEHOLDS), {"month": month}).all()
        conn.execute(
            text("SELECT SUM(amount_fen) FROM subsidy_payment WHERE paid_on <= :end"),
            {"end": month.replace(day=28)},
        ).all()


def machine() -> list[str]:
    import polars
    import streamlit

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [
        f"- {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, polars {polars.__version__}, "
        f"streamlit {streamlit.__version__}; SQLite store",
    ]


def seconds(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def mark(value: float, target: float) -> str:
    return seconds(value) if value <= target else f"**{seconds(value)}** (> {seconds(target)})"


def report(scales: list[Scale]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"`make bench` on {date.today():%Y-%m-%d}. Median of several runs each; "
        f"{MONTHS} monthly reports per scale. Targets (issue 8): a page ≤ 250 ms warm and ≤ 5 s "
        "cold; bold marks a miss.",
        "",
        "## Machine",
        *machine(),
    ]
    for scale in scales:
        floor_page = scale.pages.get(("demo-analyst", "overview"), (0.0, 0.0))[1]
        lines += [
            "",
            f"## {scale.persons:,} persons ({scale.rows:,} labour rows)",
            "",
            f"- demo store built and imported in {scale.build_s:,.0f} s",
            f"- import of one month's labour ledger ({scale.import_rows:,} rows): "
            f"CSV {scale.import_csv:,.0f} rows/s, xlsx {scale.import_xlsx:,.0f} rows/s",
            f"- cold start, store → frames: {seconds(scale.frames_cold)}; "
            f"from the Parquet snapshot: {seconds(scale.frames_snapshot)}",
            f"- `python -m analytics rates --by building`: {seconds(scale.cli_rates)}",
            f"- overview's county numbers: polars floor {seconds(scale.floor)}, "
            f"naive SQL {seconds(scale.naive)}; page/floor "
            f"{floor_page / scale.floor:,.1f}×, naive/page {scale.naive / floor_page:,.2f}×",
            f"- peak memory (RSS) of the process that ran the pages: {scale.peak_rss_mib:,.0f} MiB",
            "",
            "| page | viewer | cold | warm |",
            "|---|---|---|---|",
        ]
        for (user, page), (cold, warm) in scale.pages.items():
            who = "county (analyst)" if user == "demo-analyst" else "one building (captain)"
            lines.append(
                f"| {page} | {who} | {mark(cold, TARGET_COLD)} | {mark(warm, TARGET_WARM)} |"
            )
    if len(scales) > 1:
        first, last = scales[0], scales[-1]
        growth = last.rows / first.rows
        lines += ["", f"## Growth from {first.persons:,} to {last.persons:,} persons", ""]
        lines.append(f"Rows × {growth:,.1f}. Warm page time ×:")
        for key, (_, warm) in last.pages.items():
            before = first.pages[key][1]
            lines.append(f"- {key[1]} ({key[0].removeprefix('demo-')}): {warm / before:,.1f}×")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    persons = [int(p) for p in (argv or os.environ.get("BENCH_SCALES", "10000 100000").split())]
    scales = []
    for count in persons:
        scale = Scale(count)
        print(f"— {count:,} persons: building the store …", flush=True)
        url, scale.build_s = store_for(count)
        ledgers = BENCH_DIR / f"{count}" / "ledgers"
        print("  import …", flush=True)
        measure_import(url, ledgers, scale)
        print("  frames …", flush=True)
        measure_frames(url, scale)
        print("  pages …", flush=True)
        measure_pages(url, scale)
        print("  command line and references …", flush=True)
        measure_cli(url, scale)
        measure_references(url, scale)
        scale.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        scales.append(scale)
    out = ROOT / "BENCHMARKS.md"
    out.write_text(report(scales), encoding="utf-8")
    print(f"→ {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
