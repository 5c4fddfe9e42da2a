"""Slice and pivot the labour ledger the way analysts do in Excel: filters on any ledger column,
rows × columns × one measure, with totals.

Months: the ledger is a stock reported monthly, so person measures (labour force, employed, the
rates, incomes) are read in the last month of the chosen range, or in every month when "month" is
a row or column. Subsidy money is a flow: it is summed over the whole range.

Totals are computed, never added up: a household with members in two columns is covered once in
the total, and a rate's total is the rate of everyone in the row. Over the month rows, a person
measure's total is the last month's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.domain import (
    CAPACITIES,
    EDUCATIONS,
    EMPLOYMENT_TYPES,
    GENDERS,
    MONITORING_TYPES,
    STATUSES,
    WISHES,
)
from analytics.rates import (
    Frame,
    employed_mask,
    employment_rates,
    month_end,
    plain,
    rates_by_month,
)

# Ledger dimensions a filter or a pivot axis can use, in the ledger's order.
PLACE_DIMENSIONS = ("township", "village", "site", "building")
PERSON_DIMENSIONS = (
    "gender",
    "age_band",
    "education",
    "capacity",
    "status",
    "employment_type",
    "wish",
    "training_need",
    "two_after",
    "three_no",
    "monitoring",
)
DIMENSIONS = (*PLACE_DIMENSIONS, *PERSON_DIMENSIONS)
# Pivot axes: the dimensions, and the reporting month.
AXES = ("month", *DIMENSIONS)
BOOLEAN_DIMENSIONS = ("two_after", "three_no")
YES, NO = "是", "否"  # how the ledger writes a yes/no column
BLANK = "（空白）"  # the group of people with nothing in a column, as Excel's "(blank)"

MEASURES = (
    "persons",
    "labour_force",
    "employed",
    "employment_rate",
    "household_coverage",
    "zero_employment_households",
    "mean_income",
    "median_income",
    "subsidy_amount",
)
RATE_MEASURES = ("employment_rate", "household_coverage")
# Axes that decide a measure by their definition: a person with an employment type (or the
# status 已就业) is employed, so the employment rate and the household coverage by employment
# type read 100 % in every group but the blank (0 %), and by status 100 % or 0 %. Not offered.
DEFINING_AXES: dict[str, tuple[str, ...]] = {
    "employment_rate": ("employment_type", "status"),
    "household_coverage": ("employment_type", "status"),
}
_RATE_MEASURES_COLUMNS = (
    "labour_force",
    "employed",
    "employment_rate",
    "household_coverage",
    "zero_employment_households",
)

# Age at the first day of the reporting month. 16 is the legal working age; 16–24 is the youth
# band the employment statistics use (two-after youth are in it).
AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "16岁以下"),
    (16, "16–24岁"),
    (25, "25–34岁"),
    (35, "35–44岁"),
    (45, "45–54岁"),
    (55, "55–59岁"),
    (60, "60岁及以上"),
)
AXIS_ORDER: dict[str, tuple[str, ...]] = {
    "gender": GENDERS,
    "age_band": tuple(label for _, label in AGE_BANDS),
    "education": EDUCATIONS,
    "capacity": CAPACITIES,
    "status": STATUSES,
    "employment_type": EMPLOYMENT_TYPES,
    "wish": WISHES,
    "two_after": (YES, NO),
    "three_no": (YES, NO),
    "monitoring": MONITORING_TYPES,
}
# 培训需求 is free text: "电工、焊工" wants both courses.
TERM = r"[^、,，;；/\s]+"
_TERM_DIMENSIONS = ("training_need",)


@dataclass(frozen=True)
class Pivot:
    """One measure by rows × columns, with the totals computed over each axis and overall."""

    measure: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: pl.DataFrame  # rows…, columns…, value
    row_totals: pl.DataFrame  # rows…, value (every column)
    column_totals: pl.DataFrame  # columns…, value (every row)
    total: float | int | None


def axes_for(measure: str) -> tuple[str, ...]:
    """The pivot axes that mean something with `measure` (all but its `DEFINING_AXES`)."""
    return tuple(a for a in AXES if a not in DEFINING_AXES.get(measure, ()))


def age() -> pl.Expr:
    """A person's age in whole years on the first day of the row's reporting month."""
    birth, month = pl.col("birth_date"), pl.col("month")
    before_birthday = (month.dt.month() < birth.dt.month()) | (
        (month.dt.month() == birth.dt.month()) & (birth.dt.day() > 1)
    )
    return month.dt.year() - birth.dt.year() - before_birthday.cast(pl.Int32)


def with_dimensions(labour: Frame) -> Frame:
    """`labour` with `age_band` (the age on the first day of the row's month), and yes/no
    columns left empty read as no, as the rosters read them."""
    band = pl.lit(None, pl.String)
    for lower, label in AGE_BANDS:
        band = pl.when(age() >= lower).then(pl.lit(label)).otherwise(band)
    held = labour.collect_schema().names()
    return labour.with_columns(
        *(pl.col(c).fill_null(False) for c in BOOLEAN_DIMENSIONS if c in held),
        age_band=band,
    )


def terms(values: pl.Series) -> list[str]:
    """The distinct terms of a free-text column ("电工、焊工" → 电工, 焊工), sorted."""
    found = values.drop_nulls().unique().cast(pl.String).str.extract_all(TERM).explode()
    return sorted(found.unique().drop_nulls().to_list())


def filter_labour(
    labour: pl.DataFrame | pl.LazyFrame,
    filters: Mapping[str, Sequence[object]],
    months: tuple[date, date] | None = None,
) -> pl.DataFrame:
    """The rows of `labour` in `months` (first and last month, inclusive) matching every filter.

    A filter is a dimension and the values it keeps; an empty list keeps everything. Free-text
    columns (training_need) match when one of their terms is among the values. The frame comes
    back with `age_band`. A lazy `labour` (a snapshot's scan) is read for those months alone.
    """
    rows = labour.lazy()
    if months is not None:
        rows = rows.filter(pl.col("month").is_between(months[0], months[1]))
    return with_dimensions(rows).filter(_matches(filters)).collect()


def pivot(
    labour: pl.DataFrame | pl.LazyFrame,
    subsidies: pl.DataFrame,
    *,
    measure: str,
    rows: Sequence[str] = (),
    columns: Sequence[str] = (),
    filters: Mapping[str, Sequence[object]] | None = None,
    months: tuple[date, date],
) -> Pivot:
    """`measure` by `rows` × `columns` for the people matching `filters` in `months`.

    Empty values of a dimension (no employment type for the unemployed…) form the group BLANK.
    Groups are in the ledger's order (employment types as domain.md lists them…).
    Groups with nobody to divide by get null, never 0.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    unknown = [axis for axis in (*rows, *columns) if axis not in AXES]
    if unknown:
        raise ValueError(f"unknown dimension {unknown}")
    filters = filters or {}
    rows, columns = tuple(rows), tuple(columns)
    if measure == "subsidy_amount":
        facts = _payments(subsidies, labour, filters, months, (*rows, *columns))
    else:
        over = months if "month" in (*rows, *columns) else (months[1], months[1])
        facts = filter_labour(labour, filters, over)
    facts = _blank_as_group(plain(facts, *rows, *columns), (*rows, *columns))

    def value(by: Sequence[str]) -> pl.DataFrame:
        return _measure(facts, measure, list(by))

    total = value([]).get_column("value")[0]
    return Pivot(
        measure=measure,
        rows=rows,
        columns=columns,
        cells=value([*rows, *columns]),
        row_totals=value(rows),
        column_totals=value(columns),
        total=total,
    )


def wide(result: Pivot, total_label: str, separator: str = " / ") -> pl.DataFrame:
    """The pivot as one table: the row labels (text; "_" when there are no rows), one column per
    column group, a `total_label` column, and a total row at the bottom."""
    rows, columns = list(result.rows), list(result.columns)
    labels = rows or ["_"]
    if columns:
        header = _as_text(columns, separator).alias("_column")
        order = result.column_totals.select(header).get_column("_column").to_list()
        cells = result.cells.with_columns(header).drop(columns)
        if rows:
            body = cells.pivot(on="_column", index=rows, values="value").join(
                result.row_totals, on=rows, how="left"
            )
        else:
            body = cells.select("_column", "value").transpose(column_names="_column")
            body = body.with_columns(value=pl.lit(result.total, result.cells.schema["value"]))
        totals = dict(zip(order, result.column_totals.get_column("value"), strict=True))
    else:
        body = result.row_totals if rows else pl.DataFrame({"value": [result.total]})
        order, totals = [], {}
        body = body.cast({"value": result.cells.schema["value"]})
    body = body.rename({"value": total_label}).with_columns(
        *(_as_text([c], separator).alias(c) for c in rows),
        *([] if rows else [pl.lit(total_label).alias("_")]),
    )
    body = body.select(*labels, *[c for c in order if c in body.columns], total_label)
    if not rows:
        return body
    total_row = {**{c: total_label for c in rows}, **totals, total_label: result.total}
    return pl.concat([body, pl.DataFrame([total_row], schema=body.schema)])


def _as_text(columns: Sequence[str], separator: str) -> pl.Expr:
    """Axis values as labels: months as 2024-06, the rest as written."""
    return pl.concat_str(
        [pl.col(c).dt.strftime("%Y-%m") if c == "month" else pl.col(c) for c in columns],
        separator=separator,
    )


def _matches(filters: Mapping[str, Sequence[object]]) -> pl.Expr:
    keep = pl.lit(True)
    for dimension, values in filters.items():
        if dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dimension!r}")
        if not values:
            continue
        if dimension in _TERM_DIMENSIONS:
            found = (
                pl.col(dimension)
                .cast(pl.String)
                .str.extract_all(TERM)
                .list.eval(pl.element().is_in(list(values)))
                .list.any()
            )
        else:
            found = pl.col(dimension).is_in(list(values))
        keep = keep & found.fill_null(False)
    return keep


def _blank_as_group(facts: pl.DataFrame, axes: Sequence[str]) -> pl.DataFrame:
    """Text axes with a group for empty values; yes/no axes written as the ledger writes them."""
    axes = [a for a in dict.fromkeys(axes) if a != "month"]
    return facts.with_columns(
        (
            pl.col(a).replace_strict({True: YES, False: NO}, default=None, return_dtype=pl.String)
            if a in BOOLEAN_DIMENSIONS
            else pl.col(a)
        )
        .replace("", None)
        .fill_null(BLANK)
        for a in axes
    )


def _measure(facts: pl.DataFrame, measure: str, by: list[str]) -> pl.DataFrame:
    """One measure per group of `by`: columns by…, value. `by=[]` gives the one total row.

    A person measure over several months without a month group is the last month's: a total
    over the month rows is the latest stock, never people counted once per month."""
    if measure != "subsidy_amount" and "month" not in by and facts.height:
        facts = facts.filter(pl.col("month") == pl.col("month").max())
    if measure in _RATE_MEASURES_COLUMNS:
        monthly = "month" in by
        groups = [c for c in by if c != "month"]
        rates = rates_by_month(facts, groups) if monthly else _rates_any_month(facts, groups)
        return _in_ledger_order(rates.select(*by, pl.col(measure).alias("value")), by)
    if measure == "persons":
        value = pl.len().cast(pl.Int64)
    elif measure == "subsidy_amount":
        value = pl.col("amount").sum()
    else:
        income = pl.col("monthly_income").filter(
            employed_mask() & pl.col("monthly_income").is_not_null()
        )
        value = income.mean() if measure == "mean_income" else income.median()
    if not by:
        return facts.select(value.alias("value"))
    return _in_ledger_order(facts.group_by(by).agg(value.alias("value")), by)


def ledger_order(dimension: str, values: Sequence[str]) -> list[str]:
    """`values` of a dimension in the order domain.md lists them; others alphabetically."""
    frame = pl.DataFrame({dimension: list(values)}, schema={dimension: pl.String()})
    return _in_ledger_order(frame, [dimension]).get_column(dimension).to_list()


def _in_ledger_order(frame: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """Groups in the order domain.md lists their values; others alphabetically; blank last."""
    keys = []
    for column in by:
        order = AXIS_ORDER.get(column, ())
        rank = {value: i for i, value in enumerate(order)}
        rank[BLANK] = len(order) + 1
        if frame.schema[column] == pl.String():
            keys.append(
                pl.col(column).replace_strict(rank, default=len(order), return_dtype=pl.Int32)
            )
        keys.append(pl.col(column))
    return frame.sort(keys, nulls_last=True)


def _rates_any_month(facts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    # The facts hold one month (the range's last) when month is not an axis.
    month = facts.get_column("month").max()
    return employment_rates(facts, by, month) if month is not None else employment_rates(facts, by)


def _payments(
    subsidies: pl.DataFrame,
    labour: pl.DataFrame | pl.LazyFrame,
    filters: Mapping[str, Sequence[object]],
    months: tuple[date, date],
    axes: Sequence[str],
) -> pl.DataFrame:
    """Payments in `months`, with the paid person's ledger columns where a filter or axis needs
    them. A payment is placed at the township and site on its own row (domain.md); person
    dimensions come from the paid person's ledger row of the payment's month, so payments to an
    employer, or to nobody in the ledger that month, match no person filter."""
    paid = subsidies.filter(
        pl.col("paid_on").is_between(months[0], month_end(months[1]))
    ).with_columns(month=pl.col("paid_on").dt.month_start())
    own = ("township", "site")
    wanted = [d for d in DIMENSIONS if d not in own and (filters.get(d) or d in axes)]
    if wanted:
        people = (
            with_dimensions(labour.lazy().filter(pl.col("month").is_between(*months)))
            .select("id_number", "month", *wanted)
            .collect()
        )
        paid = paid.join(
            people.unique(["id_number", "month"], keep="first"),
            on=["id_number", "month"],
            how="left",
        )
    return paid.filter(_matches(filters))
