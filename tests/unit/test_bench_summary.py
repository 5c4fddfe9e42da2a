"""bench-summary.json (issue 23): the keys a reader checks the targets by, numbers only."""

from __future__ import annotations

import json
import math

from tests.bench import run
from tests.bench.load import LoadResult
from tests.bench.run import Scale, summary

KEYS = {
    "persons",
    "worker_peak_rss_mib",
    "workers_total_pss_mib",
    "cold_start_s",
    "new_month_first_load_s",
    "page_cold_max_ms",
    "page_warm_max_ms",
    "load",
    "import_rows_per_s",
}
LOAD_KEYS = {"sessions", "think_s", "p95_ms", "errors", "workers"}
IMPORT_KEYS = {"sqlite_new_month", "postgresql_new_month"}


def _load(workers: int, p95: float, pss: float, errors: int = 0) -> LoadResult:
    return LoadResult(
        sessions=100,
        seconds=120.0,
        reruns=900,
        errors=[f"error {i}" for i in range(errors)],
        p50=p95 / 3,
        p95=p95,
        max=p95 * 2,
        by_page={"overview": (600, p95)},
        server_peak_mib=pss / workers,
        think=(5.0, 15.0),
        workers=workers,
        peak_pss_mib=pss,
        client_cpu_s=12.5,
    )


def _measured() -> Scale:
    return Scale(
        2_200_000,
        import_new=123_456.7,
        import_new_postgres=150_001.2,
        frames_after_import=4.321,
        peak_rss_mib=1_234.56,
        cold_start_s=3.456,
        floor=3.7,
        naive=20.9,
        pages={("demo-analyst", "overview"): (1.5, 0.12), ("demo-captain", "building"): (0.8, 0.2)},
        worker_loads=[
            _load(1, 4.0, 1_500.0, errors=3),
            _load(4, 0.9, 4_100.0),
            _load(2, 1.8, 2_600),
        ],
    )


def _leaves(figures: dict) -> list[object]:
    return [
        leaf
        for value in figures.values()
        for leaf in (_leaves(value) if isinstance(value, dict) else [value])
    ]


def test_keys_and_numbers_only():
    figures = summary(_measured())
    assert set(figures) == KEYS
    assert set(figures["load"]) == LOAD_KEYS
    assert set(figures["import_rows_per_s"]) == IMPORT_KEYS
    think = figures["load"].pop("think_s")
    assert think == [5, 15]
    for leaf in _leaves(figures):
        assert isinstance(leaf, int | float) and not isinstance(leaf, bool), leaf
        assert math.isfinite(leaf)


def test_figures_of_the_largest_worker_count():
    figures = summary(_measured())
    assert figures["load"] == {
        "sessions": 100,
        "think_s": [5, 15],
        "p95_ms": 900,
        "errors": 0,
        "workers": 4,
    }
    assert figures["workers_total_pss_mib"] == 4_100
    assert figures["page_cold_max_ms"] == 1_500
    assert figures["page_warm_max_ms"] == 200
    assert figures["cold_start_s"] == 3.46
    assert figures["import_rows_per_s"] == {
        "sqlite_new_month": 123_457,
        "postgresql_new_month": 150_001,
    }


def test_a_step_not_run_is_null_not_zero():
    figures = summary(Scale(10_000, import_new=50_000.0))
    json.dumps(figures, allow_nan=False)  # valid JSON: no NaN
    assert figures["cold_start_s"] is None
    assert figures["workers_total_pss_mib"] is None
    assert figures["import_rows_per_s"]["postgresql_new_month"] is None
    assert figures["load"]["think_s"] == [5, 15]
    assert figures["load"]["p95_ms"] is None
    assert figures["load"]["errors"] is None


def test_written_beside_benchmarks_md(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "OUT", tmp_path / "out")
    scale = _measured()
    run.write([scale], math.nan)
    assert json.loads((tmp_path / "out" / "bench-summary.json").read_text()) == summary(scale)
    report = (tmp_path / "out" / "BENCHMARKS.md").read_text()
    assert "| | 1 worker | 2 workers | 4 workers |" in report
