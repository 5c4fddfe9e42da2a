"""The store: sqlmodel tables and the engine that `DATABASE_URL` picks.

Default: an embedded SQLite file under data/store/, created on first use. The same tables run on
PostgreSQL. Every write to the store is an `ImportBatch` (an import, the demo, an edit, a note), so
the largest batch id is the data version that caches key on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from functools import cache
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.schema import CreateColumn
from sqlmodel import Field, SQLModel, create_engine

STORE_DIR = Path(__file__).parent / "store"
DEFAULT_URL = f"sqlite:///{STORE_DIR / 'dashboard.sqlite'}"


class Township(SQLModel, table=True):
    """乡镇(街道): in the labour ledger, the township of origin."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    # GeoJSON geometry of the boundary, as text; None until a boundary file is imported.
    boundary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Village(SQLModel, table=True):
    """村(社区) of origin."""

    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id")
    name: str


class Site(SQLModel, table=True):
    """安置点: a resettlement site."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    township_id: int | None = Field(default=None, foreign_key="township.id")
    lon: float | None = None
    lat: float | None = None
    planned_buildings: int | None = None
    planned_households: int | None = None


class Building(SQLModel, table=True):
    """楼栋, with its employment captain (就业楼长) and paired department (包保单位)."""

    __table_args__ = (UniqueConstraint("site_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    name: str
    captain: str | None = None
    department: str | None = None
    captain_phone: str | None = None


class Household(SQLModel, table=True):
    """户: keyed by 户编号 when the ledger gives one, else by site + building + room."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    site_id: int = Field(foreign_key="site.id")
    building_id: int = Field(foreign_key="building.id", index=True)
    unit: str | None = None
    room: str
    head_name: str
    township_id: int = Field(foreign_key="township.id")
    village_id: int | None = Field(default=None, foreign_key="village.id")


class Person(SQLModel, table=True):
    """A person, identified by the 18-character ID number."""

    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(unique=True, max_length=18)
    name: str
    gender: str | None = None
    birth_date: dt.date | None = None


