"""Who to help (因人荐岗): job seekers, postings matched to them, and people per posting."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA, POSTING_SCHEMA
from analytics.matching import (
    MATCH_SCHEMA,
    SEEKER_SCHEMA,
    SUITABLE_SCHEMA,
    job_seekers,
    match_postings,
    suitable_people,
)

AS_OF = date(2020, 12, 1)
RECENT = date(2020, 11, 20)


def seeker(id_number: str, **columns: Any) -> dict[str, Any]:
    """One job seeker in 光明小镇 1栋; room follows the ID."""
    return {
        "site": "光明小镇",
        "building": "1栋",
        "room": f"10{id_number}",
        "household": f"h{id_number}",
        "name": f"人{id_number}",
        "id_number": id_number,
        **columns,
    }


def posting(employer: str, title: str, work_place: str, **columns: Any) -> dict[str, Any]:
    """One open posting, the way the demo writes them: out-of-county ones have no township."""
    return {
        "posted_on": RECENT,
        "employer": employer,
        "title": title,
        "work_place": work_place,
        "vacancies": 5,
        "wage_min": 3000,
        "wage_max": 4000,
        **columns,
    }


def seekers(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SEEKER_SCHEMA)


def postings(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=POSTING_SCHEMA)


NINGBO = posting("宁波华丰电器有限公司", "普工", "浙江宁波", wage_max=6500)
PARK = posting("恒丰鞋业有限公司", "普工", "县经济开发区", township="东城街道")
CLEANER = posting("光明小镇社区居委会", "保洁员", "光明小镇（保洁员）", township="东城街道")
ELECTRICIAN = posting("鑫达电子有限公司", "电工", "县经济开发区", skills="电工", wage_max=3500)
RICH = posting("博远科技有限公司", "分拣员", "县经济开发区", wage_max=9000)


@pytest.mark.parametrize(
    ("person", "offers", "best"),
    [
        (seeker("1", wish="外出务工"), [PARK, NINGBO, CLEANER], "宁波华丰电器有限公司"),
        (seeker("1", wish="就近就业"), [NINGBO, PARK], "恒丰鞋业有限公司"),
        (seeker("1", wish="公益性岗位"), [NINGBO, PARK, CLEANER], "光明小镇社区居委会"),
        (
            seeker("1", wish="就近就业", training_need="电工"),
            [RICH, ELECTRICIAN],
            "鑫达电子有限公司",
        ),
        (seeker("1", wish="外出务工", three_no=True), [PARK, CLEANER], "光明小镇社区居委会"),
        (seeker("1", training_need="家政、 电工"), [RICH, ELECTRICIAN], "鑫达电子有限公司"),
        (seeker("1", wish="暂无意愿"), [PARK, RICH], "博远科技有限公司"),
    ],
    ids=["out-county", "near-home", "public-wish", "skill-beats-wage", "three-no", "split", "wage"],
)
def test_best_posting(person: dict[str, Any], offers: list[dict[str, Any]], best: str) -> None:
    result = match_postings(seekers(person), postings(*offers), as_of=AS_OF)
    assert result.filter(pl.col("rank") == 1).get_column("employer").to_list() == [best]
    assert result.get_column("rank").to_list() == list(range(1, len(offers) + 1))


@pytest.mark.parametrize(
    ("person", "offer", "reason"),
    [
        (
            seeker("1", wish="就近就业", training_need="电工"),
            posting("鑫达", "电工", "县经济开发区", skills="电工"),
            "意愿就近就业·县内岗位；技能匹配：电工；月薪 3,000–4,000 元",
        ),
        (seeker("1", wish="外出务工"), NINGBO, "意愿外出务工·县外岗位；月薪 3,000–6,500 元"),
        (
            seeker("1", three_no=True),
            posting("居委会", "护林员", "龙溪镇", wage_min=800, wage_max=800),
            "公益性岗位；三无人员优先公益性岗位；月薪 800 元",
        ),
        (
            seeker("1", wish="自主创业"),
            posting("某厂", "普工", None, wage_min=None, wage_max=None),
            "意愿自主创业·无对应岗位",
        ),
        (
            seeker("1"),
            posting("某厂", "普工", "金沙县城", wage_max=None),
            "县内岗位；月薪 3,000 元起",
        ),
    ],
    ids=["near-home-skill", "out-county", "three-no", "start-up", "county-named"],
)
def test_reason(person: dict[str, Any], offer: dict[str, Any], reason: str) -> None:
    result = match_postings(seekers(person), postings(offer), as_of=AS_OF, county="金沙县")
    assert result.get_column("reason").to_list() == [reason]


@pytest.mark.parametrize(
    "closed",
    [
        {"posted_on": date(2020, 9, 1)},  # more than 90 days before as_of
        {"posted_on": date(2020, 12, 2)},  # after as_of
        {"vacancies": 0},
        {"vacancies": None},
    ],
    ids=["expired", "future", "no-vacancy", "vacancies-unknown"],
)
def test_closed_postings_never_appear(closed: dict[str, Any]) -> None:
    offers = postings(PARK, {**NINGBO, **closed})
    result = match_postings(seekers(seeker("1", wish="外出务工")), offers, as_of=AS_OF)
    assert result.get_column("employer").to_list() == ["恒丰鞋业有限公司"]


def test_open_window_includes_its_first_day() -> None:
    offers = postings({**PARK, "posted_on": date(2020, 9, 2)})
    result = match_postings(seekers(seeker("1")), offers, as_of=AS_OF)
    assert result.height == 1


@pytest.mark.parametrize(
    ("people", "offers"),
    [(seekers(), postings(PARK)), (seekers(seeker("1")), postings()), (seekers(), postings())],
    ids=["no-seekers", "no-postings", "neither"],
)
def test_empty_gives_empty_frame(people: pl.DataFrame, offers: pl.DataFrame) -> None:
    result = match_postings(people, offers, as_of=AS_OF)
    assert_frame_equal(result, pl.DataFrame(schema=MATCH_SCHEMA))
    assert_frame_equal(suitable_people(result), pl.DataFrame(schema=SUITABLE_SCHEMA))


def test_ties_break_by_newest_then_employer_then_title() -> None:
    older = posting("一厂", "普工", "县城", posted_on=date(2020, 11, 1))
    offers = postings(
        posting("二厂", "普工", "县城"),
        posting("一厂", "装配工", "县城"),
        posting("一厂", "普工", "县城"),
        older,
    )
    result = match_postings(seekers(seeker("1")), offers, as_of=AS_OF, top=10)
    assert result.select("employer", "title", "posted_on").rows() == [
        ("一厂", "普工", RECENT),
        ("一厂", "装配工", RECENT),
        ("二厂", "普工", RECENT),
        ("一厂", "普工", date(2020, 11, 1)),
    ]


def test_top_limits_rows_per_seeker() -> None:
    offers = postings(NINGBO, PARK, CLEANER, ELECTRICIAN, RICH)
    people = seekers(seeker("1", wish="外出务工"), seeker("2", wish="就近就业"))
    result = match_postings(people, offers, as_of=AS_OF, top=2)
    assert result.select("id_number", "rank").rows() == [("1", 1), ("1", 2), ("2", 1), ("2", 2)]


def test_suitable_people_per_posting_best_first() -> None:
    people = seekers(
        seeker("1", wish="外出务工"),
        seeker("2", wish="就近就业", training_need="电工"),
        seeker("3", wish="就近就业"),
    )
    matches = match_postings(people, postings(NINGBO, ELECTRICIAN), as_of=AS_OF, top=1)
    result = suitable_people(matches).select("employer", "id_number", "rank")
    expected = pl.DataFrame(
        {
            "employer": ["宁波华丰电器有限公司", "鑫达电子有限公司", "鑫达电子有限公司"],
            "id_number": ["1", "2", "3"],
            "rank": [1, 1, 1],
        }
    )
    assert_frame_equal(result, expected)


def test_job_seekers_are_the_unemployed_labour_force_of_the_month() -> None:
    base = {"site": "光明小镇", "building": "1栋", "room": "101", "household": "h1"}
    rows = [
        {**base, "month": AS_OF, "id_number": "1", "capacity": "有劳动能力", "status": "未就业"},
        {**base, "month": AS_OF, "id_number": "2", "capacity": "弱劳动力", "status": "未就业"},
        {**base, "month": AS_OF, "id_number": "3", "capacity": "有劳动能力", "status": "已就业"},
        {**base, "month": AS_OF, "id_number": "4", "capacity": "无劳动能力", "status": "未就业"},
        {**base, "month": AS_OF, "id_number": "5", "capacity": "有劳动能力", "status": "在校生"},
        {**base, "month": date(2020, 11, 1), "id_number": "6", "capacity": "有劳动能力",
         "status": "未就业"},
    ]  # fmt: skip
    result = job_seekers(pl.DataFrame(rows, schema=LABOUR_SCHEMA), date(2020, 12, 15))
    assert result.schema == pl.Schema(SEEKER_SCHEMA)
    assert result.get_column("id_number").to_list() == ["1", "2"]


def test_demo_shaped_postings() -> None:
    """Postings as data/demo.py writes them: out-of-province with no township, park jobs in
    东城街道, workshops at a site, skills like 月嫂、家政, training needs as one course name."""
    offers = postings(
        posting("深圳恒通电子有限公司", "月嫂", "广东深圳", skills="月嫂、家政", wage_max=9500),
        posting("贵阳宏远五金有限公司", "普工", "贵州贵阳", skills=None),
        posting(
            "光明小镇扶贫车间（服装加工）", "缝纫工", "光明小镇", township="东城街道", skills="缝纫"
        ),
        posting(
            "黔丰食品有限公司", "家政服务员", "县经济开发区", township="东城街道", skills="家政"
        ),
    )
    people = seekers(
        seeker("1", wish="就近就业", training_need="家政", gender="女"),
        seeker("2", wish="外出务工", training_need="家政"),
        seeker("3", wish="就近就业", training_need="缝纫"),
    )
    result = match_postings(people, offers, as_of=AS_OF, top=1)
    assert result.select("id_number", "employer").rows() == [
        ("1", "黔丰食品有限公司"),
        ("2", "深圳恒通电子有限公司"),
        ("3", "光明小镇扶贫车间（服装加工）"),
    ]
