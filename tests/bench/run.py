"""`make bench`: how fast the dashboard is at county and province scale. A benchmark, not a test.

For each scale (persons × 12 months; `BENCH_SCALES`, default "10000 100000 1000000 2200000"), it
builds the demo county at that size with `data.demo.build_demo` in a store of its own (kept in
`BENCH_DIR`, default data/store/bench/, and reused by the next run: delete a scale's folder to
build it again; every store is built first, two at a time, into a file of its own renamed when
done, its labour records set aside and appended at the end: `data.bulk`), then measures, each
as the median of several runs (fewer above 100,000 persons):

- import: the latest month's labour ledger again (a county's 100,000 rows of it at province
  scale), CSV and xlsx, rows/s; a month new to the store, and the first load after it;
- cold start: store → frames (no snapshot), and snapshot → frames;
- every page's server-side run (AppTest), cold (its numbers not yet worked out, the store's
  frames already read, as they are once per data version for every session) and warm, for the
  county (an analyst) and for a building captain, in a process of its own, and that process's
  peak RSS;
- `python -m analytics rates --by building`, end to end (a new process);
- the county overview's numbers two other ways: the polars floor (the same analytics on frames
  already in memory) and the naive way (SQL GROUP BY on the store for every request);
- how each figure grows from one scale to the next;
- at the largest scale: 20 sessions at once on one `streamlit run` (0.5–2 s think); a worker's
  cold start to the first overview drawn; `BENCH_SESSIONS` (100) sessions reading each page
  5–15 s through deploy/serve.py (HAProxy) with each of `BENCH_WORKERS` ("1 2 4") workers, their
  summed PSS sampled every second; the new month into PostgreSQL (`TEST_POSTGRES_URL`, a
  schema of its own, dropped afterwards).

It writes BENCHMARKS.md and bench-summary.json (issue 23's figures of the largest scale, numbers
only) into `BENCH_OUT` (default the repo's root); its servers listen on `BENCH_PORT` (8599) and
the workers behind HAProxy on the ports after it. Usage: `make bench` or
`.venv/bin/python tests/bench/run.py [SCALE …]`.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402
from sqlalchemy import Engine, create_engine, event, text  # noqa: E402

from analytics.drill import Place, children  # noqa: E402
from analytics.kpis import headline  # noqa: E402
from analytics.mix import employment_mix, migrant_split  # noqa: E402
from analytics.rates import latest_month, rates_by_month  # noqa: E402
from analytics.targets import target_board  # noqa: E402
from data.demo import Sheet, build_demo, write_xlsx  # noqa: E402
from data.frames import load_frames, snapshot_ready  # noqa: E402
from data.importer import import_files  # noqa: E402
from data.store import get_engine  # noqa: E402
from data.undo import undo_batch  # noqa: E402
from deploy.serve import find_haproxy  # noqa: E402
from tests.bench.load import RUN_TIMEOUT, LoadResult, cold_start, run_load  # noqa: E402

MONTHS = 12
SCALES = "10000 100000 1000000 2200000"
BIG = 100_000  # above this many persons, fewer repetitions: the whole run must stay under 30 min
NEW_MONTH = date(2021, 1, 1)  # the month `measure_new_month` imports, after the demo's year
COUNTY_ROWS = 100_000  # a county's month: what one xlsx file holds at province scale
PAGES = ("overview", "building", "subsidies", "explore", "rosters", "jobs", "income")
CAPTAIN_PAGES = ("overview", "building")
WARM_RUNS = 5
TARGET_WARM, TARGET_COLD = 0.25, 5.0  # seconds, issue 8
TARGET_IMPORT, TARGET_MIB = 100_000, 4096  # rows/s; MiB
PROVINCE_COLD, PROVINCE_MIB = 2.0, 1536  # seconds; MiB, issue 23
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
LOAD_SESSIONS = 20
# Issue 23: the province's users at once, through deploy/serve.py (HAProxy), reading each page
# 5–15 s as people do, with each of these worker counts.
MANY_SESSIONS = int(os.environ.get("BENCH_SESSIONS", "100"))
MANY_THINK = (5.0, 15.0)
WORKER_COUNTS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1 2 4").split()]
PORT = int(os.environ.get("BENCH_PORT", "8599"))  # a server's, or HAProxy's (workers: the next)
OUT = Path(os.environ.get("BENCH_OUT", ROOT))  # where BENCHMARKS.md and bench-summary.json go
# The townships and the sites with their buildings: what a month's ledger is checked against.
PLACE_FILES = ("乡镇界线.geojson", "安置点及就业楼长.xlsx")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
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
    import_new: float = 0.0  # rows/s of a month not in the store yet
    new_rows: int = 0  # that month's rows
    import_new_postgres: float = 0.0  # rows/s of that month into PostgreSQL
    frames_after_import: float = 0.0  # seconds: the first load after it (snapshot patched)
    frames_cold: float = 0.0
    frames_snapshot: float = 0.0
    frame_mib: float = 0.0  # the labour frame in memory (polars' estimate)
    pages: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    cli_rates: float = 0.0
    floor: float = 0.0
    naive: float = 0.0
    peak_rss_mib: float = 0.0
    load: LoadResult | None = None
    worker_loads: list[LoadResult] = field(default_factory=list)  # one per worker count
    cold_start_s: float = 0.0  # a worker's start → the first overview drawn
    load_persons: int = 0  # the scale the load test ran on (the largest whose pages ran)
    failed: dict[str, str] = field(default_factory=dict)  # step → how its process ended
    spent: dict[str, float] = field(default_factory=dict)  # step → seconds of the run it took


def store_for(persons: int) -> tuple[str, float]:
    """A demo store of `persons` × 12 months (built once), and the seconds building it took."""
    folder = BENCH_DIR / f"{persons}"
    url = f"sqlite:///{folder / 'store.sqlite'}"
    # build_seconds is written last: a build that stopped half-way is built again.
    if (folder / "build_seconds").exists():
        _undo_new_months(get_engine(url))
        return url, float((folder / "build_seconds").read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    building = folder / "building.sqlite"
    engine = _unjournaled(building)
    result = build_demo(
        engine,
        scale=persons,
        months=MONTHS,
        out_dir=folder / "ledgers",
        set_aside=folder / "records",
    )
    if not result.ok:
        raise SystemExit(result.report())
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")  # as every store the app opens
    engine.dispose()
    building.replace(folder / "store.sqlite")
    spent = time.perf_counter() - start
    (folder / "build_seconds").write_text(f"{spent:.1f}")
    return url, spent


def _unjournaled(path: Path) -> Engine:
    """An engine for a store file that nothing else opens until it is renamed into place: no
    journal and no syncs, as a build that fails is thrown away (the imports of a province's year
    take a sixth less time; SQLite's rollback then cannot be trusted, and is never needed)."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in ("foreign_keys=ON", "journal_mode=OFF", "synchronous=OFF"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine


def _undo_new_months(engine) -> None:
    """Take back the new months an earlier run left in a kept store (its last step does not undo
    its month: a province's undo took 40 s of a run that must stay under 30 min)."""
    with engine.connect() as conn:
        batches = conn.execute(
            text(
                "SELECT id FROM import_batch WHERE source = 'bench' AND months = :month "
                "AND undone_by IS NULL ORDER BY id DESC"
            ),
            {"month": f"{NEW_MONTH:%Y-%m}"},
        ).scalars()
        batches = list(batches)
    for batch in batches:
        if not undo_batch(engine, batch, user="bench").ok:
            raise SystemExit(f"could not undo batch {batch}, an earlier run's new month")


def runs(scale: Scale, small: int, big: int = 1) -> int:
    """How many runs to take the median of at this scale."""
    return small if scale.persons <= BIG else big


def measure_import(url: str, ledgers: Path, scale: Scale) -> None:
    """Re-import the last month's labour ledger (replacing its records), as CSV and as xlsx.

    Above a county's month (100,000 rows) the file is one county's part of it, as a province's
    month comes in: one file per county (a sheet holds at most 1,048,576 rows, and writing a
    million-row workbook for the bench took longer than importing it). The whole month of a
    province, as one CSV, is the new month's figure.
    """
    latest = sorted(ledgers.glob("劳动力就业台账_*.csv"))[-1]
    rows = pl.read_csv(latest, infer_schema_length=0).head(COUNTY_ROWS)
    engine = get_engine(url)
    csv = latest
    if rows.height == COUNTY_ROWS:
        # Beside the ledgers, not among them: the latest month's file stays the latest.
        csv = ledgers.parent / "county" / latest.name
        csv.parent.mkdir(exist_ok=True)
        rows.write_csv(csv)
    scale.import_rows = rows.height
    spent = median_time(lambda: _import_ok(engine, csv), runs(scale, 3))
    scale.import_csv = rows.height / spent
    xlsx = csv.with_suffix(".xlsx")
    if not xlsx.exists():
        # Under another name first: a run stopped half-way must not leave half a workbook.
        partial = xlsx.with_suffix(".partial.xlsx")
        write_xlsx(partial, [Sheet(name="台账", frame=rows)])  # the demo's writer: twice as fast
        partial.rename(xlsx)
    spent = median_time(lambda: _import_ok(engine, xlsx), runs(scale, 3))
    scale.import_xlsx = rows.height / spent


def _import_ok(engine, paths: Path | list[Path]) -> int:
    paths = paths if isinstance(paths, list) else [paths]
    result = import_files(engine, paths, user="bench", source="bench")
    if not result.ok:
        raise SystemExit(result.report())
    return result.batch_id


def measure_new_month(url: str, ledgers: Path, scale: Scale) -> None:
    """The monthly routine: a month the store has not seen (the last one again, as January
    2021), and the first load of the frames after it. The last step on a store: the next run
    that keeps the store undoes the month first (`store_for`).
    """
    latest = sorted(ledgers.glob("劳动力就业台账_*.csv"))[-1]
    rows = pl.read_csv(latest, infer_schema_length=0)
    # Beside the ledgers, not among them.
    path = ledgers.parent / f"劳动力就业台账_{NEW_MONTH.year}年{NEW_MONTH.month:02d}月.csv"
    rows.with_columns(pl.lit(f"{NEW_MONTH:%Y%m}").alias(rows.columns[0])).write_csv(path)
    engine = get_engine(url)
    if not snapshot_ready(engine):
        load_frames(engine)  # a snapshot of the store as it is, to be patched
    start = time.perf_counter()
    _import_ok(engine, path)
    scale.import_new = rows.height / (time.perf_counter() - start)
    scale.new_rows = rows.height
    start = time.perf_counter()
    load_frames(engine)
    scale.frames_after_import = time.perf_counter() - start


def measure_postgres_new_month(url: str, ledgers: Path, scale: Scale) -> None:
    """The monthly routine into PostgreSQL: in a schema of its own (dropped afterwards), the
    scale's places and its latest month, then that month again as January 2021, as
    `measure_new_month` imports it into SQLite.

    The store holds one month before the new one, not the year: a province's year through the
    importer into PostgreSQL would take longer than the rest of the run. Every person of the new
    month is then already in the store, as in the monthly routine; what the store lacks is the
    history, so its indexes are a twelfth of the size.
    """
    from data.store import init_store

    latest = sorted(ledgers.glob("劳动力就业台账_*.csv"))[-1]
    places = [p for p in ledgers.iterdir() if p.name in PLACE_FILES]
    new = ledgers.parent / f"劳动力就业台账_{NEW_MONTH.year}年{NEW_MONTH.month:02d}月.csv"
    rows = pl.read_csv(latest, infer_schema_length=0)
    rows.with_columns(pl.lit(f"{NEW_MONTH:%Y%m}").alias(rows.columns[0])).write_csv(new)
    schema = f"bench_{os.getpid()}_{int(time.time())}"
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 5})
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    snapshots = Path(tempfile.mkdtemp(prefix="bench-frames-"))
    os.environ["FRAMES_CACHE_DIR"] = str(snapshots)  # not data/store/frames
    engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        init_store(engine)
        _import_ok(engine, [*places, latest])
        load_frames(engine)  # a snapshot to be patched, as in the monthly routine
        start = time.perf_counter()
        _import_ok(engine, new)
        scale.import_new_postgres = rows.height / (time.perf_counter() - start)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
        shutil.rmtree(snapshots, ignore_errors=True)


