"""Issue 20, item 8: text that a spreadsheet program would run as a formula stays text in every
file the app writes.

A ledger whose names, employers, villages and household heads are `=HYPERLINK(…)`, `+1+1`,
`-2+3` and `@SUM(A1)`, one row of it rejected, is imported; a follow-up note and a failed
sign-in (its user name typed before anyone signed in) carry the same text. Then every workbook
and CSV the app writes is made from that store: the rosters, the meeting pack, a screen's
tables (the same `excel_bytes` every page's download uses, with the audit log), the upload
page's marked workbook, the import's rejected rows and the command line's `--format csv`.
Each workbook is opened as the zip it is: no sheet holds a formula (`<f>`) or an outside link,
and the text is there as a string. Each CSV cell that begins like a formula is quoted with `'`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
import pytest

from analytics.inert import FORMULA_STARTS, inert_text
from analytics.pivot import pivot, wide
from data import accounts
from data.audit import audit_log, record_event
from data.edits import add_note
from data.export import rosters_workbook
from data.frames import Frames, load_frames
from data.importer import check_files, import_files
from data.report import error_workbook
from data.store import get_engine, init_store
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import labour_row
from ui.pack import pack_xlsx, site_reviews
from ui.widgets import excel_bytes

ROOT = Path(__file__).resolve().parents[2]
AUGUST = dt.date(2020, 8, 1)
SITE = "幸福家园"
LINK, PLUS, MINUS, AT = '=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"
HOSTILE = (LINK, PLUS, MINUS, AT)
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _row(n: int) -> dict:
    """Person n; every text a person types is hostile somewhere in the ledger."""
    two_after = "是" if n < 4 else "否"
    row = labour_row(n, 姓名=HOSTILE[n % 4], 户主姓名=HOSTILE[(n + 1) % 4], 是否两后生=two_after)
    if row["就业状态"] == "已就业":
        row["就业单位"] = HOSTILE[(n + 2) % 4]
    if n == 5:
        row["村(社区)"] = MINUS  # a place name: it becomes a pivot's column header
    return row


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    engine = get_engine(url)
    init_store(engine)
    rows = [_row(n) for n in range(12)]
    rows.append(labour_row(12, 姓名=LINK, 身份证号="=1+2", 就业单位=PLUS))  # rejected: bad ID
    # CSV: a test workbook written by xlsxwriter would itself turn "=…" into a formula.
    ledger = labour_ledger(folder / "台账.csv", rows)
    parsed, issues = check_files([ledger])
    rejects = folder / "被拒绝的行.xlsx"
    result = import_files(engine, [ledger], keep_valid=rejects, user="clerk")
    assert result.ok and result.rejects_path == rejects, result.report()
    note = add_note(
        engine,
        household=f"{SITE}|1|1-300",
        noted_on=AUGUST,
        author=PLUS,
        text=LINK,
        next_step=AT,
        user="captain",
    )
    assert note.ok, note
    # Before anyone signs in: a user name typed into the sign-in form.
    assert accounts.authenticate(engine, LINK, "wrong password").account is None
    record_event(engine, MINUS, "export", AT)
    return {
        "url": url,
        "engine": engine,
        "frames": load_frames(engine),
        "marked": error_workbook(parsed, issues),
        "rejects": rejects.read_bytes(),
    }


def strings_and_formulas(data: bytes) -> tuple[set[str], list[str]]:
    """Every string of the workbook (shared and inline), and every formula or outside link in
    its sheets."""
    strings: set[str] = set()
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if name == "xl/sharedStrings.xml":
                root = ElementTree.fromstring(book.read(name))
                strings |= {"".join(si.itertext()) for si in root.iter(f"{MAIN}si")}
            elif name.startswith("xl/worksheets/sheet"):
                root = ElementTree.fromstring(book.read(name))
                found += [f"{name}: {f.text}" for f in root.iter(f"{MAIN}f")]
                strings |= {"".join(s.itertext()) for s in root.iter(f"{MAIN}is")}
            elif name.startswith("xl/worksheets/_rels/"):
                rels = book.read(name).decode()
                if 'TargetMode="External"' in rels:
                    found.append(f"{name}: an outside link")
    return strings, found


def assert_inert(data: bytes, *expected: str) -> None:
    strings, formulas = strings_and_formulas(data)
    assert not formulas, formulas
    missing = [text for text in expected if text not in strings]
    assert not missing, f"not stored as text: {missing}"


def test_the_rosters_workbook(store) -> None:
    frames: Frames = store["frames"]
    for full in (False, True):
        assert_inert(rosters_workbook(frames.labour, AUGUST, full=full), *HOSTILE)


def test_the_meeting_pack_workbook(store) -> None:
    reviews = site_reviews(store["frames"], SITE, AUGUST)
    for full in (False, True):
        assert_inert(pack_xlsx(reviews, full_view=full), *HOSTILE)


def test_a_screens_tables_and_the_audit_log(store) -> None:
    """`excel_bytes` makes every page's download: the tables, notes above them (a chosen
    filter's value) and headers made from the data's values (a pivot's columns)."""
    frames: Frames = store["frames"]
    cut = pivot(
        frames.labour,
        frames.subsidies,
        measure="labour_force",
        rows=["site"],
        columns=["village"],
        months=(AUGUST, AUGUST),
    )
    table = wide(cut, "合计")
    assert MINUS in table.columns
    log = audit_log(store["engine"]).with_columns(pl.col("at").dt.replace_time_zone(None))
    assert LINK in log["username"].to_list()  # the failed sign-in
    sheets = {"名单": frames.labour, "透视": table, "审计日志": log}
    for full in (False, True):
        data = excel_bytes(sheets, full=full, notes=[f"村(社区)：{MINUS}"], language="zh")
        assert_inert(data, *HOSTILE, f"村(社区)：{MINUS}")


def test_the_marked_upload_and_the_rejected_rows(store) -> None:
    assert_inert(store["marked"], LINK, PLUS, "=1+2")
    assert_inert(store["rejects"], LINK, PLUS, "=1+2")


def _cli_csv(url: str, *args: str) -> list[dict[str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "analytics", *args, "--format", "csv"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    "command",
    [
        ("two-after", "--list", "--full"),
        ("income", "--below", "--target", "9000"),
        ("pivot", "--rows", "site", "--cols", "village"),
    ],
    ids=["two-after", "income-below", "pivot"],
)
def test_the_command_lines_csv(store, command) -> None:
    rows = _cli_csv(store["url"], *command)
    assert rows
    cells = [c for row in rows for c in (*row.keys(), *row.values())]
    live = [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)]
    assert not live, live
    assert {f"'{text}" for text in HOSTILE} & set(cells)


def test_inert_text_quotes_text_and_leaves_numbers() -> None:
    frame = pl.DataFrame(
        {
            "name": [LINK, PLUS, MINUS, AT, "\t=1", "\r=1", "张三", None, "a=b"],
            "kind": pl.Series([PLUS, "x", "y", "z", "x", "x", "x", "x", "x"], dtype=pl.Categorical),
            "change": [-3, 1, 0, -2, 5, 6, 7, 8, 9],
            "amount": [-2.5, 1.0, 0.0, 3.0, 5.0, 6.0, 7.0, 8.0, 9.0],
            "@header": ["a"] * 9,
        }
    )
    out = inert_text(frame)
    assert out["name"].to_list() == [
        f"'{LINK}", f"'{PLUS}", f"'{MINUS}", f"'{AT}", "'\t=1", "'\r=1", "张三", None, "a=b",
    ]  # fmt: skip
    assert out["kind"][0] == f"'{PLUS}"
    assert out["change"].to_list() == frame["change"].to_list()
    assert out["amount"].dtype == pl.Float64 and out["amount"][0] == -2.5
    assert "'@header" in out.columns
    text = out.write_csv()
    assert ",-3,-2.5," in text
