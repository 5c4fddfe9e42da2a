"""The compliance rules of domain.md ("Compliance rules (审计规则)"): one function per rule.

Each rule takes what it reads of the labour ledger (`Ledger`), the subsidy frame and the
`Standards` and returns its cases in `CASE_SCHEMA`, one row per case key. Terms as domain.md
defines them: a payment's month is the calendar month of `paid_on`; a person payment carries an
ID number (employer payments are never cases); held months are the months with any labour
record; ages are in full years from the birth date written in the ID number (digits 7–14), not
the ledger's birth date column, because the ID is what the payment was made to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.domain import (
    CAPACITIES,
    EMPLOYER_SUBSIDY_KINDS,
    IN_COUNTY,
    PUBLIC_WELFARE_POST,
    STATUS_EMPLOYED,
    SUBSIDY_LIVING,
    SUBSIDY_PUBLIC_WELFARE,
    SUBSIDY_STABLE,
    SUBSIDY_TRANSPORT,
)
from analytics.rates import labour_force_mask, plain


@dataclass(frozen=True)
class Standards:
    """The standards the rules hold payments to (domain.md's defaults)."""

    transport_per_year: float = 500.0  # 交通补贴, yuan per person per calendar year
    living_per_payment: float = 140.0  # 生活补贴, 20 yuan a day × 7 days
    min_age: int = 16
    max_age: int = 65
    stable_months: int = 3  # 稳岗就业补贴: months of (已就业, 县内务工) up to the paid month

    def describe(self) -> str:
        """One line naming every standard, for the heading of a list of cases."""
        return (
            f"交通补贴 ≤ {self.transport_per_year:,.2f} 元/年, "
            f"生活补贴 ≤ {self.living_per_payment:,.2f} 元/次, "
            f"年龄 {self.min_age}–{self.max_age} 岁, 稳岗 {self.stable_months} 个月"
        )


MULTIPLE_POSTS = "一人多岗"
NOMINAL_POST = "挂岗"
SUBSTITUTE = "替岗"
TRANSPORT_OVER = "交通补贴超标"
LIVING_OVER = "生活补贴超标"
STABLE_SHORT = "稳岗补贴未满三个月"
UNKNOWN_PAYEE = "发放对象不明"
PAID_AFTER_LEAVING = "离开后发放"
AGE_MISMATCH = "劳动力年龄不符"
RULES = (
    MULTIPLE_POSTS,
    NOMINAL_POST,
    SUBSTITUTE,
    TRANSPORT_OVER,
    LIVING_OVER,
    STABLE_SHORT,
    UNKNOWN_PAYEE,
    PAID_AFTER_LEAVING,
    AGE_MISMATCH,
)
NO_CAPACITY = tuple(c for c in CAPACITIES if c not in ("有劳动能力", "弱劳动力"))

CASE_SCHEMA: dict[str, pl.DataType] = {
    "rule": pl.String(),
    "id_number": pl.String(),
    "name": pl.String(),
    "period": pl.String(),  # YYYY-MM, or YYYY for 交通补贴超标
    "amount_at_risk": pl.Float64(),  # yuan; null for the data-quality rule
    "township": pl.String(),
    "site": pl.String(),
    "paid": pl.Float64(),  # yuan, the case's payments together
    "payments": pl.Int64(),
    "evidence": pl.String(),
}

_RECORD = ("month", "id_number", "name", "capacity", "status", "employment_type")
# The labour columns the rules read.
AUDIT_COLUMNS = (*_RECORD, "township", "site")


def _birth_digits() -> pl.Expr:
    """The birth date's digits in `id_number`: 7–14 (18 digits), or 19 and 7–12 (15)."""
    ident = pl.col("id_number").str.strip_chars()
    return (
        pl.when(ident.str.len_chars() == 18)
        .then(ident.str.slice(6, 8))
        .when(ident.str.len_chars() == 15)
        .then(pl.lit("19") + ident.str.slice(6, 6))
    )


def birth_date_in_id() -> pl.Expr:
    """The birth date written in `id_number`: digits 7–14 (18 digits), or 7–12 after 19 (15)."""
    return _birth_digits().str.to_date("%Y%m%d", strict=False)


def age_on(day: pl.Expr) -> pl.Expr:
    """Full years from the ID number's birth date to `day` (null when the ID holds no date)."""
    # As YYYYMMDD numbers, full years are the difference's ten-thousands (floored): half the
    # time of comparing months and days, which a province's every labour row pays.
    born = _birth_digits().cast(pl.Int32, strict=False)
    on = (
        day.dt.year().cast(pl.Int32) * 10000
        + day.dt.month().cast(pl.Int32) * 100
        + day.dt.day().cast(pl.Int32)
    )
    return pl.when(birth_date_in_id().is_not_null()).then((on - born) // 10000)


@dataclass(frozen=True)
class Ledger:
    """What the rules read of the labour ledger, read once for all of them.

    Every rule but the data-quality one judges payments, so of the person-months it needs only
    those of IDs paid as persons: a province's ledger is read for those rows alone.
    """

    labour: pl.LazyFrame  # every row, for the data-quality rule's filter
    held: pl.Series  # the held months
    records: pl.DataFrame  # one per ID per month, of the IDs with person payments

    @classmethod
    def of(cls, labour: pl.DataFrame | pl.LazyFrame, subsidies: pl.DataFrame) -> Ledger:
        rows = labour.lazy()
        payees = _person_payments(subsidies).get_column("id_number").unique()
        # Streaming: a province's scan is filtered a batch at a time, never held whole.
        held, records = pl.collect_all(
            [
                rows.select(pl.col("month").unique()),
                rows.filter(pl.col("id_number").is_in(payees.implode())).select(_RECORD),
            ],
            engine="streaming",
        )
        records = plain(records).unique(["id_number", "month"], keep="first")
        return cls(rows, held.get_column("month"), records)


def _person_payments(subsidies: pl.DataFrame, *kinds: str) -> pl.DataFrame:
    """Person payments (of `kinds`, when given), with their month.

    A person payment carries an ID number and is not of an employer's kind: a 吸纳就业补贴 row may
    name the worker hired, but the money went to the employer, and employer payments are never
    cases (as they are never per-capita spending, `analytics.subsidies`).
    """
    rows = subsidies.filter(
        pl.col("id_number").is_not_null()
        & (pl.col("id_number").str.strip_chars() != "")
        & ~pl.col("kind").is_in(EMPLOYER_SUBSIDY_KINDS)
    )
    if kinds:
        rows = rows.filter(pl.col("kind").is_in(kinds))
    return rows.with_columns(month=pl.col("paid_on").dt.truncate("1mo"))


def _yuan(amount: pl.Expr) -> pl.Expr:
    """800 → "800.00": exact to the fen, as the ledger writes money."""
    fen = (amount * 100).round().cast(pl.Int64)
    return pl.concat_str(fen // 100, pl.lit("."), (fen % 100).cast(pl.String).str.zfill(2))


def _record_text(month: pl.Expr) -> pl.Expr:
    """`台账 2024-05 已就业/公益性岗位/有劳动能力`, or `无记录` for a month without the ID."""
    found = pl.concat_str(
        pl.col("status").fill_null("—"),
        pl.col("employment_type").fill_null("—"),
        pl.col("capacity").fill_null("—"),
        separator="/",
    )
    held = pl.when(pl.col("_recorded")).then(found).otherwise(pl.lit("无记录"))
    return pl.concat_str(pl.lit("台账 "), month.dt.strftime("%Y-%m"), pl.lit(" "), held)


def _with_record(payments: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """Each payment with the ID's record of its month (the `_record` text) beside it."""
    joined = payments.join(
        records.select(
            "id_number",
            "month",
            "capacity",
            "status",
            "employment_type",
            _recorded=pl.lit(True),
        ),
        on=["id_number", "month"],
        how="left",
    ).with_columns(pl.col("_recorded").fill_null(False))
    return joined.with_columns(_record=_record_text(pl.col("month")))


def _cases(
    rule: str,
    payments: pl.DataFrame,
    period: pl.Expr,
    at_risk: Callable[[], pl.Expr],
    record: pl.Expr | None = None,
) -> pl.DataFrame:
    """One case per ID and `period` of `payments` (all of them the case's): `at_risk` aggregates
    the group's `amount`; the evidence lists the payments, then the `record` text (one per
    case: its first)."""
    if payments.is_empty():
        return pl.DataFrame(schema=CASE_SCHEMA)
    item = pl.concat_str(
        pl.col("paid_on").dt.strftime("%Y-%m-%d"),
        pl.lit(" "),
        pl.col("kind"),
        pl.lit(" "),
        _yuan(pl.col("amount")),
        pl.lit(" 元"),
        pl.when(pl.col("note").is_not_null() & (pl.col("note") != ""))
        .then(pl.concat_str(pl.lit(" ("), pl.col("note"), pl.lit(")")))
        .otherwise(pl.lit("")),
    )
    rows = payments.with_columns(
        period=period, _item=item, _shown=record if record is not None else pl.lit(None)
    ).sort("paid_on", "amount")
    grouped = rows.group_by("id_number", "period").agg(
        pl.col("name").first(),
        pl.col("township").first(),
        pl.col("site").first(),
        amount_at_risk=at_risk(),
        paid=pl.col("amount").sum(),
        payments=pl.len().cast(pl.Int64),
        _items=pl.col("_item").str.join("; "),
        _shown=pl.col("_shown").drop_nulls().unique(maintain_order=True).str.join("; "),
    )
    evidence = pl.when(pl.col("_shown") != "").then(
        pl.concat_str("_items", pl.lit(" | "), "_shown")
    )
    return grouped.with_columns(
        rule=pl.lit(rule), evidence=evidence.otherwise(pl.col("_items"))
    ).select(list(CASE_SCHEMA))


def _month_period() -> pl.Expr:
    return pl.col("month").dt.strftime("%Y-%m")


def _all_paid() -> pl.Expr:
    return pl.col("amount").sum()


def multiple_posts(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """一人多岗: 公益性岗位补贴 paid to one ID more than once in a month; at risk: all but the
    largest payment."""
    posts = _person_payments(subsidies, SUBSIDY_PUBLIC_WELFARE)
    twice = posts.filter(pl.len().over("id_number", "month") > 1)
    return _cases(
        MULTIPLE_POSTS,
        twice,
        _month_period(),
        lambda: pl.col("amount").sum() - pl.col("amount").max(),
    )


def nominal_posts(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """挂岗: 公益性岗位补贴 paid in a held month to an ID whose record in that month is not
    (已就业, 公益性岗位), or who has none."""
    posts = _person_payments(subsidies, SUBSIDY_PUBLIC_WELFARE).filter(
        pl.col("month").is_in(ledger.held.implode())
    )
    rows = _with_record(posts, ledger.records)
    on_post = (pl.col("status") == STATUS_EMPLOYED) & (
        pl.col("employment_type") == PUBLIC_WELFARE_POST
    )
    nominal = rows.filter(~on_post.fill_null(False))
    return _cases(NOMINAL_POST, nominal, _month_period(), _all_paid, pl.col("_record"))


def substitutes(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """替岗: 公益性岗位补贴 paid in a month to an ID recorded in it as without working capacity,
    or aged below `min_age` or above `max_age` on a payment's date; at risk: the month's post
    payments."""
    posts = _person_payments(subsidies, SUBSIDY_PUBLIC_WELFARE)
    rows = _with_record(posts, ledger.records).with_columns(_age=age_on(pl.col("paid_on")))
    unfit = pl.col("capacity").is_in(NO_CAPACITY).fill_null(False) | (
        (pl.col("_age") < standards.min_age) | (pl.col("_age") > standards.max_age)
    ).fill_null(False)
    month_unfit = unfit.any().over("id_number", "month")
    cases = rows.filter(month_unfit)
    reason = pl.when(unfit).then(
        pl.when(pl.col("capacity").is_in(NO_CAPACITY).fill_null(False))
        .then(pl.col("_record"))
        .otherwise(
            pl.concat_str(
                pl.lit(f"发放日年龄不在 {standards.min_age}–{standards.max_age} 岁 | "),
                pl.col("_record"),
            )
        )
    )
    return _cases(SUBSTITUTE, cases, _month_period(), _all_paid, reason)


def transport_over(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """交通补贴超标: one ID's 交通补贴 in a calendar year above `transport_per_year`; at risk:
    the excess."""
    fares = _person_payments(subsidies, SUBSIDY_TRANSPORT).with_columns(
        _year=pl.col("paid_on").dt.year()
    )
    over = fares.filter(
        pl.col("amount").sum().over("id_number", "_year").round(2) > standards.transport_per_year
    )
    return _cases(
        TRANSPORT_OVER,
        over,
        pl.col("_year").cast(pl.String),
        lambda: pl.col("amount").sum() - standards.transport_per_year,
    )


def living_over(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """生活补贴超标: 生活补贴 payments above `living_per_payment`; at risk: each one's excess."""
    living = _person_payments(subsidies, SUBSIDY_LIVING)
    over = living.filter(pl.col("amount").round(2) > standards.living_per_payment)
    return _cases(
        LIVING_OVER,
        over,
        _month_period(),
        lambda: (pl.col("amount") - standards.living_per_payment).sum(),
    )


def stable_short(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """稳岗补贴未满三个月: 稳岗就业补贴 paid in month M to an ID not (已就业, 县内务工) in
    every held month of M and the `stable_months` − 1 before it; a held month without its record
    counts against, a month not held is not judged."""
    stable = _person_payments(subsidies, SUBSIDY_STABLE)
    if stable.is_empty():
        return pl.DataFrame(schema=CASE_SCHEMA)
    judged = (
        stable.select("id_number", paid_month="month")
        .unique()
        .with_columns(
            month=pl.concat_list(
                pl.col("paid_month").dt.offset_by(f"-{back}mo")
                for back in range(standards.stable_months)
            )
        )
        .explode("month")
        .filter(pl.col("month").is_in(ledger.held.implode()))
    )
    judged = _with_record(judged, ledger.records)
    local = (pl.col("status") == STATUS_EMPLOYED) & (pl.col("employment_type") == IN_COUNTY)
    short = (
        judged.sort("month")
        .group_by("id_number", "paid_month")
        .agg(
            _short=(~local.fill_null(False)).any(),
            _shown=pl.col("_record").str.join("; "),
        )
        .filter("_short")
    )
    cases = stable.join(
        short.rename({"paid_month": "month"}), on=["id_number", "month"], how="inner"
    )
    return _cases(STABLE_SHORT, cases, _month_period(), _all_paid, pl.col("_shown"))


def unknown_payees(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """发放对象不明: person payments to an ID in no labour record, or under another name than the
    ledger's for that ID (in the payment's month, else the ID's latest month)."""
    records = ledger.records
    latest = (
        records.sort("month")
        .group_by("id_number")
        .agg(_latest_name=pl.col("name").last(), _latest_month=pl.col("month").last())
    )
    payments = (
        _person_payments(subsidies)
        .join(
            records.select("id_number", "month", _month_name="name"),
            on=["id_number", "month"],
            how="left",
        )
        .join(latest, on="id_number", how="left")
    )
    recorded = pl.coalesce("_month_name", "_latest_name").str.strip_chars()
    differs = pl.col("name").str.strip_chars().ne_missing(recorded)
    cases = payments.filter(differs)
    shown = (
        pl.when(pl.col("_latest_month").is_null())
        .then(pl.lit("台账中无此身份证号"))
        .otherwise(
            pl.concat_str(
                pl.lit("台账姓名 "),
                recorded,
                pl.lit(" ("),
                pl.when(pl.col("_month_name").is_not_null())
                .then(pl.col("month"))
                .otherwise(pl.col("_latest_month"))
                .dt.strftime("%Y-%m"),
                pl.lit(")"),
            )
        )
    )
    return _cases(UNKNOWN_PAYEE, cases, _month_period(), _all_paid, shown)


def paid_after_leaving(
    ledger: Ledger, subsidies: pl.DataFrame, standards: Standards
) -> pl.DataFrame:
    """离开后发放: person payments other than 公益性岗位补贴 in a held month M to an ID with a
    record before M and none in M or later."""
    spans = ledger.records.group_by("id_number").agg(
        _first=pl.col("month").min(), _last=pl.col("month").max()
    )
    payments = (
        _person_payments(subsidies)
        .filter(
            (pl.col("kind") != SUBSIDY_PUBLIC_WELFARE)
            & pl.col("month").is_in(ledger.held.implode())
        )
        .join(spans, on="id_number", how="inner")
    )
    gone = payments.filter(pl.col("_last") < pl.col("month"))
    shown = pl.concat_str(pl.lit("台账最后记录 "), pl.col("_last").dt.strftime("%Y-%m"))
    return _cases(PAID_AFTER_LEAVING, gone, _month_period(), _all_paid, shown)


def age_mismatch(ledger: Ledger, subsidies: pl.DataFrame, standards: Standards) -> pl.DataFrame:
    """劳动力年龄不符 (data quality): labour-force members in month M aged below `min_age` or
    above `max_age` on M's last day; no amount at risk."""
    age = age_on(pl.col("month").dt.month_end())
    wrong = plain(
        ledger.labour.filter(
            labour_force_mask() & ((age < standards.min_age) | (age > standards.max_age))
        )
        .select(*_RECORD, "township", "site")
        .collect(engine="streaming")
    ).with_columns(_recorded=pl.lit(True))
    return (
        wrong.with_columns(
            rule=pl.lit(AGE_MISMATCH),
            period=_month_period(),
            amount_at_risk=pl.lit(None, pl.Float64),
            paid=pl.lit(None, pl.Float64),
            payments=pl.lit(0, pl.Int64),
            evidence=pl.concat_str(
                _record_text(pl.col("month")),
                pl.lit(f" | 月末年龄不在 {standards.min_age}–{standards.max_age} 岁"),
            ),
        )
        .unique(["id_number", "period"], keep="first", maintain_order=True)
        .select(list(CASE_SCHEMA))
    )


RULE_FUNCTIONS: dict[str, Callable[[Ledger, pl.DataFrame, Standards], pl.DataFrame]] = {
    MULTIPLE_POSTS: multiple_posts,
    NOMINAL_POST: nominal_posts,
    SUBSTITUTE: substitutes,
    TRANSPORT_OVER: transport_over,
    LIVING_OVER: living_over,
    STABLE_SHORT: stable_short,
    UNKNOWN_PAYEE: unknown_payees,
    PAID_AFTER_LEAVING: paid_after_leaving,
    AGE_MISMATCH: age_mismatch,
}


def cases(
    labour: pl.DataFrame | pl.LazyFrame,
    subsidies: pl.DataFrame,
    standards: Standards = Standards(),  # noqa: B008 - frozen, so one shared default is safe
    start: date | None = None,
    end: date | None = None,
    rules: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Every case of `rules` (all nine by default) whose period falls in `start`..`end`
    (months; a year is in when any of its months is), in rule order, then period and ID.

    `labour`: the labour frame, or a lazy scan of it (only `AUDIT_COLUMNS` are read)."""
    chosen = [r for r in RULES if rules is None or r in rules]
    ledger = Ledger.of(labour, subsidies)
    found = pl.concat(
        [RULE_FUNCTIONS[r](ledger, subsidies, standards).cast(CASE_SCHEMA) for r in chosen]
        or [pl.DataFrame(schema=CASE_SCHEMA)]
    )
    order = {rule: n for n, rule in enumerate(RULES)}
    found = found.sort(
        pl.col("rule").replace_strict(order, return_dtype=pl.Int64), "period", "id_number"
    )
    return in_span(found, start, end)


def in_span(found: pl.DataFrame, start: date | None, end: date | None) -> pl.DataFrame:
    """The cases of `found` whose period falls in `start`..`end` (months; either open when
    None; a year is in when any of its months is), in their order."""
    period_start = (
        pl.when(pl.col("period").str.len_chars() == 4)
        .then(pl.col("period") + "-01-01")
        .otherwise(pl.col("period") + "-01")
        .str.to_date("%Y-%m-%d")
    )
    period_end = (
        pl.when(pl.col("period").str.len_chars() == 4)
        .then(pl.col("period") + "-12-01")
        .otherwise(pl.col("period") + "-01")
        .str.to_date("%Y-%m-%d")
    )
    if start is not None:
        found = found.filter(period_end >= start.replace(day=1))
    if end is not None:
        found = found.filter(period_start <= end.replace(day=1))
    return found


def cases_by(found: pl.DataFrame, by: str) -> pl.DataFrame:
    """Cases and amount at risk per `by` (a `CASE_SCHEMA` column). By rule: every rule in order,
    zeros included; otherwise most money at risk first. The data-quality rule carries no amount:
    null ("—"), never a false 0, and a group of only such cases comes last."""
    at_risk = pl.col("amount_at_risk")
    counted = found.group_by(by).agg(
        case_count=pl.len().cast(pl.Int64),
        amount_at_risk=pl.when(at_risk.is_not_null().any()).then(at_risk.sum()),
    )
    if by != "rule":
        return counted.sort("amount_at_risk", by, descending=[True, False], nulls_last=True)
    return (
        pl.DataFrame({"rule": list(RULES)})
        .join(counted, on="rule", how="left", maintain_order="left")
        .with_columns(
            pl.col("case_count").fill_null(0),
            pl.when(pl.col("rule") != AGE_MISMATCH).then(at_risk.fill_null(0.0)),
        )
    )


def _period_order() -> list[pl.Expr]:
    """Periods in time order, a year (交通补贴超标's period) after its months."""
    period = pl.col("period")
    year = period.str.slice(0, 4).cast(pl.Int32)
    month = pl.when(period.str.len_chars() == 4).then(13).otherwise(period.str.slice(5, 2))
    return [year, month.cast(pl.Int32)]


def cases_by_month(found: pl.DataFrame) -> pl.DataFrame:
    """Cases and amount at risk per rule and period (`rule`, `period`, `case_count`,
    `amount_at_risk`), in time order, rules in their order within a period; only the pairs that
    have cases. A period is the cases' own: a month, or for 交通补贴超标 a year (a year's excess
    belongs to no one month), which comes after that year's months. The data-quality rule's
    amount is null, as in `cases_by`."""
    at_risk = pl.col("amount_at_risk")
    order = {rule: n for n, rule in enumerate(RULES)}
    return (
        found.group_by("rule", "period")
        .agg(
            case_count=pl.len().cast(pl.Int64),
            amount_at_risk=pl.when(at_risk.is_not_null().any()).then(at_risk.sum()),
        )
        .sort(*_period_order(), pl.col("rule").replace_strict(order, return_dtype=pl.Int64))
    )


def month_grid(by_month: pl.DataFrame, measure: str, months: Sequence[date] = ()) -> pl.DataFrame:
    """`cases_by_month` as a grid: a row per period in time order, of `months` (the range shown,
    with their years for 交通补贴超标) and of `by_month`; a column per rule (all nine, in order)
    holding `measure` (`case_count` or `amount_at_risk`), and the period's `total`. A period
    without a rule's cases holds 0; a cell that cannot hold a case is null: 交通补贴超标 in a
    month, any other rule in a year, the data-quality rule's amounts."""
    wanted = {f"{m:%Y-%m}" for m in months} | {f"{m:%Y}" for m in months}
    grid = pl.DataFrame(
        {"period": sorted(wanted | set(by_month.get_column("period")))},
        schema={"period": pl.String},
    ).sort(*_period_order())
    dtype = by_month.schema[measure]
    yearly = pl.col("period").str.len_chars() == 4
    for rule in RULES:
        values = by_month.filter(pl.col("rule") == rule).select("period", pl.col(measure))
        possible = yearly if rule == TRANSPORT_OVER else ~yearly
        if measure == "amount_at_risk" and rule == AGE_MISMATCH:
            possible = pl.lit(False)
        grid = (
            grid.join(values, on="period", how="left", maintain_order="left")
            .with_columns(pl.when(possible).then(pl.col(measure).fill_null(0)).cast(dtype))
            .rename({measure: rule})
        )
    return grid.with_columns(total=pl.sum_horizontal(RULES).cast(dtype))
