"""`python -m analytics cases` end to end on SQLite and PostgreSQL: the worklist as a subprocess
prints, states set through `data.casework.set_case`, across the next month's import, a re-import
and an undo.

The store: August 2020 from a real workbook, eight people each in their own household; 张0, 张3
and 张6 are unemployed and wish to work (就近就业), so their three households have nobody
employed. September, from a CSV file: 张3 has found work.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine

from analytics.casework import WORKLIST_SCHEMA
from data.accounts import add_user
from data.casework import set_case
from data.importer import import_files
from data.undo import undo_batch
from tests.data.test_analytics_cli import run as run_analytics
from tests.data.test_audit_cli import _masked, _url
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import labour_row

IDS = {n: labour_row(n)["身份证号"] for n in range(8)}
HOUSEHOLDS = {0: "幸福家园|1|1-300", 3: "幸福家园|1|1-303", 6: "幸福家园|2|1-302"}
PERSON = {"kind": "person", "rule": "未就业有就业意愿"}
HOUSEHOLD = {"kind": "household", "rule": "零就业家庭"}


def _august(engine: Engine, folder: Path) -> Path:
    path = labour_ledger(folder / "8月.xlsx", [labour_row(n) for n in range(8)])
    result = import_files(engine, [path])
    assert result.ok, result.report()
    add_user(engine, "captain", role="captain", buildings=(("幸福家园", "1"),))
    return path


def _september(engine: Engine, folder: Path) -> None:
    rows = [labour_row(n, 统计月份="2020-09") for n in range(8)]
    rows[3] |= {
        "就业状态": "已就业",
        "就业形式": "县内务工",
        "就业单位": "金沙县扶贫车间",
        "就业地点": "金沙县",
        "月收入(元)": 2000,
    }
    result = import_files(engine, [labour_ledger(folder / "9月.csv", rows)])
    assert result.ok, result.report()


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_analytics(url, "cases", *args)


def rows(url: str, *args: str) -> list[dict[str, str]]:
    result = run(url, *args, "--format", "csv")
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == list(WORKLIST_SCHEMA)
    return list(reader)


def listed(url: str, *args: str) -> list[tuple[str, str, str, str]]:
    """(kind, who: household code or ID number, state, owner) of every row."""
    return [
        (
            r["kind"],
            r["household"] if r["kind"] == "household" else r["id_number"],
            r["state"],
            r["owner"],
        )
        for r in rows(url, "--full", *args)
    ]


def test_the_worklist_and_a_state_set_through_set_case(engine: Engine, tmp_path: Path) -> None:
    _august(engine, tmp_path)
    url = _url(engine)
    before = listed(url)

    person = set_case(
        engine,
        **PERSON,
        subject=IDS[0],
        state="帮扶中",
        owner="captain",
        due=dt.date(2020, 9, 1),
        note="推荐扶贫车间",
        user="captain",
    )
    household = set_case(
        engine, **HOUSEHOLD, subject=HOUSEHOLDS[6], state="暂无法就业", user="captain"
    )
    assert person.ok and household.ok, person.report() + household.report()
    after = rows(url, "--full")
    masked = rows(url)
    overdue = listed(url, "--overdue")
    helped = listed(url, "--state", "帮扶中")
    table = run(url, "--township", "岩孔街道")
    nowhere = run(url, "--township", "新化乡", "--format", "json")
    wrong = run(url, "--state", "已办结")

    # Every household and person of the month, in the default state at first.
    assert before == [
        ("household", HOUSEHOLDS[0], "待帮扶", ""),
        ("household", HOUSEHOLDS[3], "待帮扶", ""),
        ("household", HOUSEHOLDS[6], "待帮扶", ""),
        ("person", IDS[0], "待帮扶", ""),
        ("person", IDS[3], "待帮扶", ""),
        ("person", IDS[6], "待帮扶", ""),
    ]
    zhang0 = next(r for r in after if r["id_number"] == IDS[0])
    assert (zhang0["state"], zhang0["owner"], zhang0["due"], zhang0["note"]) == (
        "帮扶中",
        "captain",
        "2020-09-01",
        "推荐扶贫车间",
    )
    assert (zhang0["is_open"], zhang0["is_overdue"], zhang0["changed_by"]) == (
        "true",
        "true",
        "captain",
    )
    closed = next(r for r in after if r["household"] == HOUSEHOLDS[6] and r["kind"] == "household")
    assert (closed["state"], closed["is_open"]) == ("暂无法就业", "false")
    assert [r["id_number"] for r in masked if r["kind"] == "person"] == [
        _masked(IDS[n]) for n in (0, 3, 6)
    ]
    assert IDS[0] not in run(url).stdout
    assert overdue == helped == [("person", IDS[0], "帮扶中", "captain")]
    assert table.returncode == 0 and "未结 / open 5" in table.stdout.splitlines()[0]
    assert nowhere.returncode == 0 and json.loads(nowhere.stdout) == []
    assert wrong.returncode == 2 and "待核实" in wrong.stderr and "暂无法就业" in wrong.stderr


def test_a_state_survives_the_next_months_import_a_reimport_and_comes_back_on_undo(
    engine: Engine, tmp_path: Path
) -> None:
    august = _august(engine, tmp_path)
    url = _url(engine)
    first = set_case(engine, **PERSON, subject=IDS[0], state="帮扶中", owner="captain", user="c")
    household = set_case(engine, **HOUSEHOLD, subject=HOUSEHOLDS[0], state="帮扶中", user="c")
    assert first.ok and household.ok

    _september(engine, tmp_path)
    september = listed(url)
    again = import_files(engine, [august])  # August once more, as a county re-sends it
    assert again.ok, again.report()
    reimported = listed(url, "--month", "2020-08")
    changed = set_case(engine, **PERSON, subject=IDS[0], state="已就业", owner=None, user="c")
    assert changed.ok
    done = listed(url)
    assert undo_batch(engine, changed.batch_id, user="c").ok
    undone = listed(url)

    # 张3 found work in September: his household and he are off the list, and the states
    # set in August are there in September.
    assert september == [
        ("household", HOUSEHOLDS[0], "帮扶中", ""),
        ("household", HOUSEHOLDS[6], "待帮扶", ""),
        ("person", IDS[0], "帮扶中", "captain"),
        ("person", IDS[6], "待帮扶", ""),
    ]
    assert reimported == [
        ("household", HOUSEHOLDS[0], "帮扶中", ""),
        ("household", HOUSEHOLDS[3], "待帮扶", ""),
        ("household", HOUSEHOLDS[6], "待帮扶", ""),
        ("person", IDS[0], "帮扶中", "captain"),
        ("person", IDS[3], "待帮扶", ""),
        ("person", IDS[6], "待帮扶", ""),
    ]
    assert ("person", IDS[0], "已就业", "") in done
    assert undone == september
