"""`python -m analytics rates | changes | subsidies | mix | targets | children | jobs | training |
two-after | income | pivot | audit | cases`: domain.md's metrics, compliance rules and casework
on the command line.

The output is a contract other tools read: the column names below, rates as fractions (csv, json),
one row per group or person. The month defaults to the latest in the store. No data for what was
asked prints a message on stderr and exits 1. ID numbers and phones are masked unless --full;
a masked list gives the birth year, not the age. In csv, text that a spreadsheet would run as a
formula (it begins with = + - @) starts with `'` (analytics.inert.inert_text).
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from analytics.audit import RULES, Standards, cases
from analytics.casework import ALL_STATES, worklist
from analytics.changes import changes
from analytics.domain import COUNTY_SCOPE
from analytics.drill import Place, children, in_place
from analytics.income import HISTOGRAM_WIDTH, INCOME_TARGET
from analytics.inert import inert_text
from analytics.pivot import (
    AXES,
    BOOLEAN_DIMENSIONS,
    DIMENSIONS,
    MEASURES,
    RATE_MEASURES,
    pivot,
    wide,
)
from analytics.privacy import masked
from analytics.rates import latest_month, previous_month

RATES_BY = {
    "county": [],
    "township": ["township"],
    "site": ["site"],
    "building": ["site", "building"],
}
RATES_COLUMNS = [
    "labour_force",
    "employed",
    "employment_rate",
    "households",
    "households_covered",
    "zero_employment_households",
]
SUBSIDIES_BY = ("kind", "township", "site", "month", "year", "payee_type")
# Per labour-force member: only places the ledger has too.
SUBSIDIES_PER_CAPITA_BY = (["township"], ["site"])
# Shown as percent in tables: rates, coverage, shares of a total, progress against a target.
_PERCENT_SUFFIXES = ("_rate", "_coverage", "share", "progress")
# Yuan: exactly 2 decimals in csv.
_MONEY = (
    "amount",
    "amount_at_risk",
    "person_amount",
    "employer_amount",
    "monthly_income",
    "budget",
    "paid",
    "amount_change",
    "amount_per_capita",
    "amount_per_employed",
)

_SEP = r"\s*(?:-|/|\.|年)\s*"
_MONTH = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*月?")
_DATE = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*(?:-|/|\.|月)\s*(\d{{1,2}})\s*日?")


class NoData(Exception):
    """Nothing to report for what was asked; the message is for the user (Chinese / English)."""


def parse_month(text: str) -> date:
    """`2024-06`, `2024/6`, `2024年6月` (or a full date) → the first day of that month."""
    year, month, _ = _parse(text, "月份 / not a month")
    return date(year, month, 1)


def _parse(text: str, what: str) -> tuple[int, int, int | None]:
    text = text.strip()
    day = None
    if found := _DATE.fullmatch(text):
        year, month, day = (int(g) for g in found.groups())
    elif found := _MONTH.fullmatch(text):
        year, month = (int(g) for g in found.groups())
    else:
        raise argparse.ArgumentTypeError(f"不是{what}: {text!r} (YYYY-MM)")
    try:
        date(year, month, 1 if day is None else day)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"不是{what}: {text!r} ({exc})") from None
    return year, month, day


def _date_from(text: str) -> date:
    """A day; a month alone means its first day."""
    year, month, day = _parse(text, "日期 / not a date")
    return date(year, month, 1 if day is None else day)


def _date_to(text: str) -> date:
    """A day; a month alone means its last day, so `--to 2024-06` includes all of June."""
    year, month, day = _parse(text, "日期 / not a date")
    return date(year, month, calendar.monthrange(year, month)[1] if day is None else day)


def _report_month(labour: pl.DataFrame, month: date | None) -> date:
    latest = latest_month(labour)
    if latest is None:
        raise NoData(
            "库中没有劳动力台账数据，请先导入台账 (python -m data import) / "
            "the store holds no labour records: import a ledger first"
        )
    if month is None:
        return latest
    if not (labour.get_column("month") == month).any():
        first = labour.get_column("month").min()
        raise NoData(
            f"{month:%Y-%m} 没有台账数据（库中月份 {first:%Y-%m} 至 {latest:%Y-%m}）/ "
            f"no labour records for {month:%Y-%m} (the store holds {first:%Y-%m} to {latest:%Y-%m})"
        )
    return month


def rates_report(data: Any, by: str, month: date | None) -> tuple[str, pl.DataFrame]:
    """Title and rows of `rates` (`data`: `data.frames.Frames`, as for every report below that
    a screen shows too: its numbers come from that screen's module of `reports`)."""
    from reports.overview import place_rates

    month = _report_month(data.labour, month)
    rows = place_rates(data, RATES_BY[by], month)
    return f"就业率 / employment rates {month:%Y-%m}", rows.select(*RATES_BY[by], *RATES_COLUMNS)


def changes_report(
    labour: pl.DataFrame, month: date | None, site: str | None, building: str | None
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `changes`.

    The place filter comes first, as a building captain's scope does on the dashboard: someone who
    moved to another building has left this one.
    """
    month = _report_month(labour, month)
    before = previous_month(month)
    if not (labour.get_column("month") == before).any():
        raise NoData(
            f"{before:%Y-%m} 没有台账数据，无法与 {month:%Y-%m} 比较 / "
            f"no labour records for {before:%Y-%m}: nothing to compare {month:%Y-%m} with"
        )
    if site is not None:
        labour = labour.filter(pl.col("site") == site)
    if building is not None:
        labour = labour.filter(pl.col("building") == building)
    if labour.is_empty():
        place = " ".join(p for p in (site, building) if p is not None)
        raise NoData(f"没有 {place} 的台账数据 / no labour records for {place}")
    return f"变化 / changes {before:%Y-%m} → {month:%Y-%m}", changes(labour, month)


def subsidies_report(
    data: Any,
    by: Sequence[str],
    date_from: date | None,
    date_to: date | None,
    per_capita: bool = False,
    month: date | None = None,
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `subsidies`: totals per group (time groups in time order), or with
    `per_capita` the amount per labour-force member and employed person of `month`'s ledger."""
    from reports.subsidies import per_capita as per_member
    from reports.subsidies import totals

    _any_payments(data.subsidies)
    span = f"{date_from or '…'} – {date_to or '…'}" if date_from or date_to else "全部 / all dates"
    if totals(data, [], date_from, date_to).item(0, "payments") == 0:
        raise NoData(f"{span} 没有补贴发放 / no subsidy payments from {span}")
    if per_capita:
        month = _report_month(data.labour, month)
        rows = per_member(data, by, month, date_from, date_to)
        return f"人均补贴 / subsidies per capita {span}, 劳动力 / labour {month:%Y-%m}", rows
    rows = totals(data, by, date_from, date_to)
    times = [c for c in by if c in ("year", "month")]
    if times:
        rest = [c for c in by if c not in times]
        rows = rows.sort(
            [*times, "amount", *rest],
            descending=[False] * len(times) + [True] + [False] * len(rest),
            nulls_last=True,
        )
    return f"补贴 / subsidies {span}", rows


def subsidy_budget_report(
    data: Any, year: int | None, month: date | None
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `subsidies --budget`: paid from 1 January to `month`, which defaults
    to the latest ledger month of `year` (December when it has none), as the target board's."""
    from reports.subsidies import budget

    _any_payments(data.subsidies)
    year = year if year is not None else month.year
    if month is None:
        in_year = data.labour.filter(pl.col("month").dt.year() == year)
        month = latest_month(in_year) or date(year, 12, 1)
    rows = budget(data, year, month)
    if rows.is_empty():
        raise NoData(f"{year} 年没有补贴金额目标 / no 补贴金额 targets for {year}")
    return f"补贴预算 / subsidy budget {year}-01 – {month:%Y-%m}", rows


def _any_payments(payments: pl.DataFrame) -> None:
    if payments.is_empty():
        raise NoData("库中没有补贴发放数据 / the store holds no subsidy payments")


def _subsidies_by(text: str) -> list[str]:
    """`township,kind` → ["township", "kind"]: groupings from `SUBSIDIES_BY`, each once."""
    by = [part.strip() for part in text.split(",")]
    unknown = [part for part in by if part not in SUBSIDIES_BY]
    if unknown or len(set(by)) != len(by):
        choices = ",".join(SUBSIDIES_BY)
        raise argparse.ArgumentTypeError(
            f"不能按 {text!r} 分组（可选 {choices}，逗号分隔，各一次）/ "
            f"cannot group by {text!r} (choose from {choices}, comma-separated, each once)"
        )
    return by


def _subsidies_usage(args: argparse.Namespace) -> str | None:
    """The message for options of `subsidies` that do not go together, None when they do."""
    if args.per_capita and args.budget:
        return "--per-capita 与 --budget 不能同时使用 / --per-capita and --budget do not combine"
    if args.per_capita and (args.by or ["kind"]) not in SUBSIDIES_PER_CAPITA_BY:
        return (
            "--per-capita 需要 --by township 或 --by site / "
            "--per-capita needs --by township or --by site"
        )
    if args.budget:
        if args.by is not None or args.date_from is not None or args.date_to is not None:
            return (
                "--budget 不能与 --by、--from、--to 同用（从 1 月 1 日算到 --month）/ "
                "--budget takes no --by, --from or --to (it counts from 1 January to --month)"
            )
        if args.year is None and args.month is None:
            return "--budget 需要 --year / --budget needs --year"
        if args.year is not None and args.month is not None and args.month.year != args.year:
            return f"--month {args.month:%Y-%m} 不在 --year {args.year} / is not in that year"
    if args.month is not None and not (args.per_capita or args.budget):
        return "--month 需要 --per-capita 或 --budget / --month needs --per-capita or --budget"
    if args.year is not None and not args.budget:
        return "--year 需要 --budget / --year needs --budget"
    return None


def pivot_report(
    labour: pl.DataFrame,
    subsidies: pl.DataFrame,
    measure: str,
    rows: list[str],
    columns: list[str],
    filters: dict[str, list],
    date_from: date | None,
    date_to: date | None,
) -> tuple[str, pl.DataFrame]:
    """Title and table of `pivot`: the explore page's pivot, totals included."""
    last = _report_month(labour, date_to)
    first = _report_month(labour, date_from) if date_from else last
    first, last = sorted((first, last))
    result = pivot(
        labour, subsidies, measure=measure, rows=rows, columns=columns, filters=filters,
        months=(first, last),
    )  # fmt: skip
    span = f"{last:%Y-%m}" if first == last else f"{first:%Y-%m}…{last:%Y-%m}"
    return f"{measure} / {' × '.join([*rows, *columns]) or '合计'} {span}", wide(result, "合计")


def parse_filter(text: str) -> tuple[str, list]:
    """`township=龙溪镇,清水镇` → ("township", ["龙溪镇", "清水镇"]); yes/no as 是/否 or 1/0."""
    name, _, values = text.partition("=")
    name = name.strip()
    if name not in DIMENSIONS or not values.strip():
        raise argparse.ArgumentTypeError(
            f"应为 列名=值[,值…]，列名为 {', '.join(DIMENSIONS)} / "
            f"expected DIMENSION=VALUE[,VALUE…]: {text!r}"
        )
    chosen = [v.strip() for v in re.split(r"[,，、]", values) if v.strip()]
    if name in BOOLEAN_DIMENSIONS:
        truth = {"是": True, "1": True, "否": False, "0": False}
        if any(v not in truth for v in chosen):
            raise argparse.ArgumentTypeError(f"{name} 只能是 是/否 / yes or no only: {text!r}")
        return name, [truth[v] for v in chosen]
    return name, chosen


def _merged(filters: list[tuple[str, list]]) -> dict[str, list]:
    """Repeated --where on one dimension add up: township=A --where township=B keeps both."""
    merged: dict[str, list] = {}
    for name, values in filters:
        merged.setdefault(name, []).extend(v for v in values if v not in merged.get(name, []))
    return merged


def _axes(text: str) -> list[str]:
    names = [a.strip() for a in text.split(",") if a.strip()]
    wrong = [a for a in names if a not in AXES]
    if wrong:
        raise argparse.ArgumentTypeError(
            f"未知的维度 / unknown dimension {', '.join(wrong)}: 可用 / use {', '.join(AXES)}"
        )
    return names


def mix_report(data: Any, month: date | None) -> tuple[str, pl.DataFrame]:
    """Title and rows of `mix`."""
    from reports.overview import employment_mix

    month = _report_month(data.labour, month)
    return f"就业形式 / employment types {month:%Y-%m}", employment_mix(data, month)


def targets_report(
    data: Any, year: int | None, month: date | None, scope: str
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `targets`: the month defaults to the latest (of `year`, when given)."""
    from reports.overview import target_numbers

    if month is not None or year is None:
        month = _report_month(data.labour, month)
        year = month.year
    else:
        in_year = data.labour.filter(pl.col("month").dt.year() == year)
        month = latest_month(in_year)
    rows = target_numbers(data, year, month, scope)
    if rows.is_empty():
        raise NoData(f"{year} 年 {scope} 没有年度目标 / no targets for {scope} in {year}")
    when = f"{month:%Y-%m}" if month is not None else f"{year} (无台账 / no ledger)"
    return f"目标 / targets {scope} {when}", rows


def children_report(
    labour: pl.DataFrame,
    month: date | None,
    township: str | None,
    site: str | None,
    building: str | None,
    household: str | None,
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `children`; `household` may be the household code or its room."""
    month = _report_month(labour, month)
    if household is not None:
        # People know rooms, the store keys households by code: take a room that names one.
        homes = in_place(labour, Place(site=site, building=building))
        codes = homes.filter(pl.col("room") == household).get_column("household").unique()
        if not (homes.get_column("household") == household).any() and codes.len() == 1:
            household = codes.item()
    place = Place(township=township, site=site, building=building, household=household)
    label = " ".join(v for v in (township, site, building, household) if v is not None)
    if in_place(labour, place).is_empty():
        raise NoData(f"没有 {label} 的台账数据 / no labour records for {label}")
    rows = children(labour, place, month)
    if rows.is_empty():
        when = f"{month:%Y-%m}"
        raise NoData(f"{when} 没有 {label} 的台账数据 / no labour records for {label} in {when}")
    return f"{label or COUNTY_SCOPE} 下一级 / children {month:%Y-%m}", rows


JOBS_BY = {
    "category": ["job_category"],
    "township": ["township"],
    "township,category": ["township", "job_category"],
    "county": [],
}
INCOME_BY = {
    "county": [],
    "employment_type": ["employment_type"],
    "township": ["township"],
    "site": ["site"],
    "building": ["site", "building"],
}
TWO_AFTER_BY = {"county": [], "township": ["township"], "site": ["site"]}


def _in_township(data: Any, township: str | None) -> None:
    """Raise NoData when `township` has no ledger rows."""
    from reports.jobs import people_of

    if township is not None and people_of(data, township).head(1).collect().is_empty():
        raise NoData(f"没有 {township} 的台账数据 / no labour records for {township}")


def jobs_report(
    data: Any,
    month: date | None,
    by: str,
    township: str | None,
    trend: bool = False,
    wages: bool = False,
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `jobs`: vacancies per job seeker in a month (or every month with
    `trend`), or with `wages` posted wages against incomes. Postings are public: a township cuts
    the seekers and earners only."""
    from reports import jobs

    if data.postings.is_empty():
        raise NoData(
            "库中没有岗位信息，请先导入 / the store holds no job postings: import them first"
        )
    month = _report_month(data.labour, month)
    _in_township(data, township)
    where = f"{township} " if township else ""
    if wages:
        rows = jobs.wages(data, month, township)
        return f"{where}工资与收入 / wages and incomes {month:%Y-%m}", rows
    if trend:
        rows = jobs.vacancy_trend(data, JOBS_BY[by], township)
        return f"{where}岗位与求职（逐月）/ vacancies per seeker by month", rows
    rows = jobs.vacancies(data, month, JOBS_BY[by], township)
    return f"{where}岗位与求职 / vacancies per seeker {month:%Y-%m}", rows


def training_report(
    data: Any, month: date | None, township: str | None
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `training`: per course and provider, share employed within 3 months."""
    from reports.jobs import training

    if data.training.is_empty():
        raise NoData("库中没有培训记录 / the store holds no training records")
    month = _report_month(data.labour, month)
    _in_township(data, township)
    rows = training(data, month, township)
    if rows.is_empty():
        raise NoData(f"{month:%Y-%m} 前没有开班的培训 / no course started by {month:%Y-%m}")
    where = f"{township} " if township else ""
    return f"{where}培训成效 / training outcomes {month:%Y-%m}", rows


def two_after_report(
    data: Any, month: date | None, by: str, township: str | None, listed: bool
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `two-after`: counts per status, or with `listed` every youth."""
    from reports.jobs import two_after

    month = _report_month(data.labour, month)
    _in_township(data, township)
    where = f"{township} " if township else ""
    if listed:
        rows = two_after(data, month, [], township, listed=True)
        return f"{where}两后生 / two-after youth {month:%Y-%m}", rows
    rows = two_after(data, month, TWO_AFTER_BY[by], township)
    return f"{where}两后生 / two-after youth by status {month:%Y-%m}", rows


def income_report(
    data: Any,
    month: date | None,
    by: str,
    target: float,
    township: str | None,
    below: bool = False,
    no_income: bool = False,
    histogram: bool = False,
    width: int = HISTOGRAM_WIDTH,
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `income`: the distribution per group, or the people below `target`,
    the employed without an income, or the histogram."""
    from reports import income

    month = _report_month(data.labour, month)
    _in_township(data, township)
    where = f"{township} " if township else ""
    if below:
        rows = income.below(data, township, month, target)
        return f"{where}月收入低于 {target:,.0f} 元 / income below target {month:%Y-%m}", rows
    if no_income:
        rows = income.blank(data, township, month)
        return f"{where}已就业未填收入 / employed without income {month:%Y-%m}", rows
    if histogram:
        rows = income.histogram(data, township, month, INCOME_BY[by], width, target)
        return f"{where}月收入分布 / income histogram {month:%Y-%m}", rows
    rows = income.distribution(data, township, month, INCOME_BY[by], target)
    return f"{where}月收入 / income {month:%Y-%m}, 目标 / target {target:,.0f}", rows


def audit_report(
    labour: pl.DataFrame,
    subsidies: pl.DataFrame,
    standards: Standards,
    rule: str | None,
    start: date | None,
    end: date | None,
) -> tuple[str, pl.DataFrame]:
    """Title (with the standards used) and cases of `audit`: every month held by default."""
    held = labour.get_column("month")
    if held.is_empty():
        raise NoData(
            "库中没有劳动力台账数据，请先导入台账 (python -m data import) / "
            "the store holds no labour records: import a ledger first"
        )
    start = start or held.min()
    end = end or held.max()
    rows = cases(labour, subsidies, standards, start, end, None if rule is None else [rule])
    span = f"{start:%Y-%m}" if start == end else f"{start:%Y-%m} – {end:%Y-%m}"
    which = f" {rule}" if rule else ""
    return f"合规审计{which} / audit cases {span}；标准 / standards: {standards.describe()}", rows


def cases_report(
    labour: pl.DataFrame,
    subsidies: pl.DataFrame,
    case_work: pl.DataFrame,
    standards: Standards,
    month: date | None,
    today: date,
    state: str | None,
    overdue: bool,
    township: str | None,
) -> tuple[str, pl.DataFrame]:
    """Title and rows of `cases`: the worklist of `month` (audit cases of every month held up
    to it), narrowed to a state, the overdue, a township."""
    month = _report_month(labour, month)
    found = cases(labour, subsidies, standards, end=month)
    rows = worklist(found, labour, case_work, month, today)
    if state is not None:
        rows = rows.filter(pl.col("state") == state)
    if overdue:
        rows = rows.filter(pl.col("is_overdue"))
    if township is not None:
        rows = rows.filter(pl.col("township") == township)
    open_count, late = rows["is_open"].sum(), rows["is_overdue"].sum()
    return (
        f"工单 / casework {month:%Y-%m}（{today:%Y-%m-%d}）：{rows.height:,} 件 / cases, "
        f"未结 / open {open_count:,}, 逾期 / overdue {late:,}",
        rows,
    )


def _state(text: str) -> str:
    if text.strip() not in ALL_STATES:
        raise argparse.ArgumentTypeError(
            f"没有状态 {text!r}，可选 / unknown state, choose from: {', '.join(ALL_STATES)}"
        )
    return text.strip()


def _rule(text: str) -> str:
    if text.strip() not in RULES:
        raise argparse.ArgumentTypeError(
            f"没有规则 {text!r}，可选 / unknown rule, choose from: {', '.join(RULES)}"
        )
    return text.strip()


def _positive(text: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f"不是正数 / not a positive number: {text!r}")
    return value


def _income_usage(args: argparse.Namespace) -> str | None:
    """The message for options of `income` that do not go together, None when they do."""
    lists = [o for o, on in (("--below", args.below), ("--no-income", args.no_income)) if on]
    if lists and args.by is not None:
        return f"{lists[0]} 是名单，不能与 --by 同用 / {lists[0]} is a list: it takes no --by"
    if len(lists) + bool(args.histogram) > 1:
        return "--below、--no-income、--histogram 只能选一个 / choose one of them"
    if args.width is not None and not args.histogram:
        return "--width 需要 --histogram / --width needs --histogram"
    return None


def render(title: str, rows: pl.DataFrame, fmt: str) -> str:
    """The rows as csv, json (a list of objects) or a table for people (percent, "—")."""
    if fmt == "csv":
        # Money exactly 2 decimals (as Decimal), rates 6: one frame may carry both (budgets).
        # Text that Excel would run as a formula ("=…", "+…", "-…", "@…") gets a leading "'".
        money = [c for c in rows.columns if c in _MONEY and rows.schema[c].is_float()]
        return inert_text(
            rows.with_columns(pl.col(money).round(2).cast(pl.Decimal(20, 2)))
        ).write_csv(float_precision=6)
    if fmt == "json":
        return json.dumps(rows.to_dicts(), ensure_ascii=False) + "\n"
    table = rows.with_columns(_cell(c, dtype) for c, dtype in rows.schema.items())
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=1000,
        fmt_str_lengths=60,
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        thousands_separator=",",
        float_precision=2,
    ):
        return f"{title}\n{table}\n"


def _cell(column: str, dtype: pl.DataType) -> pl.Expr:
    """A column as people read it: percent, "—" for every gap, a year without a separator."""
    if column.endswith(_PERCENT_SUFFIXES):
        return _percent(column)
    if column in ("year", "birth_year") or not dtype.is_numeric():
        return pl.col(column).cast(pl.String).fill_null("—")
    spelled = "{:,.2f}" if dtype.is_float() else "{:,}"
    return pl.col(column).map_elements(spelled.format, return_dtype=pl.String).fill_null("—")


def _percent(column: str) -> pl.Expr:
    """0.95434 → "95.4 %", null → "—" (domain.md: an empty group is never 0 %)."""
    percent = pl.format("{} %", (pl.col(column) * 100).round(1))
    return pl.when(pl.col(column).is_null()).then(pl.lit("—")).otherwise(percent).alias(column)


def build_parser() -> argparse.ArgumentParser:
    """The command line (README.md documents every subcommand and option)."""
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    formats = argparse.ArgumentParser(add_help=False)
    formats.add_argument("--format", choices=("table", "csv", "json"), default="table")
    formats.add_argument(
        "--full", action="store_true", help="whole ID numbers and phones (masked by default)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    pivot_cmd = sub.add_parser(
        "pivot", parents=[formats], help="the explore page's pivot: rows × columns × measure"
    )
    pivot_cmd.add_argument("--measure", choices=MEASURES, default="labour_force")
    pivot_cmd.add_argument("--rows", type=_axes, default=[], metavar="DIM[,DIM]")
    pivot_cmd.add_argument("--cols", type=_axes, default=[], metavar="DIM[,DIM]")
    pivot_cmd.add_argument(
        "--where",
        type=parse_filter,
        action="append",
        default=[],
        metavar="DIM=VALUE[,VALUE…]",
        help="keep only these values (repeatable; all must hold)",
    )
    pivot_cmd.add_argument("--from", dest="date_from", type=parse_month, metavar="YYYY-MM")
    pivot_cmd.add_argument("--to", dest="date_to", type=parse_month, metavar="YYYY-MM")

    rates = sub.add_parser("rates", parents=[formats], help="employment rate per place")
    rates.add_argument("--by", choices=tuple(RATES_BY), default="county")
    rates.add_argument(
        "--month", type=parse_month, metavar="YYYY-MM", help="reporting month (default: the latest)"
    )

    change = sub.add_parser(
        "changes", parents=[formats], help="newly employed, lost work, joined, left"
    )
    change.add_argument(
        "--month", type=parse_month, metavar="YYYY-MM", help="reporting month (default: the latest)"
    )
    change.add_argument("--site", help="only this resettlement site (安置点)")
    change.add_argument("--building", help="only this building (楼栋)")

    subsidies = sub.add_parser("subsidies", parents=[formats], help="subsidy spending")
    subsidies.add_argument(
        "--by",
        type=_subsidies_by,
        metavar="GROUP[,GROUP…]",
        help=f"one or more of {', '.join(SUBSIDIES_BY)}, comma-separated (default: kind)",
    )
    subsidies.add_argument(
        "--from",
        dest="date_from",
        type=_date_from,
        metavar="DATE",
        help="first day paid, inclusive: YYYY-MM-DD, or YYYY-MM for its first day",
    )
    subsidies.add_argument(
        "--to",
        dest="date_to",
        type=_date_to,
        metavar="DATE",
        help="last day paid, inclusive: YYYY-MM-DD, or YYYY-MM for its last day",
    )
    subsidies.add_argument(
        "--per-capita",
        action="store_true",
        help="with --by township or site: amount per labour-force member and per employed person",
    )
    subsidies.add_argument(
        "--budget",
        action="store_true",
        help="the year's 补贴金额 targets: budget, paid from 1 January, progress",
    )
    subsidies.add_argument(
        "--year", type=int, metavar="YYYY", help="with --budget: the year (default: --month's)"
    )
    subsidies.add_argument(
        "--month",
        type=parse_month,
        metavar="YYYY-MM",
        help="with --per-capita: the ledger month (default: the latest); with --budget: paid to "
        "its end (default: the latest ledger month of --year, else December)",
    )

    mix = sub.add_parser("mix", parents=[formats], help="employed persons per employment type")
    mix.add_argument(
        "--month", type=parse_month, metavar="YYYY-MM", help="reporting month (default: the latest)"
    )

    targets = sub.add_parser(
        "targets", parents=[formats], help="the year's targets: actual, progress, status"
    )
    targets.add_argument(
        "--year", type=int, metavar="YYYY", help="target year (default: the month's year)"
    )
    targets.add_argument(
        "--month",
        type=parse_month,
        metavar="YYYY-MM",
        help="reporting month (default: the latest, of --year when given)",
    )
    targets.add_argument(
        "--scope",
        default=COUNTY_SCOPE,
        metavar=f"{COUNTY_SCOPE}|NAME",
        help=f"{COUNTY_SCOPE} (the county, default) or a township or site name",
    )

    kids = sub.add_parser(
        "children", parents=[formats], help="a place's children, the ones needing attention first"
    )
    top = kids.add_mutually_exclusive_group()
    top.add_argument("--township", help="a township (乡镇): its sites")
    top.add_argument("--site", help="a resettlement site (安置点): its buildings")
    kids.add_argument("--building", help="with --site, a building (楼栋): its households")
    kids.add_argument(
        "--household", help="with --building, a household code or room (户): its members"
    )
    kids.add_argument(
        "--month", type=parse_month, metavar="YYYY-MM", help="reporting month (default: the latest)"
    )
    month_help = "reporting month (default: the latest)"
    township_help = "only the people of this township (乡镇, of origin); postings stay all"

    jobs = sub.add_parser(
        "jobs", parents=[formats], help="open postings and vacancies per job seeker"
    )
    jobs.add_argument("--month", type=parse_month, metavar="YYYY-MM", help=month_help)
    jobs.add_argument("--by", choices=tuple(JOBS_BY), help="group (default: category)")
    jobs.add_argument("--township", help=township_help)
    shown = jobs.add_mutually_exclusive_group()
    shown.add_argument("--trend", action="store_true", help="every month of the ledger, with --by")
    shown.add_argument(
        "--wages", action="store_true", help="posted wages against incomes, per category"
    )

    train = sub.add_parser(
        "training", parents=[formats], help="trainees per course and provider, share employed"
    )
    train.add_argument("--month", type=parse_month, metavar="YYYY-MM", help=month_help)
    train.add_argument("--township", help="only the trainees of this township (乡镇)")

    youth = sub.add_parser(
        "two-after", parents=[formats], help="two-after youth (两后生) by status, or the list"
    )
    youth.add_argument("--month", type=parse_month, metavar="YYYY-MM", help=month_help)
    youth.add_argument("--by", choices=tuple(TWO_AFTER_BY), help="group (default: county)")
    youth.add_argument("--township", help="only this township (乡镇)")
    youth.add_argument("--list", action="store_true", help="every two-after youth, by room")

    income = sub.add_parser(
        "income", parents=[formats], help="monthly income of the employed against the target"
    )
    income.add_argument("--month", type=parse_month, metavar="YYYY-MM", help=month_help)
    income.add_argument("--by", choices=tuple(INCOME_BY), help="group (default: county)")
    income.add_argument(
        "--target",
        type=_positive,
        default=INCOME_TARGET,
        metavar="YUAN",
        help=f"monthly income target in yuan (default: {INCOME_TARGET:,})",
    )
    income.add_argument("--township", help="only this township (乡镇)")
    income.add_argument("--below", action="store_true", help="the people below the target")
    income.add_argument(
        "--no-income", action="store_true", help="the employed whose income is blank"
    )
    income.add_argument(
        "--histogram",
        action="store_true",
        help="earners per income bin (edges on the target), with --by",
    )
    income.add_argument(
        "--width",
        type=int,
        metavar="YUAN",
        help=f"with --histogram: yuan per bin (default {HISTOGRAM_WIDTH})",
    )

    audit = sub.add_parser(
        "audit", parents=[formats], help="compliance cases (审计规则 of domain.md), one per row"
    )
    audit.add_argument("--rule", type=_rule, metavar="RULE", help=f"one of {', '.join(RULES)}")
    audit.add_argument(
        "--from",
        dest="date_from",
        type=parse_month,
        metavar="YYYY-MM",
        help="first month (default: the first held)",
    )
    audit.add_argument(
        "--to",
        dest="date_to",
        type=parse_month,
        metavar="YYYY-MM",
        help="last month (default: the latest held)",
    )
    audit.add_argument(
        "--standards",
        choices=("stored", "default"),
        default="stored",
        help="the standards an administrator saved (default), or domain.md's defaults; "
        "named in the table's title, and on stderr for csv and json",
    )

    work = sub.add_parser(
        "cases",
        parents=[formats],
        help="casework (工单): audit cases, zero-employment households, the unemployed wishing "
        "to work, with owner, due date and state",
    )
    work.add_argument("--state", type=_state, metavar="S", help=f"one of {', '.join(ALL_STATES)}")
    work.add_argument("--overdue", action="store_true", help="only open cases past their due date")
    work.add_argument("--township", help="only this township (乡镇)")
    work.add_argument("--month", type=parse_month, metavar="YYYY-MM", help=month_help)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "targets" and args.year and args.month and args.month.year != args.year:
        parser.error(f"--month {args.month:%Y-%m} 不在 --year {args.year} / is not in that year")
    if args.command == "children":
        if args.building is not None and args.site is None:
            parser.error("--building 需要 --site / --building needs --site")
        if args.household is not None and args.building is None:
            parser.error("--household 需要 --building / --household needs --building")
    if args.command == "subsidies" and (problem := _subsidies_usage(args)):
        parser.error(problem)
    if args.command == "jobs" and args.wages and args.by is not None:
        parser.error(
            "--wages 按类别列出，不能与 --by 同用 / --wages is per category: it takes no --by"
        )
    if args.command == "two-after" and args.list and args.by is not None:
        parser.error("--list 是名单，不能与 --by 同用 / --list is a list: it takes no --by")
    if args.command == "pivot" and set(args.rows) & set(args.cols):
        parser.error("同一维度不能既作行又作列 / a dimension is either a row or a column")
    if args.command == "income" and (problem := _income_usage(args)):
        parser.error(problem)
    if args.command == "income" and args.width is not None and args.width <= 0:
        parser.error("--width 须为正数 / --width must be positive")
    if (
        args.command == "audit"
        and args.date_from
        and args.date_to
        and args.date_from > args.date_to
    ):
        parser.error("--from 晚于 --to / --from is after --to")

    # The command line is the I/O edge, not the library: the one module of analytics that may
    # import data (here) and reports (in the report functions), only inside functions, so that
    # `import analytics` never touches the database (tests/unit/test_layers.py).
    from data.frames import load_frames
    from data.standards import load_standards
    from data.store import get_engine

    frames = load_frames(get_engine())
    try:
        if args.command == "pivot":
            title, rows = pivot_report(
                frames.labour,
                frames.subsidies,
                args.measure,
                args.rows,
                args.cols,
                _merged(args.where),
                args.date_from,
                args.date_to,
            )
        elif args.command == "rates":
            title, rows = rates_report(frames, args.by, args.month)
        elif args.command == "changes":
            title, rows = changes_report(frames.labour, args.month, args.site, args.building)
        elif args.command == "subsidies" and args.budget:
            title, rows = subsidy_budget_report(frames, args.year, args.month)
        elif args.command == "subsidies":
            title, rows = subsidies_report(
                frames,
                args.by or ["kind"],
                args.date_from,
                args.date_to,
                args.per_capita,
                args.month,
            )
        elif args.command == "mix":
            title, rows = mix_report(frames, args.month)
        elif args.command == "audit":
            standards = Standards() if args.standards == "default" else load_standards(get_engine())
            if args.format != "table":
                # csv and json are only the cases (the column contract): the standards that
                # made them go beside, not into, the rows.
                print(f"标准 / standards: {standards.describe()}", file=sys.stderr)
            title, rows = audit_report(
                frames.labour,
                frames.subsidies,
                standards,
                args.rule,
                args.date_from,
                args.date_to,
            )
        elif args.command == "cases":
            title, rows = cases_report(
                frames.labour,
                frames.subsidies,
                frames.case_work,
                load_standards(get_engine()),
                args.month,
                date.today(),
                args.state,
                args.overdue,
                args.township,
            )
        elif args.command == "targets":
            title, rows = targets_report(frames, args.year, args.month, args.scope)
        elif args.command == "jobs":
            title, rows = jobs_report(
                frames,
                args.month,
                args.by or "category",
                args.township,
                args.trend,
                args.wages,
            )
        elif args.command == "training":
            title, rows = training_report(frames, args.month, args.township)
        elif args.command == "two-after":
            title, rows = two_after_report(
                frames, args.month, args.by or "county", args.township, args.list
            )
        elif args.command == "income":
            title, rows = income_report(
                frames,
                args.month,
                args.by or "county",
                args.target,
                args.township,
                args.below,
                args.no_income,
                args.histogram,
                args.width or HISTOGRAM_WIDTH,
            )
        else:
            title, rows = children_report(
                frames.labour, args.month, args.township, args.site, args.building, args.household
            )
    except NoData as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "pivot" and args.measure in RATE_MEASURES and args.format == "table":
        # The pivot's columns are named after groups (男, 女, 合计): say the percent here.
        rows = rows.with_columns(_percent(c) for c in rows.columns if rows.schema[c].is_float())
    # The same rule as on screen: personal data in full only when asked for.
    sys.stdout.write(render(title, rows if args.full else masked(rows), args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
