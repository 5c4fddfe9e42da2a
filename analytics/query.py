"""The SQL console: read-only SQL (polars `SQLContext`) over a viewer's own frames.

Polars SQL can do more than read: `CREATE TABLE … AS`, `DROP`, `TRUNCATE`, `DELETE`, `SHOW`,
`EXPLAIN`, and table functions that read any file the server can (`read_csv('/etc/…')`,
`read_parquet`, `read_ipc`, `read_json`, `read_ndjson`). So a query passes three gates:

1. `check_query` reads the text the way polars' SQL lexer does (nested `/* */` comments, `--`
   to the end of the line, `'…'` strings with `''`, `"…"` identifiers with `""`) and refuses
   what it cannot read the same way for certain ($-quoting, backticks, prefixed strings such as
   `E'\\''`). On what remains it allows one `SELECT` or `WITH … SELECT` and nothing else: every
   relation after `FROM`/`JOIN`/a comma must be a registered table or a `WITH` name, never a
   call (so no table function of any name, present or future), and no word of a statement that
   writes, describes or configures may appear.
2. `run_query` builds a fresh context per query holding only the frames it is given (the
   viewer's scope-cut frames, personal columns already masked), so nothing persists between
   queries and nothing else can be named.
3. Before anything is collected, the plan's sources must all be those in-memory frames.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import polars as pl

from analytics.privacy import PERSONAL_COLUMNS, mask
from analytics.rates import plain


class QueryFrames(Protocol):
    """What the console reads of the store's frames (`data.frames.Frames` is one): the tables
    `QUERY_TABLES` names. A protocol, as analytics imports nothing of `data`; the console's
    child process imports this module, and `data.frames` would bring SQLAlchemy and the store
    with it (0.4 s of every query's start)."""

    @property
    def labour(self) -> pl.DataFrame: ...
    @property
    def subsidies(self) -> pl.DataFrame: ...
    @property
    def training(self) -> pl.DataFrame: ...
    @property
    def postings(self) -> pl.DataFrame: ...
    @property
    def sites(self) -> pl.DataFrame: ...
    @property
    def buildings(self) -> pl.DataFrame: ...
    @property
    def targets(self) -> pl.DataFrame: ...
    @property
    def notes(self) -> pl.DataFrame: ...


# SQL table name → the `QueryFrames` field it shows. Import batches and hand edits are the store's
# own bookkeeping (who did what), and township boundaries are map geometry: not offered.
QUERY_TABLES: dict[str, str] = {
    "labour": "labour",
    "subsidies": "subsidies",
    "training": "training",
    "postings": "postings",
    "sites": "sites",
    "buildings": "buildings",
    "targets": "targets",
    "notes": "notes",
}
# Columns that record which account wrote a row: audit data, not for analysis.
_HIDDEN_COLUMNS: dict[str, tuple[str, ...]] = {"notes": ("recorded_at", "user", "batch_id")}

# Masked ID numbers collide (a county's share their first four digits, and only the last four
# differ), so joins and counts of people go through this pseudonym instead.
PERSON_KEY = "person_key"
# Per process: the key never leaves the server, so a person key cannot be turned back into an
# ID number by hashing candidates (an ID is guessable from birth date, place and gender).
_PERSON_SECRET = secrets.token_bytes(32)

DEFAULT_LIMIT = 10_000
MAX_QUERY_CHARS = 20_000
# Operators (+ - * / % = < > ! | ^ & ~, AND, OR) in one query. Polars plans a chain of them as
# a tree as deep as the chain, and its planner's cost grows with about the cube of the depth: of
# `1+1+…` on one thread (measured), 500 terms cost 0.2 s to print the plan (`_check_sources`),
# 0.2 s to optimise and 0.3 s to run; 1,000 terms 1.1 + 0.8 + 2.5 s; 2,000 terms 71 + 29 s and
# more. The 9,800 of a 19.6 KB query ran 216 s. The SQL parse and `check_query` take
# milliseconds (43 ms at 2,000 terms), so the bound is checked here, before polars sees it.
# An analyst's query has tens of operators; a long CASE or OR chain a few hundred.
MAX_OPERATORS = 500
_OPERATOR_CHARACTERS = frozenset("+-*/%=<>!|^&~")

# Words of statements that write, describe or configure; none belongs in a read-only SELECT.
_FORBIDDEN_WORDS = frozenset(
    {
        "alter", "analyze", "attach", "call", "commit", "copy", "create", "deallocate", "delete",
        "describe", "detach", "drop", "execute", "explain", "grant", "insert", "install", "into",
        "load", "merge", "pragma", "prepare", "revoke", "rollback", "set", "show", "truncate",
        "update", "upsert", "use", "vacuum",
    }
)  # fmt: skip
# Calls refused wherever they appear, not only as relations (where every call is refused): what
# reads or writes files in polars or the engines its SQL imitates, and row generators.
_FILE_PREFIXES = ("read_", "scan_", "write_", "sink_")
_REFUSED_CALLS = frozenset({"glob", "generate_series", "range"})
# Words that end a FROM clause at their own bracket depth.
_CLAUSE_ENDS = frozenset(
    {
        "where", "group", "having", "order", "limit", "offset", "fetch", "union", "except",
        "intersect", "window", "qualify",
    }
)  # fmt: skip
# Functions whose arguments may hold a FROM that names no relation: EXTRACT(YEAR FROM month).
_FROM_SYNTAX_CALLS = frozenset({"extract", "trim", "substring", "overlay"})
_OPERATORS = set("(),;.+-*/%=<>!|:[]{}~^&")


class QueryProblem(ValueError):
    """A query that did not run, with the reason in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class QueryRefused(QueryProblem):
    """A query the console does not run: not one read-only SELECT over the offered tables."""


class QueryError(QueryProblem):
    """A query polars could not run (syntax, an unknown column, a type error)."""


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool  # more rows than the limit: `frame` holds the first `limit`
    rows_total: int | None  # None when truncated (counting them all would run it twice)


@dataclass(frozen=True)
class _Token:
    kind: str  # "word" (bare, lower case), "quoted" ("…" identifier), "string", "number", "op"
    value: str
    pos: int


@dataclass
class _Level:
    """One bracket depth while reading a query."""

    call: str | None = None  # the function whose argument list this bracket opens
    in_from: bool = False  # inside a FROM clause: a comma here starts another relation


def _tokens(sql: str) -> list[_Token]:
    """The query's tokens, comments dropped, as polars' SQL lexer reads them.

    Anything this reader might read differently from polars is refused rather than guessed at:
    a string or comment that hid a keyword from one reader but not from the other would let it
    through.
    """
    tokens: list[_Token] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)  # polars ends a line comment at "\n" only, not at "\r"
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        elif ch in "'\"":
            if _prefixed(sql, i):
                raise QueryRefused(
                    f"第 {i + 1} 个字符处：不支持带前缀的字符串（如 E'…'），请用普通的 '…'。",
                    f"At character {i + 1}: prefixed strings (such as E'…') are not supported; "
                    "use a plain '…'.",
                )
            end = _quoted_end(sql, i)
            raw = sql[i + 1 : end - 1].replace(ch * 2, ch)
            tokens.append(_Token("string" if ch == "'" else "quoted", raw, i))
            i = end
        elif ch.isalpha() or ch == "_":
            start = i
            while i < n and (sql[i].isalnum() or sql[i] == "_"):
                i += 1
            tokens.append(_Token("word", sql[start:i].lower(), start))
        elif ch.isdigit():
            start = i
            while i < n and (sql[i].isalnum() or sql[i] in "._"):
                i += 1
            tokens.append(_Token("number", sql[start:i], start))
        elif ch in _OPERATORS:
            tokens.append(_Token("op", ch, i))
            i += 1
        else:
            # $$…$$ strings, `…` identifiers, ? and $1 placeholders, # and @ names, full-width
            # punctuation typed by an input method: none is needed, and some quote text.
            raise QueryRefused(
                f"第 {i + 1} 个字符“{ch}”不支持（请用半角符号，字符串用 '…'，名称用 \"…\"）。",
                f"Character {i + 1} ({ch!r}) is not supported (strings go in '…', names in \"…\").",
            )
    return tokens


def _prefixed(sql: str, quote: int) -> bool:
    """Whether the quote at `quote` opens a prefixed string such as E'…', U&'…', N'…' or X'…'.

    Polars reads backslash escapes in E'…' and U&'…' (so they end elsewhere than '…' would);
    such a prefix is the whole word before the quote, one or two letters (THEN'x' is a keyword
    and a plain string).
    """
    start = quote
    while start > 0 and (sql[start - 1].isalnum() or sql[start - 1] == "_"):
        start -= 1
    word = sql[start:quote]
    return sql[quote - 1 : quote] == "&" or 0 < len(word) <= 2 or word[:1].isdigit()


def _skip_block_comment(sql: str, start: int) -> int:
    """The position after the `/* … */` comment at `start`; polars nests them."""
    depth, i = 0, start
    while i < len(sql):
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise QueryRefused(
        f"第 {start + 1} 个字符处的注释 /* 没有结束。",
        f"The comment /* at character {start + 1} is not closed.",
    )


def _quoted_end(sql: str, start: int) -> int:
    """The position after the string or quoted name at `start` (a doubled quote is kept)."""
    quote, i = sql[start], start + 1
    while i < len(sql):
        if sql[i] == quote:
            if sql.startswith(quote * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    raise QueryRefused(
        f"第 {start + 1} 个字符处的引号 {quote} 没有结束。",
        f"The quote {quote} at character {start + 1} is not closed.",
    )


def _is(token: _Token | None, kind: str, *values: str) -> bool:
    return token is not None and token.kind == kind and (not values or token.value in values)


def _with_names(tokens: list[_Token]) -> set[str]:
    """The names a WITH clause defines: `name AS (` or `name (columns) AS (`."""
    names = set()
    for i, token in enumerate(tokens[:-1]):
        if not (_is(token, "word", "as") and _is(tokens[i + 1], "op", "(")):
            continue
        j = i - 1
        if j >= 0 and _is(tokens[j], "op", ")"):  # skip the column list back to its "("
            depth = 0
            while j >= 0:
                depth += _is(tokens[j], "op", ")") - _is(tokens[j], "op", "(")
                if depth == 0:
                    break
                j -= 1
            j -= 1
        if j >= 0 and tokens[j].kind in ("word", "quoted"):
            names.add(tokens[j].value.lower())
    return names


def check_query(sql: str, tables: Iterable[str] | None = None) -> None:
    """Raise `QueryRefused` unless `sql` is one read-only SELECT (or WITH … SELECT) over
    `tables` (default: `QUERY_TABLES`), with at most one trailing `;`."""
    if len(sql) > MAX_QUERY_CHARS:
        raise QueryRefused(
            f"查询太长（最多 {MAX_QUERY_CHARS:,} 个字符）。",
            f"The query is too long (at most {MAX_QUERY_CHARS:,} characters).",
        )
    tokens = _tokens(sql)
    operators = sum(
        (t.kind == "op" and t.value in _OPERATOR_CHARACTERS) or _is(t, "word", "and", "or")
        for t in tokens
    )
    if operators > MAX_OPERATORS:
        raise QueryRefused(
            f"查询中的运算符太多（{operators:,} 个，最多 {MAX_OPERATORS} 个）：请拆成几步，"
            "或用 IN (…) 列出取值。",
            f"The query has too many operators ({operators:,}; at most {MAX_OPERATORS}): split "
            "it into steps, or list values with IN (…).",
        )
    if tokens and _is(tokens[-1], "op", ";"):
        tokens = tokens[:-1]
    if not tokens:
        raise QueryRefused("请输入一条 SELECT 查询。", "Enter a SELECT query.")
    if any(_is(token, "op", ";") for token in tokens):
        raise QueryRefused(
            "一次只能运行一条查询（分号 ; 只能出现在末尾）。",
            "One query at a time: a semicolon may only end it.",
        )
    for token in tokens:
        if _is(token, "word") and token.value in _FORBIDDEN_WORDS:
            raise QueryRefused(
                f"查询只能读取数据：不允许 {token.value.upper()}。",
                f"Queries may only read: {token.value.upper()} is not allowed.",
            )
    first = next((t for t in tokens if not _is(t, "op", "(")), None)
    if not _is(first, "word", "select", "with"):
        raise QueryRefused(
            "只能运行只读的 SELECT（或 WITH … SELECT）查询。",
            "Only read-only SELECT (or WITH … SELECT) queries can run.",
        )
    for token, after in zip(tokens, tokens[1:], strict=False):
        name = token.value.lower()
        if (
            token.kind in ("word", "quoted")
            and _is(after, "op", "(")
            and (name.startswith(_FILE_PREFIXES) or name in _REFUSED_CALLS)
        ):
            raise QueryRefused(
                f"不允许读取文件或调用表函数：{token.value}(…)。",
                f"Reading files and table functions are not allowed: {token.value}(…).",
            )
    _check_relations(tokens, {t.lower() for t in (QUERY_TABLES if tables is None else tables)})


def _check_relations(tokens: list[_Token], tables: set[str]) -> None:
    """Every relation (after FROM, JOIN or a comma in a FROM list) is a plain table name of
    `tables` or of the query's WITH clause, or a bracketed subquery: never a call."""
    known = tables | _with_names(tokens)
    levels = [_Level()]
    expect = False  # the next token names a relation
    previous: _Token | None = None
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if expect:
            expect = False
            if _is(token, "op", "("):
                levels.append(_Level(in_from=True))
                expect, previous = True, token
                continue
            # A subquery: polars also reads DuckDB's FROM-first form, (FROM t SELECT …).
            starts_query = _is(token, "word", "select", "with", "values", "from")
            if token.kind in ("word", "quoted") and not starts_query:
                _check_relation(token, following, known)
                previous = token
                continue
            if not starts_query:
                raise QueryRefused(
                    f"第 {token.pos + 1} 个字符处应是表名。",
                    f"A table name was expected at character {token.pos + 1}.",
                )
        level = levels[-1]
        if _is(token, "op", "("):
            called = previous is not None and previous.kind in ("word", "quoted")
            levels.append(_Level(call=previous.value.lower() if called else None))
        elif _is(token, "op", ")"):
            if len(levels) > 1:
                levels.pop()
        elif _is(token, "word", "select", "with", "values"):
            level.in_from = False
        elif (
            _is(token, "word", "from")
            and level.call not in _FROM_SYNTAX_CALLS
            and not _is(previous, "word", "distinct")
        ):
            # Every other FROM starts a FROM clause: an allow-list of the exceptions, so a form
            # not thought of here is checked rather than let through.
            level.in_from = expect = True
        elif _is(token, "word", "join", "apply"):
            level.in_from = expect = True
        elif _is(token, "op", ",") and level.in_from:
            expect = True
        elif _is(token, "word") and token.value in _CLAUSE_ENDS:
            level.in_from = False
        previous = token
    if expect:
        raise QueryRefused("查询末尾缺少表名。", "A table name is missing at the end of the query.")


def _check_relation(token: _Token, following: _Token | None, known: set[str]) -> None:
    if _is(following, "op", "("):
        raise QueryRefused(
            f"不允许读取文件或调用表函数：{token.value}(…)。只能查询右侧列出的表。",
            f"Reading files and table functions are not allowed: {token.value}(…). Only the "
            "tables listed beside can be queried.",
        )
    if _is(following, "op", ".") or token.value.lower() not in known:
        shown = token.value + ("." if _is(following, "op", ".") else "")
        names = sorted(known)
        raise QueryRefused(
            f"没有可查询的表 {shown}。可查询的表：{'、'.join(names)}。",
            f"There is no table {shown} to query. The tables are: {', '.join(names)}.",
        )


def query_tables(frames: QueryFrames, full: bool) -> dict[str, pl.DataFrame]:
    """The frames a console query sees, under their SQL names: `frames` as given (already cut
    to the viewer's scope), each as `query_table` makes it."""
    keys = PersonKeys()
    return {
        name: query_table(name, getattr(frames, attr), full, keys)
        for name, attr in QUERY_TABLES.items()
    }


def query_table(
    name: str, table: pl.DataFrame, full: bool, keys: PersonKeys | None = None
) -> pl.DataFrame:
    """The frame of SQL name `name` as a console query sees it: with a `person_key` beside its
    ID numbers, and ID numbers and phones masked unless `full`. A part of a table (a month of
    labour) gives that part of the whole table's rows: a province's ledger is made a month at
    a time, with one `keys` for all its parts.

    Masking happens here, before a query: SQL over a masked column cannot unmask it, whatever
    it renames or cuts.
    """
    table = table.drop(_HIDDEN_COLUMNS.get(name, ()), strict=False)
    if "id_number" in table.columns:
        columns = table.columns
        at = columns.index("id_number") + 1
        table = (
            (keys or PersonKeys()).attach(table).select(*columns[:at], PERSON_KEY, *columns[at:])
        )
    return table if full else _coarsened(name, _masked(table))


class PersonKeys:
    """The person keys worked out so far: each ID number is hashed once, however many parts
    of the tables it is in (a person is in every month)."""

    def __init__(self) -> None:
        self.known = pl.DataFrame(schema={"id_number": pl.String(), PERSON_KEY: pl.String()})

    def attach(self, table: pl.DataFrame) -> pl.DataFrame:
        """`table` with the `person_key` of its `id_number` as its last column."""
        joined = table.join(self.known, on="id_number", how="left", maintain_order="left")
        new = (
            joined.filter(pl.col(PERSON_KEY).is_null())
            .get_column("id_number")
            .cast(pl.String())
            .drop_nulls()
            .unique()
        )
        if new.is_empty():  # every month after the first: one join
            return joined
        found = pl.DataFrame(
            {"id_number": new, PERSON_KEY: [_person_key(i) for i in new.to_list()]},
            schema=self.known.schema,
        )
        self.known = pl.concat([self.known, found])
        return table.join(self.known, on="id_number", how="left", maintain_order="left")


# Masked, an ID number shows its first four digits (province and prefecture) and last four (a
# sequence number, whose last digit tells the gender, and the check digit). What it hides is two
# digits of county, which a county's people mostly share, and the birth date. A birth date beside
# it therefore gave the whole number back (the check digit picks the county digits: 10,000 of
# 10,000 people rebuilt). A birth year leaves some 33 numbers per person that fit, and the
# county's own people are all most analyses need of them.
BIRTH_YEAR = "birth_year"


# Tables whose rows come sorted by ID number (data.frames' order): sorted by person key instead.
_ORDER_BY_KEY: dict[str, list[str]] = {
    "labour": ["month", "site", "building", "room", PERSON_KEY],
    "training": ["start", PERSON_KEY, "course"],
}


def _coarsened(name: str, table: pl.DataFrame) -> pl.DataFrame:
    """A masked table with nothing beside the masked ID number that restores it: the birth
    year instead of the birth date, and rows in an order of their own.

    Labour rows come sorted by place and then ID number, so within a household their order
    told whose number was smaller (who was born first, or elsewhere): they go in person-key
    order instead, which says nothing about the number.
    """
    if "birth_date" in table.columns:
        table = table.with_columns(
            pl.col("birth_date").dt.year().cast(pl.Int32()).alias("birth_date")
        ).rename({"birth_date": BIRTH_YEAR})
    if name in _ORDER_BY_KEY:
        table = table.sort(_ORDER_BY_KEY[name], nulls_last=True)
    return table


def _masked(table: pl.DataFrame) -> pl.DataFrame:
    """`analytics.privacy.mask` of every personal column. A missing or empty value stays as it
    is rather than becoming "—", so `phone IS NULL` means the same masked or not; the result
    table still shows "—" for it."""
    columns = []
    for column, (head, tail) in PERSONAL_COLUMNS.items():
        if column in table.columns:
            text = pl.col(column).cast(pl.String())
            blank = text.is_null() | (text == "")
            columns.append(pl.when(blank).then(text).otherwise(mask(column, head, tail)))
    return table.with_columns(columns)


def _person_key(id_number: str) -> str:
    # Keyed BLAKE2 is a MAC in itself, and three times quicker than HMAC over 100,000 people.
    return hashlib.blake2b(id_number.encode(), key=_PERSON_SECRET, digest_size=8).hexdigest()


def schema_listing(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per table and column: table, column and dtype (polars' name for it)."""
    rows = [
        {"table": name, "column": column, "dtype": str(dtype)}
        for name, frame in tables.items()
        for column, dtype in plain(frame.lazy()).collect_schema().items()
    ]
    return pl.DataFrame(
        rows, schema={"table": pl.String(), "column": pl.String(), "dtype": pl.String()}
    )


def schema_markdown(
    tables: Mapping[str, pl.DataFrame], labels: Mapping[str, str]
) -> dict[str, str]:
    """Per table, its columns as a Markdown list ("- `month` 月份 · Date"); `labels` names the
    columns in the viewer's language, and a column without a label shows its name only."""
    lines: dict[str, list[str]] = {name: [] for name in tables}
    for row in schema_listing(tables).iter_rows(named=True):
        label = f" {labels[row['column']]}" if row["column"] in labels else ""
        lines[row["table"]].append(f"- `{row['column']}`{label} · {row['dtype']}")
    return {name: "\n".join(column_lines) for name, column_lines in lines.items()}


def run_query(
    tables: Mapping[str, pl.DataFrame | pl.LazyFrame],
    sql: str,
    limit: int = DEFAULT_LIMIT,
    sources: Collection[str] = (),
) -> QueryResult:
    """Run the read-only query `sql` over `tables` (and nothing else): at most `limit` rows.

    `tables` are frames, or scans of the files `sources` (the console's child process maps the
    viewer's tables so: only the columns a query reads are loaded).

    Raises `QueryRefused` for anything but one SELECT over these tables, `QueryError` when
    polars cannot run it (its own message kept).
    """
    check_query(sql, tables)
    # A fresh context per query: a CTE or anything a query names cannot outlive it, and only
    # these frames exist in it.
    # Text as text: a categorical column would refuse LIKE, string functions and joins with the
    # other tables' text columns. Lazy, so only the columns a query reads are cast.
    context = pl.SQLContext({name: plain(frame.lazy()) for name, frame in tables.items()})
    try:
        lazy = context.execute(sql)
        _check_sources(lazy, sources)
        # One row past the limit tells whether there were more; the streaming engine stops
        # reading once it has them, where the plan allows.
        frame = lazy.head(limit + 1).collect()
    except QueryRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the user's SQL is reported, not raised
        raise _failed(exc) from exc
    except BaseException as exc:  # polars' PanicException derives from BaseException
        if exc.__class__.__name__ != "PanicException":
            raise
        raise _failed(exc) from exc
    truncated = frame.height > limit
    return QueryResult(
        frame=frame.head(limit), truncated=truncated, rows_total=None if truncated else frame.height
    )


def _check_sources(lazy: pl.LazyFrame, sources: Collection[str] = ()) -> None:
    """Refuse a plan that reads anything but the registered frames: in memory, or the scans
    of exactly the files `sources` (each an Arrow IPC file, one per scan).

    The text check already refused every way we know of to name a file; this catches one that
    polars might add later. In-memory sources print as `DF [...]`, file scans as `Csv SCAN [...]`,
    `Ipc SCAN [path]` and so on.
    """
    plan = lazy.explain(optimized=False)
    allowed = {f"Ipc SCAN [{source}]" for source in sources}
    scans = re.findall(r"^\s*([\w ]*\bSCAN\b.*?)\s*$", plan, flags=re.MULTILINE | re.IGNORECASE)
    if any(scan not in allowed for scan in scans):
        raise QueryRefused(
            "查询只能读取右侧列出的表，不能读取文件。",
            "A query may only read the tables listed beside it, never a file.",
        )


def _failed(exc: BaseException) -> QueryError:
    # polars appends the plan it resolved so far: long, and no help to the person typing.
    message = str(exc).split("\n\nResolved plan until failure")[0].strip() or type(exc).__name__
    return QueryError(f"查询无法运行：{message}", f"The query could not run: {message}")


# Queries the page offers as starting points (labels: `qry_example_<key>` in ui.strings).
# Labour force and employment follow domain.md's definitions.
EXAMPLE_QUERIES: dict[str, str] = {
    "rate_by_township": """\
-- 最新月份各乡镇就业率（劳动力：有劳动能力/弱劳动力，且已就业/未就业）
SELECT township,
       COUNT(*) AS labour_force,
       SUM(CASE WHEN status = '已就业' THEN 1 ELSE 0 END) AS employed,
       AVG(CASE WHEN status = '已就业' THEN 1.0 ELSE 0.0 END) AS employment_rate
FROM labour
WHERE month = (SELECT MAX(month) FROM labour)
  AND capacity IN ('有劳动能力', '弱劳动力')
  AND status IN ('已就业', '未就业')
GROUP BY township
ORDER BY employment_rate
""",
    "two_after_electricians": """\
-- 龙溪镇未就业、想参加电工培训的两后生（最新月份）
SELECT site, building, room, name, id_number, education, wish, training_need, phone
FROM labour
WHERE month = (SELECT MAX(month) FROM labour)
  AND township = '龙溪镇'
  AND two_after
  AND status = '未就业'
  AND training_need = '电工'
ORDER BY site, building, room
""",
    "zero_employment": """\
-- 最新月份的零就业家庭：有劳动力、无人就业
WITH members AS (
    SELECT household, site, building, room, head_name, status
    FROM labour
    WHERE month = (SELECT MAX(month) FROM labour)
      AND capacity IN ('有劳动能力', '弱劳动力')
      AND status IN ('已就业', '未就业')
)
SELECT site, building, room, head_name, COUNT(*) AS labour_force
FROM members
GROUP BY household, site, building, room, head_name
HAVING SUM(CASE WHEN status = '已就业' THEN 1 ELSE 0 END) = 0
ORDER BY site, building, room
""",
    "subsidies_by_kind": """\
-- 各年度、各类补贴的笔数和金额
SELECT EXTRACT(YEAR FROM paid_on) AS year, kind, COUNT(*) AS payments, SUM(amount) AS amount
FROM subsidies
GROUP BY 1, 2
ORDER BY 1, 4 DESC
""",
    "trained_unemployed": """\
-- 参加过培训、最新月份仍未就业的人（按 person_key 关联，身份证号打码时也准确）
SELECT l.township, l.site, l.name, l.id_number, t.course, t."end", l.wish
FROM training t
JOIN labour l ON l.person_key = t.person_key
WHERE l.month = (SELECT MAX(month) FROM labour)
  AND l.status = '未就业'
ORDER BY l.township, l.site, l.name
""",
}
