"""Drill-down: the path, its URL form, the children of every level and a person's months."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

from analytics.columns import LABOUR_SCHEMA, SUBSIDY_SCHEMA
from analytics.drill import (
    HOUSEHOLD_COLUMNS,
    MEMBERS_SCHEMA,
    TIMELINE_SCHEMA,
    PathGap,
    Place,
    children,
    complete_path,
    in_place,
    natural_key,
    natural_order,
    person_timeline,
    subsidies_in_place,
)
from analytics.rates import RATES_SCHEMA

MAY, JUNE = date(2024, 5, 1), date(2024, 6, 1)
ABLE, WEAK, NONE = "有劳动能力", "弱劳动力", "无劳动能力"
E, U = "已就业", "未就业"
T1, T2 = "岩孔街道", "西洛街道"
S1, S2 = "光明小镇", "鼎新社区"


def person(household: str, capacity: str, status: str, **columns: Any) -> dict[str, Any]:
    """One ledger row in June; the place defaults to T1, S1, building 1栋."""
    return {
        "month": JUNE,
        "township": T1,
        "site": S1,
        "building": "1栋",
        "household": household,
        "id_number": f"{household}-{columns.get('name', status)}",
        "capacity": capacity,
        "status": status,
        **columns,
    }


def labour(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LABOUR_SCHEMA)


def rates(groups: dict[str, pl.DataType], *rows: tuple) -> pl.DataFrame:
    """Expected rows: group values, then the seven rates columns."""
    return pl.DataFrame(list(rows), schema={**groups, **RATES_SCHEMA}, orient="row")


SITE = {"site": pl.String()}
TOWNSHIP = {"township": pl.String()}
BUILDING = {"building": pl.String()}


# -- the path ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "level", "parent"),
    [
        (Place(), "county", Place()),
        (Place(township=T1), "township", Place()),
        (Place(site=S1), "site", Place()),
        (Place(township=T1, site=S1), "site", Place(township=T1)),
        (Place(site=S1, building="1栋"), "building", Place(site=S1)),
        (
            Place(township=T1, site=S1, building="1栋"),
            "building",
            Place(township=T1, site=S1),
        ),
        (
            Place(site=S1, building="1栋", household="h1"),
            "household",
            Place(site=S1, building="1栋"),
        ),
        (
            Place(site=S1, building="1栋", household="h1", id_number="X"),
            "person",
            Place(site=S1, building="1栋", household="h1"),
        ),
    ],
)
def test_level_and_parent(place: Place, level: str, parent: Place) -> None:
    assert place.level == level
    assert place.parent() == parent


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"building": "1栋"}, "building needs a site"),
        ({"township": T1, "building": "1栋"}, "building needs a site"),
        ({"site": S1, "household": "h1"}, "household needs a building"),
        ({"site": S1, "building": "1栋", "id_number": "X"}, "id_number needs a household"),
    ],
)
def test_a_path_with_a_gap_is_refused(fields: dict[str, str], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Place(**fields)


@pytest.mark.parametrize(
    ("place", "query"),
    [
        (Place(), {}),
        (Place(township=T1), {"township": T1}),
        (Place(township=T1, site=S1), {"township": T1, "site": S1}),
        (
            Place(site=S1, building="1栋", household="h1", id_number="X"),
            {"site": S1, "building": "1栋", "household": "h1", "person": "X"},
        ),
    ],
)
def test_query_round_trip(place: Place, query: dict[str, str]) -> None:
    assert place.to_query() == query
    assert Place.from_query(query) == place


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"building": "1栋"}, Place(), id="building without site"),
        pytest.param({"township": T1, "building": "1栋"}, Place(township=T1), id="township only"),
        pytest.param({"site": S1, "household": "h1"}, Place(site=S1), id="household no building"),
        pytest.param(
            {"site": S1, "building": "", "household": "h1", "person": "X"},
            Place(site=S1),
            id="an empty link cuts everything below",
        ),
        pytest.param({"person": "X"}, Place(), id="person alone"),
        pytest.param({"site": [S2, S1]}, Place(site=S1), id="repeated key: the last"),
        pytest.param({"site": []}, Place(), id="no value"),
        pytest.param({"site": f" {S1} ", "page": "2"}, Place(site=S1), id="spaces, unknown key"),
        pytest.param({"site": None}, Place(), id="none"),
    ],
)
def test_from_query_cuts_a_broken_path(query: dict, expected: Place) -> None:
    assert Place.from_query(query) == expected


@pytest.mark.parametrize(
    ("place", "value", "by", "expected"),
    [
        (Place(), S1, "site", Place(site=S1)),
        (Place(), T1, "township", Place(township=T1)),
        (Place(township=T1), S1, "site", Place(township=T1, site=S1)),
        (Place(site=S1), "1栋", "site", Place(site=S1, building="1栋")),
        (
            Place(site=S1, building="1栋"),
            "h1",
            "site",
            Place(site=S1, building="1栋", household="h1"),
        ),
        (
            Place(site=S1, building="1栋", household="h1"),
            "X",
            "site",
            Place(site=S1, building="1栋", household="h1", id_number="X"),
        ),
    ],
)
def test_child(place: Place, value: str, by: Any, expected: Place) -> None:
    assert place.child(value, by) == expected


def test_a_person_has_no_child() -> None:
    with pytest.raises(ValueError, match="no children"):
        Place(site=S1, building="1栋", household="h1", id_number="X").child("Y")


# -- cutting frames ------------------------------------------------------------------------------

PLACES = labour(
    person("h1", ABLE, E),
    person("h2", ABLE, U, township=T2),
    person("h3", ABLE, E, building="2栋"),
    person("h4", ABLE, E, site=S2, township=T2),
    person("h1", ABLE, U, month=MAY),
)


@pytest.mark.parametrize(
    ("place", "households"),
    [
        (Place(), ["h1", "h1", "h2", "h3", "h4"]),
        (Place(township=T2), ["h2", "h4"]),
        (Place(site=S1), ["h1", "h1", "h2", "h3"]),
        (Place(township=T2, site=S1), ["h2"]),
        (Place(site=S1, building="1栋"), ["h1", "h1", "h2"]),
        (Place(site=S1, building="1栋", household="h1"), ["h1", "h1"]),
        (Place(site=S2, building="1栋", household="h1"), []),
    ],
)
def test_in_place(place: Place, households: list[str]) -> None:
    result = in_place(PLACES, place)

    assert sorted(result.get_column("household")) == households


def test_subsidies_in_place() -> None:
    payments = pl.DataFrame(
        [
            {"id_number": "h1-已就业", "township": T1, "site": S1, "amount": 1.0},
            {"id_number": "h2-未就业", "township": T2, "site": S1, "amount": 2.0},
            {"id_number": None, "township": T2, "site": None, "amount": 4.0},
            {"id_number": "h3-已就业", "township": T1, "site": S2, "amount": 8.0},
        ],
        schema=SUBSIDY_SCHEMA,
    )

    def paid(place: Place) -> float:
        return subsidies_in_place(payments, PLACES, place).get_column("amount").sum()

    assert paid(Place()) == 15.0
    assert paid(Place(township=T2)) == 6.0
    assert paid(Place(site=S1)) == 3.0
    assert paid(Place(township=T2, site=S1)) == 2.0
    # Below site level a payment goes by payee: h3 lives in 2栋, whatever site the row names.
    assert paid(Place(site=S1, building="2栋")) == 8.0
    assert paid(Place(site=S1, building="1栋", household="h1")) == 1.0


# -- children ------------------------------------------------------------------------------------

ATTENTION = [
    person("h1", ABLE, E, site="10号点"),
    person("h2", ABLE, U, site="10号点"),
    person("h3", ABLE, E, site="2号点", name="a"),
    person("h3", ABLE, U, site="2号点", name="b"),
    person("h4", NONE, "退休", site="9号点"),
    person("h5", ABLE, E, site="1号点"),
    person("h6", ABLE, E, site="3号点"),
    person("h7", ABLE, U, site="3号点"),
]


@pytest.mark.parametrize(
    ("rows", "place", "by", "expected"),
    [
        pytest.param(
            ATTENTION,
            Place(),
            "site",
            rates(
                SITE,
                ("3号点", 2, 1, 0.5, 2, 1, 0.5, 1),
                ("10号点", 2, 1, 0.5, 2, 1, 0.5, 1),
                ("2号点", 2, 1, 0.5, 1, 1, 1.0, 0),
                ("1号点", 1, 1, 1.0, 1, 1, 1.0, 0),
                ("9号点", 0, 0, None, 0, 0, None, 0),
            ),
            id="lowest rate, most zero-employment, natural name; no labour force last",
        ),
        pytest.param(
            [
                person("h1", ABLE, E, township=T2),
                person("h2", ABLE, U),
                person("h3", ABLE, E, site=S2),
            ],
            Place(),
            "township",
            rates(TOWNSHIP, (T1, 2, 1, 0.5, 2, 1, 0.5, 1), (T2, 1, 1, 1.0, 1, 1, 1.0, 0)),
            id="county by township",
        ),
        pytest.param(
            [
                person("h1", ABLE, E, site=S2),
                person("h2", ABLE, U),
                person("h3", ABLE, U, township=T2),
            ],
            Place(township=T1),
            "site",
            rates(SITE, (S1, 1, 0, 0.0, 1, 0, 0.0, 1), (S2, 1, 1, 1.0, 1, 1, 1.0, 0)),
            id="a township's sites hold only its people",
        ),
        pytest.param(
            [
                person("h1", ABLE, E, building="10栋"),
                person("h2", ABLE, E, building="2栋"),
                person("h3", ABLE, E, building="1栋", site=S2),
            ],
            Place(site=S1),
            "site",
            rates(BUILDING, ("2栋", 1, 1, 1.0, 1, 1, 1.0, 0), ("10栋", 1, 1, 1.0, 1, 1, 1.0, 0)),
            id="buildings of a site in natural order",
        ),
        pytest.param(
            [
                person("h1", ABLE, E, building="1栋"),
                person("h2", ABLE, U, building="1栋", township=T2),
            ],
            Place(township=T2, site=S1),
            "site",
            rates(BUILDING, ("1栋", 1, 0, 0.0, 1, 0, 0.0, 1)),
            id="a township stays a filter below it",
        ),
    ],
)
def test_children_rates(rows: list[dict], place: Place, by: Any, expected: pl.DataFrame) -> None:
    result = children(labour(*rows), place, JUNE, by=by)

    assert_frame_equal(result, expected)


def household(room: str, *statuses: str, head: str | None = None) -> list[dict[str, Any]]:
    """The rows of one household in 光明小镇 1栋 with able members of these statuses."""
    code = f"{S1}|1栋|{room}"
    return [
        person(code, ABLE, status, room=room, head_name=head or room, name=f"{room}-{i}")
        for i, status in enumerate(statuses)
    ]


def test_children_of_a_building_are_households() -> None:
    rows = labour(
        *household("1-1002", E, U),
        *household("1-302", E, U),
        *household("2-101", "在校生"),
        *household("10-101", E),
        *household("2-201", E, "退休", head="李"),
        *household("1-101", U),
        person("other", ABLE, U, building="2栋"),
    )

    result = children(rows, Place(site=S1, building="1栋"), JUNE)

    expected = pl.DataFrame(
        [
            (f"{S1}|1栋|1-101", "1-101", "1-101", 1, 1, 0, 0.0, 1, 0, 0.0, 1),
            (f"{S1}|1栋|1-302", "1-302", "1-302", 2, 2, 1, 0.5, 1, 1, 1.0, 0),
            (f"{S1}|1栋|1-1002", "1-1002", "1-1002", 2, 2, 1, 0.5, 1, 1, 1.0, 0),
            (f"{S1}|1栋|2-201", "2-201", "李", 2, 1, 1, 1.0, 1, 1, 1.0, 0),
            (f"{S1}|1栋|10-101", "10-101", "10-101", 1, 1, 1, 1.0, 1, 1, 1.0, 0),
            (f"{S1}|1栋|2-101", "2-101", "2-101", 1, 0, 0, None, 0, 0, None, 0),
        ],
        schema={**HOUSEHOLD_COLUMNS, **RATES_SCHEMA},
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_children_of_a_household_are_its_members() -> None:
    code = f"{S1}|1栋|101"

    def member(name: str, relation: str, capacity: str, status: str, **columns: Any) -> dict:
        return person(code, capacity, status, name=name, relation=relation, **columns)

    rows = labour(
        member("父", "父母", NONE, "退休"),
        member(
            "主", "户主", ABLE, E, employment_type="县内务工", employer="厂", monthly_income=2100.0
        ),
        member("妻", "配偶", WEAK, U),
        member("女", "子女", ABLE, U),
        member("儿", "子女", ABLE, "在校生"),
        member("甲", None, ABLE, E, employment_type="公益性岗位"),
        member("旧", "户主", ABLE, E, month=MAY),
    )

    result = children(rows, Place(site=S1, building="1栋", household=code), JUNE)

    expected = pl.DataFrame(
        [
            ("妻", f"{code}-妻", "配偶", WEAK, U, None, None, None, None, True),
            ("女", f"{code}-女", "子女", ABLE, U, None, None, None, None, True),
            ("主", f"{code}-主", "户主", ABLE, E, "县内务工", "厂", None, 2100.0, True),
            ("甲", f"{code}-甲", None, ABLE, E, "公益性岗位", None, None, None, True),
            ("儿", f"{code}-儿", "子女", ABLE, "在校生", None, None, None, None, False),
            ("父", f"{code}-父", "父母", NONE, "退休", None, None, None, None, False),
        ],
        schema=MEMBERS_SCHEMA,
        orient="row",
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (None, rates(SITE, (S1, 1, 1, 1.0, 1, 1, 1.0, 0))),  # the latest month
        (MAY, rates(SITE, (S1, 1, 0, 0.0, 1, 0, 0.0, 1))),
        (date(2024, 5, 17), rates(SITE, (S1, 1, 0, 0.0, 1, 0, 0.0, 1))),
        (date(2024, 4, 1), rates(SITE)),  # a month without data: no children
    ],
)
def test_children_month(month: date | None, expected: pl.DataFrame) -> None:
    rows = labour(person("h1", ABLE, E), person("h1", ABLE, U, month=MAY))

    result = children(rows, Place(), month)

    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        (Place(), rates(SITE)),
        (Place(township=T1), rates(SITE)),
        (Place(site=S1), rates(BUILDING)),
        (
            Place(site=S1, building="1栋"),
            pl.DataFrame(schema={**HOUSEHOLD_COLUMNS, **RATES_SCHEMA}),
        ),
        (Place(site=S1, building="1栋", household="h1"), pl.DataFrame(schema=MEMBERS_SCHEMA)),
    ],
)
def test_children_of_an_empty_frame(place: Place, expected: pl.DataFrame) -> None:
    result = children(labour(), place)

    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("place", "by", "match"),
    [
        (Place(site=S1, building="1栋", household="h1", id_number="X"), "site", "no children"),
        (Place(), "building", "by must be"),
    ],
)
def test_children_refused(place: Place, by: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        children(labour(), place, JUNE, by=by)


# -- a person's months ---------------------------------------------------------------------------


def month_of(month: date, status: str, employment_type: str | None, **columns: Any) -> dict:
    return {
        "month": month,
        "site": S1,
        "building": "1栋",
        "room": "101",
        "household": "h1",
        "id_number": "X",
        "capacity": ABLE,
        "status": status,
        "employment_type": employment_type,
        **columns,
    }


def test_person_timeline() -> None:
    march, april = date(2024, 3, 1), date(2024, 4, 1)
    rows = labour(
        month_of(JUNE, E, "公益性岗位", monthly_income=1600.0),
        month_of(MAY, E, "县内务工", employer="厂", building="2栋", room="201"),
        month_of(april, E, "县内务工", employer="另一厂"),
        month_of(march, U, None),
        month_of(date(2024, 2, 1), U, None),
        {**month_of(JUNE, U, None), "id_number": "Y"},
    )

    result = person_timeline(rows, "X")

    expected = pl.DataFrame(
        [
            (date(2024, 2, 1), S1, "1栋", "101", ABLE, U, None, None, None, None, False),
            (march, S1, "1栋", "101", ABLE, U, None, None, None, None, False),
            (april, S1, "1栋", "101", ABLE, E, "县内务工", "另一厂", None, None, True),
            # Another employer and another building, the same status and type: not a change.
            (MAY, S1, "2栋", "201", ABLE, E, "县内务工", "厂", None, None, False),
            (JUNE, S1, "1栋", "101", ABLE, E, "公益性岗位", None, None, 1600.0, True),
        ],
        schema=TIMELINE_SCHEMA,
        orient="row",
    )
    assert_frame_equal(result, expected)


def test_person_timeline_type_to_null_is_a_change() -> None:
    rows = labour(month_of(MAY, E, "县内务工"), month_of(JUNE, E, None))

    result = person_timeline(rows, "X").get_column("changed").to_list()

    assert result == [False, True]


@pytest.mark.parametrize("rows", [[], [month_of(JUNE, E, "县内务工")]])
def test_person_timeline_unknown_person(rows: list[dict]) -> None:
    result = person_timeline(labour(*rows), "nobody")

    assert_frame_equal(result, pl.DataFrame(schema=TIMELINE_SCHEMA))


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["10", "2", "1"], ["1", "2", "10"]),
        (["10栋", "2栋", "A栋", "1栋"], ["1栋", "2栋", "10栋", "A栋"]),
        (["1-1002", "1-302", "2-101", "1-99"], ["1-99", "1-302", "1-1002", "2-101"]),
        (["B2", "B10", "A10", "B"], ["A10", "B", "B2", "B10"]),
        (["", "1"], ["", "1"]),
    ],
)
def test_natural_order(names: list[str], expected: list[str]) -> None:
    frame = pl.DataFrame({"name": names})

    result = frame.sort(natural_order("name")).get_column("name").to_list()

    assert result == expected


@pytest.mark.parametrize(
    "values",
    [
        ["10", "2", "10", None, "2", "1-302"],
        ["3栋", "3栋", "12栋", "A栋"],
        [None, None],
        [],
    ],
)
@pytest.mark.parametrize("dtype", [pl.String(), pl.Categorical()])
def test_natural_key_is_natural_order_once_per_value(
    values: list[str | None], dtype: pl.DataType
) -> None:
    frame = pl.DataFrame({"room": values}, schema={"room": dtype})

    result = natural_key(frame, "room")

    assert_series_equal(result, frame.select(natural_order("room")).to_series())


# Two sites with a building 1栋 each, one building 2栋 only in S2; households are unique.
PARTIAL = labour(
    person("h1", ABLE, E),
    person("h2", ABLE, E, site=S2),
    person("h3", ABLE, U, site=S2, building="2栋", township=T2),
)


@pytest.mark.parametrize(
    ("values", "expected", "gap"),
    [
        # Complete paths are left as they are (whether they exist is another question).
        ({"site": S1, "building": "1栋"}, Place(site=S1, building="1栋"), None),
        ({"township": T1}, Place(township=T1), None),
        # A building unique in the data gets its site; a household its building and site.
        ({"building": "2栋"}, Place(site=S2, building="2栋"), None),
        ({"household": "h3"}, Place(site=S2, building="2栋", household="h3"), None),
        (
            {"id_number": "h1-已就业"},
            Place(site=S1, building="1栋", household="h1", id_number="h1-已就业"),
            None,
        ),
        # Within a township the building's sites narrow to one.
        ({"township": T2, "building": "2栋"}, Place(township=T2, site=S2, building="2栋"), None),
        # A building in two sites: the path stops above it, and the gap names both sites.
        ({"building": "1栋"}, Place(), PathGap("building", "1栋", "site", (S1, S2))),
        (
            {"township": T1, "building": "1栋", "household": "h9"},
            Place(township=T1),
            PathGap("building", "1栋", "site", ()),
        ),
        # The household settles what its building alone does not.
        (
            {"building": "1栋", "household": "h2"},
            Place(site=S2, building="1栋", household="h2"),
            None,
        ),
    ],
)
def test_complete_path(values: dict, expected: Place, gap: PathGap | None) -> None:
    assert complete_path(PARTIAL, values) == (expected, gap)
