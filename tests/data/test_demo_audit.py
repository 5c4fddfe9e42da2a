"""The demo county's audit: `python -m analytics audit` (a subprocess on the session's demo store)
lists exactly the abuses data/demo.py plants, no more, no fewer, with their amounts, and none of
the boundaries planted beside them; and those boundaries are truly at the standard.

The expectation is the generator's record of what it planted (`demo.planted_cases`), not the
audit's code: the ordinary demo data must break no rule.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from data import demo
from data.frames import Frames, load_frames
from data.store import get_engine
from tests.conftest import DEMO_ARGS
from tests.data.test_analytics_cli import csv_rows

# domain.md's rule codes, as the CLI writes them.
RULES = (
    "一人多岗", "挂岗", "替岗", "交通补贴超标", "生活补贴超标", "稳岗补贴未满三个月",
    "发放对象不明", "离开后发放", "劳动力年龄不符",
)  # fmt: skip
POST_HOLDER = ("已就业", "公益性岗位")
IN_COUNTY = ("已就业", "县内务工")
_KEY = ("rule", "id_number", "period")


@pytest.fixture(scope="module")
def planted() -> pl.DataFrame:
    return demo.planted_cases(**DEMO_ARGS)


@pytest.fixture(scope="module")
def listed(demo_store_url: str) -> list[dict[str, str]]:
    """Every case the CLI lists, full ID numbers, default range (every month held)."""
    return csv_rows(demo_store_url, "audit", "--full")


@pytest.fixture(scope="module")
def frames(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def _yuan(amount: float | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def test_the_audit_lists_exactly_the_planted_cases(planted, listed) -> None:
    cases = planted.filter("case")
    want = {(r, i, p, _yuan(a)) for r, i, p, a in cases.select(*_KEY, "amount_at_risk").rows()}
    got = [(c["rule"], c["id_number"], c["period"], c["amount_at_risk"]) for c in listed]

    assert len(got) == len(set(got)), "a case listed twice"
    assert set(got) == want
    # Every rule has a few, in several townships and months.
    per_rule = cases.group_by("rule").len()
    assert set(per_rule["rule"]) == set(RULES)
    assert per_rule["len"].is_between(2, 4).all()
    assert len({c["township"] for c in listed}) >= 10
    assert len({c["period"] for c in listed if len(c["period"]) == 7}) >= 5


def test_one_planted_payment_is_a_case_of_two_rules(planted, listed) -> None:
    (double,) = planted.filter(pl.col("rule") == "替岗").join(
        planted.filter(pl.col("rule") == "挂岗"), on=["id_number", "period"]
    )["id_number"]
    rules = {c["rule"] for c in listed if c["id_number"] == double}
    assert rules == {"挂岗", "替岗"}


def test_no_boundary_is_a_case(planted, listed) -> None:
    boundaries = planted.filter(~pl.col("case"))
    assert set(boundaries["plant"]) == {
        "holder_aged_65", "fares_to_the_standard", "living", "stable_after_three_months",
        "employer_payment", "turns_16", "last_month_at_65",
    }  # fmt: skip
    keys = {tuple(c[k] for k in _KEY) for c in listed}
    for rule, id_number, period in (
        boundaries.filter(pl.col("id_number").is_not_null()).select(_KEY).rows()
    ):
        assert (rule, id_number, period) not in keys, (rule, period)
    # An employer payment carries no ID number: never a case.
    (employer,) = boundaries.filter(pl.col("id_number").is_null())["name"]
    assert all(c["id_number"] for c in listed)
    assert employer not in {c["name"] for c in listed}


def _boundary(planted: pl.DataFrame, plant: str) -> tuple[str, str]:
    boundary = planted.filter(~pl.col("case") & (pl.col("plant") == plant))
    (row,) = boundary.select("id_number", "period").rows()
    return row


def _month(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def _age(id_number: str, day: date) -> int:
    born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _months_back(month: date, k: int) -> date:
    index = month.year * 12 + month.month - 1 - k
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    return date.fromordinal(_months_back(month, -1).toordinal() - 1)


def _record(frames: Frames, id_number: str, month: date) -> tuple[str, str | None] | None:
    rows = frames.labour.filter((pl.col("id_number") == id_number) & (pl.col("month") == month))
    return rows.select("status", "employment_type").row(0) if rows.height else None


def _paid(frames: Frames, id_number: str, kind: str) -> pl.DataFrame:
    return frames.subsidies.filter((pl.col("id_number") == id_number) & (pl.col("kind") == kind))


def test_the_boundaries_are_at_the_standard(planted, frames) -> None:
    """Each boundary lies exactly on its rule's standard, so a rule off by one would list it."""
    who, year = _boundary(planted, "fares_to_the_standard")
    fares = _paid(frames, who, "交通补贴").filter(pl.col("paid_on").dt.year() == int(year))
    assert fares["amount"].sum() == 500 and fares.height >= 2

    who, period = _boundary(planted, "living")
    living = _paid(frames, who, "生活补贴").filter(
        pl.col("paid_on").dt.month() == _month(period).month
    )
    assert living["amount"].to_list() == [140]

    who, period = _boundary(planted, "holder_aged_65")
    month = _month(period)
    (paid_on,) = _paid(frames, who, "公益性岗位补贴").filter(
        pl.col("paid_on").dt.truncate("1mo") == month
    )["paid_on"]
    assert _record(frames, who, month) == POST_HOLDER
    assert _age(who, paid_on) == 65

    for plant, age in (("turns_16", 16), ("last_month_at_65", 65)):
        who, period = _boundary(planted, plant)
        month = _month(period)
        assert _record(frames, who, month)[0] in ("已就业", "未就业")
        assert _age(who, _month_end(month)) == age
    who, period = _boundary(planted, "turns_16")
    assert _age(who, _month(period)) == 15, "16 on the month's last day, not its first"

    who, period = _boundary(planted, "stable_after_three_months")
    month = _month(period)
    paid = _paid(frames, who, "稳岗就业补贴").filter(pl.col("paid_on").dt.truncate("1mo") == month)
    assert paid.height >= 1
    before = [_months_back(month, k) for k in range(4)]
    assert before[-1] in frames.labour["month"], "the month three before is held"
    assert [_record(frames, who, m) == IN_COUNTY for m in before] == [True, True, True, False]

    (employer,) = planted.filter(pl.col("plant") == "employer_payment")["name"]
    paid = frames.subsidies.filter(pl.col("employer") == employer)
    assert paid.height >= 1 and paid["id_number"].null_count() == paid.height
