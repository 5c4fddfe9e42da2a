"""Loading the store into polars frames, and cutting them to a scope.

The store is read once per data version (see `store.data_version`) into a `Frames`, kept as a
Parquet snapshot beside the store; callers cache it by that version. Every caller then takes
`Frames.scoped(scope)`: rows outside the scope are gone before any page or report sees them.
An empty scope sees nothing (default deny).

A snapshot's labour is a file per month (`LABOUR_DIR`), read when asked: the views of people
read the months and places they show (`Frames.labour_slice`), and `Frames.labour` (every
person-month: gigabytes at province scale) is read only by whoever asks for all of it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from analytics.aggregates import (
    GRAIN_SCHEMA,
    PERSON_COUNT_SCHEMA,
    extend_grain,
    extend_person_counts,
    household_grain,
    person_counts,
    recount_months,
    regrain_months,
)
from analytics.casework import KIND_AUDIT, KIND_HOUSEHOLD
from analytics.columns import (  # every frame's columns and types
    BATCH_SCHEMA,
    BUILDING_SCHEMA,
    CASE_WORK_SCHEMA,
    EDIT_SCHEMA,
    LABOUR_SCHEMA,
    NOTE_SCHEMA,
    POSTING_SCHEMA,
    SITE_SCHEMA,
    SUBSIDY_SCHEMA,
    TARGET_SCHEMA,
    TOWNSHIP_SCHEMA,
    TRAINING_SCHEMA,
)
from analytics.domain import COUNTY_SCOPE
from data import native
from data.store import STORE_DIR, data_version, init_store, store_id

_HOUSEHOLD_PLACE = """
        JOIN household h ON h.id = {household}
        JOIN site s ON s.id = h.site_id
        JOIN building b ON b.id = h.building_id
        JOIN township t ON t.id = h.township_id"""

_QUERIES = {
    "subsidies": """
        SELECT sp.paid_on, sp.kind, sp.name, sp.id_number, sp.employer,
               sp.amount_fen / 100.0 AS amount, t.name AS township, s.name AS site, sp.note
        FROM subsidy_payment sp
        JOIN township t ON t.id = sp.township_id
        LEFT JOIN site s ON s.id = sp.site_id""",
    "postings": """
        SELECT j.posted_on, j.employer, j.title, j.work_place, t.name AS township, j.vacancies,
               j.wage_min, j.wage_max, j.skills, j.source
        FROM job_posting j LEFT JOIN township t ON t.id = j.township_id""",
    "training": """
        SELECT id_number, name, course, provider, start, "end", certified FROM training_record""",
    "targets": "SELECT year, metric, scope, target FROM target",
    "sites": """
        SELECT s.name AS site, t.name AS township, s.lon, s.lat, s.planned_buildings,
               s.planned_households
        FROM site s LEFT JOIN township t ON t.id = s.township_id""",
    "buildings": """
        SELECT s.name AS site, b.name AS building, b.captain, b.department, b.captain_phone
        FROM building b JOIN site s ON s.id = b.site_id""",
    "townships": "SELECT name AS township, boundary FROM township",
    "notes": """
        SELECT n.noted_on, t.name AS township, s.name AS site, b.name AS building, h.room,
               h.code AS household, h.head_name, n.author, n.text, n.next_step,
               ib.created_at AS recorded_at, ib."user", n.batch_id
        FROM follow_up_note n
        JOIN import_batch ib ON ib.id = n.batch_id"""
    + _HOUSEHOLD_PLACE.format(household="n.household_id"),
    "edits": """
        SELECT ib.created_at AS edited_at, ib."user", e.month, t.name AS township,
               s.name AS site, b.name AS building, h.room, p.id_number, p.name, e.field,
               e.old_value, e.new_value, e.batch_id
        FROM labour_edit e
        JOIN import_batch ib ON ib.id = e.batch_id
        JOIN person p ON p.id = e.person_id
        JOIN labour_record r ON r.person_id = e.person_id AND r.month = e.month"""
    + _HOUSEHOLD_PLACE.format(household="r.household_id"),
    # The state's last change from the history: an undone change's rows are gone with it.
    "case_work": """
        SELECT w.kind, w.rule, w.subject, w.period, w.state, w.owner, w.due, w.note, w.township,
               w.site, w.building, ib.created_at AS changed_at, ib."user" AS changed_by,
               (SELECT MAX(sb.created_at) FROM case_change c
                JOIN import_batch sb ON sb.id = c.batch_id
                WHERE c.kind = w.kind AND c.rule = w.rule AND c.subject = w.subject
                  AND c.period = w.period AND c.field = 'state') AS state_changed_at,
               w.batch_id
        FROM case_work w
        JOIN import_batch ib ON ib.id = w.batch_id""",
    "batches": """
        SELECT id, created_at, "user", source, files, formats, months, rows_read, rows_imported,
               rows_replaced, rows_rejected, note, undone_by
        FROM import_batch""",
}

_SCHEMAS = {
    "labour": LABOUR_SCHEMA,
    "subsidies": SUBSIDY_SCHEMA,
    "postings": POSTING_SCHEMA,
    "training": TRAINING_SCHEMA,
    "targets": TARGET_SCHEMA,
    "sites": SITE_SCHEMA,
    "buildings": BUILDING_SCHEMA,
    "townships": TOWNSHIP_SCHEMA,
    "notes": NOTE_SCHEMA,
    "edits": EDIT_SCHEMA,
    "case_work": CASE_WORK_SCHEMA,
    "batches": BATCH_SCHEMA,
}

# Frames built from the others, not read from the database: the household grain and the person
# counts of labour (`analytics.aggregates`), which the aggregate views read instead of the
# person rows.
_DERIVED = {"households": GRAIN_SCHEMA, "person_counts": PERSON_COUNT_SCHEMA}
# A snapshot's files: the frames read from the store, then those built from them.
_SNAPSHOT_FRAMES = (*_SCHEMAS, *_DERIVED)

# Sort orders make every frame deterministic, whatever the database returned.
_ORDER = {
    "labour": ["month", "site", "building", "room", "id_number"],
    "subsidies": ["paid_on", "kind", "township"],
    "postings": ["posted_on", "employer", "title"],
    "training": ["start", "id_number", "course"],
    "targets": ["year", "metric", "scope"],
    "sites": ["site"],
    "buildings": ["site", "building"],
    "townships": ["township"],
    "notes": ["noted_on", "batch_id"],
    "edits": ["batch_id", "id_number", "field"],
    "case_work": ["kind", "rule", "subject", "period"],
    "batches": ["id"],
}


@dataclass(frozen=True)
class Scope:
    """What a viewer may see: the whole county, or some townships, sites and buildings.

    `Scope()` sees nothing.
    """

    county: bool = False
    townships: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()
    buildings: frozenset[tuple[str, str]] = frozenset()  # (site, building)

    @classmethod
    def whole_county(cls) -> Scope:
        return cls(county=True)

    @property
    def is_empty(self) -> bool:
        return not (self.county or self.townships or self.sites or self.buildings)

    def contains(self, township: str | None, site: str | None, building: str | None) -> bool:
        """Whether a record at this place (township of origin, site, building) lies in scope."""
        return (
            self.county
            or township in self.townships
            or site in self.sites
            or (site, building) in self.buildings
        )

    def place_filter(self) -> pl.Expr:
        """True for rows whose township, site or (site, building) lies in the scope."""
        if self.county:
            return pl.lit(True)
        expr = pl.lit(False)
        if self.townships:
            expr = expr | pl.col("township").is_in(sorted(self.townships))
        if self.sites:
            expr = expr | pl.col("site").is_in(sorted(self.sites))
        if self.buildings:
            keys = sorted(f"{s}|{b}" for s, b in self.buildings)
            expr = expr | pl.concat_str("site", "building", separator="|").is_in(keys)
        return expr


class LabourMonths:
    """A snapshot's labour, read when asked: a file per month in `folder`, and the rows of a
    scope alone when `where` is given. Every month at once (`frame`) is read once and kept."""

    def __init__(self, folder: Path, where: pl.Expr | None = None) -> None:
        try:
            paths = sorted(folder.iterdir())
        except FileNotFoundError as gone:
            raise _Vanished(folder.parent.name) from gone
        self.folder = folder
        # By month: a file's name is its month, so the names' order is the months'.
        self.files = {date.fromisoformat(p.stem): p for p in paths if p.suffix == ".parquet"}
        self.where = where
        self._frame: pl.DataFrame | None = None
        self._lock = threading.Lock()

    @property
    def months(self) -> tuple[date, ...]:
        """The months with records (before any `where`), oldest first."""
        return tuple(self.files)

    @property
    def loaded(self) -> bool:
        """Whether every month is in memory (`frame` was asked for)."""
        return self._frame is not None

    def narrowed(self, where: pl.Expr) -> LabourMonths:
        """The same files, only the rows where `where` holds too."""
        cut = LabourMonths.__new__(LabourMonths)
        cut.folder, cut.files, cut._frame = self.folder, self.files, None
        cut._lock = threading.Lock()
        cut.where = where if self.where is None else self.where & where
        return cut

    def scan(self, months: Sequence[date] | None = None) -> pl.LazyFrame:
        """The rows of `months` (every month when None), in the labour frame's order: only
        their files are opened, and `where` is pushed down into the scan."""
        if months is None:
            files = list(self.files.values())
        else:
            wanted = {month.replace(day=1) for month in months}
            files = [path for month, path in self.files.items() if month in wanted]
        if not files:
            return pl.LazyFrame(schema=LABOUR_SCHEMA)
        rows = pl.scan_parquet(files, hive_partitioning=False)
        return rows if self.where is None else rows.filter(self.where)

    def frame(self) -> pl.DataFrame:
        with self._lock:  # sessions share the frames: one read, not one per session
            if self._frame is None:
                self._frame = self.scan().collect()
            return self._frame


class _Labour:
    """`Frames.labour`: a frame, or a snapshot's `LabourMonths` read on first access."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, frames: Frames | None, owner: type | None = None) -> pl.DataFrame:
        if frames is None:
            raise AttributeError("labour")  # no default: `dataclass` asks the class for one
        value = frames.__dict__[self.slot]
        return value.frame() if isinstance(value, LabourMonths) else value

    def __set__(self, frames: Frames, value: pl.DataFrame | LabourMonths) -> None:
        frames.__dict__[self.slot] = value


