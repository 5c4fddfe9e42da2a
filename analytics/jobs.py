"""Jobs and training (岗位与培训): open postings against job seekers, posted wages against what
people earn, what training led to, and the two-after youth (两后生).

Postings carry no employment type, so both sides are put into the categories that matching
(`analytics.matching`) already tells apart. Per category: a posting (`matching.with_place`); a
job seeker's wish; an employed person's employment type.

- 县外 (outside the county): work place outside the county; 外出务工; 省外务工, 省内县外务工.
- 县内 (in the county): a township, 县…, a site; 就近就业; 县内务工, 扶贫车间, 居家就业, 灵活就业,
  自主创业.
- 公益性岗位 (public-welfare post): its title names one; 公益性岗位; 公益性岗位.
- 无明确意愿 (no preference): no posting; 自主创业, 暂无意愿 or no wish; —.
- 地点不详 (place unknown): a posting without work place and township; —; —.

A public-welfare post in the county is a public-welfare post, not an in-county job: the people
it is for (三无, wish 公益性岗位) are counted there. A posting is open in month M when it is open
(`matching.open_postings`) on M's last day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.domain import (
    FLEXIBLE,
    HOME_PIECEWORK,
    IN_COUNTY,
    IN_PROVINCE_OUT_OF_COUNTY,
    OUT_OF_PROVINCE,
    PUBLIC_WELFARE_POST,
    SELF_EMPLOYED,
    STATUSES,
    WORKSHOP,
)
from analytics.matching import job_seeker_mask, open_postings, with_place
from analytics.pivot import age
from analytics.rates import employed_mask, month_end, plain
from analytics.rosters import PLACE_COLUMNS, by_address

OUTSIDE_COUNTY = "县外"
IN_COUNTY_CATEGORY = "县内"
PUBLIC_WELFARE = "公益性岗位"
NO_PREFERENCE = "无明确意愿"
PLACE_UNKNOWN = "地点不详"
# Every table and chart lists the categories in this order.
CATEGORIES = (OUTSIDE_COUNTY, IN_COUNTY_CATEGORY, PUBLIC_WELFARE, NO_PREFERENCE, PLACE_UNKNOWN)

WISH_CATEGORY = {
    "外出务工": OUTSIDE_COUNTY,
    "就近就业": IN_COUNTY_CATEGORY,
    "公益性岗位": PUBLIC_WELFARE,
}
EMPLOYMENT_TYPE_CATEGORY = {
    OUT_OF_PROVINCE: OUTSIDE_COUNTY,
    IN_PROVINCE_OUT_OF_COUNTY: OUTSIDE_COUNTY,
    IN_COUNTY: IN_COUNTY_CATEGORY,
    WORKSHOP: IN_COUNTY_CATEGORY,
    HOME_PIECEWORK: IN_COUNTY_CATEGORY,
    FLEXIBLE: IN_COUNTY_CATEGORY,
    SELF_EMPLOYED: IN_COUNTY_CATEGORY,
    PUBLIC_WELFARE_POST: PUBLIC_WELFARE,
}

# "Employed within 3 months after the course ended": in one of the 3 reporting months after the
# month it ended in.
FOLLOW_UP_MONTHS = 3

SUPPLY_SCHEMA: dict[str, pl.DataType] = {
    "postings": pl.Int64(),
    "vacancies": pl.Int64(),
    "seekers": pl.Int64(),
    "vacancies_per_seeker": pl.Float64(),
}
WAGES_SCHEMA: dict[str, pl.DataType] = {
    "job_category": pl.String(),
    "postings": pl.Int64(),
    "vacancies": pl.Int64(),
    "wage_min_median": pl.Float64(),
    "wage_max_median": pl.Float64(),
    "wage_min_lowest": pl.Float64(),
    "wage_max_highest": pl.Float64(),
    "earners": pl.Int64(),
    "income_p25": pl.Float64(),
    "income_median": pl.Float64(),
    "income_p75": pl.Float64(),
}
OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "trainees": pl.Int64(),
    "completed": pl.Int64(),
    "certified": pl.Int64(),
    "followed_up": pl.Int64(),
    "employed_after": pl.Int64(),
    "employed_share": pl.Float64(),
    "pending": pl.Int64(),
    "untracked": pl.Int64(),
}
TWO_AFTER_COLUMNS: tuple[str, ...] = (
    *PLACE_COLUMNS,
    "name",
    "id_number",
    "gender",
    "age",
    "birth_year",  # what a masked list shows instead of the age (analytics.privacy)
    "education",
    "status",
    "employment_type",
    "employer",
    "work_place",
    "monthly_income",
    "wish",
    "training_need",
    "phone",
)
TWO_AFTER_SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "status": pl.String(),
    "youth": pl.Int64(),
    "share": pl.Float64(),
}

_CATEGORY_ORDER = pl.Enum(CATEGORIES)


def posting_category(postings: pl.DataFrame, county: str | None = None) -> pl.DataFrame:
    """`postings` with a `job_category` column (module docstring)."""
    return (
        with_place(postings, county)
        .with_columns(
            job_category=pl.when(pl.col("public_welfare"))
            .then(pl.lit(PUBLIC_WELFARE))
            .when(pl.col("in_county"))
            .then(pl.lit(IN_COUNTY_CATEGORY))
            .when(pl.col("outside_county"))
            .then(pl.lit(OUTSIDE_COUNTY))
            .otherwise(pl.lit(PLACE_UNKNOWN))
        )
        .drop("in_county", "outside_county", "public_welfare")
    )


def _wish_category() -> pl.Expr:
    return pl.col("wish").replace_strict(
        WISH_CATEGORY, default=NO_PREFERENCE, return_dtype=pl.String
    )


def _type_category() -> pl.Expr:
    return pl.col("employment_type").replace_strict(
        EMPLOYMENT_TYPE_CATEGORY, default=None, return_dtype=pl.String
    )


def _months(labour: pl.DataFrame | pl.LazyFrame) -> list[date]:
    """The months of `labour`, oldest first."""
    return labour.lazy().select(pl.col("month").unique().sort()).collect().to_series().to_list()


def _youth_of(labour: pl.DataFrame | pl.LazyFrame, month: date) -> pl.LazyFrame:
    return labour.lazy().filter((pl.col("month") == month) & pl.col("two_after").fill_null(False))


def vacancies_per_seeker(
    labour: pl.DataFrame | pl.LazyFrame,
    postings: pl.DataFrame,
    month: date,
    by: Sequence[str] = ("job_category",),
    county: str | None = None,
) -> pl.DataFrame:
    """Open postings of `month` and their vacancies against its job seekers, per group.

    `by`: any of "job_category" and "township" (none: one county row). Seekers are the unemployed
    labour-force members of `month`; their township is the township of origin, a posting's is
    where the work is (none outside the county: that row has postings and no seekers).
    Counts are 0 where a side has nothing, except postings and vacancies of 无明确意愿, which no
    posting can have (null). `vacancies_per_seeker` is null without seekers.
    """
    by = list(by)
    month = month.replace(day=1)
    seeker_rows = labour.lazy().filter((pl.col("month") == month) & job_seeker_mask())
    seekers = plain(seeker_rows.with_columns(job_category=_wish_category()).select(*by))
    offers = posting_category(open_postings(postings, month_end(month)), county).lazy()
    if by:
        seeker_counts = seekers.group_by(by).agg(seekers=pl.len().cast(pl.Int64))
        posting_counts = offers.group_by(by).agg(
            postings=pl.len().cast(pl.Int64), vacancies=pl.col("vacancies").sum().cast(pl.Int64)
        )
        grid = _category_grid(seekers, offers, by) if "job_category" in by else None
        rows = seeker_counts.join(
            posting_counts, on=by, how="full", coalesce=True, nulls_equal=True
        )
        if grid is not None:
            rows = grid.join(rows, on=by, how="left", nulls_equal=True)
    else:
        # One county row, even with no seekers and no postings.
        rows = seeker_rows.select(seekers=pl.len().cast(pl.Int64)).join(
            offers.select(
                postings=pl.len().cast(pl.Int64),
                vacancies=pl.col("vacancies").sum().cast(pl.Int64),
            ),
            how="cross",
        )
    no_posting_side = (
        (pl.col("job_category") == NO_PREFERENCE) if "job_category" in by else pl.lit(False)
    )
    result = rows.with_columns(
        pl.col("seekers").fill_null(0),
        *(
            pl.when(no_posting_side).then(None).otherwise(pl.col(c).fill_null(0)).alias(c)
            for c in ("postings", "vacancies")
        ),
    ).with_columns(
        vacancies_per_seeker=pl.when(pl.col("seekers") > 0)
        .then(pl.col("vacancies") / pl.col("seekers"))
        .cast(pl.Float64)
    )
    result = result.collect().select(*by, *SUPPLY_SCHEMA).cast(SUPPLY_SCHEMA)
    return _sorted(result, by)


def in_townships(rows: pl.DataFrame, townships: Sequence[str]) -> pl.DataFrame:
    """Rows of `vacancies_per_seeker(by=[…"township"…])` for `townships`, and the row of postings
    without a township (outside the county), which are open to the seekers of every township."""
    return rows.filter(pl.col("township").is_in(list(townships)) | pl.col("township").is_null())


def _category_grid(seekers: pl.LazyFrame, offers: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Every main category for every other group present, so an empty category keeps its row."""
    main = pl.LazyFrame(
        {"job_category": list(CATEGORIES[:-1])}, schema={"job_category": pl.String()}
    )
    unknown = offers.filter(pl.col("job_category") == PLACE_UNKNOWN).select("job_category").unique()
    categories = pl.concat([main, unknown])
    others = [c for c in by if c != "job_category"]
    if not others:
        return categories
    groups = pl.concat([seekers.select(others), offers.select(others)]).unique()
    return groups.join(categories, how="cross")


