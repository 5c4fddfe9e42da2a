"""Subsidy spending (补贴) by kind, place and time, in total, per labour-force member, against the
year's budget, and the subsidy page's headline.

A payment lies at the township (and site, when known) written on its row (domain.md). Amounts are
exact fen in the store, so every sum is rounded back to whole fen. An empty group is null ("—" on
screen), never 0 where a denominator is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import polars as pl

from analytics.aggregates import grain_employment_rates
from analytics.domain import COUNTY_SCOPE, EMPLOYER_SUBSIDY_KINDS
from analytics.rates import employment_rates, month_end, previous_month

PAYEE_PERSON = "person"
PAYEE_EMPLOYER = "employer"
BUDGET_METRIC = "补贴金额"

# Groupings computed from a payment's columns, besides the columns themselves.
DERIVED_GROUPS: dict[str, pl.Expr] = {
    # The first day of the month paid: joins and sorts with the ledger's `month`.
    "month": pl.col("paid_on").dt.truncate("1mo"),
    "year": pl.col("paid_on").dt.year().cast(pl.Int64),
    "payee_type": pl.when(pl.col("kind").is_in(EMPLOYER_SUBSIDY_KINDS))
    .then(pl.lit(PAYEE_EMPLOYER))
    .otherwise(pl.lit(PAYEE_PERSON)),
}
# The places a payment and the labour ledger both carry.
PLACES = ("township", "site")

SUBSIDY_HEADLINE_SCHEMA: dict[str, pl.DataType] = {
    "amount_ytd": pl.Float64(),
    "amount_month": pl.Float64(),
    "payments_month": pl.Int64(),
    "amount_previous_month": pl.Float64(),
    "amount_month_change": pl.Float64(),
    "persons_paid_month": pl.Int64(),
}
SUBSIDY_BUDGET_SCHEMA: dict[str, pl.DataType] = {
    "scope": pl.String(),
    "budget": pl.Float64(),
    "paid": pl.Float64(),
    "progress": pl.Float64(),
    "expected_progress": pl.Float64(),
}


def subsidy_totals(
    payments: pl.DataFrame,
    by: Sequence[str],
    date_from: date | None = None,
    date_to: date | None = None,
) -> pl.DataFrame:
    """Number of payments and amount (yuan) per group, paid between the two dates inclusive.

    `by` takes payment columns and the derived `month` (first day, Date), `year` (Int64) and
    `payee_type` (`PAYEE_PERSON` / `PAYEE_EMPLOYER`), in any combination. Sorted by amount,
    largest first, then by the group columns: a time series (`month`, `year`) is for the caller
    to sort by time. `by=[]` gives one grand-total row, zeros included.
    """
    by = list(by)
    rows = _grouped_rows(payments, by, date_from, date_to)
    if not by:
        return rows.select(_totals()).collect()
    return _by_amount(rows.group_by(by).agg(_totals()).collect(), by)


def subsidy_per_capita(
    payments: pl.DataFrame,
    labour: pl.DataFrame | None,
    by: Sequence[str],
    month: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    households: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """`subsidy_totals` by place with the labour force and employed of the same place, and the
    amount per member of each: what a place spends on the people it must get into work.

    `by` holds place columns (`township`, `site`, or none for the county). Labour is that of
    `month` (default: the latest in `labour`), counted by `employment_rates` as everywhere.
    `amount` is split into `person_amount` and `employer_amount`; the per-member amounts count
    person payments only (domain.md). Places with labour but no payment show 0 yuan; places
    paid but without labour show `labour_force` 0. Each per-member amount is null where its
    denominator is 0. Sorted by
    `amount_per_capita`, largest first, nulls last, then by place. `households`, the household
    grain of `labour` (`analytics.aggregates`), gives the same counts without the person rows
    (`labour` is then not read and may be None).
    """
    by = list(by)
    joined = _per_place(payments, labour, by, month, date_from, date_to, households=households)
    return joined.sort(
        ["amount_per_capita", *by], descending=[True] + [False] * len(by), nulls_last=True
    )


def subsidy_ranking(
    payments: pl.DataFrame,
    labour: pl.DataFrame | None,
    level: Literal["township", "site"],
    month: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    households: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per township or site for the subsidy page's ranked table: who gets the money,
    how many people it reaches, and how that compares with the place's labour.

    Columns: `level`, payments, amount, person_amount, employer_amount, persons (distinct ID
    numbers of person payments), labour_force, employed, amount_per_capita and
    amount_per_employed (person payments only), share (fraction of the
    period's total; null when the total is 0). Places with labour but no payment are in with 0
    yuan; payments without a site form their own row (site null) at level `site`. Sorted by
    amount, largest first, then by place (null last). `households` as `subsidy_per_capita`.
    """
    if level not in PLACES:
        raise ValueError(f"level must be one of {PLACES}, not {level!r}")
    persons = (
        pl.col("id_number")
        .filter(pl.col("payee_type") == PAYEE_PERSON)
        .drop_nulls()
        .n_unique()
        .cast(pl.Int64)
        .alias("persons")
    )
    ranked = _per_place(
        payments, labour, [level], month, date_from, date_to, persons, households=households
    )
    total = pl.col("amount").sum()
    return (
        ranked.with_columns(pl.col("persons").fill_null(0))
        .with_columns(share=_ratio(pl.col("amount"), total))
        .select(
            level,
            "payments",
            "amount",
            "person_amount",
            "employer_amount",
            "persons",
            "labour_force",
            "employed",
            "amount_per_capita",
            "amount_per_employed",
            "share",
        )
    ).pipe(_by_amount, [level])


