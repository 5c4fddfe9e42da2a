"""Drill-down: county → township or site → building → household → person.

A `Place` is the path a viewer chose, and nothing more: a township chosen on the way down stays a
filter all the way down (its people in that site, that building). Every level lists its children
with the rates of `employment_rates`, the ones that need attention first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Literal

import polars as pl

from analytics.aggregates import grain_rates
from analytics.domain import RELATIONS
from analytics.rates import (
    RATES_SCHEMA,
    employed_mask,
    employment_rates,
    labour_force_mask,
    latest_month,
    plain,
)

Level = Literal["county", "township", "site", "building", "household", "person"]
LEVELS: tuple[Level, ...] = ("county", "township", "site", "building", "household", "person")

# Place field → URL query key; the field order is the path order.
QUERY_KEYS = {
    "township": "township",
    "site": "site",
    "building": "building",
    "household": "household",
    "id_number": "person",
}
# A building name is only unique inside its site, a room inside its building: each needs the one
# before it. A township needs nothing, and a site may come with or without one.
_NEEDS = {"building": "site", "household": "building", "id_number": "household"}

# Children of a household: one row per member.
MEMBERS_SCHEMA: dict[str, pl.DataType] = {
    "name": pl.String(),
    "id_number": pl.String(),
    "relation": pl.String(),
    "capacity": pl.String(),
    "status": pl.String(),
    "employment_type": pl.String(),
    "employer": pl.String(),
    "work_place": pl.String(),
    "monthly_income": pl.Float64(),
    "in_labour_force": pl.Boolean(),
}
# Children of a building: one row per household, before the rates columns.
HOUSEHOLD_COLUMNS: dict[str, pl.DataType] = {
    "household": pl.String(),
    "room": pl.String(),
    "head_name": pl.String(),
    "members": pl.Int64(),
}
TIMELINE_SCHEMA: dict[str, pl.DataType] = {
    "month": pl.Date(),
    "site": pl.String(),
    "building": pl.String(),
    "room": pl.String(),
    "capacity": pl.String(),
    "status": pl.String(),
    "employment_type": pl.String(),
    "employer": pl.String(),
    "work_place": pl.String(),
    "monthly_income": pl.Float64(),
    "changed": pl.Boolean(),
}
# Digit runs are padded to this width for natural order: "2" before "10", "1-302" before "1-1002".
_DIGITS = 20


@dataclass(frozen=True)
class Place:
    """A drill path: township and/or site, then building, household (code), person (ID number).

    `Place()` is the county. Raises ValueError for a path with a gap (a building without a site).
    """

    township: str | None = None
    site: str | None = None
    building: str | None = None
    household: str | None = None
    id_number: str | None = None

    def __post_init__(self) -> None:
        for name, needed in _NEEDS.items():
            if getattr(self, name) is not None and getattr(self, needed) is None:
                raise ValueError(f"a {name} needs a {needed}: {self!r}")

    @property
    def level(self) -> Level:
        """The deepest level chosen: "county" when nothing is."""
        last = self._last()
        return "county" if last is None else ("person" if last == "id_number" else last)

    def parent(self) -> Place:
        """One level up: the path without its last element (the county stays the county)."""
        last = self._last()
        return self if last is None else replace(self, **{last: None})

    def child(self, value: str, by: Literal["site", "township"] = "site") -> Place:
        """The place one level down named `value` (a key column value of `children`).

        `by` picks the county's children; from a township the children are its sites.
        """
        level = self.level
        if level == "person":
            raise ValueError("a person has no children")
        if level == "county":
            if by not in ("site", "township"):
                raise ValueError(f"by must be 'site' or 'township', not {by!r}")
            return replace(self, **{by: value})
        field = {"township": "site", "site": "building", "building": "household"}.get(
            level, "id_number"
        )
        return replace(self, **{field: value})

    def filter(self) -> pl.Expr:
        """True for the ledger rows inside the place."""
        return self.filter_on({name: getattr(self, name) for name in QUERY_KEYS})

    @staticmethod
    def filter_on(values: Mapping[str, str | None]) -> pl.Expr:
        """True for the ledger rows matching every given field of `values` (a path or not)."""
        expr = pl.lit(True)
        for name, value in values.items():
            if value is not None:
                expr = expr & (pl.col(name) == value)
        return expr

    def to_query(self) -> dict[str, str]:
        """URL query parameters of the path (keys township, site, building, household, person)."""
        return {
            key: getattr(self, name)
            for name, key in QUERY_KEYS.items()
            if getattr(self, name) is not None
        }

    @classmethod
    def from_query(cls, params: Mapping[str, str | Sequence[str] | None]) -> Place:
        """The place in URL query parameters; a broken path is cut before its gap.

        A repeated key keeps its last value; empty values and unknown keys are ignored.
        """
        values: dict[str, str | None] = {}
        for name, key in QUERY_KEYS.items():
            raw = params.get(key)
            if raw is not None and not isinstance(raw, str):
                raw = raw[-1] if len(raw) else None
            value = raw.strip() if raw is not None else ""
            needed = _NEEDS.get(name)
            # Once a link in the chain is missing, everything below it goes too.
            values[name] = value if value and (needed is None or values[needed]) else None
        return cls(**values)

    def _last(self) -> str | None:
        chosen = [f.name for f in fields(self) if getattr(self, f.name) is not None]
        return chosen[-1] if chosen else None


@dataclass(frozen=True)
class PathGap:
    """What a partial path lacks: `given` = `value` needs a `needed` that the data does not
    settle, because `candidates` (sorted) hold none or several of that value."""

    given: str
    value: str
    needed: str
    candidates: tuple[str, ...]


def complete_path(
    labour: pl.DataFrame | pl.LazyFrame, values: Mapping[str, str | None]
) -> tuple[Place, PathGap | None]:
    """The place named by `values` (Place field → value), its missing links filled in from the
    data where they are unique: building 3 alone is the site that has a building 3, if one does.

    A link that cannot be filled cuts the path before it, with the gap to tell the viewer; the
    township, a filter rather than a link, is never filled. Whether the place holds any rows is
    the caller's question (`labour.filter(place.filter())`).
    """
    given = {name: values[name] for name in QUERY_KEYS if values.get(name)}
    missing = []
    for name in reversed(list(given)):
        needed = _NEEDS.get(name)
        while needed is not None and needed not in given and needed not in missing:
            missing.append(needed)
            needed = _NEEDS.get(needed)
    if not missing:
        return Place(**given), None
    rows = labour.lazy().filter(Place.filter_on(given)).select(*_NEEDS.values()).collect()
    for needed in reversed(missing):  # from the top of the path down
        candidates = tuple(rows.get_column(needed).cast(pl.String).drop_nulls().unique().sort())
        if len(candidates) != 1:
            below = next(n for n, need in _NEEDS.items() if need == needed)
            while below not in given:
                below = next(n for n, need in _NEEDS.items() if need == below)
            cut = Place.from_query({QUERY_KEYS[n]: v for n, v in given.items()})
            return cut, PathGap(below, given[below], needed, candidates)
        given[needed] = candidates[0]
    return Place(**{name: given[name] for name in QUERY_KEYS if name in given}), None


def in_place(labour: pl.DataFrame, place: Place) -> pl.DataFrame:
    """The ledger rows of `place` (every month)."""
    return labour if place.level == "county" else labour.filter(place.filter())


def subsidies_in_place(
    subsidies: pl.DataFrame, labour: pl.DataFrame | pl.LazyFrame, place: Place
) -> pl.DataFrame:
    """The payments of `place`: by the township and site written on them (domain.md), and below
    site level by payee, the people living in the place in any month."""
    if place.level == "county":
        return subsidies
    if place.building is None:
        at = pl.lit(True)
        if place.township is not None:
            at = at & (pl.col("township") == place.township)
        if place.site is not None:
            at = at & (pl.col("site") == place.site)
        return subsidies.filter(at)
    people = (
        labour.lazy()
        .filter(place.filter())
        .select(pl.col("id_number").unique().drop_nulls())
        .collect()
        .get_column("id_number")
    )
    return subsidies.filter(pl.col("id_number").is_in(people.implode()))


def children(
    labour: pl.DataFrame | pl.LazyFrame,
    place: Place,
    month: date | None = None,
    by: Literal["site", "township"] = "site",
) -> pl.DataFrame:
    """The children of `place` in `month` (default: the latest), the ones needing attention first.

    County → sites (or townships with `by="township"`), township → its sites, site → buildings:
    the key column, then the rates columns. Building → households: household, room, head_name,
    members (people in the ledger that month), then the rates. Household → its members
    (`MEMBERS_SCHEMA`). Order: lowest employment rate first, groups without labour force last,
    then most zero-employment households, then the name in natural order. A member's "rate" is
    0 (unemployed), 1 (employed) or none (not labour force), so members follow the same rule,
    then go by relation to the head (户主 first).
    """
    level = place.level
    if level == "person":
        raise ValueError("a person has no children: see person_timeline")
    if level == "county" and by not in ("site", "township"):
        raise ValueError(f"by must be 'site' or 'township', not {by!r}")
    month = month.replace(day=1) if month is not None else latest_month(labour)
    rows = _in_month(labour, place, month).collect()

    if level == "household":
        return _members(rows)
    key = {"county": by, "township": "site", "site": "building", "building": "household"}[level]
    rates = employment_rates(rows, [key], month)
    if level != "building":
        return _by_attention(rates, [natural_order(key), key])
    households = (
        rows.group_by("household")
        .agg(
            pl.col("room").drop_nulls().first(),
            pl.col("head_name").drop_nulls().first(),
            pl.len().cast(pl.Int64).alias("members"),
        )
        .join(rates, on="household", how="left", nulls_equal=True)
        .select(*HOUSEHOLD_COLUMNS, *RATES_SCHEMA)
    )
    return _by_attention(plain(households), [natural_order("room"), "room", "household"])


def grain_children(
    households: pl.DataFrame,
    place: Place,
    month: date | None = None,
    by: Literal["site", "township"] = "site",
) -> pl.DataFrame:
    """`children` of the county, a township or a site, from the household grain of the labour
    frame (`analytics.aggregates.household_grain`): the same frame, without the person rows.

    Raises ValueError below site level, where children are households and people.
    """
    level = place.level
    if level not in ("county", "township", "site"):
        raise ValueError(f"the household grain lists no children of a {level}: see children")
    if level == "county" and by not in ("site", "township"):
        raise ValueError(f"by must be 'site' or 'township', not {by!r}")
    month = month.replace(day=1) if month is not None else latest_month(households)
    key = {"county": by, "township": "site", "site": "building"}[level]
    rates = grain_rates(_in_month(households, place, month), [key])
    return _by_attention(rates, [natural_order(key), key])


def _in_month(frame: pl.DataFrame, place: Place, month: date | None) -> pl.LazyFrame:
    """The rows of `place` in `month` (every month when None: an empty frame)."""
    # The month first: the ledger holds every month, the page needs one.
    rows = frame.lazy()
    if month is not None:
        rows = rows.filter(pl.col("month") == month)
    return rows if place.level == "county" else rows.filter(place.filter())


def person_timeline(labour: pl.DataFrame | pl.LazyFrame, id_number: str) -> pl.DataFrame:
    """One row per month of `id_number`, oldest first (`TIMELINE_SCHEMA`).

    `changed` is true where the status or employment type differs from the row before (a null
    counts as a value); the first row has nothing before it and is false.
    """
    rows = (
        labour.lazy()
        .filter(pl.col("id_number") == id_number)
        .select(c for c in TIMELINE_SCHEMA if c != "changed")
        .collect()
        .sort("month")
    )
    differs = pl.col("status").ne_missing(pl.col("status").shift(1)) | pl.col(
        "employment_type"
    ).ne_missing(pl.col("employment_type").shift(1))
    return plain(rows.with_columns(changed=(pl.int_range(pl.len()) > 0) & differs))


def natural_order(column: str) -> pl.Expr:
    """A sort key on `column` that orders digit runs by value: "2栋" < "10栋", "1-302" < "1-1002".

    Equal keys ("02" and "2") need the column itself as a second key.
    """
    return (
        pl.col(column)
        .cast(pl.String)  # the labour frame keeps places as categoricals
        .str.extract_all(r"[0-9]+|[^0-9]+")
        .list.eval(
            pl.when(pl.element().str.contains(r"^[0-9]"))
            .then(pl.element().str.zfill(_DIGITS))
            .otherwise(pl.element())
        )
        .list.join("")
        .alias(f"{column}_order")
    )


def natural_key(frame: pl.DataFrame, column: str) -> pl.Series:
    """`natural_order` of `column` in `frame`, worked out once per distinct value: the same key
    for a fraction of the work where values repeat (a province's room numbers are a few dozen,
    in every building)."""
    text = frame.get_column(column).cast(pl.String)
    distinct = text.unique().drop_nulls()
    keys = pl.DataFrame({column: distinct}).select(natural_order(column)).to_series()
    return text.replace_strict(distinct, keys, default=None, return_dtype=pl.String).alias(
        f"{column}_order"
    )


def _by_attention(frame: pl.DataFrame, names: list[pl.Expr | str]) -> pl.DataFrame:
    # Null rates (no labour force) have nothing to fix: last, through nulls_last.
    return frame.sort(
        ["employment_rate", "zero_employment_households", *names],
        descending=[False, True, *[False] * len(names)],
        nulls_last=True,
    )


def _members(rows: pl.DataFrame) -> pl.DataFrame:
    relation = pl.col("relation").replace_strict(
        RELATIONS, range(len(RELATIONS)), default=len(RELATIONS), return_dtype=pl.Int64
    )
    attention = pl.when(employed_mask()).then(1).when(labour_force_mask()).then(0).otherwise(2)
    return plain(
        rows.with_columns(in_labour_force=labour_force_mask())
        .sort(attention, relation, "name", "id_number", nulls_last=True)
        .select(list(MEMBERS_SCHEMA))
    )