def _sorted(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    if not by:
        return frame
    keys = [pl.col(c).cast(_CATEGORY_ORDER) if c == "job_category" else pl.col(c) for c in by]
    return frame.sort(keys, nulls_last=True)


def vacancies_by_month(
    labour: pl.DataFrame | pl.LazyFrame,
    postings: pl.DataFrame,
    by: Sequence[str] = (),
    county: str | None = None,
) -> pl.DataFrame:
    """`vacancies_per_seeker` for every month of `labour`, oldest first: a `month` column first."""
    months = _months(labour)
    frames = [
        vacancies_per_seeker(labour, postings, month, by, county).select(
            pl.lit(month).alias("month"), pl.all()
        )
        for month in months
    ]
    if not frames:
        schema = {"month": pl.Date(), **{c: pl.String() for c in by}, **SUPPLY_SCHEMA}
        return pl.DataFrame(schema=schema)
    return pl.concat(frames)


def wages_vs_incomes(
    labour: pl.DataFrame | pl.LazyFrame,
    postings: pl.DataFrame,
    month: date,
    county: str | None = None,
) -> pl.DataFrame:
    """Per category: the wages the open postings of `month` offer against what employed people
    in that category earn (module docstring for the category of each employment type).

    Posting side: postings, vacancies, median `wage_min` and `wage_max`, the lowest `wage_min`
    and highest `wage_max` (per posting, not per vacancy). Income side: `earners` (employed with
    a reported income) and the quartiles of their monthly income. Null where a side is empty.
    """
    month = month.replace(day=1)
    offers = posting_category(open_postings(postings, month_end(month)), county).lazy()
    wages = offers.group_by("job_category").agg(
        postings=pl.len().cast(pl.Int64),
        vacancies=pl.col("vacancies").sum().cast(pl.Int64),
        wage_min_median=pl.col("wage_min").median(),
        wage_max_median=pl.col("wage_max").median(),
        wage_min_lowest=pl.col("wage_min").min().cast(pl.Float64),
        wage_max_highest=pl.col("wage_max").max().cast(pl.Float64),
    )
    income = pl.col("monthly_income")
    incomes = (
        labour.lazy()
        .filter((pl.col("month") == month) & employed_mask() & income.is_not_null())
        .with_columns(job_category=_type_category())
        .filter(pl.col("job_category").is_not_null())
        .group_by("job_category")
        .agg(
            earners=pl.len().cast(pl.Int64),
            income_p25=income.quantile(0.25, interpolation="linear"),
            income_median=income.median(),
            income_p75=income.quantile(0.75, interpolation="linear"),
        )
    )
    main = [OUTSIDE_COUNTY, IN_COUNTY_CATEGORY, PUBLIC_WELFARE]
    grid = pl.concat(
        [
            pl.LazyFrame({"job_category": main}, schema={"job_category": pl.String()}),
            offers.filter(pl.col("job_category") == PLACE_UNKNOWN).select("job_category").unique(),
        ]
    )
    result = (
        grid.join(wages, on="job_category", how="left")
        .join(incomes, on="job_category", how="left")
        .with_columns(pl.col("postings", "vacancies", "earners").fill_null(0))
        .collect()
        .select(list(WAGES_SCHEMA))
        .cast(WAGES_SCHEMA)
    )
    return _sorted(result, ["job_category"])


def trainees_of(training: pl.DataFrame, labour: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The training records of people in `labour` (a place's trainees, as a scope cuts them)."""
    people = labour.lazy().select(pl.col("id_number").unique()).collect().get_column("id_number")
    return training.filter(pl.col("id_number").is_in(people.implode()))


def training_outcomes(
    training: pl.DataFrame,
    labour: pl.DataFrame | pl.LazyFrame,
    as_of: date | None = None,
    by: Sequence[str] = ("course", "provider"),
) -> pl.DataFrame:
    """Per course and provider (or other training columns, `by=[]`: one row for all), what came
    of the courses, as of reporting month `as_of` (default: the latest in `labour`).

    Counts are training records (人次), a person on two courses counts in each:
    `trainees` started by the end of `as_of`; `completed` ended by then; `certified` of those,
    certified. A completed course is `followed_up` when the 3 reporting months after the month
    it ended in are all ≤ `as_of` (and ≤ the ledger's latest month), `pending` while they are
    not, `untracked` when they began before the ledger's first month (nobody can tell).
    `employed_after`: followed-up records whose person (by ID number) is employed (已就业,
    labour force) in any of those 3 months; `employed_share` = employed_after / followed_up,
    null when none is followed up yet.
    """
    months = _months(labour)
    latest, earliest = (months[-1], months[0]) if months else (None, None)
    as_of = as_of.replace(day=1) if as_of is not None else latest
    # Without a ledger nothing can be followed up: every completed course is pending.
    followed_until = min(as_of, latest) if as_of is not None and latest is not None else None
    last_day = month_end(as_of) if as_of is not None else None
    started = (
        training.lazy()
        .filter(pl.col("start") <= last_day if last_day is not None else pl.lit(True))
        .with_row_index("record")
        .with_columns(
            done=(
                pl.col("end") <= last_day if last_day is not None else pl.col("end").is_not_null()
            ).fill_null(False),
            first=pl.col("end").dt.month_start().dt.offset_by("1mo"),
            last=pl.col("end").dt.month_start().dt.offset_by(f"{FOLLOW_UP_MONTHS}mo"),
        )
        .with_columns(
            untracked=pl.col("done")
            & ((pl.col("first") < earliest).fill_null(False) if earliest else pl.lit(False))
        )
        .with_columns(
            followed=pl.col("done")
            & ~pl.col("untracked")
            & (
                (pl.col("last") <= followed_until).fill_null(False)
                if followed_until is not None
                else pl.lit(False)
            )
        )
    )
    followed = started.filter("followed").select("record", "id_number", "first", "last")
    # Only the followed-up trainees' rows: a few thousand people, not every employed person-month.
    employed_months = (
        labour.lazy()
        .filter(employed_mask())
        .join(followed.select("id_number"), on="id_number", how="semi")
        .select("id_number", "month")
    )
    hired = (
        followed.join(employed_months, on="id_number")
        .filter(pl.col("month").is_between(pl.col("first"), pl.col("last")))
        .select("record")
        .unique()
        .with_columns(hired=pl.lit(True))
    )
    by = list(by)
    counts = [
        pl.len().cast(pl.Int64).alias("trainees"),
        pl.col("done").sum().cast(pl.Int64).alias("completed"),
        (pl.col("done") & pl.col("certified").fill_null(False))
        .sum()
        .cast(pl.Int64)
        .alias("certified"),
        pl.col("followed").sum().cast(pl.Int64).alias("followed_up"),
        pl.col("hired").sum().cast(pl.Int64).alias("employed_after"),
        (pl.col("done") & ~pl.col("followed") & ~pl.col("untracked"))
        .sum()
        .cast(pl.Int64)
        .alias("pending"),
        pl.col("untracked").sum().cast(pl.Int64).alias("untracked"),
    ]
    records = started.join(hired, on="record", how="left").with_columns(
        pl.col("hired").fill_null(False)
    )
    # A plain select keeps the one row of all courses when there are none.
    grouped = records.group_by(by).agg(counts) if by else records.select(counts)
    result = grouped.with_columns(employed_share=_employed_share()).collect()
    result = result.select(*by, *OUTCOME_SCHEMA).cast(OUTCOME_SCHEMA)
    return result.sort(by, nulls_last=True) if by else result


def outcome_totals(outcomes: pl.DataFrame) -> pl.DataFrame:
    """One row for all courses from `training_outcomes` per group: each training record is in
    one group, so the counts add up (and the share is worked out again from them)."""
    counts = [c for c in OUTCOME_SCHEMA if c != "employed_share"]
    totals = outcomes.select(pl.col(counts).sum()).with_columns(employed_share=_employed_share())
    return totals.select(*OUTCOME_SCHEMA).cast(OUTCOME_SCHEMA)


def _employed_share() -> pl.Expr:
    return (
        pl.when(pl.col("followed_up") > 0)
        .then(pl.col("employed_after") / pl.col("followed_up"))
        .cast(pl.Float64)
    )


def two_after_youth(labour: pl.DataFrame | pl.LazyFrame, month: date) -> pl.DataFrame:
    """Every two-after youth (两后生) of `month`, whatever their status, by site, building, room.

    `age` in whole years on the month's first day; `birth_year` is what a masked list shows.
    """
    month = month.replace(day=1)
    youth = _youth_of(labour, month).collect()
    ages = youth.with_columns(
        age=age().cast(pl.Int64), birth_year=pl.col("birth_date").dt.year().cast(pl.Int64)
    )
    return plain(by_address(ages).select(TWO_AFTER_COLUMNS))


def two_after_summary(
    labour: pl.DataFrame | pl.LazyFrame, month: date, by: Sequence[str] = ()
) -> pl.DataFrame:
    """Two-after youth of `month` per status (in the ledger's order of statuses), per group:
    `youth` and their `share` of the group's two-after youth."""
    by = list(by)
    # Any ledger column may group the summary, not only those the list shows.
    youth = plain(_youth_of(labour, month.replace(day=1)).select(*by, "status").collect())
    if youth.is_empty():
        schema = {**youth.select(by).schema, **TWO_AFTER_SUMMARY_SCHEMA}
        return pl.DataFrame(schema=schema)
    order = pl.col("status").replace_strict(
        {s: i for i, s in enumerate(STATUSES)}, default=len(STATUSES), return_dtype=pl.Int64
    )
    counts = youth.group_by(*by, "status").agg(youth=pl.len().cast(pl.Int64))
    total = pl.col("youth").sum()
    return (
        counts.with_columns(
            share=(pl.col("youth") / (total.over(by) if by else total)).cast(pl.Float64)
        )
        .sort([*by, order, "status"], nulls_last=True)
        .select(*by, *TWO_AFTER_SUMMARY_SCHEMA)
    )


def jobs_report(
    labour: pl.DataFrame | pl.LazyFrame,
    training: pl.DataFrame,
    postings: pl.DataFrame,
    month: date,
    township: str | None = None,
) -> dict[str, pl.DataFrame]:
    """Everything the jobs page shows of `township` (None: all of `labour`) in `month`: supply
    against seekers (when there are postings), wages against incomes, what training led to and
    the two-after youth. Summaries of an empty list are left out."""
    if township is not None:
        labour = labour.lazy().filter(pl.col("township") == township)
        training = trainees_of(training, labour)
    report = {
        "wages": wages_vs_incomes(labour, postings, month),
        "outcomes": training_outcomes(training, labour, month),
        "youth": two_after_youth(labour, month),
    }
    if not postings.is_empty():
        report |= {
            "total": vacancies_per_seeker(labour, postings, month, []),
            "by_category": vacancies_per_seeker(labour, postings, month, ["job_category"]),
            "by_township": vacancies_per_seeker(labour, postings, month, ["township"]),
            "trend": vacancies_by_month(labour, postings),
        }
    if not report["outcomes"].is_empty():
        report["overall"] = outcome_totals(report["outcomes"])
    if not report["youth"].is_empty():
        report["by_status"] = two_after_summary(labour, month)
        report["by_township_status"] = two_after_summary(labour, month, ["township"])
    return report
