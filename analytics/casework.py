"""Casework (工单) and 动态清零: who works on what, in which state, and what was cleared.

A subject is one of three kinds, each keyed by what it is, never by a ledger row:

- `audit`: a case of the compliance rules (`analytics.audit.cases`), key (rule, ID number,
  period); states 待核实 (default) / 核实中 open, 已整改 / 误报 closed.
- `household`: a zero-employment household of the reporting month (labour force, nobody
  employed), key (零就业家庭, household code, ""); states 待帮扶 (default) / 帮扶中 open,
  已就业 / 暂无法就业 closed.
- `person`: a labour-force member, 未就业 in the reporting month, with a wish to work (a 就业意愿
  other than 暂无意愿), key (未就业有就业意愿, ID number, ""); states as for households.

The stored state of a subject (`analytics.columns.CASE_WORK_SCHEMA`, written by `data.casework`)
joins onto the subjects found in the data; a subject with none is in its kind's default state.
A stored state whose subject is no longer on the list (the household found work) is not shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from analytics.audit import CASE_SCHEMA
from analytics.domain import STATUS_UNEMPLOYED
from analytics.rates import employed_mask, labour_force_mask, plain

KIND_AUDIT = "audit"
KIND_HOUSEHOLD = "household"
KIND_PERSON = "person"
KINDS = (KIND_AUDIT, KIND_HOUSEHOLD, KIND_PERSON)

ZERO_EMPLOYMENT = "零就业家庭"
WISH_TO_WORK = "未就业有就业意愿"
NO_WISH = "暂无意愿"  # the ledger's "no wish" (无, 暂无 and 无意愿 are imported as it)

AUDIT_STATES = ("待核实", "核实中", "已整改", "误报")
HELP_STATES = ("待帮扶", "帮扶中", "已就业", "暂无法就业")
STATES: dict[str, tuple[str, ...]] = {
    KIND_AUDIT: AUDIT_STATES,
    KIND_HOUSEHOLD: HELP_STATES,
    KIND_PERSON: HELP_STATES,
}
DEFAULT_STATE = {kind: states[0] for kind, states in STATES.items()}
OPEN_STATES = ("待核实", "核实中", "待帮扶", "帮扶中")
CLOSED_STATES = ("已整改", "误报", "已就业", "暂无法就业")
ALL_STATES = (*AUDIT_STATES, *HELP_STATES)

# One row per subject of `worklist`, in this order.
WORKLIST_SCHEMA: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "rule": pl.String(),
    "id_number": pl.String(),  # audit and person; null for a household
    "household": pl.String(),  # household code; null for an audit case of no one in the ledger
    "name": pl.String(),  # the person (audit: as paid), or the household's head
    "township": pl.String(),
    "site": pl.String(),
    "building": pl.String(),
    "room": pl.String(),
    "period": pl.String(),  # an audit case's YYYY-MM or YYYY; "" for households and people
    "amount_at_risk": pl.Float64(),  # yuan; audit cases only
    "state": pl.String(),
    "owner": pl.String(),
    "due": pl.Date(),
    "note": pl.String(),
    "is_open": pl.Boolean(),
    "is_overdue": pl.Boolean(),  # open, and due before today (due today is not overdue)
    "changed_on": pl.Date(),  # day (Beijing) of the last change to owner, due, state or note
    "changed_by": pl.String(),
    "state_changed_on": pl.Date(),  # day (Beijing) the state was last set
}

PROGRESS_COLUMNS: dict[str, pl.DataType] = {
    "open": pl.Int64(),
    "overdue": pl.Int64(),
    "cleared": pl.Int64(),  # cleared_by_work + cleared_by_data
    "cleared_by_work": pl.Int64(),
    "cleared_by_data": pl.Int64(),
}

_KEY = ["kind", "rule", "subject", "period"]
_BEIJING = "Asia/Shanghai"


def case_subject(row: dict) -> str:
    """The `subject` of a worklist row, as `data.casework.set_case` takes it: the household
    code for a household, else the (full) ID number."""
    return row["household"] if row["kind"] == KIND_HOUSEHOLD else row["id_number"]


def _subject() -> pl.Expr:
    return (
        pl.when(pl.col("kind") == KIND_HOUSEHOLD)
        .then(pl.col("household"))
        .otherwise(pl.col("id_number"))
        .alias("subject")
    )


# The labour columns `worklist` reads: a caller may pass only these.
WORKLIST_LABOUR_COLUMNS = (
    "month",
    "id_number",
    "household",
    "name",
    "head_name",
    "township",
    "site",
    "building",
    "room",
    "capacity",
    "status",
    "wish",
)


def zero_employment_households(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """The month's zero-employment households: labour force, nobody employed (domain.md).

    One row per household with its place, room and head (`WORKLIST_SCHEMA`'s subject columns).
    """
    rows = labour.lazy().filter(pl.col("month") == month.replace(day=1))
    found = (
        rows.group_by("household")
        .agg(
            pl.col("township", "site", "building", "room", "head_name").first(),
            labour_force=labour_force_mask().sum(),
            employed=employed_mask().sum(),
        )
        .filter((pl.col("labour_force") > 0) & (pl.col("employed") == 0))
        .collect()
    )
    return plain(found).select(
        pl.lit(KIND_HOUSEHOLD).alias("kind"),
        pl.lit(ZERO_EMPLOYMENT).alias("rule"),
        pl.lit(None, pl.String).alias("id_number"),
        "household",
        pl.col("head_name").alias("name"),
        "township",
        "site",
        "building",
        "room",
    )


def wishing_to_work(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """The month's unemployed labour-force members with a wish to work: 未就业, and a 就业意愿
    that is neither blank nor 暂无意愿."""
    wish = pl.col("wish").cast(pl.String).str.strip_chars()
    found = labour.filter(
        (pl.col("month") == month.replace(day=1))
        & labour_force_mask()
        & (pl.col("status") == STATUS_UNEMPLOYED).fill_null(False)
        & (wish.is_not_null() & (wish != "") & (wish != NO_WISH)).fill_null(False)
    ).unique("id_number", keep="first", maintain_order=True)
    return plain(found).select(
        pl.lit(KIND_PERSON).alias("kind"),
        pl.lit(WISH_TO_WORK).alias("rule"),
        "id_number",
        "household",
        "name",
        "township",
        "site",
        "building",
        "room",
    )


def _period_start() -> pl.Expr:
    period = pl.col("period")
    return (
        pl.when(period.str.len_chars() == 4)
        .then(period + "-01-01")
        .otherwise(period + "-01")
        .str.to_date("%Y-%m-%d", strict=False)
    )


def _audit_subjects(audit_cases: pl.DataFrame, labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """The audit cases whose period begins by `month`, with the person's household, building
    and room from their latest ledger record up to `month` (a payee in no record has none)."""
    cases = audit_cases.cast(CASE_SCHEMA).filter(_period_start() <= month.replace(day=1))
    # The cases' people alone, before the sort: a province's two months are millions of rows.
    payees = cases.get_column("id_number").unique().implode()
    homes = plain(
        labour.lazy()
        .filter((pl.col("month") <= month.replace(day=1)) & pl.col("id_number").is_in(payees))
        .select("month", "id_number", "household", "township", "site", "building", "room")
        .collect()
        .sort("month")
        .unique("id_number", keep="last")
        .drop("month")
    )
    return cases.join(homes, on="id_number", how="left", suffix="_home").select(
        pl.lit(KIND_AUDIT).alias("kind"),
        "rule",
        "id_number",
        "household",
        "name",
        # Where the case was paid, as the audit lists it; else where the person lives.
        pl.coalesce("township", "township_home").alias("township"),
        pl.coalesce("site", "site_home").alias("site"),
        "building",
        "room",
        "period",
        "amount_at_risk",
    )


def worklist(
    audit_cases: pl.DataFrame,
    labour: pl.DataFrame,
    case_work: pl.DataFrame,
    month: date,
    today: date,
) -> pl.DataFrame:
    """Every subject of `month`, one row each, with its stored state (`WORKLIST_SCHEMA`).

    `audit_cases`: `analytics.audit.cases` (`CASE_SCHEMA`); those whose period begins by `month`
    are in (a year's case from its January). Households and people: those of `month` alone.
    `case_work`: `analytics.columns.CASE_WORK_SCHEMA`. Ordered by kind (audit, household, person),
    then place, room and rule. Pass frames already cut to the viewer's scope.
    """
    month = month.replace(day=1)
    no_money = {"period": pl.lit(""), "amount_at_risk": pl.lit(None, pl.Float64)}
    subjects = pl.concat(
        [
            _audit_subjects(audit_cases, labour, month),
            zero_employment_households(labour, month).with_columns(**no_money),
            wishing_to_work(labour, month).with_columns(**no_money),
        ],
        how="vertical_relaxed",
    )
    stored = case_work.select(
        *_KEY,
        pl.col("state").alias("stored_state"),
        "owner",
        "due",
        "note",
        _day(pl.col("changed_at")).alias("changed_on"),
        "changed_by",
        _day(pl.col("state_changed_at")).alias("state_changed_on"),
    )
    state = pl.coalesce(
        "stored_state", pl.col("kind").replace_strict(DEFAULT_STATE, return_dtype=pl.String)
    )
    is_open = pl.col("state").is_in(OPEN_STATES)
    joined = (
        subjects.with_columns(_subject())
        .join(stored, on=_KEY, how="left", nulls_equal=True)
        .with_columns(state.alias("state"))
        .with_columns(is_open.alias("is_open"))
        .with_columns(
            (pl.col("is_open") & (pl.col("due") < today)).fill_null(False).alias("is_overdue")
        )
    )
    order = {kind: n for n, kind in enumerate(KINDS)}
    return joined.sort(
        pl.col("kind").replace_strict(order, return_dtype=pl.Int64),
        "township",
        "site",
        "building",
        "room",
        "rule",
        "period",
        "name",
        "subject",
        nulls_last=True,
    ).select([pl.col(c).cast(d) for c, d in WORKLIST_SCHEMA.items()])


def _day(at: pl.Expr) -> pl.Expr:
    """A UTC moment as the calendar day in China, where the county works."""
    return at.dt.convert_time_zone(_BEIJING).dt.date()


def cleared(current: pl.DataFrame, previous: pl.DataFrame, today: date) -> pl.DataFrame:
    """The subjects cleared this month (`today`'s calendar month), with `how` ("work" or
    "data"), in `WORKLIST_SCHEMA` plus `how`.

    A subject counts when it was not closed before the first day of this month and now either
    - is closed, by a state change made this month ("work"; its row of `current`), or
    - is a household or person on `previous` (the worklist of the month before) and not on
      `current` ("data": the ledger no longer lists it; its row of `previous`).
    Each subject counts once. A subject closed before this month never counts again, nor does
    an audit case, which stays on the list whatever its state.
    """
    first = today.replace(day=1)
    this_month = pl.col("state_changed_on") >= first
    by_work = current.filter(~pl.col("is_open") & this_month.fill_null(False))
    keys = current.select(_subject(), "kind", "rule", "period")
    by_data = (
        previous.filter(
            (pl.col("kind") != KIND_AUDIT) & (pl.col("is_open") | this_month.fill_null(False))
        )
        .with_columns(_subject())
        .join(keys, on=["kind", "rule", "subject", "period"], how="anti", nulls_equal=True)
        .drop("subject")
    )
    return pl.concat(
        [
            by_work.with_columns(how=pl.lit("work")),
            by_data.with_columns(how=pl.lit("data")),
        ]
    )


def progress(
    current: pl.DataFrame, previous: pl.DataFrame, by: Sequence[str], today: date
) -> pl.DataFrame:
    """动态清零 per group of `by` (worklist columns, e.g. ["township"], ["site"], ["kind"]):
    `open`, `overdue` and `cleared` this month (see `cleared`: `cleared_by_work` +
    `cleared_by_data`).

    `current`: the worklist of the reporting month; `previous`: of the month before
    (`worklist(..., previous_month(month), today)` on the same frames). Every group with a
    subject in either comes out, zeros filled, ordered by most open first. `by=[]` gives one
    total row.
    """
    by = list(by)
    counts = [
        pl.col("is_open").sum().cast(pl.Int64).alias("open"),
        pl.col("is_overdue").sum().cast(pl.Int64).alias("overdue"),
    ]
    done = cleared(current, previous, today)
    cleared_counts = [
        (pl.col("how") == "work").sum().cast(pl.Int64).alias("cleared_by_work"),
        (pl.col("how") == "data").sum().cast(pl.Int64).alias("cleared_by_data"),
    ]
    if not by:
        left = current.select(counts)
        right = done.select(cleared_counts)
        table = pl.concat([left, right], how="horizontal")
    else:
        groups = pl.concat([current.select(by), done.select(by)]).unique()
        table = (
            groups.join(current.group_by(by).agg(counts), on=by, how="left", nulls_equal=True)
            .join(done.group_by(by).agg(cleared_counts), on=by, how="left", nulls_equal=True)
            .with_columns(pl.col(c).fill_null(0) for c in PROGRESS_COLUMNS if c != "cleared")
        )
    table = table.with_columns(
        (pl.col("cleared_by_work") + pl.col("cleared_by_data")).alias("cleared")
    ).select(*by, *(pl.col(c).cast(d) for c, d in PROGRESS_COLUMNS.items()))
    if not by:
        return table
    return table.sort(["open", *by], descending=[True, *([False] * len(by))], nulls_last=True)


def progress_by_kind(current: pl.DataFrame, previous: pl.DataFrame, today: date) -> pl.DataFrame:
    """`progress` per kind: one row for each of `KINDS`, in that order, zeros where a kind has
    no subject (a split that always reads the same, not one that loses a row at zero)."""
    found = progress(current, previous, ["kind"], today)
    return (
        pl.DataFrame({"kind": list(KINDS)}, schema={"kind": pl.String()})
        .join(found, on="kind", how="left", maintain_order="left")
        .with_columns(pl.col(c).fill_null(0) for c in PROGRESS_COLUMNS)
    )


def progress_of_places(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    by: str,
    places: Sequence[str],
    today: date,
) -> pl.DataFrame:
    """`progress` per `by` (township, site or building) over `places` (the place's children)
    and any other group a subject lies in, with the open subjects of each kind beside
    (`open_audit`, `open_household`, `open_person`): a place with no subject left is cleared
    too, a row of zeros rather than a missing one. Most open first, then most overdue, then by
    name; a subject of no place (a payee the ledger does not know) is a null group, last."""
    found = progress(current, previous, [by], today)
    kinds = current.group_by(by).agg(
        (pl.col("is_open") & (pl.col("kind") == kind)).sum().cast(pl.Int64).alias(f"open_{kind}")
        for kind in KINDS
    )
    named = pl.DataFrame({by: list(places)}, schema={by: pl.String()})
    every = pl.concat([named, found.select(by)]).unique(maintain_order=True)
    return (
        every.join(found, on=by, how="left", nulls_equal=True)
        .join(kinds, on=by, how="left", nulls_equal=True)
        .with_columns(
            pl.col(c).fill_null(0) for c in [*PROGRESS_COLUMNS, *(f"open_{k}" for k in KINDS)]
        )
        .sort(
            [pl.col(by).is_null(), "open", "overdue", by],
            descending=[False, True, True, False],
        )
    )


def with_states(audit_cases: pl.DataFrame, case_work: pl.DataFrame, today: date) -> pl.DataFrame:
    """`audit_cases` (`CASE_SCHEMA`, order kept) with each case's `state`, `owner`, `due`,
    `is_open` and `is_overdue` as `worklist` gives them: the stored state, else 待核实.

    For the compliance page's list, which keeps the rules' order and its own range of months.
    """
    stored = case_work.filter(pl.col("kind") == KIND_AUDIT).select(
        "rule",
        pl.col("subject").alias("id_number"),
        "period",
        pl.col("state").alias("stored_state"),
        "owner",
        "due",
    )
    joined = audit_cases.join(
        stored, on=["rule", "id_number", "period"], how="left", maintain_order="left"
    ).with_columns(pl.col("stored_state").fill_null(DEFAULT_STATE[KIND_AUDIT]).alias("state"))
    return (
        joined.with_columns(is_open=pl.col("state").is_in(OPEN_STATES))
        .with_columns(is_overdue=(pl.col("is_open") & (pl.col("due") < today)).fill_null(False))
        .drop("stored_state")
    )
