"""One building in one month, as its employment captain (就业楼长) goes through it room by room.

Pure functions of frames: `roster` (every building with its captain), `search` (buildings found
by room, person or captain), `members_by_room` (every member of every household, room by room,
each household flagged when it is a zero-employment household) and `unemployed` (the building's
unemployed labour with their wish and training need). Pass the labour ledger already cut to the
building (`drill.in_place`) to the last two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from analytics.changes import changes
from analytics.columns import BUILDING_SCHEMA
from analytics.domain import RELATIONS, STATUS_UNEMPLOYED
from analytics.drill import Place, in_place, natural_order, subsidies_in_place
from analytics.kpis import headline
from analytics.matching import job_seekers, match_postings, suitable_people
from analytics.rates import employed_mask, labour_force_mask, month_end, plain

ROSTER_SCHEMA = BUILDING_SCHEMA

# How a search hit was found.
BY_ROOM, BY_NAME, BY_CAPTAIN = "room", "name", "captain"
HIT_SCHEMA: dict[str, pl.DataType] = {
    "site": pl.String(),
    "building": pl.String(),
    "found_by": pl.String(),
    "text": pl.String(),  # the room, person or captain that matched
}

# What a row of `changes.changes` tells the meeting: who, and what they did before and do now.
CHANGE_DETAILS = (
    "change",
    "room",
    "name",
    "status_before",
    "employment_type_before",
    "status_after",
    "employment_type_after",
)

MEMBER_ROWS_SCHEMA: dict[str, pl.DataType] = {
    "household": pl.String(),
    "room": pl.String(),
    "head_name": pl.String(),
    "zero_employment": pl.Boolean(),
    "name": pl.String(),
    "id_number": pl.String(),
    "relation": pl.String(),
    "capacity": pl.String(),
    "status": pl.String(),
    "employment_type": pl.String(),
    "employer": pl.String(),
    "monthly_income": pl.Float64(),
}

UNEMPLOYED_SCHEMA: dict[str, pl.DataType] = {
    "room": pl.String(),
    "name": pl.String(),
    "id_number": pl.String(),
    "gender": pl.String(),
    "age": pl.Int64(),
    "birth_year": pl.Int64(),  # what a masked list shows instead of the age (analytics.privacy)
    "education": pl.String(),
    "capacity": pl.String(),
    "wish": pl.String(),
    "training_need": pl.String(),
    "two_after": pl.Boolean(),
    "three_no": pl.Boolean(),
    "phone": pl.String(),
}


HOUSEHOLD_ROWS_SCHEMA: dict[str, pl.DataType] = {
    "household": pl.String(),
    "room": pl.String(),
    "head_name": pl.String(),
    "members": pl.UInt32(),
    "labour_force": pl.UInt32(),
    "employed": pl.UInt32(),
    "zero_employment": pl.Boolean(),
}

# For each unemployed member the best open postings, with why they were chosen.
MATCH_COLUMNS = (
    "room",
    "name",
    "wish",
    "training_need",
    "rank",
    "employer",
    "title",
    "work_place",
    "reason",
)
# For each open posting, the members it suits.
SUITABLE_COLUMNS = ("employer", "title", "work_place", "room", "name", "wish", "rank", "reason")
NOTE_COLUMNS = ("noted_on", "room", "head_name", "author", "text", "next_step")


@dataclass(frozen=True)
class Review:
    """Everything the captains' meeting goes through for one building and month.

    The page draws it and the meeting pack prints it, so both always show the same numbers.
    """

    place: Place
    month: date
    captain: dict[str, str | None]  # captain, department, captain_phone (None when unknown)
    head: dict[str, object]  # a row of `kpis.headline`
    members: pl.DataFrame  # `members_by_room`
    households: pl.DataFrame  # `households_by_room`
    zero: pl.DataFrame  # members of zero-employment households
    changes: pl.DataFrame  # `changes.changes` of the building
    unemployed: pl.DataFrame  # `unemployed`
    matches: pl.DataFrame  # `matching.match_postings`
    suitable: pl.DataFrame  # `matching.suitable_people`
    notes: pl.DataFrame  # the building's notes up to the meeting on the month, newest first

    @property
    def has_previous(self) -> bool:
        """The ledger holds the month before: changes can be told."""
        return self.head["labour_force_previous"] is not None


def review(
    *,
    labour: pl.DataFrame,
    subsidies: pl.DataFrame,
    postings: pl.DataFrame,
    buildings: pl.DataFrame,
    notes: pl.DataFrame,
    place: Place,
    month: date,
    residents: pl.DataFrame | None = None,
) -> Review:
    """The review of building `place` (site and building set) in `month`, from whole frames, or
    from `labour`'s rows of the month and the month before with `residents`: the labour rows
    (township, site, building and id_number at least) of whoever lived there in any month, whom
    its subsidies are counted by."""
    month = month.replace(day=1)
    here = in_place(labour, place)
    members = members_by_room(here, month)
    captain = buildings.filter(
        (pl.col("site") == place.site) & (pl.col("building") == place.building)
    )
    who = {c: None for c in ("captain", "department", "captain_phone")}
    if captain.height:
        who = captain.select(list(who)).row(0, named=True)
    matches = match_postings(job_seekers(here, month), postings, as_of=month_end(month))
    payees = labour if residents is None else residents
    return Review(
        place=place,
        month=month,
        captain=who,
        head=headline(here, subsidies_in_place(subsidies, payees, place), month).row(0, named=True),
        members=members,
        households=households_by_room(members),
        zero=zero_employment(members),
        changes=changes(here, month),
        unemployed=unemployed(here, month),
        matches=matches,
        suitable=suitable_people(matches),
        notes=notes.filter(
            (pl.col("site") == place.site)
            & (pl.col("building") == place.building)
            & (pl.col("noted_on") <= meeting_end(month))
        ).sort("noted_on", "batch_id", descending=True),
    )


def meeting_end(month: date) -> date:
    """The last day a note can belong to `month`'s review: the captains meet on a month in the
    month after it, and what they record there belongs to that review."""
    return month_end(month_end(month) + timedelta(days=1))


def roster(buildings: pl.DataFrame, labour: pl.DataFrame) -> pl.DataFrame:
    """Every building of the captains' list or the ledger, with its captain (`ROSTER_SCHEMA`).

    A building only in the ledger has no captain (nulls). Order: site, then building in natural
    order ("2" before "10").
    """
    in_ledger = plain(labour.select("site", "building").unique().drop_nulls())
    return (
        buildings.join(in_ledger, on=["site", "building"], how="full", coalesce=True)
        .select(list(ROSTER_SCHEMA))
        .sort("site", natural_order("building"), "building")
    )


def search(
    buildings: pl.DataFrame, labour: pl.DataFrame | pl.LazyFrame, text: str, limit: int = 12
) -> pl.DataFrame:
    """Buildings found by `text` in a room number, a person's name or a captain's name.

    A person is found where they lived in their latest month in the ledger. Substring match;
    rooms first, then people, then captains, at most `limit` hits
    (`HIT_SCHEMA`). Blank text finds nothing. `labour` may be lazy: then only the columns
    searched, and the rows of the people found, are read.
    """
    text = text.strip()
    if not text:
        return pl.DataFrame(schema=HIT_SCHEMA)
    rows = labour.lazy()

    def matching(frame: pl.DataFrame | pl.LazyFrame, column: str) -> pl.Expr:
        # The distinct values are searched, not every row: a province's ledger repeats each
        # room and name every month.
        values = frame.lazy().select(pl.col(column).unique()).collect().to_series().drop_nulls()
        hits = values.filter(values.cast(pl.String).str.contains(text, literal=True))
        return pl.col(column).is_in(hits.implode())

    def latest(column: str) -> pl.DataFrame:
        # Only the people with a match anywhere need their latest month: sorting the whole
        # ledger copied it.
        people = rows.filter(matching(rows, column)).select("id_number").unique()
        return (
            rows.join(people, on="id_number", how="semi")
            .sort("month")
            .unique("id_number", keep="last")
            .collect()
        )

    def found(frame: pl.DataFrame, column: str, by: str) -> pl.DataFrame:
        return (
            frame.filter(matching(frame, column))
            .select(
                pl.col("site", "building").cast(pl.String),
                pl.lit(by).alias("found_by"),
                pl.col(column).cast(pl.String).alias("text"),
            )
            .unique()
            .sort("site", natural_order("building"), natural_order("text"), "text")
        )

    hits = pl.concat(
        [
            found(latest("room"), "room", BY_ROOM),
            found(latest("name"), "name", BY_NAME),
            found(buildings, "captain", BY_CAPTAIN),
        ]
    )
    return hits.select(list(HIT_SCHEMA)).head(limit).cast(HIT_SCHEMA)


def members_by_room(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """Every member in `month`, household by household in natural room order (`MEMBER_ROWS_SCHEMA`).

    Inside a household: 户主 first, then by relation and name. `zero_employment` is true for every
    member of a household with labour force and nobody employed (domain.md).
    """
    relation = pl.col("relation").replace_strict(
        RELATIONS, range(len(RELATIONS)), default=len(RELATIONS), return_dtype=pl.Int64
    )
    zero = labour_force_mask().any().over("household") & ~employed_mask().any().over("household")
    return plain(
        labour.filter(pl.col("month") == month.replace(day=1))
        .with_columns(zero_employment=zero)
        .sort(natural_order("room"), "room", "household", relation, "name", nulls_last=True)
        .select(list(MEMBER_ROWS_SCHEMA))
    )


def households_by_room(members: pl.DataFrame) -> pl.DataFrame:
    """One row per household of `members_by_room`, in its room order (`HOUSEHOLD_ROWS_SCHEMA`):
    how many members, in the labour force and employed."""
    return (
        members.group_by("household", maintain_order=True)
        .agg(
            pl.col("room").first(),
            pl.col("head_name").first(),
            pl.len().alias("members"),
            labour_force_mask().sum().alias("labour_force"),
            employed_mask().sum().alias("employed"),
            pl.col("zero_employment").first(),
        )
        .cast(HOUSEHOLD_ROWS_SCHEMA)
    )


def with_last_note(members: pl.DataFrame, notes: pl.DataFrame) -> pl.DataFrame:
    """`members` with `last_note` on each household's first row: its newest note as
    "MM-DD what was done → next step" (null without notes)."""
    last = (
        notes.sort("noted_on", "batch_id")
        .group_by("household")
        .last()
        .select(
            "household",
            pl.concat_str(
                pl.col("noted_on").dt.strftime("%m-%d"),
                pl.lit(" "),
                pl.col("text"),
                pl.lit(" → ") + pl.col("next_step"),
                ignore_nulls=True,
            ).alias("last_note"),
        )
    )
    first = pl.int_range(pl.len()).over("household") == 0
    return members.join(last, on="household", how="left", maintain_order="left").with_columns(
        pl.when(first).then(pl.col("last_note"))
    )


def zero_employment(members: pl.DataFrame) -> pl.DataFrame:
    """The rows of `members_by_room` that belong to zero-employment households."""
    return members.filter(pl.col("zero_employment"))


def unemployed(labour: pl.DataFrame, month: date) -> pl.DataFrame:
    """Unemployed labour-force members in `month`, room by room (`UNEMPLOYED_SCHEMA`).

    `age` is in whole years on the month's first day; `birth_year` is what a masked list shows.
    """
    month = month.replace(day=1)
    birthday_ahead = (pl.col("birth_date").dt.month() > month.month) | (
        (pl.col("birth_date").dt.month() == month.month) & (pl.col("birth_date").dt.day() > 1)
    )
    age = month.year - pl.col("birth_date").dt.year() - birthday_ahead.cast(pl.Int32)
    return plain(
        labour.filter(
            (pl.col("month") == month)
            & labour_force_mask()
            & (pl.col("status") == STATUS_UNEMPLOYED)
        )
        .with_columns(
            age=age.cast(pl.Int64), birth_year=pl.col("birth_date").dt.year().cast(pl.Int64)
        )
        .sort(natural_order("room"), "room", "name", "id_number", nulls_last=True)
        .select(list(UNEMPLOYED_SCHEMA))
    )
