"""The household grain: every place-grouped rate from it equals the one from the person rows.

The oracle is the person-row algorithm `analytics.rates` had before the grain (households
grouped from persons per group, then groups), kept here word for word.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analytics.aggregates import (
    GRAIN_PLACES,
    GRAIN_SCHEMA,
    extend_grain,
    grain_employment_rates,
    grain_rates,
    grain_rates_by_month,
    household_grain,
    regrain_months,
)
from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA
from analytics.drill import Place, children, grain_children
from analytics.kpis import headline
from analytics.rates import (
    RATES_SCHEMA,
    employed_mask,
    employment_rates,
    labour_force_mask,
    latest_month,
    plain,
    rates_by_month,
)

MAY, JUNE, JULY = date(2024, 5, 1), date(2024, 6, 1), date(2024, 7, 1)
ABLE, WEAK, DISABLED = "有劳动能力", "弱劳动力", "丧失劳动能力"
E, U, STUDENT = "已就业", "未就业", "在校生"

# Every combination of the grain's keys: 32 groupings.
EVERY_BY = [
    list(by)
    for size in range(len(GRAIN_PLACES) + 1)
    for by in itertools.combinations(GRAIN_PLACES, size)
]


# --- the oracle: the person-row algorithm before the grain --------------------------------------


def person_rates(rows: pl.LazyFrame, by: list[str]) -> pl.DataFrame:
    """Rates from person rows: households per [*by, household], then groups per `by`."""
    household_keys = list(dict.fromkeys([*by, "household"]))
    households = (
        rows.select(*household_keys, lf=labour_force_mask(), emp=employed_mask())
        .group_by(household_keys)
        .agg(pl.col("lf").sum(), pl.col("emp").sum())
    )
    counts = [
        pl.col("lf").sum().cast(pl.Int64).alias("labour_force"),
        pl.col("emp").sum().cast(pl.Int64).alias("employed"),
        (pl.col("lf") > 0).sum().cast(pl.Int64).alias("households"),
        (pl.col("emp") > 0).sum().cast(pl.Int64).alias("households_covered"),
    ]
    grouped = households.group_by(by).agg(counts) if by else households.select(counts)
    ratio = lambda n, d: (  # noqa: E731
        pl.when(pl.col(d) > 0).then(pl.col(n) / pl.col(d)).otherwise(None).cast(pl.Float64)
    )
    result = grouped.select(
        *by,
        "labour_force",
        "employed",
        ratio("employed", "labour_force").alias("employment_rate"),
        "households",
        "households_covered",
        ratio("households_covered", "households").alias("household_coverage"),
        (pl.col("households") - pl.col("households_covered")).alias("zero_employment_households"),
    ).collect()
    return plain(result.sort(by, nulls_last=True) if by else result)


def person_employment_rates(
    labour: pl.DataFrame, by: list[str], month: date | None = None
) -> pl.DataFrame:
    month = month.replace(day=1) if month is not None else latest_month(labour)
    rows = labour.lazy()
    if month is not None:
        rows = rows.filter(pl.col("month") == month)
    return person_rates(rows, by)


def person_rates_by_month(
    labour: pl.DataFrame, by: list[str], until: date | None = None
) -> pl.DataFrame:
    rows = labour.lazy()
    if until is not None:
        rows = rows.filter(pl.col("month") <= until)
    return person_rates(rows, ["month", *by])


# --- ledgers ------------------------------------------------------------------------------------


def person(household: str | None, capacity: str, status: str, **columns: Any) -> dict[str, Any]:
    """One ledger row; places default to one township, village, site and building in June."""
    return {
        "month": JUNE,
        "township": "岩孔街道",
        "village": "大寨村",
        "site": "光明小镇",
        "building": "1",
        "household": household,
        "capacity": capacity,
        "status": status,
        **columns,
    }


def labour(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=LABOUR_SCHEMA)


def assert_same_rates(frame: pl.DataFrame, by: list[str]) -> None:
    """Grain rates == person-row rates for `by`, in every month of `frame` and over months."""
    grain = household_grain(frame)
    for month in [None, *frame.get_column("month").unique().drop_nulls()]:
        expected = person_employment_rates(frame, by, month)
        assert_frame_equal(grain_employment_rates(grain, by, month), expected)
        assert_frame_equal(employment_rates(frame, by, month), expected)
    # rates_by_month groups by month already: a `by` naming it again is no grouping it takes.
    for until in [] if "month" in by else [None, JUNE]:
        expected = person_rates_by_month(frame, by, until)
        assert_frame_equal(grain_rates_by_month(grain, by, until), expected)
        assert_frame_equal(rates_by_month(frame, by, until), expected)


SPLIT = [  # h1 lives in buildings 1 and 2 of the site, in June
    person("h1", ABLE, E),
    person("h1", ABLE, U, building="2"),
    person("h2", ABLE, U, building="2"),
    person("h3", DISABLED, STUDENT),  # no labour force: a household that counts nowhere
    person("h1", WEAK, U, month=MAY),
    person("h4", ABLE, E, month=MAY, site="鼎新社区", building="1", township="西洛街道"),
]


@pytest.mark.parametrize(
    ("rows", "by"),
    [
        pytest.param(SPLIT, [], id="split-county"),
        pytest.param(SPLIT, ["township"], id="split-township"),
        pytest.param(SPLIT, ["site", "building"], id="split-building"),
        pytest.param(SPLIT, ["building"], id="split-building-alone"),
        pytest.param(SPLIT, ["village", "site"], id="split-village-site"),
        pytest.param([person("h1", DISABLED, STUDENT)], ["site"], id="no-labour-force"),
        pytest.param([person(None, ABLE, E), person(None, ABLE, U)], ["site"], id="no-code"),
        pytest.param([person("h1", ABLE, E, building=None)], ["building"], id="no-building"),
        pytest.param([], [], id="empty-county"),
        pytest.param([], ["township", "site"], id="empty-grouped"),
    ],
)
def test_grain_rates_equal_person_rates(rows: list[dict[str, Any]], by: list[str]) -> None:
    assert_same_rates(labour(rows), by)


def test_a_split_household_counts_once_where_its_buildings_meet() -> None:
    grain = household_grain(labour(SPLIT))
    june = grain_employment_rates(grain, ["site", "building"], JUNE)
    site = grain_employment_rates(grain, ["site"], JUNE)
    # Covered in building 1 (its employed member), not in building 2; once in the site.
    assert june.get_column("households_covered").to_list() == [1, 0]
    assert site.select("households", "households_covered").row(0) == (2, 1)


def test_the_grain_keeps_households_without_labour_force_and_ranks_codes_per_month() -> None:
    grain = household_grain(labour(SPLIT))
    assert grain.schema == pl.Schema(GRAIN_SCHEMA)
    june = grain.filter(pl.col("month") == JUNE)
    # h1, h2, h3 are 1, 2, 3 in June (h1 twice: two buildings); May ranks its own codes.
    assert june.select("household", pl.col("building").cast(pl.String), "lf", "emp").rows() == [
        (1, "1", 1, 1),
        (1, "2", 1, 0),
        (2, "2", 1, 0),
        (3, "1", 0, 0),
    ]
    assert grain.filter(pl.col("month") == MAY).get_column("household").to_list() == [1, 2]


def test_an_empty_ledger_has_an_empty_grain() -> None:
    assert_frame_equal(household_grain(labour([])), pl.DataFrame(schema=GRAIN_SCHEMA))


def test_counts_beyond_a_household_s_width_add_up() -> None:
    # 70,000 workers in one site: each household's counts are small, the site's are not.
    rows = labour([person(f"h{i}", ABLE, E) for i in range(70_000)])
    assert_frame_equal(
        grain_rates(household_grain(rows), ["site"]), person_rates(rows.lazy(), ["site"])
    )


def test_grain_rates_refuse_person_columns() -> None:
    with pytest.raises(ValueError, match="gender"):
        grain_rates(household_grain(labour(SPLIT)), ["gender"])


def test_extending_by_a_month_it_holds_is_refused() -> None:
    grain = household_grain(labour(SPLIT))
    with pytest.raises(ValueError, match="month"):
        extend_grain(grain, labour([person("h9", ABLE, E)]))


# --- hypothesis: random ledgers -----------------------------------------------------------------

MONTHS = (MAY, JUNE, JULY)
ledger_rows = st.lists(
    st.fixed_dictionaries(
        {
            "month": st.sampled_from(MONTHS),
            "township": st.sampled_from(["岩孔街道", "西洛街道"]),
            "village": st.sampled_from(["大寨村", "新寨村", None]),
            "site": st.sampled_from(["光明小镇", "鼎新社区"]),
            "building": st.sampled_from(["1", "2", "10", None]),
            # Few codes: the same one turns up in several buildings, sites and months.
            "household": st.sampled_from(["h1", "h2", "h3", "site|1|101", None]),
            "capacity": st.sampled_from([ABLE, WEAK, DISABLED, None]),
            "status": st.sampled_from([E, U, STUDENT, None]),
        }
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(rows=ledger_rows, by=st.sampled_from(EVERY_BY))
def test_grain_rates_equal_person_rates_on_random_ledgers(
    rows: list[dict[str, Any]], by: list[str]
) -> None:
    assert_same_rates(labour(rows), by)


@settings(max_examples=100, deadline=None)
@given(rows=ledger_rows, cut=st.sampled_from(MONTHS))
def test_a_new_month_extends_the_grain_as_a_rebuild_would(
    rows: list[dict[str, Any]], cut: date
) -> None:
    ledger = labour(rows)
    before, after = ledger.filter(pl.col("month") < cut), ledger.filter(pl.col("month") >= cut)
    assert_frame_equal(extend_grain(household_grain(before), after), household_grain(ledger))


@settings(max_examples=100, deadline=None)
@given(rows=ledger_rows, again=ledger_rows)
def test_months_built_again_equal_a_rebuild(
    rows: list[dict[str, Any]], again: list[dict[str, Any]]
) -> None:
    # People join and leave: a month written again holds other rows than before.
    old, written = labour(rows), labour(again)
    months = written.get_column("month").unique().to_list()
    new = pl.concat([old.filter(~pl.col("month").is_in(months)), written])
    assert_frame_equal(regrain_months(household_grain(old), new, months), household_grain(new))


PLACES = [Place(), Place(township="岩孔街道"), Place(site="光明小镇")]


@settings(max_examples=100, deadline=None)
@given(
    rows=ledger_rows,
    place=st.sampled_from(PLACES),
    by=st.sampled_from(["site", "township"]),
    month=st.sampled_from([None, *MONTHS]),
)
def test_children_from_the_grain_equal_children_from_people(
    rows: list[dict[str, Any]], place: Place, by: Any, month: date | None
) -> None:
    ledger = labour(rows)
    assert_frame_equal(
        grain_children(household_grain(ledger), place, month, by=by),
        children(ledger, place, month, by=by),
    )


@settings(max_examples=50, deadline=None)
@given(rows=ledger_rows, month=st.sampled_from(MONTHS))
def test_headline_from_the_grain_equals_headline_from_people(
    rows: list[dict[str, Any]], month: date
) -> None:
    ledger, subsidies = labour(rows), pl.DataFrame(schema=SUBSIDY_SCHEMA)
    assert_frame_equal(
        headline(ledger, subsidies, month, household_grain(ledger)),
        headline(ledger, subsidies, month),
    )


def test_grain_children_stop_at_site_level() -> None:
    with pytest.raises(ValueError, match="building"):
        grain_children(household_grain(labour(SPLIT)), Place(site="光明小镇", building="1"))


def test_rates_columns_are_the_rates_schema() -> None:
    rates = grain_employment_rates(household_grain(labour(SPLIT)), ["township"], JUNE)
    assert rates.schema == pl.Schema({"township": pl.String(), **RATES_SCHEMA})
