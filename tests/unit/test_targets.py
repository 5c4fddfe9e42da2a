"""Annual targets: looking one up, and the target board (actual, progress, red/amber/green)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA, TARGET_SCHEMA, TRAINING_SCHEMA
from analytics.domain import TARGET_METRICS
from analytics.drill import Place
from analytics.targets import BOARD_SCHEMA, place_target, target_board, target_value

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
ABLE, NONE = "有劳动能力", "无劳动能力"
E, U = "已就业", "未就业"
POST, WORKSHOP, HOME = "公益性岗位", "扶贫车间", "居家就业"
T1, T2, S1, S2 = "岩孔街道", "西洛街道", "光明小镇", "鼎新社区"
GREEN, AMBER, RED = "green", "amber", "red"


def person(
    household: str, status: str, kind: str | None = None, number: int = 0, **columns: Any
) -> dict[str, Any]:
    return {
        "month": JUNE,
        "township": T1,
        "site": S1,
        "household": household,
        "id_number": f"{household}-{number}",
        "capacity": ABLE,
        "status": status,
        "employment_type": kind,
        **columns,
    }


def frame(schema: dict[str, pl.DataType], *rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=schema)


def targets(*rows: tuple, year: int = 2024, scope: str = "县") -> pl.DataFrame:
    """Rows of (metric, target)."""
    return pl.DataFrame(
        [(year, metric, scope, target) for metric, target in rows],
        schema=TARGET_SCHEMA,
        orient="row",
    )


# June 2024: labour force 9, employed 5 (h1 ×4, h2 ×1); households with labour h1 h2 z1 z2 z3,
# covered h1 h2; zero-employment z1 z2 z3; one post holder; workshops 车间A and 车间B (three
# workers, one without an employer); one home pieceworker.
LABOUR = frame(
    LABOUR_SCHEMA,
    person("h1", E, POST, 1),
    person("h1", E, WORKSHOP, 2, employer="车间A"),
    person("h1", E, WORKSHOP, 3, employer="车间A"),
    person("h1", E, HOME, 4),
    person("h1", "在校生", None, 5),
    person("h2", E, WORKSHOP, 1, employer="车间B", township=T2, site=S2),
    person("h2", U, None, 2, township=T2, site=S2),
    person("h2", E, WORKSHOP, 3, capacity=NONE, employer="车间C", township=T2, site=S2),
    person("z1", U),
    person("z2", U),
    person("z3", U),
    person("h1", E, POST, 1, month=MAY),
    person("h1", E, POST, 1, month=date(2023, 12, 1)),
)
SUBSIDIES = frame(
    SUBSIDY_SCHEMA,
    {"paid_on": date(2023, 12, 31), "amount": 9000.0, "township": T1, "site": S1},
    {"paid_on": date(2024, 1, 1), "amount": 300.0, "township": T1, "site": S1},
    {"paid_on": date(2024, 6, 30), "amount": 700.0, "township": T2, "site": S2},
    {"paid_on": date(2024, 7, 1), "amount": 5000.0, "township": T1, "site": S1},
)
TRAINING = frame(
    TRAINING_SCHEMA,
    {"id_number": "x1", "start": date(2024, 1, 10)},
    {"id_number": "x1", "start": date(2024, 3, 1)},  # one person, two courses
    {"id_number": "x2", "start": date(2024, 6, 30)},
    {"id_number": "h2-1", "start": date(2024, 2, 1)},
    {"id_number": "x3", "start": date(2024, 7, 1)},  # after the month
    {"id_number": "x4", "start": date(2023, 12, 31)},  # last year
)


def board(*rows: tuple) -> pl.DataFrame:
    """Rows of metric, target, actual, progress, expected_progress, status, higher_is_better."""
    return pl.DataFrame(list(rows), schema=BOARD_SCHEMA, orient="row")


def test_target_board_county() -> None:
    goals = targets(
        ("补贴金额", 2000.0),
        ("就业率", 95.0),
        ("一户一人率", 100.0),
        ("零就业家庭", 0.0),
        ("已就业人数", 5.0),
        ("公益性岗位人数", 2.0),
        ("培训人数", 6.0),
        ("扶贫车间", 2.0),
        ("居家就业", 1.0),
    )
    other = pl.concat([targets(("就业率", 90.0), year=2023), targets(("就业率", 1.0), scope=T2)])

    result = target_board(pl.concat([goals, other]), LABOUR, SUBSIDIES, TRAINING, 2024, JUNE)

    expected = board(
        ("就业率", 95.0, 500 / 9, 500 / 9 / 95, 1.0, RED, True),
        ("一户一人率", 100.0, 40.0, 0.4, 1.0, RED, True),
        ("零就业家庭", 0.0, 3.0, 0.0, 1.0, AMBER, False),
        ("已就业人数", 5.0, 5.0, 1.0, 1.0, GREEN, True),
        ("公益性岗位人数", 2.0, 1.0, 0.5, 1.0, RED, True),
        ("培训人数", 6.0, 3.0, 0.5, 0.5, GREEN, True),
        ("扶贫车间", 2.0, 2.0, 1.0, 1.0, GREEN, True),
        ("居家就业", 1.0, 1.0, 1.0, 1.0, GREEN, True),
        ("补贴金额", 2000.0, 1000.0, 0.5, 0.5, GREEN, True),
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("metric", "target", "progress", "status"),
    [
        # Rates: actual 55.6 % employment, 40 % coverage; amber within 2 points below.
        ("就业率", 50.0, 500 / 9 / 50, GREEN),
        ("就业率", 57.0, 500 / 9 / 57, AMBER),
        ("就业率", 58.0, 500 / 9 / 58, RED),
        ("一户一人率", 40.0, 1.0, GREEN),
        ("一户一人率", 42.0, 40 / 42, AMBER),
        ("一户一人率", 42.5, 40 / 42.5, RED),
        # Lower is better: 3 zero-employment households; amber up to 5 above the target.
        ("零就业家庭", 3.0, 1.0, GREEN),
        ("零就业家庭", 10.0, 1.0, GREEN),
        ("零就业家庭", 2.0, 2 / 3, AMBER),
        ("零就业家庭", 0.0, 0.0, AMBER),
        # Levels: 5 employed; amber from 90 % done.
        ("已就业人数", 5.0, 1.0, GREEN),
        ("已就业人数", 5.5, 5 / 5.5, AMBER),
        ("已就业人数", 6.0, 5 / 6, RED),
        ("已就业人数", 0.0, 1.0, GREEN),
        # Totals from 1 January against the share of the year gone: June is 0.5.
        ("培训人数", 6.0, 0.5, GREEN),
        ("培训人数", 6.5, 3 / 6.5, AMBER),
        ("培训人数", 7.0, 3 / 7, RED),
        ("补贴金额", 2000.0, 0.5, GREEN),
        ("补贴金额", 2200.0, 1000 / 2200, AMBER),
        ("补贴金额", 2300.0, 1000 / 2300, RED),
    ],
)
def test_target_status(metric: str, target: float, progress: float, status: str) -> None:
    result = target_board(targets((metric, target)), LABOUR, SUBSIDIES, TRAINING, 2024, JUNE)

    assert result.get_column("progress").item() == pytest.approx(progress)
    assert result.get_column("status").item() == status


@pytest.mark.parametrize(
    ("households", "target", "progress", "status"),
    [
        (6, 0.0, 0.0, RED),
        (5, 0.0, 0.0, AMBER),
        # Above 50 the margin is 10 % of the target.
        (70, 70.0, 1.0, GREEN),
        (70, 64.0, 64 / 70, AMBER),
        (70, 63.0, 63 / 70, RED),
    ],
)
def test_zero_employment_margin(
    households: int, target: float, progress: float, status: str
) -> None:
    rows = frame(LABOUR_SCHEMA, *(person(f"z{i}", U) for i in range(households)))

    result = target_board(targets(("零就业家庭", target)), rows, SUBSIDIES, TRAINING, 2024, JUNE)

    assert result.row(0) == ("零就业家庭", target, households, progress, 1.0, status, False)


ALL_TARGETS = targets(*((metric, 1.0) for metric in TARGET_METRICS), ("稳岗率", 90.0))
LABOUR_METRICS = ("就业率", "一户一人率", "零就业家庭", "已就业人数", "公益性岗位人数")


def actuals(result: pl.DataFrame) -> dict[str, float | None]:
    return dict(result.select("metric", "actual").iter_rows())


def test_missing_actuals_are_null_never_zero() -> None:
    no_labour = frame(LABOUR_SCHEMA, person("h1", E, POST, month=MAY))

    result = target_board(
        ALL_TARGETS, no_labour, frame(SUBSIDY_SCHEMA), frame(TRAINING_SCHEMA), 2024, JUNE
    )

    assert result.get_column("metric").to_list() == [*TARGET_METRICS, "稳岗率"]
    assert result.get_column("actual").null_count() == result.height
    assert result.get_column("progress").null_count() == result.height
    assert result.get_column("status").null_count() == result.height


def test_rates_without_labour_force_are_null() -> None:
    rows = frame(LABOUR_SCHEMA, person("h1", "在校生"), person("h2", E, POST, capacity=NONE))

    result = actuals(target_board(ALL_TARGETS, rows, SUBSIDIES, TRAINING, 2024, JUNE))

    assert result["就业率"] is None
    assert result["一户一人率"] is None
    # Counts of the month are real zeros: the ledger is there.
    assert result["零就业家庭"] == 0.0
    assert result["已就业人数"] == 0.0
    assert result["扶贫车间"] == 0.0


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (
            T2,
            # h2 only: 2 in labour force, 1 employed; trainee h2-1; 700 yuan placed at T2.
            {
                "就业率": 50.0,
                "已就业人数": 1.0,
                "扶贫车间": 1.0,
                "培训人数": 1.0,
                "补贴金额": 700.0,
            },
        ),
        (
            S1,
            {"就业率": 4 / 7 * 100, "已就业人数": 4.0, "扶贫车间": 1.0, "培训人数": 0.0},
        ),
        (
            "无此乡镇",
            {"就业率": None, "已就业人数": None, "扶贫车间": None, "培训人数": None},
        ),
    ],
)
def test_target_board_scope(scope: str, expected: dict[str, float | None]) -> None:
    goals = targets(*((metric, 1.0) for metric in expected), scope=scope)

    result = actuals(target_board(goals, LABOUR, SUBSIDIES, TRAINING, 2024, JUNE, scope))

    assert result == pytest.approx(expected)


def test_default_month_is_the_latest_of_the_year() -> None:
    goals = targets(("已就业人数", 5.0), ("培训人数", 6.0), year=2023)

    result = target_board(goals, LABOUR, SUBSIDIES, TRAINING, 2023)

    # December 2023: the one post holder; the year's trainee x4; the whole year gone.
    assert_frame_equal(
        result,
        board(
            ("已就业人数", 5.0, 1.0, 0.2, 1.0, RED, True),
            ("培训人数", 6.0, 1.0, 1 / 6, 1.0, RED, True),
        ),
    )


def test_a_year_without_ledger() -> None:
    goals = targets(("已就业人数", 5.0), ("补贴金额", 1000.0), year=2025)

    result = target_board(goals, LABOUR, SUBSIDIES, TRAINING, 2025)

    assert_frame_equal(
        result,
        board(
            ("已就业人数", 5.0, None, None, 1.0, None, True),
            ("补贴金额", 1000.0, 0.0, 0.0, 1.0, RED, True),
        ),
    )


def test_no_targets_gives_an_empty_board() -> None:
    result = target_board(targets(), LABOUR, SUBSIDIES, TRAINING, 2024, JUNE)

    assert_frame_equal(result, board())


def test_month_outside_the_year_is_refused() -> None:
    with pytest.raises(ValueError, match="not in year 2023"):
        target_board(targets(), LABOUR, SUBSIDIES, TRAINING, 2023, JUNE)


@pytest.mark.parametrize(
    ("year", "metric", "scope", "expected"),
    [
        (2024, "就业率", "县", 0.95),
        (2024, "已就业人数", "县", 8200.0),
        (2024, "就业率", T1, 0.9),
        (2023, "就业率", "县", None),
        (2024, "零就业家庭", "县", None),
    ],
)
def test_target_value(year: int, metric: str, scope: str, expected: float | None) -> None:
    goals = pl.concat(
        [targets(("就业率", 95.0), ("已就业人数", 8200.0)), targets(("就业率", 90.0), scope=T1)]
    )

    assert target_value(goals, year, metric, scope) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("place", "goals", "expected"),
    [
        # The site's own, before its township's and the county's.
        (Place(site=S1), [("县", 95.0), (T1, 90.0), (S1, 97.0)], 0.97),
        (Place(township=T1, site=S1), [("县", 95.0), (T1, 90.0)], 0.90),
        (Place(township=T1), [("县", 95.0), (T1, 90.0)], 0.90),
        (Place(township=T2), [("县", 95.0), (T1, 90.0)], 0.95),
        (Place(site=S2, building="3"), [("县", 95.0), (S1, 97.0)], 0.95),
        (Place(), [("县", 95.0), (T1, 90.0)], 0.95),
        (Place(township=T2), [(T1, 90.0)], None),
    ],
)
def test_place_target(place: Place, goals: list[tuple], expected: float | None) -> None:
    table = pl.concat([targets(("就业率", value), scope=scope) for scope, value in goals])

    assert place_target(table, place, 2024) == pytest.approx(expected)
