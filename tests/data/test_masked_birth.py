"""Issue 20, item 9: nothing shown beside a masked ID number gives it back.

A masked ID keeps its first 4 and last 4 characters (region prefix, sequence, check digit); the
hidden middle is two region digits and the birth date. Beside it the app showed an age in whole
years on each month's first day: read month after month, it dates the birthday to its month,
and the check digit then leaves two or three numbers, often one. A masked list now shows the
birth year instead (no birth date, no age), and lists people by room and name, never by the full
number.

The rebuild test plays the attacker on the demo county: for every person in the masked lists of
every month (the unemployed of the building page and meeting pack, the two-after youth of the
jobs page and the command line), it counts the birth dates consistent with everything shown
(assuming the hidden region digits known) whose ID number has the shown check digit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from analytics.building import unemployed
from analytics.jobs import two_after_youth
from analytics.matching import job_seekers, match_postings
from analytics.pivot import filter_labour
from analytics.privacy import masked
from analytics.rates import month_end
from analytics.rosters import ROSTER_COLUMNS, by_address, rosters
from data.frames import Frames, load_frames
from data.store import get_engine
from ui.pack import _unemployed, pack_xlsx, site_reviews
from ui.strings import STRINGS

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
# Too few to try at a door: fewer would make the mask a formality.
FEWEST_CANDIDATES = 10


@pytest.fixture(scope="module")
def data(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


def months(data: Frames) -> list[dt.date]:
    return sorted(data.labour.get_column("month").unique().to_list())


def test_masked_cuts_a_birth_date_to_its_year_and_leaves_the_age_out() -> None:
    frame = pl.DataFrame(
        {
            "name": ["甲"],
            "id_number": ["522424198803150013"],
            "birth_date": [dt.date(1988, 3, 15)],
            "age": [36],
        }
    )
    shown = masked(frame)
    assert shown.columns == ["name", "id_number", "birth_year"]
    assert shown.row(0) == ("甲", "5224**********0013", 1988)


def shown_lists(data: Frames) -> dict[str, list[tuple[dt.date, pl.DataFrame]]]:
    """Every masked list of people of every month, as the app shows it."""
    lists: dict[str, list] = {}
    for month in months(data):
        people = by_address(filter_labour(data.labour, {}, (month, month)))
        for name, frame in {
            "unemployed (building page, pack)": unemployed(data.labour, month),
            "two-after youth (jobs page, CLI)": two_after_youth(data.labour, month),
            "job seekers": job_seekers(data.labour, month),
            "explore people": people.select(ROSTER_COLUMNS),
            **{f"roster {k}": v for k, v in rosters(data.labour, month).items()},
        }.items():
            lists.setdefault(name, []).append((month, masked(frame)))
    return lists


def test_no_masked_list_shows_a_birth_date_or_an_age(data: Frames) -> None:
    for name, shown in shown_lists(data).items():
        for month, frame in shown:
            assert not {"birth_date", "age"} & set(frame.columns), (name, month)


def _age(born: pl.Expr, month: dt.date) -> pl.Expr:
    """analytics.pivot.age: whole years on the month's first day."""
    before = (born.dt.month() > month.month) | (
        (born.dt.month() == month.month) & (born.dt.day() > 1)
    )
    return month.year - born.dt.year() - before.cast(pl.Int32)