@dataclass(frozen=True)
class Frames:
    """The store as polars frames. Column names and types: `analytics.columns`, and the
    aggregates `analytics.aggregates.GRAIN_SCHEMA` and `PERSON_COUNT_SCHEMA`.

    `labour` may be given as a snapshot's `LabourMonths`: it is then read on first access, and
    `labour_slice` reads only the months asked for.
    """

    labour: pl.DataFrame = _Labour()  # type: ignore[assignment]
    subsidies: pl.DataFrame
    postings: pl.DataFrame
    training: pl.DataFrame
    targets: pl.DataFrame
    sites: pl.DataFrame
    buildings: pl.DataFrame
    townships: pl.DataFrame
    notes: pl.DataFrame
    edits: pl.DataFrame
    case_work: pl.DataFrame
    batches: pl.DataFrame
    # The household grain of `labour`; built from it when not given. Whoever replaces labour
    # replaces this too (`dataclasses.replace` would keep the old one).
    households: pl.DataFrame | None = None
    # The person counts of `labour`; the same holds.
    person_counts: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.households is None:
            object.__setattr__(self, "households", household_grain(self.labour))
        if self.person_counts is None:
            object.__setattr__(self, "person_counts", person_counts(self.labour))

    @classmethod
    def empty(cls) -> Frames:
        return cls(**{name: pl.DataFrame(schema=schema) for name, schema in _SCHEMAS.items()})

    @property
    def has_labour(self) -> bool:
        """Whether there is any labour row, told by the household grain (a row for every
        household-month with people) without reading the person rows."""
        return not self.households.is_empty()

    @property
    def snapshot(self) -> Path | None:
        """The snapshot folder these frames are the whole of (None: a scope's cut, or frames
        not read from one): what is worked out of them may be kept beside them."""
        source = self.__dict__["_labour"]
        if isinstance(source, LabourMonths) and source.where is None:
            return source.folder.parent
        return None

    @property
    def labour_loaded(self) -> bool:
        """Whether every person-month is in memory (read from the store, or `labour` asked)."""
        source = self.__dict__["_labour"]
        return not isinstance(source, LabourMonths) or source.loaded

    def labour_scan(self) -> pl.LazyFrame:
        """Every labour row, lazily: a query of a few columns or rows reads only those (from
        the snapshot's files while `labour` is not in memory)."""
        source = self.__dict__["_labour"]
        if isinstance(source, LabourMonths) and not source.loaded:
            return source.scan()
        return self.labour.lazy()

    def labour_slice(
        self,
        months: Sequence[date] | None,
        where: pl.Expr | None = None,
        columns: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """The labour rows of `months` (every month when None) where `where` holds, `columns`
        of them (all when None): `labour.filter(...)` to the row, in its order and types, read
        from the snapshot's files of those months alone while `labour` is not in memory."""
        source = self.__dict__["_labour"]
        if isinstance(source, LabourMonths) and not source.loaded:
            rows = source.scan(months)
        else:
            rows = self.labour.lazy()
            if months is not None:
                wanted = pl.Series([m.replace(day=1) for m in months], dtype=pl.Date())
                rows = rows.filter(pl.col("month").is_in(wanted.implode()))
        if where is not None:
            rows = rows.filter(where)
        if columns is not None:
            rows = rows.select(columns)
        return rows.collect()

    def scoped(self, scope: Scope) -> Frames:
        """The frames cut to `scope`: only rows inside it remain."""
        if scope.county:
            return self
        if scope.is_empty:
            return Frames.empty()
        source = self.__dict__["_labour"]
        if isinstance(source, LabourMonths) and not source.loaded:
            # Still unread: the cut too, and of its people and places only what the other
            # frames' cuts need, without holding every month of them.
            labour: pl.DataFrame | LabourMonths = source.narrowed(scope.place_filter())
            seen = (
                labour.scan()
                .select("id_number", "household", "township", "site", "building")
                .unique()
                .collect(engine="streaming")
            )
        else:
            labour = seen = self.labour.filter(scope.place_filter())
        people = seen.get_column("id_number").unique()
        places = seen.select("township", "site", "building").unique()
        # A payment lies in scope by its place; below site level (buildings only) by its payee.
        subsidies = self.subsidies.filter(
            (scope.place_filter() if not scope.buildings else pl.lit(False))
            | pl.col("id_number").is_in(people.implode())
        )
        sites = self.sites.filter(
            pl.col("site").is_in(places.get_column("site").unique().implode())
            | pl.col("site").is_in(sorted(scope.sites))
        )
        buildings = self.buildings.filter(
            _in_places(places) | pl.col("site").is_in(sorted(scope.sites))
        )
        scope_names = sorted(scope.townships | scope.sites)
        return dataclasses.replace(
            self,
            labour=labour,
            households=self.households.filter(scope.place_filter()),
            person_counts=self.person_counts.filter(scope.place_filter()),
            subsidies=subsidies,
            training=self.training.filter(pl.col("id_number").is_in(people.implode())),
            # The county's targets too: public policy, the standard every place is held to.
            targets=self.targets.filter(pl.col("scope").is_in([*scope_names, COUNTY_SCOPE])),
            sites=sites,
            buildings=buildings,
            townships=self.townships.filter(
                pl.col("township").is_in(places.get_column("township").unique().implode())
                | pl.col("township").is_in(sorted(scope.townships))
            ),
            # Job postings are public notices, not personal data: every scope matches against them.
            postings=self.postings,
            notes=self.notes.filter(scope.place_filter()),
            edits=self.edits.filter(scope.place_filter()),
            case_work=_case_work_in(self.case_work, scope, seen),
            batches=self.batches.clear(),
        )


def _case_work_in(case_work: pl.DataFrame, scope: Scope, labour: pl.DataFrame) -> pl.DataFrame:
    """The stored case states a scope may see: of subjects at its places when written, or of its
    people and households now (`labour`: the scope's labour rows, or their id_number and
    household columns). Audit cases only for a scope of townships (township officers):
    a captain's scope of sites and buildings gets households and people alone.
    """
    people = labour.get_column("id_number").unique().implode()
    households = labour.get_column("household").unique().implode()
    mine = (
        scope.place_filter()
        | ((pl.col("kind") == KIND_HOUSEHOLD) & pl.col("subject").is_in(households))
        | ((pl.col("kind") != KIND_HOUSEHOLD) & pl.col("subject").is_in(people))
    )
    if not scope.townships:
        mine = mine & (pl.col("kind") != KIND_AUDIT)
    return case_work.filter(mine)


def _in_places(places: pl.DataFrame) -> pl.Expr:
    keys = places.select(pl.concat_str("site", "building", separator="|")).to_series().unique()
    return pl.concat_str("site", "building", separator="|").is_in(keys.implode())


def _cast(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """`frame` with exactly `schema`'s columns and types.

    SQLite hands dates back as text and booleans as integers; PostgreSQL returns them typed.
    """
    if frame.is_empty():
        return pl.DataFrame(schema=schema)
    columns = []
    for column, dtype in schema.items():
        expr = pl.col(column)
        source = frame.schema[column]
        if dtype == pl.Date() and source == pl.String():
            expr = expr.str.slice(0, 10).str.to_date("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime) and source == pl.String():
            expr = expr.str.to_datetime(time_unit="us", time_zone=dtype.time_zone)
        elif dtype == pl.Boolean() and source != pl.Boolean():
            expr = expr.cast(pl.Int8).cast(pl.Boolean)
        columns.append(expr.cast(dtype).alias(column))
    return frame.select(columns)


def _query(conn: Connection, sql: str) -> pl.DataFrame:
    return pl.read_database(sql, conn, infer_schema_length=None)


def _query_columnar(conn: Connection, sql: str, ids: tuple[int, int] | None = None) -> pl.DataFrame:
    """`sql`'s rows inside this connection's transaction, a slice at a time: a province's 26
    million labour records as Python objects at once would not fit in memory (a county's 1.16
    million took 3 GiB so). `ids` is for `Query`'s sake: this reader has no threads to split it.

    Not connectorx or ADBC here: on SQLite they bring their own copy of SQLite, which in one
    process with Python's can drop the other copy's file locks (hence `data.native`'s child
    process); on PostgreSQL they would read outside this transaction and without the engine's
    connect arguments.
    """
    parts = list(
        pl.read_database(sql, conn, iter_batches=True, batch_size=_SLICE, infer_schema_length=None)
    )
    return pl.concat(parts, how="vertical_relaxed") if parts else _query(conn, sql)


_SLICE = 200_000  # rows at a time from SQLite
_IDS = 1_000_000  # labour records a query, at most


# Millions of rows at province scale: read by connectorx in a child process (`data.native`)
# when the store is a big SQLite file, several times faster than sqlite3 here.
_BIG_FRAMES = ("labour", "subsidies")


def _read_frames(
    conn: Connection,
    names: list[str],
    after_batch: int | None = None,
    snapshot: Path | None = None,
) -> dict[str, pl.DataFrame]:
    """The frames `names`, sorted in `_ORDER`; of labour only the records written by batches
    after `after_batch` when it is given. A big frame read natively leaves its file in
    `snapshot`, when given (`_write_snapshot` then keeps it).

    A small store is read here, where starting a process would cost more than it saves.
    """
    big = [name for name in names if name in _BIG_FRAMES]
    database = _native_file(conn, big, after_batch)
    read: dict[str, pl.DataFrame] = {}
    if database is not None:
        version = data_version(conn.engine, conn)
        try:
            read = native.read_frames(database, version, big, after_batch, into=snapshot) or {}
        except RuntimeError as failed:
            # Slower, never wrong: a viewer waits longer instead of seeing no data.
            logging.getLogger(__name__).warning("%s; reading by sqlite3 instead", failed)
    query = functools.partial(_query_columnar, conn)
    return {name: read[name] if name in read else _read(query, name, after_batch) for name in names}


def _native_file(conn: Connection, big: list[str], after_batch: int | None) -> Path | None:
    """The SQLite file to read natively, when the big frames asked for are worth it."""
    database = conn.engine.url.database
    if conn.dialect.name != "sqlite" or not database or database == ":memory:" or not big:
        return None
    counts = {
        # Ids, not counts, where a count would scan the table: gaps only overstate.
        "labour": "SELECT MAX(id) FROM labour_record"
        if after_batch is None
        else f"SELECT COUNT(*) FROM labour_record WHERE batch_id > {int(after_batch)}",
        "subsidies": "SELECT MAX(id) FROM subsidy_payment",
    }
    rows = sum(conn.execute(text(counts[name])).scalar() or 0 for name in big)
    return Path(database) if rows >= native.NATIVE_ROWS else None


def _read(query: Query, name: str, after_batch: int | None = None) -> pl.DataFrame:
    """One frame through `query`: sqlite3 or psycopg here, connectorx in `data.native`."""
    if name == "labour":
        return _labour_from(query, after_batch)  # sorted as it is read
    frame = _cast(query(_QUERIES[name]), _SCHEMAS[name])
    return frame.sort(_ORDER[name], nulls_last=True)


# Where a labour frame's columns come from: the person, the household and its places, the record.
_PERSON = ("id_number", "name", "gender", "birth_date")
_HOUSEHOLD = ("household", "unit", "room", "head_name", "site", "building", "township", "village")
_RECORD = tuple(c for c in LABOUR_SCHEMA if c not in _PERSON + _HOUSEHOLD)

# SQL → frame; `ids`: the query reads the labour records with ids in that range (a reader may
# split it between threads).
Query = Callable[..., pl.DataFrame]


def _labour_from(query: Query, after_batch: int | None) -> pl.DataFrame:
    """The labour frame through `query`: sqlite3 or psycopg here, connectorx in `data.native`.

    The big table is read flat and joined here (a join inside SQLite costs several index look-ups
    per record and was four times slower than polars), a million records at a time, each slice
    typed at once: a province's 26 million records as text would need three times the memory.
    People and households are typed before the join, so it copies 4-byte category codes.
    """
    # After a batch: only the people and households of the records it wrote.
    written = f"SELECT {{}} FROM labour_record WHERE batch_id > {after_batch}"
    people = query(
        f"SELECT id AS person_id, {', '.join(_PERSON)} FROM person"
        + ("" if after_batch is None else f" WHERE id IN ({written.format('person_id')})"),
    )
    households = query(
        """SELECT h.id AS household_id, h.code AS household, h.unit, h.room, h.head_name,
                  s.name AS site, b.name AS building, t.name AS township, v.name AS village
           FROM household h
           JOIN site s ON s.id = h.site_id
           JOIN building b ON b.id = h.building_id
           JOIN township t ON t.id = h.township_id
           LEFT JOIN village v ON v.id = h.village_id"""
        + ("" if after_batch is None else f" WHERE h.id IN ({written.format('household_id')})"),
    )
    people = _cast(people, {"person_id": pl.Int64(), **_labour_types(_PERSON)})
    households = _cast(households, {"household_id": pl.Int64(), **_labour_types(_HOUSEHOLD)})
    columns = ", ".join(c for c in _RECORD if c != "month")
    select = f"SELECT id, person_id, household_id, month, {columns} FROM labour_record WHERE "
    if after_batch is None:
        # Never NULL: connectorx cannot type a NULL it computed (no records: an empty range).
        first, last = query(
            "SELECT COALESCE((SELECT MIN(id) FROM labour_record), 0) AS first,"
            " COALESCE((SELECT MAX(id) FROM labour_record), -1) AS last"
        ).row(0)
        # Slices of the id (rowid) range: a scan in storage order, where a month's slice went
        # through the month index (a look-up per record, twice as slow).
        slices = [
            (select + f"id BETWEEN {low} AND {low + _IDS - 1}", (low, low + _IDS - 1))
            for low in range(first, last + 1, _IDS)
        ]
    else:
        # One query on the batch index (asking for its months first scanned the whole table).
        slices = [(select + f"batch_id > {int(after_batch)}", None)]
    record_types = {"person_id": pl.Int64(), "household_id": pl.Int64(), **_labour_types(_RECORD)}
    parts = []
    for sql, ids in slices:
        records = query(sql, ids=ids)
        if records.is_empty():
            continue
        parts.append(
            _cast(records, record_types)
            .join(people, on="person_id", how="left")
            .join(households, on="household_id", how="left")
            .select(list(LABOUR_SCHEMA))
        )
    if not parts:
        return pl.DataFrame(schema=LABOUR_SCHEMA)
    return pl.concat(parts).sort(_ORDER["labour"], nulls_last=True)


def _labour_types(columns: tuple[str, ...]) -> dict[str, pl.DataType]:
    return {c: LABOUR_SCHEMA[c] for c in columns}


def _snapshot_dir(engine: Engine, conn: Connection) -> Path:
    """Where this store's snapshots live: beside a SQLite file, else under FRAMES_CACHE_DIR."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        return Path(f"{engine.url.database}.frames")
    root = Path(os.environ.get("FRAMES_CACHE_DIR") or STORE_DIR / "frames")
    return root / store_id(conn)


def snapshot_ready(engine: Engine) -> bool:
    """Whether the store's current data version has its snapshot: its next load reads Parquet."""
    with engine.connect() as conn:
        version = data_version(engine, conn)
        return (_snapshot_dir(engine, conn) / _snapshot_name(version)).is_dir()


def load_frames(engine: Engine) -> Frames:
    """The whole store as frames, from a Parquet snapshot of its current data version.

    The first load of a version reads the database and writes the snapshot; every later load,
    in any process, reads Parquet (a fraction of a second where the database takes seconds).
    """
    init_store(engine)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "sqlite":
                # Python's sqlite3 begins no transaction for SELECTs: each would read the store
                # as it is at that moment, and an import committed between two of them would
                # put its rows in the snapshot of the version before it.
                conn.exec_driver_sql("BEGIN")
            # Version and tables come from one read transaction, so they always agree.
            version = data_version(engine, conn)
            folder = _snapshot_dir(engine, conn)
            name = _snapshot_name(version)
            if (folder / name).is_dir():
                try:
                    return _read_snapshot(folder / name)
                except _Vanished:
                    pass  # cleaned up under us by a writer of newer versions: read it again
            folder.mkdir(parents=True, exist_ok=True)
            partial = Path(tempfile.mkdtemp(prefix=_partial_prefix(name), dir=folder))
            try:
                frames = _patched(conn, folder, version, partial) or Frames(
                    **_read_frames(conn, list(_SCHEMAS), snapshot=partial)
                )
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
    return _write_snapshot(frames, folder, name, partial)


# Read again after any write: they are small, and notes are not in the batch log.
_SMALL_FRAMES = ("notes", "edits", "case_work", "batches")
# Changes a patch cannot show: an undo may delete any row, and a person's or household's new
# name, room or head would have to reach every month of their labour records.
_UNPATCHABLE = """
    SELECT 1 FROM import_batch b LEFT JOIN batch_change c ON c.batch_id = b.id
    WHERE b.id > {base} AND (b.source = 'undo'
        OR (c.table_name IN ('person', 'household') AND c.action = 'update')
        OR (c.table_name IN ('township', 'village', 'site', 'building', 'household', 'person')
            AND c.action = 'delete'))
    LIMIT 1"""


class _Vanished(Exception):
    """A snapshot folder went while it was being read (a newer version's clean-up)."""


def _read_snapshot(snapshot: Path) -> Frames:
    """The snapshot's frames; its labour read when asked (`LabourMonths`)."""
    try:
        return Frames(
            labour=LabourMonths(snapshot / LABOUR_DIR),
            **{
                name: pl.read_parquet(snapshot / f"{name}.parquet")
                for name in _SNAPSHOT_FRAMES
                if name != "labour"
            },
        )
    except FileNotFoundError as gone:
        raise _Vanished(snapshot.name) from gone


def _snapshots(folder: Path) -> dict[int, Path]:
    """The finished snapshots in `folder` of this release's schemas, by data version."""
    versions = {}
    if folder.is_dir():
        for path in folder.iterdir():
            version, _, fingerprint = path.name.removeprefix("v").partition("-")
            if version.isdigit() and path.name == _snapshot_name(int(version)):
                versions[int(version)] = path
    return versions


def _patched(conn: Connection, folder: Path, version: int, partial: Path) -> Frames | None:
    """The previous snapshot brought up to date with the labour records written since.

    Status updates, notes and imports that add or replace labour records (a new month, a month
    again) then cost the records they wrote instead of a full re-read of the store: a captain's
    saved update shows within a second, and a province's new month in seconds, not minutes.
    None when there is no previous snapshot, or a change since is one a patch cannot show.

    Only a snapshot of `version` (the transaction's) or older is a base: another process may
    already have written a newer one, whose rows this transaction cannot see.

    Labour goes into `partial` a month at a time: the months written anew, the others linked
    to the base's files; no month but those written is read.
    """
    for _ in range(_READ_AGAIN):
        older = [v for v in _snapshots(folder) if v <= version]
        if not older:
            return None
        base = max(older)
        if not _query(conn, _UNPATCHABLE.format(base=base)).is_empty():
            return None
        try:
            old = _read_snapshot(folder / _snapshot_name(base))
        except _Vanished:
            continue  # cleaned up while read: take the newest base left
        written = ["labour", *sorted(_frames_written(conn, base))]
        again = _read_frames(conn, written, after_batch=base)
        records = again.pop("labour")
        try:
            labour, households, counts = _patched_labour(old, records, partial / LABOUR_DIR)
        except _Vanished:
            continue
        return dataclasses.replace(
            old, labour=labour, households=households, person_counts=counts, **again
        )
    return None


def _patched_labour(
    old: Frames, records: pl.DataFrame, into: Path
) -> tuple[LabourMonths, pl.DataFrame, pl.DataFrame]:
    """`old`'s labour with `records` written into `into` (a file per month), and its grain and
    person counts."""
    source: LabourMonths = old.__dict__["_labour"]
    months = sorted(records.get_column("month").unique())
    # The months written, as they were, and the last month: all that `_households_with` and
    # `_person_counts_with` read of the old labour (whether the records are of new months; the
    # months built again).
    last = source.months[-1:]
    before = source.scan([*months, *last]).collect()
    touched = pl.col("month").is_in(pl.Series(months, dtype=pl.Date()).implode())
    now = _with_records(before.filter(touched), records)
    seen = dataclasses.replace(old, labour=before)
    households = _households_with(seen, now, records)
    counts = _person_counts_with(seen, now, records)
    try:
        into.mkdir()
        for month, path in source.files.items():
            if month not in months:
                _link(path, into / path.name)
        _write_months(now, into)
    except FileNotFoundError as gone:
        shutil.rmtree(into, ignore_errors=True)  # the next base starts again
        raise _Vanished(source.folder.parent.name) from gone
    return LabourMonths(into), households, counts


def _link(source: Path, target: Path) -> None:
    """`target` as the same file as `source`: a month unchanged costs no copy, no disk."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:  # a file system without hard links, or another device
        shutil.copy2(source, target)


_READ_AGAIN = 3  # bases tried by `_patched` before reading the whole store


# The frames a ledger format writes besides labour; new places (a township, site or building
# first seen in a labour ledger) reach the place frames too.
_FORMAT_FRAMES = {
    "subsidies": ("subsidies",),
    "postings": ("postings",),
    "training": ("training",),
    "targets": ("targets",),
    "sites": ("sites", "buildings", "townships"),
    "captains": ("sites", "buildings", "townships"),
    "boundaries": ("townships",),
}
_PLACE_FRAMES = ("sites", "buildings", "townships", "subsidies", "postings")


def _frames_written(conn: Connection, base: int) -> set[str]:
    """The frames other than labour that batches after `base` may have changed: read again,
    the others kept (a province's month must not re-read its millions of payments)."""
    formats = _query(conn, f"SELECT formats FROM import_batch WHERE id > {base}")
    written = set(_SMALL_FRAMES)
    for listed in formats.get_column("formats").drop_nulls():
        for fmt in listed.split(","):
            written.update(_FORMAT_FRAMES.get(fmt, ()))
    places = _query(
        conn,
        f"""SELECT 1 FROM batch_change WHERE batch_id > {base} AND action = 'insert'
            AND table_name IN ('township', 'village', 'site', 'building') LIMIT 1""",
    )
    if not places.is_empty():
        written.update(_PLACE_FRAMES)
    return written


def _households_with(old: Frames, labour: pl.DataFrame, written: pl.DataFrame) -> pl.DataFrame:
    """The household grain of `labour`, which is `old.labour` with the records `written`: only
    the months written are built, the others kept (a province's month costs that month)."""
    if written.is_empty():
        return old.households
    if _new_months(old.labour, written):
        return extend_grain(old.households, written)
    return regrain_months(old.households, labour, written.get_column("month").unique().to_list())


def _person_counts_with(old: Frames, labour: pl.DataFrame, written: pl.DataFrame) -> pl.DataFrame:
    """The person counts of `labour`, built as `_households_with` builds the grain."""
    if written.is_empty():
        return old.person_counts
    if _new_months(old.labour, written):
        return extend_person_counts(old.person_counts, written)
    return recount_months(old.person_counts, labour, written.get_column("month").unique().to_list())


def _new_months(labour: pl.DataFrame, written: pl.DataFrame) -> bool:
    """Whether every record `written` is of a month after all of `labour`'s."""
    return labour.is_empty() or labour.get_column("month").max() < written.get_column("month").min()


def _with_records(labour: pl.DataFrame, written: pl.DataFrame) -> pl.DataFrame:
    """`labour` with `written` in place of the records of the same person and month."""
    if written.is_empty():
        return labour
    if _new_months(labour, written):
        # A new month: appended as it is, without copying the months before it (10 GiB at
        # province scale).
        return pl.concat([labour, written])
    keys = ["id_number", "month"]
    touched = pl.col("month").is_in(written.get_column("month").unique().implode())
    months = pl.concat(
        [labour.filter(touched).join(written.select(keys), on=keys, how="anti"), written]
    ).sort(_ORDER["labour"], nulls_last=True)
    # Only the months written are sorted again; the others keep their order (month comes first).
    return pl.concat([labour.filter(~touched), months]).sort("month", maintain_order=True)


def _snapshot_name(version: int) -> str:
    # The schemas and the files' layout are part of the name: a release that changes a frame
    # or how it is kept never reads an old one.
    schemas = {**_SCHEMAS, **_DERIVED}
    layout = (_LAYOUT, sorted(schemas.items()))
    fingerprint = hashlib.sha256(repr(layout).encode()).hexdigest()[:8]
    return f"v{version}-{fingerprint}"


# A snapshot's labour: a folder of one file per month, named by the month (2020-12-01.parquet).
# Files named by month, not Hive folders (month=2020-12-01/): the month stays a column of the
# file with its own type, no path is parsed back into one, and the names sort as the months.
LABOUR_DIR = "labour"
_LAYOUT = "labour: a file per month"


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    """One frame of a snapshot."""
    # lz4, not the default zstd: every cold start reads it, and reads a fifth faster.
    frame.write_parquet(path, compression="lz4")


def write_labour(labour: pl.DataFrame, folder: Path) -> None:
    """A labour frame (sorted by month) as the snapshot's `folder` of a file per month. Written
    beside it, then renamed: the folder is there whole or not at all."""
    staging = folder.with_name(f"{folder.name}.writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    _write_months(labour, staging)
    staging.rename(folder)


def _write_months(labour: pl.DataFrame, folder: Path) -> None:
    for month, rows in _by_month(labour):
        write_frame(rows, folder / f"{month.isoformat()}.parquet")


def _by_month(labour: pl.DataFrame) -> Iterator[tuple[date, pl.DataFrame]]:
    """Each month's rows of a frame sorted by month: slices of it, not copies."""
    offset = 0
    for run in labour.get_column("month").rle().to_list():
        yield run["value"], labour.slice(offset, run["len"])
        offset += run["len"]


def read_labour(folder: Path) -> pl.DataFrame:
    """Every month of a snapshot's labour folder, as one frame."""
    return LabourMonths(folder).frame()


# Finished snapshots kept, the newest included: a process still reading an older one (a page
# that began before the last writes) finds it there; one that loses it reads again. Each is a
# copy of the store's data (gigabytes at province scale), hence only a few.
KEEP_SNAPSHOTS = 3
# A half-written snapshot of a process on another machine (a shared FRAMES_CACHE_DIR) is left
# this long before it counts as abandoned.
_ABANDONED_SECONDS = 24 * 3600


def _partial_prefix(name: str) -> str:
    """A half-written snapshot's name begins with its writer: host and process id, so that the
    clean-up can tell whether its writer still runs."""
    return f"{name}.{os.getpid()}@{socket.gethostname()}."


def _write_snapshot(frames: Frames, folder: Path, name: str, partial: Path) -> Frames:
    """Write the snapshot into `partial` (beside the frames a native read or a patch left
    there), then rename it to `name`: readers never see half a one. Then clean up (`_clean`).

    The frames back, their labour read from the snapshot when asked: a process keeps every
    month in memory only while the snapshot cannot be written.
    """
    snapshot = folder / name
    try:
        for frame in _SNAPSHOT_FRAMES:
            if frame == "labour":
                if not (partial / LABOUR_DIR).is_dir():
                    write_labour(frames.labour, partial / LABOUR_DIR)
            elif not (partial / f"{frame}.parquet").exists():
                write_frame(getattr(frames, frame), partial / f"{frame}.parquet")
        partial.rename(snapshot)
    except OSError as failed:
        # Another process wrote the same version first (the name is taken), or the disk is
        # full: the frames in hand are right either way, and the next load tries again.
        if not snapshot.is_dir():
            logging.getLogger(__name__).warning("snapshot %s not written: %s", name, failed)
            frames.labour  # noqa: B018 (a patch's months are in `partial`: read before it goes)
        shutil.rmtree(partial, ignore_errors=True)
    _clean(folder)
    if not snapshot.is_dir():
        return frames
    try:
        labour = LabourMonths(snapshot / LABOUR_DIR)
    except _Vanished:
        return frames  # cleaned up already by a writer of newer versions
    return dataclasses.replace(frames, labour=labour, households=frames.households)


def _clean(folder: Path) -> None:
    """Delete what no process can still need: finished snapshots older than the newest
    `KEEP_SNAPSHOTS`, other releases' snapshots older than those, and half-written ones whose
    writer has stopped. A snapshot being written stays, and so do the ones a reader may be in.
    """
    ours = _snapshots(folder)
    kept = sorted(ours, reverse=True)[:KEEP_SNAPSHOTS]
    if not kept:
        return
    oldest_kept = kept[-1]
    for path in list(folder.iterdir()) if folder.is_dir() else []:
        version, _, rest = path.name.removeprefix("v").partition("-")
        if not version.isdigit():
            continue
        _fingerprint, dot, writer = rest.partition(".")
        if dot:
            old = not _writer_runs(path, writer)
        else:
            old = int(version) < oldest_kept and int(version) not in kept
        if old:
            shutil.rmtree(path, ignore_errors=True)


def _writer_runs(path: Path, writer: str) -> bool:
    """Whether the process that is writing the half-written snapshot `path` still runs."""
    pid, at, host = writer.rpartition(".")[0].partition("@")
    if not at or host != socket.gethostname() or not pid.isdigit():
        try:
            return time.time() - path.stat().st_mtime < _ABANDONED_SECONDS
        except FileNotFoundError:
            return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True