def subsidy_headline(payments: pl.DataFrame, month: date) -> pl.DataFrame:
    """The subsidy page's headline for `month`, one row (`SUBSIDY_HEADLINE_SCHEMA`).

    `amount_ytd` runs from 1 January to the month's last day. `amount_previous_month` is that of
    the calendar month before, null when no payment at all predates `month` (the data starts
    later: no comparison beats a false one); `amount_month_change` is the yuan difference, null
    with it. `persons_paid_month` counts distinct ID numbers of person payments.
    """
    month = month.replace(day=1)
    end = month_end(month)
    before = previous_month(month)
    in_month = subsidy_totals(payments, [], month, end)
    amount_month = _amount(in_month)
    first_paid = payments.get_column("paid_on").min()
    previous = (
        _amount(subsidy_totals(payments, [], before, month_end(before)))
        if first_paid is not None and first_paid < month
        else None
    )
    persons = (
        _grouped_rows(payments, ["payee_type"], month, end)
        .filter(pl.col("payee_type") == PAYEE_PERSON)
        .select(pl.col("id_number").drop_nulls().n_unique())
        .collect()
        .item()
    )
    row = {
        "amount_ytd": _amount(subsidy_totals(payments, [], date(month.year, 1, 1), end)),
        "amount_month": amount_month,
        "payments_month": in_month.get_column("payments").item(),
        "amount_previous_month": previous,
        "amount_month_change": None if previous is None else round(amount_month - previous, 2),
        "persons_paid_month": persons,
    }
    return pl.DataFrame([row], schema=SUBSIDY_HEADLINE_SCHEMA)


def subsidy_budget(
    payments: pl.DataFrame, targets: pl.DataFrame, year: int, month: date
) -> pl.DataFrame:
    """Each 补贴金额 target of `year` against the yuan paid from 1 January to `month`'s last day
    (`SUBSIDY_BUDGET_SCHEMA`), so the page can flag a budget behind or ahead of the year.

    `paid` is placed as the target board places it (`paid_in_scope`): null when `payments` is
    empty (nothing imported is not nothing paid). `progress` = paid / budget, null when the
    budget is 0; `expected_progress` = month / 12, the share of the year gone (序时进度).
    County (县) first, then scopes by name; an empty frame when the year has no such target.
    """
    if month.year != year:
        raise ValueError(f"month {month:%Y-%m} is not in year {year}")
    start, end = date(year, 1, 1), month_end(month)
    budgets = (
        targets.filter((pl.col("year") == year) & (pl.col("metric") == BUDGET_METRIC))
        .select("scope", pl.col("target").alias("budget"))
        .sort(pl.col("scope") != COUNTY_SCOPE, "scope")
    )
    paid = [paid_in_scope(payments, scope, start, end) for scope in budgets.get_column("scope")]
    return (
        budgets.with_columns(paid=pl.Series(paid, dtype=pl.Float64()))
        .with_columns(
            progress=_ratio(pl.col("paid"), pl.col("budget")),
            expected_progress=pl.lit(month.month / 12),
        )
        .select(list(SUBSIDY_BUDGET_SCHEMA))
        .cast(SUBSIDY_BUDGET_SCHEMA)
    )