def candidates(ids: pl.Series, shown: list[tuple[dt.date, pl.DataFrame]]) -> pl.DataFrame:
    """Per full ID number in `ids`, how many birth dates agree with every row shown of its
    person and give an ID number with the shown check digit."""
    true_birth = pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    tried = (
        ids.unique()
        .to_frame("id_number")
        .filter(pl.col("id_number").str.len_chars() == 18)
        .with_columns(
            pl.date_ranges(true_birth.dt.offset_by("-2y"), true_birth.dt.offset_by("2y")).alias(
                "born"
            ),
            pl.concat_str(
                pl.col("id_number").str.head(4), pl.lit("*" * 10), pl.col("id_number").str.tail(4)
            ).alias("masked"),
        )
        .explode("born")
        .drop_nulls("born")
    )
    for month, frame in shown:
        columns = [c for c in ("birth_year", "age", "birth_date") if c in frame.columns]
        if not columns:
            continue
        seen = frame.select(pl.col("id_number").alias("masked"), *columns).unique("masked")
        guess = {
            "birth_year": pl.col("born").dt.year(),
            "age": _age(pl.col("born"), month),
            "birth_date": pl.col("born"),
        }
        agrees = pl.all_horizontal(pl.col(c).is_null() | (guess[c] == pl.col(c)) for c in columns)
        tried = tried.join(seen, on="masked", how="left").filter(agrees).drop(columns)
    digits = pl.concat_str(
        pl.col("id_number").str.head(6),
        pl.col("born").dt.strftime("%Y%m%d"),
        pl.col("id_number").str.slice(14, 3),
    )
    total = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int32) * w for i, w in enumerate(WEIGHTS)
    )
    check = pl.lit(CHECK).str.slice(total % 11, 1)
    return (
        tried.filter(check == pl.col("id_number").str.tail(1))
        .group_by("id_number")
        .len("candidates")
    )


LISTS = {
    "unemployed (building page, pack)": unemployed,
    "two-after youth (jobs page, CLI)": two_after_youth,
}


@pytest.mark.parametrize("name", list(LISTS))
def test_a_masked_id_cannot_be_rebuilt_from_the_lists_beside_it(data: Frames, name: str) -> None:
    shown = shown_lists(data)[name]
    ids = pl.concat([LISTS[name](data.labour, m).get_column("id_number") for m in months(data)])
    counted = candidates(ids, shown)
    assert counted.height > 20  # the lists hold people to rebuild
    fewest = counted.get_column("candidates").min()
    rebuilt = counted.filter(pl.col("candidates") < FEWEST_CANDIDATES).height
    assert fewest >= FEWEST_CANDIDATES, f"{rebuilt} of {counted.height} people down to {fewest}"


def test_the_meeting_pack_shows_the_birth_year(data: Frames) -> None:
    month = months(data)[-1]
    site = data.labour.filter(pl.col("month") == month).get_column("site").drop_nulls()[0]
    reviews = site_reviews(data, site, month)
    busiest = max(reviews, key=lambda r: r.unemployed.height)
    _, columns, rows = _unemployed(busiest, masked)
    headings = [label for label, _ in columns]
    assert STRINGS["birth_year"]["zh"] in headings and STRINGS["age"]["zh"] not in headings
    assert not isinstance(rows, str) and all(len(r[3]) == 4 for r in rows)  # 1988, not 36
    book = pl.read_excel(io.BytesIO(pack_xlsx([busiest])), sheet_id=0)
    for sheet, frame in book.items():
        assert not {STRINGS["age"]["zh"], "birth_date", "出生日期"} & set(frame.columns), sheet


def test_the_command_lines_masked_list_shows_the_birth_year(demo_store_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "two-after", "--list", "--format", "csv"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": demo_store_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    header = next(csv.reader(io.StringIO(done.stdout)))
    assert "birth_year" in header and "age" not in header and "birth_date" not in header


def test_people_of_a_room_are_listed_by_name_not_by_id_number(data: Frames) -> None:
    """A list in ID order tells, room by room, whose hidden birth date comes first."""
    month = months(data)[-1]
    people = data.labour.filter(pl.col("month") == month)
    seekers = job_seekers(data.labour, month)
    for name, frame in {
        "job seekers": seekers,
        "their postings": match_postings(seekers, data.postings, as_of=month_end(month)),
        "explore people": by_address(filter_labour(people, {}, (month, month))),
    }.items():
        rooms = frame.with_row_index("shown").group_by("site", "building", "room")
        out_of_order = rooms.agg(
            (pl.col("name").cast(pl.String) != pl.col("name").cast(pl.String).sort()).any()
        ).filter(pl.col("name"))
        assert out_of_order.is_empty(), (name, out_of_order.head())
        several = rooms.agg(pl.len() > 1).filter(pl.col("len")).height
        assert several > 0, f"{name}: no room with two people to order"
