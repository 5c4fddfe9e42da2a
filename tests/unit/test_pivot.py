"""Filters and the pivot: hand-computed measures, computed totals, blanks and empty groups."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA
from analytics.pivot import (
    BLANK,
    axes_for,
    filter_labour,
    ledger_order,
    pivot,
    terms,
    wide,
    with_dimensions,
)

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
ABLE, NONE = "有劳动能力", "无劳动能力"
EMPLOYED, UNEMPLOYED = "已就业", "未就业"


def person(name: str, household: str, township: str, status: str, **columns: Any) -> dict:
    return {
        "month": JUNE,
        "township": township,
        "site": "幸福家园",
        "building": "1",
        "household": household,
        "name": name,
        "id_number": f"id-{name}",
        "capacity": ABLE,
        "status": status,
        "gender": "男",
        "birth_date": date(1990, 1, 1),
        **columns,
    }


def ledger(*people: dict) -> pl.DataFrame:
    return pl.DataFrame(list(people), schema=LABOUR_SCHEMA)


# Household h1 (龙溪镇): 甲 works out of province, 乙 unemployed. h2 (龙溪镇): 丙 works in a
# workshop. h3 (清水镇): 丁 unemployed; 戊 at school. In May, 乙 still worked.
LEDGER = ledger(
    person("甲", "h1", "龙溪镇", EMPLOYED, employment_type="省外务工", monthly_income=4000.0),
    person("乙", "h1", "龙溪镇", UNEMPLOYED, gender="女", training_need="电工、焊工"),
    person("丙", "h2", "龙溪镇", EMPLOYED, employment_type="扶贫车间", monthly_income=2000.0),
    person("丁", "h3", "清水镇", UNEMPLOYED, two_after=True, training_need="电工"),
    person("戊", "h3", "清水镇", "在校生", capacity=NONE, birth_date=date(2010, 6, 2)),
    person("乙", "h1", "龙溪镇", EMPLOYED, month=MAY, gender="女", employment_type="县内务工"),
)


def _pivot(measure: str, rows=(), columns=(), filters=None, months=(JUNE, JUNE), pays=None):
    subsidies = pays if pays is not None else pl.DataFrame(schema=SUBSIDY_SCHEMA)
    return pivot(
        LEDGER, subsidies, measure=measure, rows=rows, columns=columns, filters=filters,
        months=months,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("measure", "by_township", "total"),
    [
        ("persons", [3, 2], 5),
        ("labour_force", [3, 1], 4),
        ("employed", [2, 0], 2),
        ("employment_rate", [2 / 3, 0.0], 0.5),
        ("household_coverage", [1.0, 0.0], 2 / 3),
        ("zero_employment_households", [0, 1], 1),
        ("mean_income", [3000.0, None], 3000.0),  # 清水镇 has no income: null, not 0
        ("median_income", [3000.0, None], 3000.0),
    ],
)
def test_measures_by_township_with_their_totals(measure, by_township, total) -> None:
    result = _pivot(measure, rows=["township"])
    values = dict(zip(result.row_totals["township"], result.row_totals["value"], strict=True))
    assert [values["龙溪镇"], values["清水镇"]] == pytest.approx(by_township)
    assert result.total == pytest.approx(total)


def test_totals_are_computed_not_added() -> None:
    # h1 has one worker in 省外务工 and nobody in the blank column: it counts once in the total.
    result = _pivot("household_coverage", rows=["township"], columns=["employment_type"])
    expected = pl.DataFrame(
        {"employment_type": ["省外务工", "扶贫车间", BLANK], "value": [1.0, 1.0, 0.0]}
    )
    assert_frame_equal(result.column_totals, expected)
    assert result.total == pytest.approx(2 / 3)


def test_wide_table_has_a_total_column_and_row() -> None:
    table = wide(_pivot("labour_force", rows=["township"], columns=["gender"]), "合计")
    expected = pl.DataFrame(
        {
            "township": ["清水镇", "龙溪镇", "合计"],
            "男": [1, 2, 3],
            "女": [None, 1, 1],  # nobody in 清水镇 is a woman: an empty cell, not 0
            "合计": [1, 3, 4],
        }
    )
    assert_frame_equal(table, expected)


def test_wide_table_without_rows_or_columns() -> None:
    assert_frame_equal(wide(_pivot("employed"), "合计"), pl.DataFrame({"_": ["合计"], "合计": [2]}))
    assert_frame_equal(
        wide(_pivot("employed", columns=["township"]), "合计"),
        pl.DataFrame({"_": ["合计"], "清水镇": [0], "龙溪镇": [2], "合计": [2]}),
    )


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({}, ["甲", "乙", "丙", "丁", "戊"]),
        ({"township": ["龙溪镇"]}, ["甲", "乙", "丙"]),
        ({"township": ["龙溪镇"], "status": [UNEMPLOYED]}, ["乙"]),
        ({"training_need": ["电工"]}, ["乙", "丁"]),  # "电工、焊工" holds 电工
        ({"training_need": ["焊工"]}, ["乙"]),
        ({"two_after": [True]}, ["丁"]),
        ({"two_after": [False]}, ["甲", "乙", "丙", "戊"]),  # an empty yes/no reads as no
        ({"age_band": ["16岁以下"]}, ["戊"]),
        ({"township": []}, ["甲", "乙", "丙", "丁", "戊"]),  # an emptied filter keeps everyone
        ({"township": ["没有这个镇"]}, []),
    ],
)
def test_filters(filters, names) -> None:
    result = filter_labour(LEDGER, filters, (JUNE, JUNE))
    assert sorted(result["name"].to_list()) == sorted(names)


def test_two_after_counts_with_a_question() -> None:
    # "How many two-after youths in 清水镇 are unemployed and want training in electrics?"
    filters = {"township": ["清水镇"], "two_after": [True], "status": [UNEMPLOYED]}
    result = _pivot("persons", filters=filters | {"training_need": ["电工"]})
    assert result.total == 1


def test_an_empty_selection_gives_dashes_not_zero_percent() -> None:
    result = _pivot("employment_rate", rows=["township"], filters={"township": ["没有这个镇"]})
    assert result.row_totals.is_empty()
    assert result.total is None


def test_month_as_an_axis_reads_every_month_in_the_range() -> None:
    result = _pivot("employed", rows=["month"], months=(MAY, JUNE))
    assert_frame_equal(result.row_totals, pl.DataFrame({"month": [MAY, JUNE], "value": [1, 2]}))
    # Without the month axis, and in the total over the month rows, the last month counts.
    assert _pivot("employed", months=(MAY, JUNE)).total == 2
    assert _pivot("persons", rows=["month"], months=(MAY, JUNE)).total == 5


def test_groups_follow_the_ledger_order_and_blank_comes_last() -> None:
    result = _pivot("persons", rows=["employment_type"])
    assert result.row_totals["employment_type"].to_list() == ["省外务工", "扶贫车间", BLANK]
    result = _pivot("persons", rows=["age_band"])
    assert result.row_totals["age_band"].to_list() == ["16岁以下", "25–34岁"]


def test_yes_no_axes_read_as_the_ledger_writes_them() -> None:
    result = _pivot("persons", rows=["two_after"])
    assert_frame_equal(
        result.row_totals, pl.DataFrame({"two_after": ["是", "否"], "value": [1, 4]})
    )


def test_subsidy_amount_sums_the_range_and_filters_by_the_paid_person() -> None:
    pays = pl.DataFrame(
        [
            {"paid_on": date(2024, 6, 10), "kind": "交通补贴", "id_number": "id-甲",
             "amount": 500.0, "township": "龙溪镇"},
            {"paid_on": date(2024, 5, 3), "kind": "交通补贴", "id_number": "id-乙",
             "amount": 300.0, "township": "龙溪镇"},
            {"paid_on": date(2024, 6, 20), "kind": "吸纳就业补贴", "id_number": None,
             "amount": 2000.0, "township": "清水镇", "employer": "某厂"},
            {"paid_on": date(2024, 4, 30), "kind": "交通补贴", "id_number": "id-丙",
             "amount": 999.0, "township": "龙溪镇"},  # before the range
        ],
        schema=SUBSIDY_SCHEMA,
    )  # fmt: skip
    by_place = _pivot("subsidy_amount", rows=["township"], months=(MAY, JUNE), pays=pays)
    assert_frame_equal(
        by_place.row_totals,
        pl.DataFrame({"township": ["清水镇", "龙溪镇"], "value": [2000.0, 800.0]}),
    )
    # 乙 was paid in May, when she was a woman in 龙溪镇's ledger; the employer payment has no
    # person, so a person filter leaves it out.
    women = _pivot("subsidy_amount", filters={"gender": ["女"]}, months=(MAY, JUNE), pays=pays)
    assert women.total == 300.0
    by_gender = _pivot("subsidy_amount", rows=["gender"], months=(MAY, JUNE), pays=pays)
    assert_frame_equal(
        by_gender.row_totals,
        pl.DataFrame({"gender": ["男", "女", BLANK], "value": [500.0, 300.0, 2000.0]}),
    )


def test_age_band_is_the_age_on_the_first_of_the_month() -> None:
    people = pl.DataFrame(
        {
            "month": [JUNE, JUNE, JUNE, JUNE],
            "birth_date": [date(2008, 6, 1), date(2008, 6, 2), date(1964, 1, 1), None],
        }
    )
    bands = with_dimensions(people)["age_band"].to_list()
    assert bands == ["16–24岁", "16岁以下", "60岁及以上", None]


def test_terms_of_a_free_text_column() -> None:
    values = pl.Series(["电工、焊工", "电工", None, "家政, 月嫂"])
    assert terms(values) == ["家政", "月嫂", "焊工", "电工"]


@pytest.mark.parametrize(("bad", "match"), [("rows", "unknown dimension"), ("measure", "measure")])
def test_unknown_names_are_refused(bad, match) -> None:
    with pytest.raises(ValueError, match=match):
        if bad == "rows":
            _pivot("persons", rows=["phone"])
        else:
            _pivot("income_tax")


def test_filter_options_in_ledger_order() -> None:
    assert ledger_order("employment_type", ["灵活就业", "县内务工", "省外务工"]) == [
        "省外务工",
        "县内务工",
        "灵活就业",
    ]
    assert ledger_order("village", ["新田村", "箐口村", "白果村"]) == ["新田村", "白果村", "箐口村"]


@pytest.mark.parametrize("measure", ["employment_rate", "household_coverage"])
def test_a_rate_is_not_offered_by_what_defines_it(measure: str) -> None:
    # Everyone with an employment type is employed: the rate by it read 100 % in every column.
    assert "employment_type" not in axes_for(measure)
    assert "status" not in axes_for(measure)
    assert {"township", "gender", "month"} <= set(axes_for(measure))


def test_counts_are_offered_by_employment_type() -> None:
    assert "employment_type" in axes_for("employed")