def in_scope(scope: str) -> pl.Expr:
    """True for payments of `scope`: 县 is all of them, else the township or site on the row."""
    if scope == COUNTY_SCOPE:
        return pl.lit(True)
    return ((pl.col("township") == scope) | (pl.col("site") == scope)).fill_null(False)


def paid_in_scope(
    payments: pl.DataFrame, scope: str, date_from: date | None, date_to: date | None
) -> float | None:
    """Yuan paid in `scope` between the dates inclusive, as a 补贴金额 target measures it; None
    when `payments` is empty: an empty frame means nothing was imported, not nothing paid."""
    if payments.is_empty():
        return None
    return _amount(subsidy_totals(payments.filter(in_scope(scope)), [], date_from, date_to))


def _grouped_rows(
    payments: pl.DataFrame, by: Sequence[str], date_from: date | None, date_to: date | None
) -> pl.LazyFrame:
    """The payments of the period, with the derived groupings `by` asks for."""
    unknown = [c for c in by if c not in DERIVED_GROUPS and c not in payments.columns]
    if unknown:
        raise ValueError(f"cannot group payments by {unknown}")
    rows = payments.lazy()
    if date_from is not None:
        rows = rows.filter(pl.col("paid_on") >= date_from)
    if date_to is not None:
        rows = rows.filter(pl.col("paid_on") <= date_to)
    derived = [DERIVED_GROUPS[c].alias(c) for c in dict.fromkeys(by) if c in DERIVED_GROUPS]
    return rows.with_columns(derived) if derived else rows


def _totals() -> list[pl.Expr]:
    return [
        pl.len().cast(pl.Int64).alias("payments"),
        # Amounts are exact fen in the store: round the float sum back to whole fen.
        pl.col("amount").sum().round(2).cast(pl.Float64).alias("amount"),
    ]


def _per_place(
    payments: pl.DataFrame,
    labour: pl.DataFrame | None,
    by: list[str],
    month: date | None,
    date_from: date | None,
    date_to: date | None,
    *extra: pl.Expr,
    households: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Totals (and `extra` aggregates) per place joined to the place's labour, unsorted."""
    not_places = [c for c in by if c not in PLACES]
    if not_places:
        raise ValueError(f"per-member amounts need place columns {PLACES}, not {not_places}")
    rows = _grouped_rows(payments, [*by, "payee_type"], date_from, date_to)
    aggregates = [*_totals(), *_by_payee(), *extra]
    totals = (rows.group_by(by).agg(aggregates) if by else rows.select(aggregates)).collect()
    if households is not None:
        rates = grain_employment_rates(households, by, month)
    elif labour is not None:
        rates = employment_rates(labour, by, month)
    else:
        raise ValueError("per-member amounts need the person rows or their household grain")
    labour_force = rates.select(*by, "labour_force", "employed")
    if by:
        joined = totals.join(labour_force, on=by, how="full", coalesce=True)
    else:
        joined = pl.concat([totals, labour_force], how="horizontal")
    return (
        joined.with_columns(pl.col("payments", "labour_force", "employed").fill_null(0))
        .with_columns(pl.col("amount", "person_amount", "employer_amount").fill_null(0.0))
        .with_columns(
            # Employers' payments are booked where the employer is, not spent on the place's
            # residents: dividing them by its labour force made a street office of 90 members
            # show 69,752 yuan each (domain.md, 2026-12-07).
            amount_per_capita=_ratio(pl.col("person_amount"), pl.col("labour_force")),
            amount_per_employed=_ratio(pl.col("person_amount"), pl.col("employed")),
        )
        .select(
            *by,
            "payments",
            "amount",
            "person_amount",
            "employer_amount",
            *(e.meta.output_name() for e in extra),
            "labour_force",
            "employed",
            "amount_per_capita",
            "amount_per_employed",
        )
    )


def _by_payee() -> list[pl.Expr]:
    """The amount paid to persons and to employers, as separate figures."""
    return [
        pl.col("amount")
        .filter(pl.col("payee_type") == payee)
        .sum()
        .round(2)
        .cast(pl.Float64)
        .alias(f"{payee}_amount")
        for payee in (PAYEE_PERSON, PAYEE_EMPLOYER)
    ]


def _by_amount(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Amount, largest first, then the groups (nulls last)."""
    return frame.sort(["amount", *by], descending=[True] + [False] * len(by), nulls_last=True)


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null (not 0, not inf) when the denominator is 0 or null."""
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None).cast(pl.Float64)


def _amount(totals: pl.DataFrame) -> float:
    return totals.get_column("amount").item()
