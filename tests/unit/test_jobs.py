"""Jobs and training: vacancies per job seeker, wages against incomes, what training led to and
the two-after youth, on small hand-made frames (counts worked out by hand in each case)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA, POSTING_SCHEMA, TRAINING_SCHEMA
from analytics.domain import EMPLOYMENT_TYPES
from analytics.jobs import (
    CATEGORIES,
    EMPLOYMENT_TYPE_CATEGORY,
    OUTCOME_SCHEMA,
    SUPPLY_SCHEMA,
    TWO_AFTER_COLUMNS,
    TWO_AFTER_SUMMARY_SCHEMA,
    WAGES_SCHEMA,
    in_townships,
    jobs_report,
    outcome_totals,
    posting_category,
    trainees_of,
    training_outcomes,
    two_after_summary,
    two_after_youth,
    vacancies_by_month,
    vacancies_per_seeker,
    wages_vs_incomes,
)

JAN, FEB, MAR, APR, MAY, JUNE = (date(2024, m, 1) for m in range(1, 7))
ABLE, WEAK, NONE = "有劳动能力", "弱劳动力", "无劳动能力"
E, U = "已就业", "未就业"
OUT, IN, WELFARE, NO_WISH, UNKNOWN = CATEGORIES


def person(name: str, capacity: str, status: str, **columns: Any) -> dict[str, Any]:
    """One ledger row of June in 光明小镇 1栋; the ID follows the name."""
    return {
        "month": JUNE,
        "township": "甲镇",
        "site": "光明小镇",
        "building": "1",
        "room": "101",
        "household": "h1",
        "name": name,
        "id_number": f"id-{name}",
        "capacity": capacity,
        "status": status,
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def posting(title: str, work_place: str | None, posted_on: date, **columns: Any) -> dict:
    return {
        "posted_on": posted_on,
        "employer": f"{title}公司",
        "title": title,
        "work_place": work_place,
        "vacancies": 5,
        "wage_min": 3000,
        "wage_max": 4000,
        **columns,
    }


def postings(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=POSTING_SCHEMA)


def supply(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    """Expected rows: group values, then postings, vacancies, seekers, vacancies_per_seeker."""
    return pl.DataFrame(list(rows), schema={**groups, **SUPPLY_SCHEMA}, orient="row")


CATEGORY = {"job_category": pl.String()}
TOWNSHIP = {"township": pl.String()}

# June: seekers 外出务工 (甲镇), 就近就业 (甲镇, weak labour), 自主创业 and no wish (乙镇); not
# seekers: the employed, an unemployed person without working capacity, May's seeker.
SEEKERS = labour(
    person("外出", ABLE, U, wish="外出务工"),
    person("就近", WEAK, U, wish="就近就业"),
    person("创业", ABLE, U, wish="自主创业", township="乙镇"),
    person("无", ABLE, U, township="乙镇"),
    person("在岗", ABLE, E, wish="外出务工"),
    person("无能力", NONE, U, wish="外出务工"),
    person("五月", ABLE, U, wish="公益性岗位", month=MAY),
)
# Open on 30 June: posted from 1 April (90 days before) to 30 June, with vacancies left.
OFFERS = postings(
    posting("普工", "浙江宁波", date(2024, 6, 10), vacancies=10),
    posting("电工", "县经济开发区", date(2024, 4, 1), township="甲镇"),
    posting("焊工", "县经济开发区", date(2024, 3, 31), township="甲镇"),  # too old
    posting("缝纫工", "县经济开发区", date(2024, 6, 20), township="甲镇", vacancies=0),
    posting("厨师", "县经济开发区", date(2024, 7, 1), township="甲镇"),  # not yet posted
    posting("保洁员", "光明小镇", date(2024, 5, 5), township="乙镇", vacancies=2),
)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        pytest.param(
            ["job_category"],
            supply(
                CATEGORY,
                (OUT, 1, 10, 1, 10.0),
                (IN, 1, 5, 1, 5.0),
                (WELFARE, 1, 2, 0, None),  # postings and nobody wishing for them: "—"
                (NO_WISH, None, None, 2, None),  # no posting can be for "no preference"
            ),
            id="by category",
        ),
        pytest.param(
            ["township"],
            supply(
                TOWNSHIP,
                ("乙镇", 1, 2, 2, 1.0),
                ("甲镇", 1, 5, 2, 2.5),
                (None, 1, 10, 0, None),  # outside the county: no township, no seekers there
            ),
            id="by township",
        ),
        pytest.param([], supply({}, (3, 17, 4, 17 / 4)), id="county"),
    ],
)
def test_vacancies_per_seeker(by: list[str], expected: pl.DataFrame) -> None:
    assert_frame_equal(vacancies_per_seeker(SEEKERS, OFFERS, JUNE, by), expected)


def test_every_township_gets_every_category() -> None:
    result = vacancies_per_seeker(SEEKERS, OFFERS, JUNE, ["township", "job_category"])
    assert result.height == 3 * 4
    assert result.filter(pl.col("township") == "甲镇").rows() == [
        ("甲镇", OUT, 0, 0, 1, 0.0),  # one seeker, no posting: a real 0, not a gap
        ("甲镇", IN, 1, 5, 1, 5.0),
        ("甲镇", WELFARE, 0, 0, 0, None),
        ("甲镇", NO_WISH, None, None, 0, None),
    ]
    kept = in_townships(result, ["乙镇"]).get_column("township").unique()
    assert kept.sort(nulls_last=True).to_list() == ["乙镇", None]


def test_a_posting_without_place_shows_as_unknown() -> None:
    offers = postings(posting("普工", None, date(2024, 6, 1)))
    result = vacancies_per_seeker(SEEKERS, offers, JUNE)
    assert result.get_column("job_category").to_list() == [OUT, IN, WELFARE, NO_WISH, UNKNOWN]
    assert result.row(4) == (UNKNOWN, 1, 5, 0, None)


@pytest.mark.parametrize(
    ("title", "work_place", "township", "category"),
    [
        ("普工", "广东东莞", None, OUT),
        ("普工", "县城", None, IN),  # 县… is in the county
        ("普工", "甲镇工业园", None, IN),  # names a township of some posting
        ("护林员", "甲镇", "甲镇", WELFARE),  # a public-welfare post before in county
        ("普工", None, None, UNKNOWN),
    ],
)
def test_posting_category(title: str, work_place: str, township: str, category: str) -> None:
    offers = postings(
        posting(title, work_place, JUNE, township=township),
        posting("other", "某地", JUNE, township="甲镇"),
    )
    assert posting_category(offers)["job_category"][0] == category


def test_empty_frames_give_empty_groups_never_a_false_zero() -> None:
    empty = vacancies_per_seeker(SEEKERS.clear(), OFFERS.clear(), JUNE)
    assert_frame_equal(
        empty,
        supply(
            CATEGORY,
            (OUT, 0, 0, 0, None),
            (IN, 0, 0, 0, None),
            (WELFARE, 0, 0, 0, None),
            (NO_WISH, None, None, 0, None),
        ),
    )
    assert_frame_equal(
        vacancies_per_seeker(SEEKERS.clear(), OFFERS.clear(), JUNE, []),
        supply({}, (0, 0, 0, None)),
    )
    assert_frame_equal(
        vacancies_per_seeker(SEEKERS.clear(), OFFERS, JUNE, ["township"]),
        supply(TOWNSHIP, ("乙镇", 1, 2, 0, None), ("甲镇", 1, 5, 0, None), (None, 1, 10, 0, None)),
    )


def test_vacancies_by_month_is_each_month_in_order() -> None:
    rows = labour(*SEEKERS.to_dicts(), person("五月2", ABLE, U, month=MAY))
    result = vacancies_by_month(rows, OFFERS)
    # Open on 31 May (posted from 2 March): 焊工 (31 March), 电工 (1 April), 保洁员 (5 May):
    # 5 + 5 + 2 vacancies. May's seekers: 五月 and 五月2.
    expected = pl.DataFrame(
        [(MAY, 3, 12, 2, 6.0), (JUNE, 3, 17, 4, 17 / 4)],
        schema={"month": pl.Date(), **SUPPLY_SCHEMA},
        orient="row",
    )
    assert_frame_equal(result, expected)
    assert vacancies_by_month(SEEKERS.clear(), OFFERS).is_empty()


def test_every_employment_type_has_a_category() -> None:
    assert set(EMPLOYMENT_TYPE_CATEGORY) == set(EMPLOYMENT_TYPES)


def test_wages_against_incomes_per_category() -> None:
    offers = postings(
        posting("普工", "浙江宁波", JUNE, wage_min=4000, wage_max=6000),
        posting("电工", "贵州贵阳", JUNE, wage_min=3000, wage_max=5000, vacancies=3),
        posting("保安", "县城", JUNE, wage_min=2500, wage_max=3500),
    )
    earners = labour(
        person("a", ABLE, E, employment_type="省外务工", monthly_income=5000.0),
        person("b", ABLE, E, employment_type="省内县外务工", monthly_income=4000.0),
        person("c", ABLE, E, employment_type="省外务工"),  # no income: not an earner
        person("d", ABLE, E, employment_type="县内务工", monthly_income=3000.0),
        person("e", ABLE, E, employment_type="扶贫车间", monthly_income=2000.0),
        person("f", WEAK, E, employment_type="灵活就业", monthly_income=1000.0),
        person("g", ABLE, E, employment_type="公益性岗位", monthly_income=800.0),
        person("h", NONE, E, employment_type="县内务工", monthly_income=9999.0),  # no capacity
        person("i", ABLE, U, monthly_income=500.0),  # unemployed
    )
    expected = pl.DataFrame(
        [
            (OUT, 2, 8, 3500.0, 5500.0, 3000.0, 6000.0, 2, 4250.0, 4500.0, 4750.0),
            (IN, 1, 5, 2500.0, 3500.0, 2500.0, 3500.0, 3, 1500.0, 2000.0, 2500.0),
            (WELFARE, 0, 0, None, None, None, None, 1, 800.0, 800.0, 800.0),
        ],
        schema=WAGES_SCHEMA,
        orient="row",
    )
    assert_frame_equal(wages_vs_incomes(earners, offers, JUNE), expected)


def test_wages_on_empty_frames() -> None:
    result = wages_vs_incomes(SEEKERS.clear(), OFFERS.clear(), JUNE)
    assert result.get_column("job_category").to_list() == [OUT, IN, WELFARE]
    assert result.select("postings", "earners").sum().row(0) == (0, 0)
    assert result.get_column("income_median").null_count() == 3


# --- training -----------------------------------------------------------------------------


def month_rows(name: str, statuses: dict[date, str]) -> list[dict[str, Any]]:
    return [person(name, ABLE, status, month=month) for month, status in statuses.items()]


def every_month(status: str, **other: str) -> dict[date, str]:
    months = {JAN: status, FEB: status, MAR: status, APR: status, MAY: status, JUNE: status}
    return months | {date(2024, int(m[1:]), 1): s for m, s in other.items()}


# January to June 2024. Employed "in the 3 months after" a January course: February–April.
LEDGER = labour(
    *month_rows("a", every_month(U, m3=E)),  # employed in March: counts
    *month_rows("b", every_month(U)),  # never employed
    *month_rows("c", every_month(U, m5=E)),
    *month_rows("d", every_month(U)),
    *month_rows("f", every_month(E)),
    *month_rows("g", every_month(U, m2=E)),  # employed only in the month the course ended
    *month_rows("h", every_month(U, m5=E)),  # employed in May: month 4 after January
)


def course(who: str, name: str, start: date, end: date, certified: bool = False) -> dict:
    provider = {"电工": "县职业技术学校", "家政": "县就业训练中心"}[name]
    return {
        "id_number": f"id-{who}",
        "name": who,
        "course": name,
        "provider": provider,
        "start": start,
        "end": end,
        "certified": certified,
    }


TRAINING = pl.DataFrame(
    [
        course("a", "电工", date(2024, 1, 5), date(2024, 1, 25), certified=True),
        course("b", "电工", date(2024, 1, 10), date(2024, 1, 30)),
        course("h", "电工", date(2024, 1, 10), date(2024, 1, 30)),
        course("c", "电工", date(2024, 4, 1), date(2024, 4, 15), certified=True),  # until July
        course("d", "家政", date(2024, 6, 20), date(2024, 7, 5)),  # not ended by June
        course("e", "家政", date(2024, 7, 2), date(2024, 7, 12)),  # not started by June
        course("f", "家政", date(2023, 11, 1), date(2023, 11, 20)),  # before the ledger
        course("g", "家政", date(2024, 2, 1), date(2024, 2, 10)),
    ],
    schema=TRAINING_SCHEMA,
)


def outcomes(*rows: tuple) -> pl.DataFrame:
    """Expected rows: course, provider, then trainees, completed, certified, followed_up,
    employed_after, employed_share, pending, untracked."""
    groups = {"course": pl.String(), "provider": pl.String()}
    return pl.DataFrame(list(rows), schema={**groups, **OUTCOME_SCHEMA}, orient="row")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param(
            JUNE,
            outcomes(
                ("家政", "县就业训练中心", 3, 2, 0, 1, 0, 0.0, 0, 1),
                ("电工", "县职业技术学校", 4, 4, 2, 3, 1, 1 / 3, 1, 0),
            ),
            id="june",
        ),
        pytest.param(
            MAR,
            outcomes(
                # f before the ledger; g's months (March–May) not all passed.
                ("家政", "县就业训练中心", 2, 2, 0, 0, 0, None, 1, 1),
                # January courses are followed up to April: all pending, no share yet.
                ("电工", "县职业技术学校", 3, 3, 1, 0, 0, None, 3, 0),
            ),
            id="march: nothing followed up yet",
        ),
    ],
)
def test_training_outcomes(as_of: date, expected: pl.DataFrame) -> None:
    assert_frame_equal(training_outcomes(TRAINING, LEDGER, as_of), expected)


def test_training_outcomes_for_all_courses_together() -> None:
    result = training_outcomes(TRAINING, LEDGER, JUNE, by=[])
    expected = pl.DataFrame([(7, 6, 2, 4, 1, 0.25, 1, 1)], schema=OUTCOME_SCHEMA, orient="row")
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("training", "ledger", "as_of"),
    [
        (TRAINING, LEDGER, JUNE),
        (TRAINING, LEDGER, MAR),
        (TRAINING, LEDGER.clear(), JUNE),
        (TRAINING.clear(), LEDGER, JUNE),
    ],
    ids=["june", "march", "no ledger", "no training"],
)
def test_outcome_totals_are_all_courses_together(
    training: pl.DataFrame, ledger: pl.DataFrame, as_of: date
) -> None:
    assert_frame_equal(
        outcome_totals(training_outcomes(training, ledger, as_of)),
        training_outcomes(training, ledger, as_of, by=[]),
    )


def test_training_without_records_or_ledger() -> None:
    assert_frame_equal(training_outcomes(TRAINING.clear(), LEDGER, JUNE), outcomes())
    assert_frame_equal(
        training_outcomes(TRAINING.clear(), LEDGER.clear(), by=[]),
        pl.DataFrame([(0, 0, 0, 0, 0, None, 0, 0)], schema=OUTCOME_SCHEMA, orient="row"),
    )
    # Without a ledger nobody can be followed up: every completed course waits.
    no_ledger = training_outcomes(TRAINING, LEDGER.clear(), JUNE, by=[]).row(0, named=True)
    assert (no_ledger["followed_up"], no_ledger["employed_share"]) == (0, None)
    assert no_ledger["pending"] == no_ledger["completed"] == 6


def test_trainees_of_a_place() -> None:
    place = LEDGER.filter(pl.col("name").is_in(["a", "g"]))
    assert trainees_of(TRAINING, place).get_column("name").to_list() == ["a", "g"]


# --- two-after youth ----------------------------------------------------------------------


YOUTH = labour(
    person("十栋", ABLE, E, two_after=True, building="10", birth_date=date(2006, 6, 2)),
    person("二栋", ABLE, U, two_after=True, building="2", birth_date=date(2006, 6, 1)),
    person("学生", ABLE, "在校生", two_after=True, building="2", township="乙镇"),
    person("大人", ABLE, E, two_after=False),
    person("五月", ABLE, U, two_after=True, month=MAY),
)


def test_two_after_youth_lists_every_status_by_building() -> None:
    result = two_after_youth(YOUTH, JUNE)
    assert result.columns == list(TWO_AFTER_COLUMNS)
    assert result.select("name", "building", "status", "age").rows() == [
        ("二栋", "2", U, 18),  # born 1 June 2006: 18 on 1 June 2024
        ("学生", "2", "在校生", None),
        ("十栋", "10", E, 17),  # "2" before "10"
    ]


def summary(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema={**groups, **TWO_AFTER_SUMMARY_SCHEMA}, orient="row")


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ([], summary({}, (E, 1, 1 / 3), (U, 1, 1 / 3), ("在校生", 1, 1 / 3))),
        (
            ["township"],
            summary(TOWNSHIP, ("乙镇", "在校生", 1, 1.0), ("甲镇", E, 1, 0.5), ("甲镇", U, 1, 0.5)),
        ),
    ],
)
def test_two_after_summary(by: list[str], expected: pl.DataFrame) -> None:
    assert_frame_equal(two_after_summary(YOUTH, JUNE, by), expected)


def test_two_after_in_an_empty_month() -> None:
    assert two_after_youth(YOUTH, APR).is_empty()
    assert_frame_equal(two_after_summary(YOUTH, APR, ["township"]), summary(TOWNSHIP))


@pytest.mark.parametrize("township", [None, "甲镇", "乙镇"])
def test_jobs_report_is_its_parts_for_the_township_chosen(township: str | None) -> None:
    rows = labour(
        person("甲", ABLE, U, wish="县内务工", two_after=True),
        person("乙", ABLE, E, employment_type=EMPLOYMENT_TYPES[0], monthly_income=3000.0),
        person("丙", ABLE, U, township="乙镇", two_after=True),
    )
    training = pl.DataFrame(
        [course("甲", "电工", MAR, APR), course("丙", "家政", MAR, APR, certified=True)],
        schema=TRAINING_SCHEMA,
    )
    offers = postings(posting("电工", "县经济开发区", MAY))
    report = jobs_report(rows, training, offers, JUNE, township)

    mine = rows if township is None else rows.filter(pl.col("township") == township)
    trainees = training if township is None else trainees_of(training, mine)
    assert_frame_equal(report["total"], vacancies_per_seeker(mine, offers, JUNE, []))
    assert_frame_equal(report["outcomes"], training_outcomes(trainees, mine, JUNE))
    assert_frame_equal(report["overall"], training_outcomes(trainees, mine, JUNE, by=[]))
    assert_frame_equal(report["youth"], two_after_youth(mine, JUNE))
    assert_frame_equal(report["trend"], vacancies_by_month(mine, offers))
    assert report["total"]["seekers"][0] == mine.filter(pl.col("status") == U).height


def test_jobs_report_without_postings_has_no_supply() -> None:
    report = jobs_report(labour(person("甲", ABLE, U)), pl.DataFrame(schema=TRAINING_SCHEMA),
                         postings(), JUNE)  # fmt: skip
    assert "total" not in report and "trend" not in report
    assert "overall" not in report and "by_status" not in report