class LabourRecord(SQLModel, table=True):
    """One person in one reporting month: a row of the labour ledger (劳动力就业台账)."""

    __tablename__ = "labour_record"
    __table_args__ = (
        UniqueConstraint("person_id", "month"),
        Index("ix_labour_record_month_household", "month", "household_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    month: dt.date  # first day of the reporting month
    household_id: int = Field(foreign_key="household.id")
    relation: str | None = None
    education: str | None = None
    capacity: str
    status: str
    employment_type: str | None = None
    employer: str | None = None
    work_place: str | None = None
    monthly_income: float | None = None
    wish: str | None = None
    training_need: str | None = None
    two_after: bool | None = None
    three_no: bool | None = None
    monitoring: str | None = None
    phone: str | None = None
    batch_id: int = Field(foreign_key="import_batch.id", index=True)


class SubsidyPayment(SQLModel, table=True):
    """A row of a subsidy roster (补贴发放花名册): one payment to a person or an employer."""

    __tablename__ = "subsidy_payment"
    # A payment's identity (ledger-format.md), by which re-importing a roster replaces payments
    # instead of duplicating them: its voucher (凭证号) when the roster gives one; else the day,
    # the subsidy and the payee (`payee`: the ID number for a person, the employer's name for an
    # employer), and for an employer the township too, as one employer is paid for several
    # townships on one day. The importer applies it; these indexes keep what it implies.
    __table_args__ = (
        Index("ix_subsidy_payment_voucher", "voucher", unique=True),
        Index(
            "ix_subsidy_payment_payee",
            "kind",
            "paid_on",
            "payee",
            "township_id",
            unique=True,
            sqlite_where=text("voucher IS NULL"),
            postgresql_where=text("voucher IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    paid_on: dt.date = Field(index=True)
    kind: str
    payee: str
    name: str | None = None
    id_number: str | None = None
    employer: str | None = None
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))  # exact money: 分
    township_id: int = Field(foreign_key="township.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")
    note: str | None = None
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    voucher: str | None = None  # 凭证号, as the roster writes it


class JobPosting(SQLModel, table=True):
    """岗位信息: an open job posting."""

    __tablename__ = "job_posting"
    __table_args__ = (UniqueConstraint("posted_on", "employer", "title"),)
    id: int | None = Field(default=None, primary_key=True)
    posted_on: dt.date
    employer: str
    title: str
    work_place: str | None = None
    township_id: int | None = Field(default=None, foreign_key="township.id")
    vacancies: int
    wage_min: int | None = None
    wage_max: int | None = None
    skills: str | None = None
    source: str | None = None
    batch_id: int = Field(foreign_key="import_batch.id", index=True)


class TrainingRecord(SQLModel, table=True):
    """培训记录: one person on one course."""

    __tablename__ = "training_record"
    __table_args__ = (UniqueConstraint("id_number", "course", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    # Trainees need not be in the labour ledger, so the ID number is kept, not a person key.
    id_number: str = Field(max_length=18, index=True)
    name: str | None = None
    course: str
    provider: str | None = None
    start: dt.date
    end: dt.date | None = None
    certified: bool | None = None
    batch_id: int = Field(foreign_key="import_batch.id", index=True)


class Target(SQLModel, table=True):
    """年度目标: one target of one year for the county (范围 县) or a township or site."""

    __table_args__ = (UniqueConstraint("year", "metric", "scope"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    metric: str
    scope: str
    target: float
    batch_id: int = Field(foreign_key="import_batch.id", index=True)


class FollowUpNote(SQLModel, table=True):
    """跟进记录: what a building captain did for a household, and what comes next."""

    __tablename__ = "follow_up_note"
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    noted_on: dt.date  # the day it was done, as the captain gives it
    author: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    next_step: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    batch_id: int = Field(foreign_key="import_batch.id", index=True)


class LabourEdit(SQLModel, table=True):
    """One field of one labour record changed by hand: old and new value, as text.

    Who and when are on the batch; the record itself carries the new value and that batch id.
    """

    __tablename__ = "labour_edit"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    month: dt.date
    field: str  # the labour ledger column, e.g. status
    old_value: str | None = None
    new_value: str | None = None


class CaseWork(SQLModel, table=True):
    """工单: who works on one subject (an audit case, a zero-employment household, a jobless
    person wishing to work), by when, in which state, with what note.

    Keyed by what the subject is (kind, rule, ID number or household code, period), never by a
    ledger row, so that a state outlives the next month's import and any re-import. The place is
    the subject's as it was written, so that a scope can be cut without the ledger.
    """

    __tablename__ = "case_work"
    __table_args__ = (UniqueConstraint("kind", "rule", "subject", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # audit | household | person
    rule: str  # an audit rule's code, 零就业家庭 or 未就业有就业意愿
    subject: str  # ID number (audit, person) or household code (household)
    period: str = ""  # YYYY-MM or YYYY of an audit case; "" for households and people
    state: str
    owner: str | None = None  # a user name
    due: dt.date | None = None
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    township: str | None = None
    site: str | None = None
    building: str | None = None
    batch_id: int = Field(foreign_key="import_batch.id", index=True)


class CaseChange(SQLModel, table=True):
    """One field of one `CaseWork` changed: old and new value, as text (who and when: the batch)."""

    __tablename__ = "case_change"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    kind: str
    rule: str
    subject: str
    period: str = ""
    field: str  # owner | due | state | note
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ImportBatch(SQLModel, table=True):
    """One write to the store: who, when, what files, how many rows."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime
    user: str
    source: str  # import | demo | edit | note | case | undo
    files: str  # file names, one per line
    formats: str  # recognised ledger formats, comma-separated
    months: str | None = None  # reporting months touched, comma-separated YYYY-MM
    rows_read: int = 0
    rows_imported: int = 0
    rows_replaced: int = 0
    rows_rejected: int = 0
    note: str | None = None
    undone_by: int | None = None  # the undo batch that took this one back


class BatchChange(SQLModel, table=True):
    """What one batch overwrote, so that undoing it restores the store exactly.

    One row per batch, table and action; `rows` is a Parquet file of the affected rows: for
    `delete` and `update` the rows as they were before, for `insert` the new rows' ids.
    """

    __tablename__ = "batch_change"
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    table_name: str
    action: str  # insert | update | delete
    rows: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class UserAccount(SQLModel, table=True):
    """Someone who may sign in: a role, and for township officers and captains a scope."""

    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True)
    display_name: str
    role: str  # leader | analyst | township | captain | clerk | admin
    # argon2 hash; None for demo accounts, which sign in only by the demo buttons
    password_hash: str | None = None
    disabled: bool = False
    demo: bool = False
    created_at: dt.datetime
    password_changed_at: dt.datetime | None = None


class UserScope(SQLModel, table=True):
    """One place a user may see: a township, a site, or a building of a site."""

    __tablename__ = "user_scope"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    township: str | None = None
    site: str | None = None
    building: str | None = None


class UserSession(SQLModel, table=True):
    """A signed-in browser: the hash of the token its cookie holds, and when it lapses."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: dt.datetime
    last_seen: dt.datetime
    ended_at: dt.datetime | None = None


class SignInFailure(SQLModel, table=True):
    """One failed sign-in, kept only as long as the throttles look back (then deleted).

    The locks and the global limit count these, not the audit log: during a flood of failures
    the audit log lists the first ones and then one `sign_in_throttled` event, while every
    name, known or not, still locks the same way (so a lock says nothing about who exists).
    """

    __tablename__ = "sign_in_failure"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    username: str = Field(index=True)
    throttled: bool = False  # refused during a global throttle (not listed in the audit log)


class AuditEvent(SQLModel, table=True):
    """One thing done that is not a write to the data: sign-ins, exports, account changes.

    Writes to the data (imports, undo, status updates, notes) are their `ImportBatch`.
    """

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    username: str = Field(index=True)
    action: str
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AuditStandards(SQLModel, table=True):
    """The standards the compliance rules hold payments to, as an administrator saved them.

    One row per save, never updated: the latest row is in force (none: domain.md's defaults),
    and the rows before it are what earlier lists were made with. Money in fen, as payments.
    """

    __tablename__ = "audit_standards"
    id: int | None = Field(default=None, primary_key=True)
    saved_at: dt.datetime
    saved_by: str
    transport_per_year_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    living_per_payment_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    min_age: int
    max_age: int
    stable_months: int


class StoreInfo(SQLModel, table=True):
    """One row naming this store, so caches kept outside it never mix two stores up."""

    __tablename__ = "store_info"
    id: int = Field(default=1, primary_key=True)
    store_id: str


def database_url() -> str:
    """The store's URL: `DATABASE_URL`, else the SQLite file under data/store/."""
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _private_sqlite_file(path: Path) -> None:
    """Create the SQLite file readable by this user only (0600; a folder made for it 0700).

    SQLite gives the -wal and -shm files the mode of the database file, so they follow; the
    frames snapshots are 0700 folders (mkdtemp). A store made by an earlier release (0644) is
    narrowed here too. A folder that existed before (say /srv) is left as it is, except
    data/store/, which is the app's own.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    elif folder.resolve() == STORE_DIR.resolve():
        _narrow(folder, 0o700)
    if not path.exists():
        # O_EXCL: a file another process created a moment ago is narrowed below instead.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        _narrow(file, 0o600)


def _narrow(path: Path, mode: int) -> None:
    """Take group and other permissions away from `path`, when it is there and ours."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return
    if stat.st_uid == os.getuid() and stat.st_mode & 0o077:
        path.chmod(mode)


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: `database_url()` at each call), one per URL per process."""
    return _engine(url or database_url())


@cache
def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        _private_sqlite_file(Path(url.removeprefix("sqlite:///")))
        # No cap on connections: a SQLite connection is a file handle, and a worker's 100
        # sessions each holding one for a moment outran the default 5 + 10 under load (a page
        # failed after waiting 30 s for one). Writers still take turns by the write lock.
        engine = create_engine(url, connect_args={"timeout": 60}, max_overflow=-1)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def init_store(engine: Engine) -> None:
    """Create the tables and columns that do not exist yet, and name the store.

    Never touches existing data: a store made by an earlier release gains the new tables and the
    new (nullable) columns, and keeps every row.
    """
    SQLModel.metadata.create_all(engine)
    _add_missing_columns(engine)
    with engine.connect() as conn:
        if conn.execute(select(StoreInfo.store_id)).scalar() is not None:
            return
    try:
        with engine.begin() as conn:
            conn.execute(insert(StoreInfo).values(id=1, store_id=uuid.uuid4().hex))
    except IntegrityError:  # another process named it at the same moment
        pass


def _missing_columns(conn: Connection) -> list[Column]:
    stored = inspect(conn).get_multi_columns()
    present = {table: {c["name"] for c in columns} for (_, table), columns in stored.items()}
    return [
        column
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if column.name not in present.get(table.name, {column.name})
    ]


_UPGRADE_LOCK = 0x1E0B_5707  # pg_advisory_xact_lock key: one process upgrades a store


def _add_missing_columns(engine: Engine) -> None:
    """A table made by an earlier release gets its new columns and their indexes, and loses the
    unique constraints that no longer hold (`_RETIRED_UNIQUES`), keeping every row.

    Every start checks the columns, nothing more; a store short of one is upgraded in one
    transaction under a lock (SQLite's write lock, a PostgreSQL advisory lock), and looked at
    again under it, so that two processes starting at once upgrade it once.
    """
    with engine.connect() as conn:
        if not _missing_columns(conn):
            return
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # pysqlite runs DDL outside any transaction
        else:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
        missing = _missing_columns(conn)
        tables = {c.table.name for c in missing}
        for table, name in _retired_uniques(conn, tables):
            # SQLite cannot drop a constraint: the table is made anew, its rows copied over.
            if sqlite:
                _rebuild_sqlite_table(conn, table)
            else:
                conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        missing = _missing_columns(conn)  # a table made anew has them all
        for column in missing:
            ddl = CreateColumn(column).compile(dialect=engine.dialect)
            conn.execute(text(f"ALTER TABLE {column.table.name} ADD COLUMN {ddl}"))
        # `create_all` makes a table's indexes only with the table.
        for table in dict.fromkeys(c.table for c in missing):
            for index in table.indexes:
                index.create(conn, checkfirst=True)
        conn.commit()


# Unique constraints of earlier releases that no longer hold, by table: a subsidy payment was
# (kind, paid_on, payee) until an employer paid for several townships on one day, or a voucher,
# made more than one payment of one key (issue 20). Each went with a new column of its table.
_RETIRED_UNIQUES = {"subsidy_payment": (("kind", "paid_on", "payee"),)}


def _retired_uniques(conn: Connection, tables: set[str]) -> list[tuple[str, str | None]]:
    """(table, constraint name) of each retired unique constraint of `tables` still there;
    one per table on SQLite, where its table is made anew."""
    inspector = inspect(conn)
    found = [
        (table, unique["name"])
        for table, retired in _RETIRED_UNIQUES.items()
        if table in tables
        for unique in inspector.get_unique_constraints(table)
        if tuple(unique["column_names"]) in retired
    ]
    if conn.dialect.name == "sqlite":
        return list(dict(found).items())
    return found


def _rebuild_sqlite_table(conn: Connection, name: str) -> None:
    """`name` made as the model says, with the rows (and ids) it held."""
    table = SQLModel.metadata.tables[name]
    had = {c["name"] for c in inspect(conn).get_columns(name)}
    columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name in had)
    indexes = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (name,),
    )
    for (index,) in indexes.all():  # their names are the new table's
        conn.exec_driver_sql(f'DROP INDEX "{index}"')
    conn.exec_driver_sql(f'ALTER TABLE {name} RENAME TO "{name}_before"')
    table.create(conn)
    conn.exec_driver_sql(f'INSERT INTO {name} ({columns}) SELECT {columns} FROM "{name}_before"')
    conn.exec_driver_sql(f'DROP TABLE "{name}_before"')


def store_id(conn: Connection) -> str:
    """The store's own name, made when its tables were created."""
    return conn.execute(select(StoreInfo.store_id)).scalar_one()


def data_version(engine: Engine, conn: Connection | None = None) -> int:
    """The id of the latest write (0 for an empty store): changes with every import or edit.

    Pass `conn` to read it inside a transaction that reads the data too.
    """
    if conn is not None:
        return conn.execute(select(func.max(ImportBatch.id))).scalar() or 0
    # Every page run asks: try the store as it is first, and create the tables only when they
    # are missing (checking them each time cost ~13 ms a call).
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.max(ImportBatch.id))).scalar() or 0
    except DBAPIError:
        init_store(engine)
    with engine.connect() as conn:
        return conn.execute(select(func.max(ImportBatch.id))).scalar() or 0