def measure_frames(url: str, scale: Scale) -> None:
    """Store → frames without a snapshot (the first load of a data version), then from it."""
    engine = get_engine(url)
    snapshots = Path(url.removeprefix("sqlite:///")).with_suffix(".sqlite.frames")

    def cold() -> None:
        shutil.rmtree(snapshots, ignore_errors=True)
        load_frames(engine)

    # Above a county, one run: a new store has no snapshot, so its first load is this read anyway.
    scale.frames_cold = median_time(cold, runs(scale, 3))
    spent = []
    for _ in range(runs(scale, 3)):
        start = time.perf_counter()
        labour = load_frames(engine).labour
        spent.append(time.perf_counter() - start)
    scale.frames_snapshot = statistics.median(spent)
    scale.rows, scale.frame_mib = labour.height, labour.estimated_size() / 2**20


def measure_pages(url: str, scale: Scale) -> None:
    """Each page's server-side run, cold and warm, in a process of its own (as the app's server
    would be): its peak memory is the app's, not the import's or the store build's."""
    done = subprocess.run(
        [sys.executable, __file__, "--pages", url, str(runs(scale, WARM_RUNS, 3))],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    scale.pages = {(u, p): (c, w) for u, p, c, w in result["pages"]}
    scale.peak_rss_mib = result["peak_rss_mib"]


def run_pages(url: str, warm_runs: int) -> None:
    """`--pages`: every page as an analyst (county) and a captain (one building), cold (numbers
    dropped, frames kept) then warm; prints the times and this process's peak RSS as one JSON
    line."""
    from streamlit.testing.v1 import AppTest

    from data.accounts import get_account
    from ui.state import forget_numbers

    os.environ["DATABASE_URL"] = url
    engine = get_engine(url)
    pages = []
    # The store's frames first, once (an overview as an analyst reads them), as a server reads
    # them once per data version for every session: their read is the cold start, measured on
    # its own. A cold page is then a view whose numbers no one has worked out yet.
    first = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    first.session_state["auth_account"] = get_account(engine, "demo-analyst")
    first.run()
    for user, names in (("demo-analyst", PAGES), ("demo-captain", CAPTAIN_PAGES)):
        account = get_account(engine, user)
        for page in names:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
            at.session_state["auth_account"] = account
            if page != "overview":
                at.switch_page(f"pages/{page}.py")
            forget_numbers()
            # The previous page's numbers hang in cycles through its script until a collection.
            gc.collect()
            start = time.perf_counter()
            at.run()
            cold = time.perf_counter() - start
            if at.exception:
                raise SystemExit(f"{page} as {user}: {at.exception[0].message}")
            pages.append((user, page, cold, median_time(at.run, warm_runs)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": pages, "peak_rss_mib": peak}))


def measure_cli(url: str, scale: Scale) -> None:
    def run() -> None:
        subprocess.run(
            [sys.executable, "-m", "analytics", "rates", "--by", "building", "--format", "csv"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )

    scale.cli_rates = median_time(run, runs(scale, 3))


def overview_numbers(data, month: date) -> None:
    """Every number the county overview shows, straight from frames in memory: the floor."""
    place = Place()
    headline(data.labour, data.subsidies, month)
    rates_by_month(data.labour, by=[], until=month).tail(24)
    children(data.labour, place, month, by="township")
    children(data.labour, place, month, by="site")
    employment_mix(data.labour, month)
    migrant_split(data.labour, month)
    target_board(data.targets, data.labour, data.subsidies, data.training, month.year, month)


def measure_references(url: str, scale: Scale) -> None:
    """The overview's county numbers: on frames in memory (floor) and by SQL per request (naive)."""
    engine = get_engine(url)
    data = load_frames(engine)
    month = latest_month(data.labour)
    scale.floor = median_time(lambda: overview_numbers(data, month), runs(scale, WARM_RUNS, 3))
    scale.naive = median_time(lambda: naive_overview(engine, month), runs(scale, 3))


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


def report(scales: list[Scale], total_s: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"`make bench` on {date.today():%Y-%m-%d}: "
        + (
            f"{len(scales)} scales in {total_s / 60:,.1f} min (stores built in that time, two at "
            "a time before anything is measured, unless kept from an earlier run). "
            if not math.isnan(total_s)
            else "figures saved by the runs of each scale. "
        )
        + f"Median of several runs each (one run for the builds, and for imports and cold starts "
        f"above {BIG:,} persons); {MONTHS} monthly reports per scale. Targets (issue 8): a page "
        f"≤ 250 ms warm and ≤ 5 s cold, import ≥ 100,000 rows/s, peak memory ≤ 4 GiB, the "
        "overview within 3× of its polars floor and ≥ 10× faster than naive SQL; bold marks a "
        "miss.",
        "",
        "## Machine",
        *machine(),
        *targets_lines(scales[-1]),
    ]
    for scale in scales:
        page = scale.pages.get(("demo-analyst", "overview"), (math.nan, math.nan))[1]
        ledger = (
            f"a county's file of {scale.import_rows:,} rows, as a province's month comes in"
            if scale.import_rows == COUNTY_ROWS
            else f"{scale.import_rows:,} rows"
        )
        lines += [
            "",
            f"## {scale.persons:,} persons ({scale.rows:,} labour rows)",
            "",
            f"- demo store built and imported in {scale.build_s:,.0f} s"
            + (" (beside another build)" if len(scales) > 1 else ""),
            f"- import of the latest month's labour ledger again ({ledger}; replacing its "
            f"records): CSV {rate(scale.import_csv)}; xlsx {rate(scale.import_xlsx)}",
            f"- import of a month new to the store (CSV, {scale.new_rows:,} rows): "
            f"{rate(scale.import_new)}; the first "
            f"load of the frames after it (the snapshot patched): "
            f"{seconds(scale.frames_after_import)}",
            *(
                [
                    "- the same month into PostgreSQL (a schema of its own holding the places "
                    "and the latest month, not the year; dropped afterwards): "
                    + rate(scale.import_new_postgres)
                ]
                if scale.import_new_postgres
                else []
            ),
            f"- cold start, store → frames (the Parquet snapshot written at import): "
            f"{seconds(scale.frames_snapshot)}; without a snapshot (a full read): "
            + seconds(scale.frames_cold),
            f"- `python -m analytics rates --by building`: {seconds(scale.cli_rates)}",
            f"- the county overview's numbers straight from frames in memory (polars floor): "
            f"{seconds(scale.floor)}; naive SQL GROUP BY per request (headline and townships "
            f"only): {seconds(scale.naive)}",
            f"- page/floor {ratio(page / scale.floor, 3, above=True)}, naive/page "
            f"{ratio(scale.naive / page, 10, above=False)}",
            f"- peak memory (RSS) of the process that ran the pages: "
            f"{mark_mib(scale.peak_rss_mib)}",
            *(f"- **not measured: {step}** — {ended(why)}" for step, why in scale.failed.items()),
            "",
            "| page | viewer | cold | warm |",
            "|---|---|---|---|",
        ]
        for (user, name), (cold, warm) in scale.pages.items():
            who = "county (analyst)" if user == "demo-analyst" else "one building (captain)"
            lines.append(
                f"| {name} | {who} | {mark(cold, TARGET_COLD)} | {mark(warm, TARGET_WARM)} |"
            )
        if scale.load is not None:
            lines += load_lines(scale.load, scale.load_persons or scale.persons)
        if scale.cold_start_s or scale.worker_loads:
            lines += worker_lines(
                scale.worker_loads, scale.load_persons or scale.persons, scale.cold_start_s
            )
    if len(scales) > 1:
        lines += growth(scales)
    lines += budget(scales, total_s)
    lines += causes(scales)
    return "\n".join(lines) + "\n"


# Issue 23's targets for bench-summary.json: (key path, at most / at least, the bound).
TARGETS_23: list[tuple[str, str, str, float]] = [
    ("one worker's peak memory (RSS), every page cold then warm", "worker_peak_rss_mib", "≤", 1536),
    ("all workers' memory (PSS) under the load test", "workers_total_pss_mib", "≤", 6144),
    ("a worker's start → the first overview drawn (s)", "cold_start_s", "≤", 5),
    ("the first load after a new month (s)", "new_month_first_load_s", "≤", 10),
    ("slowest page, cold (ms)", "page_cold_max_ms", "≤", 2000),
    ("slowest page, warm (ms)", "page_warm_max_ms", "≤", 250),
    ("load test: rerun p95 (ms)", "load.p95_ms", "≤", 2000),
    ("load test: errors", "load.errors", "≤", 0),
    ("a new month into SQLite (rows/s)", "import_rows_per_s.sqlite_new_month", "≥", 100_000),
    (
        "a new month into PostgreSQL (rows/s)",
        "import_rows_per_s.postgresql_new_month",
        "≥",
        100_000,
    ),
]
# The same figures in BENCHMARKS.md of 2026-11-23 at 2,200,000 persons (one server process
# holding every month; issue 23), shown beside a run at that scale.
BEFORE_23 = {
    "worker_peak_rss_mib": "6,619",
    "workers_total_pss_mib": "12,320 (RSS of one server, 20 sessions)",
    "cold_start_s": "9.4 (store → frames only)",
    "new_month_first_load_s": "43.0",
    "page_cold_max_ms": "3,301",
    "page_warm_max_ms": "180",
    "load.p95_ms": "21,000 (20 sessions, 0.5–2 s think)",
    "import_rows_per_s.sqlite_new_month": "39,115",
}
PROVINCE = 2_200_000


def _number(value: float | None, digits: int = 1) -> float | int | None:
    """A figure for bench-summary.json: rounded; None (JSON null) for one not measured."""
    if value is None or not value or math.isnan(value):
        return None
    rounded = round(value, digits)
    return int(rounded) if digits == 0 or float(rounded).is_integer() else rounded


def summary(scale: Scale) -> dict:
    """bench-summary.json: issue 23's figures of the largest scale, numbers only (null for a
    figure whose step failed or did not run). `load` is the load test with the most workers;
    BENCHMARKS.md has every worker count."""
    many = max(scale.worker_loads, key=lambda load: load.workers, default=None)
    cold = [c for c, _ in scale.pages.values()]
    warm = [w for _, w in scale.pages.values()]
    return {
        "persons": scale.persons,
        "worker_peak_rss_mib": _number(scale.peak_rss_mib),
        "workers_total_pss_mib": _number(many.peak_pss_mib if many else None),
        "cold_start_s": _number(scale.cold_start_s, 2),
        "new_month_first_load_s": _number(scale.frames_after_import, 2),
        "page_cold_max_ms": _number(max(cold, default=0) * 1000, 0),
        "page_warm_max_ms": _number(max(warm, default=0) * 1000, 0),
        "load": {
            "sessions": many.sessions if many else None,
            "think_s": [_number(t) for t in (many.think if many else MANY_THINK)],
            "p95_ms": _number(many.p95 * 1000, 0) if many else None,
            "errors": len(many.errors) if many else None,
            "workers": many.workers if many else None,
        },
        "import_rows_per_s": {
            "sqlite_new_month": _number(scale.import_new, 0),
            "postgresql_new_month": _number(scale.import_new_postgres, 0),
        },
    }


def _at(figures: dict, path: str) -> object:
    for key in path.split("."):
        figures = figures[key]
    return figures


def targets_lines(scale: Scale) -> list[str]:
    """Issue 23's targets against bench-summary.json (and the figures before it, at province
    scale)."""
    figures = summary(scale)
    before = scale.persons == PROVINCE
    lines = [
        "",
        f"## Issue 23's targets at {scale.persons:,} persons (`bench-summary.json`)",
        "",
        f"The load test here: {figures['load']['sessions'] or '—'} sessions reading each page "
        f"{MANY_THINK[0]:g}–{MANY_THINK[1]:g} s, through HAProxy with "
        f"{figures['load']['workers'] or '—'} workers (every worker count below). Bold marks a "
        "miss; — a figure not measured.",
        "",
        "| figure | target | this run |" + (" before (2026-11-23) |" if before else ""),
        "|---|---|---|" + ("---|" if before else ""),
    ]
    for name, path, sign, bound in TARGETS_23:
        value = _at(figures, path)
        if value is None:
            cell = "—"
        else:
            missed = value > bound if sign == "≤" else value < bound
            cell = f"**{value:,}**" if missed else f"{value:,}"
        row = f"| {name} | {sign} {bound:,.0f} | {cell} |"
        lines.append(row + (f" {BEFORE_23.get(path, '—')} |" if before else ""))
    # Not in the summary: today's 20-session test, kept beside the 100 sessions.
    few = scale.load
    if few is not None:
        cell = "—" if not few.reruns else f"{few.p95 * 1000:,.0f}"
        cell = f"**{cell}**" if few.reruns and few.p95 > 3 else cell
        row = f"| {few.sessions} sessions, 0.5–2 s think, one process: rerun p95 (ms) | ≤ 3,000 |"
        lines.append(f"{row} {cell} |" + (" 21,000 |" if before else ""))
    return lines


def worker_lines(loads: list[LoadResult], persons: int, cold_start_s: float) -> list[str]:
    """The load test through HAProxy, each worker count side by side."""
    lines = [
        "",
        f"### A worker's cold start on {persons:,} persons",
        "",
        "`streamlit run server.py` (a worker as `deploy/serve.py` starts one), from its start to "
        "the first overview drawn for a signed-in analyst, the store's snapshot in place: "
        + (mark(cold_start_s, 5.0) if cold_start_s else "—"),
    ]
    if not loads:
        return lines
    loads = sorted(loads, key=lambda load: load.workers)
    counts = ", ".join(str(load.workers) for load in loads)
    low, high = loads[0].think
    lines += [
        "",
        f"### {loads[0].sessions} sessions through HAProxy, {counts} workers side by side "
        f"({persons:,} persons, {loads[0].seconds:,.0f} s each)",
        "",
        f"{loads[0].sessions} signed-in users click as above, reading each page {low:g}–{high:g} "
        "s, through `deploy/serve.py` (`make serve WORKERS=N`): HAProxy in front, each session's "
        "websocket held by one worker, the workers started cold. Memory is PSS (a page the "
        "workers share counts a share in each), read every second from "
        "/proc/PID/smaps_rollup and summed over the workers: the peak of the sum. Every user is "
        "a coroutine of one asyncio process, the load client, whose CPU time shows it did not "
        "measure itself.",
        "",
        "| | " + " | ".join(_workers_name(load.workers) for load in loads) + " |",
        "|---|" + "---|" * len(loads),
    ]
    rows: list[tuple[str, Callable[[LoadResult], str]]] = [
        ("reruns", lambda load: f"{load.reruns:,}"),
        ("errors", lambda load: f"**{len(load.errors)}**" if load.errors else "0"),
        ("rerun p50", lambda load: seconds(load.p50) if load.reruns else "—"),
        ("rerun p95", lambda load: mark(load.p95, 2.0) if load.reruns else "—"),
        ("rerun max", lambda load: seconds(load.max) if load.reruns else "—"),
        ("workers' memory (PSS), peak of the sum", lambda load: mark_mib(load.peak_pss_mib, 6144)),
        ("largest worker's peak RSS", lambda load: mark_mib(load.server_peak_mib, 1536)),
        (
            "load client's CPU",
            lambda load: (
                f"{load.client_cpu_s:,.1f} s ({load.client_cpu_s / load.seconds:.0%} of a core)"
            ),
        ),
    ]
    lines += [
        f"| {name} | " + " | ".join(cell(load) for load in loads) + " |" for name, cell in rows
    ]
    for load in loads:
        lines += [f"- error ({_workers_name(load.workers)}): {line}" for line in load.errors[:5]]
    return lines


def _workers_name(count: int) -> str:
    return f"{count} worker" + ("s" if count != 1 else "")


def causes(scales: list[Scale]) -> list[str]:
    """Why a target is missed, for each target some scale misses (what the profiles showed)."""
    why = []
    if any(s.import_csv < TARGET_IMPORT or s.import_new < TARGET_IMPORT for s in scales):
        why.append(
            "Import below 100,000 rows/s: every row is checked in Python (ID checksums, "
            "choices, duplicates), its place and person looked up by key or created, staged "
            "and inserted under the store's UNIQUE (person_id, month) index, whose cost per row "
            "grows with the store (a new month's entries land on every leaf page of it), then "
            "the undo log and the snapshot's new month are written. Into PostgreSQL the foreign "
            "keys are checked row by row as well. 100,000 rows/s needs a schema decision not "
            "taken yet: a labour table partitioned by month, its uniqueness kept per month "
            "instead of by one index over every month, and the checks run on the staged rows "
            "in SQL."
        )
    if any(s.peak_rss_mib > PROVINCE_MIB or "pages" in s.failed for s in scales):
        killed = [f"{s.persons:,}" for s in scales if "pages" in s.failed]
        why.append(
            f"A worker above {PROVINCE_MIB:,} MiB after every page: no page holds every "
            "person-month any more (tests/app/test_person_rows.py), but what a worker keeps "
            "grows with the province: the aggregates (the household grain and person counts, "
            "about a row per household or group per month: 7.6 and 9.4 million rows at "
            "2,200,000 persons) and the payments; each view's numbers and lists, kept for the "
            "next viewer (a county-wide roster or worklist is a month of people); the SQL "
            "console's tables, made a month at a time; and memory the allocator keeps after a "
            "view drops what it made"
            + (
                f"; at {' and '.join(killed)} persons it does not fit in this machine's 24 GiB "
                "and the kernel killed it"
                if killed
                else ""
            )
            + ". Bounding it needs the people lists cut to what a screen shows (a page of a "
            "roster, not the whole month) and the caches sized in bytes, not entries."
        )
    if any(s.frames_after_import > 10 for s in scales):
        why.append(
            "The first load after a new month above 10 s: it patches the snapshot rather than "
            "reading the store again (a full read is the figure without a snapshot), but reads "
            "the month's records from the store, types and joins them to their people and "
            "places, writes the month's file (the other months are linked), and extends the "
            "household grain and person counts by the month, all on one core."
        )
    if any(s.frames_cold > TARGET_COLD for s in scales):
        why.append(
            "Store → frames above 5 s without a snapshot: above 300,000 rows, connectorx reads "
            "the labour records and payments in a process of its own, a thread per core; SQLite "
            "itself decodes about half a million labour records a second per core, then they "
            "are typed, joined to their people and places, sorted, and written as the "
            "snapshot's Parquet file, which the server reads back (at 1,000,000 persons: 23 s "
            "of reading, 5 s of typing, 14 s of joining and sorting, 5 s of writing and 3 s of "
            "reading back). It happens once per store and after an undo: the "
            "Parquet snapshot is written at the first load and patched with the records of "
            "each later import or edit (the first load after a new month, above)."
        )
    if any(s.naive < 10 * s.pages.get(("demo-analyst", "overview"), (0.0, 0.0))[1] for s in scales):
        why.append(
            "naive/page below 10×: the naive figure is two SQL queries (headline and townships), "
            "no charts, no tables; the page figure is the whole page drawn. At county scale "
            "SQLite answers those two in milliseconds; the gap opens with rows."
        )
    if any(cold > PROVINCE_COLD for s in scales for cold, _ in s.pages.values()):
        why.append(
            f"A cold page above {PROVINCE_COLD:.0f} s: the first view of a page reads the "
            "aggregates, or the months and places it shows (`Frames.labour_slice`), never every "
            "person-month, and the audit cases from a file beside the snapshot; later viewers "
            "get its numbers from the cache. What is left over 2 s at province scale reads a "
            "whole month of people: the overview's 动态清零 (two months' worklists: every "
            "zero-employment household and job seeker, and the homes of the audit's payees "
            "across every month), the explorer's filters and people, the county's rosters; the "
            "SQL console makes its tables a month at a time (tens of seconds at 2,200,000 "
            "persons, once per worker, data version and scope)."
        )
    if any(warm > TARGET_WARM for s in scales for _, warm in s.pages.values()):
        why.append(
            "A warm page above 250 ms: a page's numbers are worked out once per data version, "
            "scope and choice and then shared (`ui.state.computed`); what is left on every "
            "rerun is drawing: plotly builds and validates each figure twice (ours, then "
            "Streamlit's), and every table goes through pandas to Arrow."
        )
    loads = [s.load for s in scales if s.load is not None]
    if any(not load.reruns for load in loads):
        why.append(
            "No rerun finished under load: twenty sessions opened their first page at once on a "
            "server that had just started; each first page reads the snapshot and works out "
            "its numbers, and the twenty queue behind each other on one core for longer than "
            "the test's 60 s."
        )
    if any(load.reruns and load.p95 > TARGET_WARM for load in loads):
        why.append(
            "Under load: one Streamlit process runs every session's rerun in Python, so reruns "
            "share one core (the GIL) whatever the number of cores. At about 0.1 s of Python "
            "per rerun, the server draws some 10 pages a second; 20 users clicking every 0.5–2 "
            "s ask for about 16, and the rest wait in line. Each drill to a place or month "
            "nobody opened yet also works its numbers out (a month of a place's rows at most), "
            "and everyone behind it waits."
        )
    many = [load for s in scales for load in s.worker_loads]
    if any(load.errors or load.p95 > 2.0 for load in many):
        why.append(
            f"{MANY_SESSIONS} sessions through HAProxy, p95 above 2 s or errors (a run not "
            f"finished in {RUN_TIMEOUT:.0f} s): each worker is one Python process, its sessions' "
            "reruns taking turns on its one interpreter lock, and every worker starts cold, so "
            "its first sessions wait for its first read of the store and each view's first "
            "numbers. Workers add cores, not speed: on this 2-core machine, with the load "
            "client and HAProxy beside them, at most two reruns run at once, whatever the "
            "number of workers; more workers than cores keep one slow view from holding up "
            "every session, at the price of each worker's own memory (the PSS row)."
        )
    if not why:
        return []
    return ["", "## Where a target is missed, and why", "", *(f"- {w}" for w in why)]


def ended(last_line: str) -> str:
    """How a failed step's process ended, from the last line it wrote."""
    if "SIGKILL" in last_line or "exit status -9" in last_line:
        return (
            "its process was killed (signal 9): out of memory, the kernel's OOM killer on this "
            "24 GiB machine"
        )
    return last_line


def load_lines(load: LoadResult, persons: int) -> list[str]:
    """The load test's figures: every rerun of every session, from click to the run's end."""
    lines = [
        "",
        f"### {load.sessions} sessions at once on {persons:,} persons ({load.seconds:,.0f} s, "
        "`tests/bench/load.py`)",
        "",
        f"{load.sessions} signed-in users (three in four analysts, the rest building captains) "
        "click through the app on a `streamlit run` server as websocket clients: switch page, "
        "drill down, change the month, 0.5–2 s to read each page.",
        "",
        f"- {load.reruns:,} reruns, **{len(load.errors)} errors**"
        if load.errors
        else f"- {load.reruns:,} reruns, no error",
        (
            f"- rerun time p50 {seconds(load.p50)}, p95 {seconds(load.p95)}, max "
            f"{seconds(load.max)}"
            if load.reruns
            else "- no rerun finished: every session's first page took longer than the test's "
            "60 s limit"
        ),
        f"- the server's peak memory (RSS): {mark_mib(load.server_peak_mib)}",
        "",
        "| page | reruns | p95 |",
        "|---|---|---|",
        *(f"| {page} | {runs:,} | {seconds(p95)} |" for page, (runs, p95) in load.by_page.items()),
    ]
    lines += [f"- error: {line}" for line in load.errors[:10]]
    return lines


def rate(rows_per_s: float) -> str:
    text = f"{rows_per_s:,.0f} rows/s"
    return text if rows_per_s >= TARGET_IMPORT else f"**{text}** (< {TARGET_IMPORT:,})"


def ratio(value: float, target: float, *, above: bool) -> str:
    """`value`×, bold when it is above (`above`) or below the target."""
    if math.isnan(value):
        return "—"
    text = f"{value:,.2f}×"
    missed = value > target if above else value < target
    return f"**{text}** ({'>' if above else '<'} {target:g}×)" if missed else text


def mark_mib(mib: float, target: float = TARGET_MIB) -> str:
    if not mib or math.isnan(mib):
        return "—"
    text = f"{mib:,.0f} MiB"
    return text if mib <= target else f"**{text}** (> {target:,} MiB)"


def growth(scales: list[Scale]) -> list[str]:
    """How each figure grows from one scale to the next."""
    head = " | ".join(f"{a.persons:,} → {b.persons:,}" for a, b in itertools.pairwise(scales))
    lines = [
        "",
        "## How cost grows with scale",
        "",
        "Each cell: the figure at the larger scale ÷ at the smaller (×1 is flat, ×10 follows "
        "rows).",
        "",
        f"| figure | {head} |",
        "|---|" + "---|" * (len(scales) - 1),
    ]
    figures: list[tuple[str, Callable[[Scale], float]]] = [
        ("labour rows", lambda s: s.rows),
        ("cold start (no snapshot)", lambda s: s.frames_cold),
        ("cold start (snapshot)", lambda s: s.frames_snapshot),
        ("CSV import time per row", lambda s: 1 / s.import_csv),
        ("new month's first load", lambda s: s.frames_after_import),
        ("peak memory", lambda s: s.peak_rss_mib),
        ("polars floor", lambda s: s.floor),
        ("naive SQL", lambda s: s.naive),
        ("rates CLI", lambda s: s.cli_rates),
    ]
    for key in scales[-1].pages:
        figures.append((f"{key[1]} warm ({key[0].removeprefix('demo-')})", _warm(key)))
    for name, value in figures:
        cells = " | ".join(
            f"×{value(b) / value(a):,.1f}" if value(a) and value(b) else "—"
            for a, b in itertools.pairwise(scales)
        )
        lines.append(f"| {name} | {cells} |")
    return lines


STEP_NAMES = {
    "build": "build the store (demo ledgers through the importer, records appended by ADBC)",
    "import": "import a month again, CSV and xlsx",
    "frames": "store → frames, without and with a snapshot",
    "pages": "every page, cold and warm",
    "cli": "`python -m analytics rates --by building`",
    "references": "polars floor and naive SQL",
    "load": "20 sessions at once (with the server's start)",
    "cold-start": "a worker's cold start, to the first overview",
    "workers": f"{MANY_SESSIONS} sessions through HAProxy, each worker count (with the starts)",
    "new-month": "a new month and its first load",
    "postgres": "a new month into PostgreSQL (with its store's month before it)",
}


def budget(scales: list[Scale], total_s: float) -> list[str]:
    """Where the run's time went, by step and scale (issue 8: under 30 minutes on a fresh clone)."""
    measured = [s for s in scales if s.spent]
    if not measured:
        return []
    lines = [
        "",
        "## Where the run's time went",
        "",
        "Seconds each step of `make bench` took, its repetitions included. The stores are built "
        "two at a time, so their builds add up to more than the time they took; a store kept "
        "from an earlier run is not built again.",
        "",
        "| step | " + " | ".join(f"{s.persons:,}" for s in measured) + " |",
        "|---|" + "---|" * len(measured),
    ]
    for step, name in STEP_NAMES.items():
        if any(step in s.spent for s in measured):
            cells = " | ".join(
                f"{s.spent[step]:,.0f}" if step in s.spent else "—" for s in measured
            )
            lines.append(f"| {name} | {cells} |")
    totals = " | ".join(f"**{sum(s.spent.values()):,.0f}**" for s in measured)
    lines.append(f"| all steps | {totals} |")
    if total_s > 30 * 60:
        big = measured[-1]
        lines += [
            "",
            f"**The run took {total_s / 60:,.1f} min, above the 30 min target.** Its longest "
            f"path: building the {big.persons:,}-person store ({big.spent.get('build', 0):,.0f} "
            "s, its twelve months through the importer), then measuring it "
            f"({sum(big.spent.values()) - big.spent.get('build', 0):,.0f} s). The smaller stores "
            "build beside it; measuring them beside it too saved two minutes in a trial run but "
            "made their figures 20–40 % slower, so they are measured on a quiet machine.",
        ]
    return lines


def _warm(key: tuple[str, str]) -> Callable[[Scale], float]:
    return lambda s: s.pages.get(key, (0.0, 0.0))[1]


STEPS: dict[str, Callable[[str, Path, Scale], None]] = {
    "import": lambda url, ledgers, scale: measure_import(url, ledgers, scale),
    "frames": lambda url, ledgers, scale: measure_frames(url, scale),
    "pages": lambda url, ledgers, scale: measure_pages(url, scale),
    "cli": lambda url, ledgers, scale: measure_cli(url, scale),
    "references": lambda url, ledgers, scale: measure_references(url, scale),
    "new-month": measure_new_month,
    "postgres-new-month": measure_postgres_new_month,
    # A snapshot for the store's current version (an undone new month leaves none).
    "snapshot": lambda url, ledgers, scale: load_frames(get_engine(url)),
}


def in_process(step: str, count: int, scale: Scale) -> None:
    """Run one step in a process of its own and take its figures: memory a step used (a
    province's frames are 10 GiB) goes back with the process, not into the next step's peak."""
    done = subprocess.run(
        [sys.executable, __file__, "--step", step, str(count)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        # A step that does not fit (memory) is a finding, not the end of the run.
        scale.failed[step] = (done.stderr.strip().splitlines() or ["?"])[-1]
        return
    measured, blank = _scale(json.loads(done.stdout.strip().splitlines()[-1])), Scale(count)
    for name in (f.name for f in dataclasses.fields(Scale)):
        if getattr(measured, name) != getattr(blank, name):
            setattr(scale, name, getattr(measured, name))


def build_stores(persons: list[int]) -> dict[int, Scale]:
    """Every scale's store, built before anything is measured: two at a time on two cores (the
    largest alone, the others one after another beside it), each build a process of its own."""
    scales = {count: Scale(count) for count in persons}
    largest = max(persons)
    queues = [[largest], [count for count in persons if count != largest]]
    if (os.cpu_count() or 1) < 2:
        queues = [persons]

    def build(queue: list[int]) -> None:
        for count in queue:
            print(f"— {count:,} persons: building the store …", flush=True)
            timed(scales[count], "build", in_process, "build", count, scales[count])

    with ThreadPoolExecutor(len(queues)) as pool:
        for done in [pool.submit(build, queue) for queue in queues]:
            done.result()
    return scales


def timed(scale: Scale, step: str, run: Callable[..., None], *args: object) -> None:
    """`run(*args)`, a step of `make bench`, noting the seconds it took (the run's budget is 30
    min)."""
    start = time.perf_counter()
    run(*args)
    scale.spent[step] = time.perf_counter() - start


def _load(scale: Scale, on: int, url: str) -> None:
    if not snapshot_ready(get_engine(url)):
        in_process("snapshot", on, Scale(on))  # the server starts as a county's would
    scale.load = run_load(url, sessions=LOAD_SESSIONS, seconds=LOAD_SECONDS, port=PORT)
    scale.load_persons = on


def _cold_start(scale: Scale, url: str) -> None:
    """A fresh worker until its first overview, on a store whose snapshot exists (`_load`)."""
    try:
        spent = [cold_start(url, port=PORT) for _ in range(runs(scale, 3))]
    except RuntimeError as exc:
        scale.failed["cold start"] = str(exc).splitlines()[0]
        return
    scale.cold_start_s = statistics.median(spent)


def _workers(scale: Scale, url: str) -> None:
    """`MANY_SESSIONS` users through deploy/serve.py with each of `WORKER_COUNTS` workers."""
    if find_haproxy() is None:
        scale.failed["workers"] = "haproxy is missing: `make system-deps` installs it"
        return
    for count in WORKER_COUNTS:
        print(f"  {MANY_SESSIONS} sessions, {count} worker(s), {LOAD_SECONDS:.0f} s …", flush=True)
        try:
            scale.worker_loads.append(
                run_load(
                    url,
                    sessions=MANY_SESSIONS,
                    seconds=LOAD_SECONDS,
                    port=PORT,
                    think=MANY_THINK,
                    workers=count,
                )
            )
        except RuntimeError as exc:  # a server that did not start: a finding, not the end
            scale.failed[f"{count} workers"] = str(exc).splitlines()[0]


def run_step(step: str, count: int) -> None:
    """`--step NAME PERSONS`: one step on the scale's store; prints the figures it set as JSON."""
    scale = Scale(count)
    if step == "build":
        _, scale.build_s = store_for(count)
    else:
        url = f"sqlite:///{BENCH_DIR / str(count) / 'store.sqlite'}"
        STEPS[step](url, BENCH_DIR / str(count) / "ledgers", scale)
    print(json.dumps(_figures(scale)))


def _figures(scale: Scale) -> dict:
    figures = {k: v for k, v in dataclasses.asdict(scale).items() if k not in ("pages", "load")}
    figures["pages"] = [[user, page, *times] for (user, page), times in scale.pages.items()]
    figures["load"] = dataclasses.asdict(scale.load) if scale.load else None
    return figures


def _scale(figures: dict) -> Scale:
    pages = {(user, page): (cold, warm) for user, page, cold, warm in figures.pop("pages")}
    load = figures.pop("load")
    many = [_load_result(w) for w in figures.pop("worker_loads", [])]
    return Scale(
        **figures, pages=pages, load=_load_result(load) if load else None, worker_loads=many
    )


def _load_result(figures: dict) -> LoadResult:
    return LoadResult(**{**figures, "think": tuple(figures.get("think", (0.5, 2.0)))})


def saved(count: int) -> Path:
    return BENCH_DIR / str(count) / "figures.json"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--pages"]:
        run_pages(argv[1], int(argv[2]))
        return 0
    if argv[:1] == ["--step"]:
        run_step(argv[1], int(argv[2]))
        return 0
    if argv[:1] == ["--report"]:
        # The report again from the figures each scale saved (e.g. after adding a scale).
        scales = [_scale(json.loads(saved(int(p)).read_text())) for p in argv[1:]]
        write(scales, math.nan)
        return 0
    persons = [int(p) for p in (argv or os.environ.get("BENCH_SCALES", SCALES).split())]
    began = time.perf_counter()
    built = build_stores(persons)
    scales = []
    for count in persons:
        scale = built[count]
        for step, what in (
            ("import", "import"),
            ("frames", "frames"),
            ("pages", "pages"),
            ("cli", "command line"),
            ("references", "floor and naive SQL"),
        ):
            print(f"— {count:,} persons: {what} …", flush=True)
            timed(scale, step, in_process, step, count, scale)
        # The load test before the new month: on the store as built, as every other step.
        if count == persons[-1] and LOAD_SECONDS > 0:
            ran = [s.persons for s in [*scales, scale] if s.pages]
            on = ran[-1] if ran else count
            print(f"  {LOAD_SESSIONS} sessions for {LOAD_SECONDS:.0f} s on {on:,} …", flush=True)
            url = f"sqlite:///{BENCH_DIR / str(on) / 'store.sqlite'}"
            timed(scale, "load", _load, scale, on, url)
            print(f"  a worker's cold start on {on:,} …", flush=True)
            timed(scale, "cold-start", _cold_start, scale, url)
            timed(scale, "workers", _workers, scale, url)
        print(f"— {count:,} persons: a new month …", flush=True)
        timed(scale, "new-month", in_process, "new-month", count, scale)
        if count == persons[-1]:
            print(f"— {count:,} persons: a new month into PostgreSQL …", flush=True)
            timed(scale, "postgres", in_process, "postgres-new-month", count, scale)
        saved(count).write_text(json.dumps(_figures(scale)), encoding="utf-8")
        scales.append(scale)
        # Written after every scale: a run that stops at the province keeps the counties.
        write(scales, time.perf_counter() - began)
    return 0


def write(scales: list[Scale], total_s: float) -> None:
    """BENCHMARKS.md and bench-summary.json into `OUT` (BENCH_OUT; default the repo's root)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "BENCHMARKS.md").write_text(report(scales, total_s), encoding="utf-8")
    (OUT / "bench-summary.json").write_text(
        json.dumps(summary(scales[-1]), indent=2) + "\n", encoding="utf-8"
    )
    print(f"→ {OUT / 'BENCHMARKS.md'}, {OUT / 'bench-summary.json'}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
