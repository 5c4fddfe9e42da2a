"""Status updates and follow-up notes, on SQLite and PostgreSQL: checked like an import, traced,
visible at once, and a rejected one changes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from analytics.privacy import mask_value
from data import frames as frames_module
from data.edits import EDITABLE, add_note, form_number, update_status
from data.frames import Frames, Scope, load_frames
from data.importer import import_files
from data.store import data_version
from tests.data.test_import import assert_store_unchanged, dump, labour_ledger
from tests.data.test_ledger import labour_row, make_id

AUGUST = dt.date(2020, 8, 1)


@pytest.fixture
def ledger_store(engine: Engine, tmp_path: Path) -> Engine:
    """Eight people of August 2020 (every third one unemployed), imported from a real file."""
    rows = [labour_row(n) for n in range(8)]
    result = import_files(engine, [labour_ledger(tmp_path / "8月.xlsx", rows)])
    assert result.ok, result.report()
    return engine


def _person(frames: Frames, n: int) -> dict:
    row = labour_row(n)
    found = frames.labour.filter(
        (pl.col("id_number") == row["身份证号"]) & (pl.col("month") == AUGUST)
    )
    return found.row(0, named=True)


def test_a_status_update_is_stored_traced_and_visible_at_once(ledger_store: Engine) -> None:
    before = load_frames(ledger_store)
    person = _person(before, 0)
    assert person["status"] == "未就业"

    result = update_status(
        ledger_store,
        id_number=person["id_number"],
        month=AUGUST,
        values={
            "status": "已就业",
            "employment_type": "公益性岗位",
            "employer": "幸福家园社区",
            "monthly_income": "1,800元",
        },
        user="楼长王",
    )

    assert result.ok, result.report()
    assert data_version(ledger_store) == result.batch_id
    after = load_frames(ledger_store)
    now = _person(after, 0)
    assert (now["status"], now["employment_type"], now["employer"], now["monthly_income"]) == (
        "已就业",
        "公益性岗位",
        "幸福家园社区",
        1800.0,
    )
    # Everyone else is as they were.
    others = pl.col("id_number") != person["id_number"]
    assert_frame_equal(after.labour.filter(others), before.labour.filter(others))
    # Who, when, old → new, one row per changed field.
    trace = after.edits.sort("field").select("user", "name", "field", "old_value", "new_value")
    assert trace.rows() == [
        ("楼长王", person["name"], "employer", None, "幸福家园社区"),
        ("楼长王", person["name"], "employment_type", None, "公益性岗位"),
        ("楼长王", person["name"], "monthly_income", None, "1800"),
        ("楼长王", person["name"], "status", "未就业", "已就业"),
    ]
    batch = after.batches.filter(pl.col("id") == result.batch_id).row(0, named=True)
    assert (batch["source"], batch["user"], batch["months"]) == ("edit", "楼长王", "2020-08")


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        ({"status": "已就业"}, "就业形式", "已就业的人必须填写就业形式"),
        ({"monthly_income": "-5"}, "月收入(元)", "月收入不能为负数"),
        ({"status": "在家"}, "就业状态", "不是可选的值"),
        ({"wish": "随便"}, "就业意愿", "不是可选的值"),
    ],
)
def test_a_rejected_update_says_why_and_changes_nothing(
    ledger_store: Engine, values: dict, column: str, reason: str
) -> None:
    person = _person(load_frames(ledger_store), 0)
    before = dump(ledger_store)

    result = update_status(
        ledger_store, id_number=person["id_number"], month=AUGUST, values=values, user="t"
    )

    assert not result.ok
    assert any(i.column == column and reason in i.reason_zh for i in result.issues), result.report()
    assert_store_unchanged(before, ledger_store)


def test_an_update_of_someone_not_in_the_month_or_overtaken_changes_nothing(
    ledger_store: Engine,
) -> None:
    person = _person(load_frames(ledger_store), 0)
    before = dump(ledger_store)

    missing = update_status(
        ledger_store,
        id_number=person["id_number"],
        month=dt.date(2020, 9, 1),
        values={"wish": "外出务工"},
        user="t",
    )
    stale = update_status(
        ledger_store,
        id_number=person["id_number"],
        month=AUGUST,
        values={"wish": "外出务工"},
        user="t",
        seen={"status": "已就业"},  # the form showed a status someone has since changed
    )

    assert not missing.ok and "2020-09" in missing.report()
    assert not stale.ok and stale.overtaken and "改过" in stale.report()
    assert_store_unchanged(before, ledger_store)


def test_an_update_that_changes_nothing_writes_nothing(ledger_store: Engine) -> None:
    person = _person(load_frames(ledger_store), 1)
    before = dump(ledger_store)

    result = update_status(
        ledger_store,
        id_number=person["id_number"],
        month=AUGUST,
        values={"status": person["status"], "employer": f" {person['employer']} "},
        user="t",
    )

    assert result.ok and result.batch_id is None and result.changed == {}
    assert_store_unchanged(before, ledger_store)


def test_a_note_is_stored_with_its_household_and_shown(ledger_store: Engine) -> None:
    person = _person(load_frames(ledger_store), 5)

    result = add_note(
        ledger_store,
        household=person["household"],
        noted_on=dt.date(2020, 8, 20),
        author="王大飞",
        text="上门走访，了解到想在附近工厂上班",
        next_step="推荐县内扶贫车间岗位",
        user="captain",
    )

    assert result.ok, result.report()
    notes = load_frames(ledger_store).notes
    assert notes.select(
        "noted_on", "site", "building", "room", "head_name", "author", "text", "next_step", "user"
    ).rows() == [
        (
            dt.date(2020, 8, 20),
            person["site"],
            person["building"],
            person["room"],
            person["head_name"],
            "王大飞",
            "上门走访，了解到想在附近工厂上班",
            "推荐县内扶贫车间岗位",
            "captain",
        )
    ]
    assert notes.get_column("batch_id").to_list() == [data_version(ledger_store)]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"text": "   "}, "必填"),
        ({"author": ""}, "必填"),
        ({"text": "很长" * 600}, "太长"),
        ({"noted_on": dt.date.today() + dt.timedelta(days=1)}, "晚于今天"),
        ({"household": "no such household"}, "没有这一户"),
    ],
)
def test_a_rejected_note_says_why_and_changes_nothing(
    ledger_store: Engine, change: dict, reason: str
) -> None:
    person = _person(load_frames(ledger_store), 5)
    before = dump(ledger_store)
    note = {
        "household": person["household"],
        "noted_on": dt.date(2020, 8, 20),
        "author": "王大飞",
        "text": "上门走访",
        "next_step": None,
    }

    result = add_note(ledger_store, **(note | change), user="t")

    assert not result.ok
    assert reason in result.report()
    assert_store_unchanged(before, ledger_store)


def test_frames_patched_after_edits_equal_a_full_read(ledger_store: Engine) -> None:
    """After notes and updates the snapshot is patched, not re-read: it must read the same."""
    frames = load_frames(ledger_store)
    for n, values in ((0, {"status": "已就业", "employment_type": "县内务工"}), (1, {"wish": ""})):
        person = _person(frames, n)
        result = update_status(
            ledger_store, id_number=person["id_number"], month=AUGUST, values=values, user="t"
        )
        assert result.ok and result.batch_id, result.report()
    add_note(
        ledger_store,
        household=person["household"],
        noted_on=AUGUST,
        author="王",
        text="回访",
        next_step=None,
        user="t",
    )
    patched = load_frames(ledger_store)

    with ledger_store.connect() as conn:
        shutil.rmtree(frames_module._snapshot_dir(ledger_store, conn))
    full = load_frames(ledger_store)

    for name in ("labour", "notes", "edits", "batches"):
        assert_frame_equal(getattr(patched, name), getattr(full, name))
    assert _person(patched, 1)["wish"] is None


def test_writes_outside_the_writer_s_places_are_refused(ledger_store: Engine) -> None:
    frames = load_frames(ledger_store)
    mine, other = _person(frames, 0), _person(frames, 4)
    assert mine["building"] != other["building"]
    captain = Scope(buildings=frozenset({(mine["site"], mine["building"])}))
    before = dump(ledger_store)

    refused = [
        update_status(
            ledger_store,
            id_number=other["id_number"],
            month=AUGUST,
            values={"status": "已就业", "employment_type": "公益性岗位"},
            user="楼长王",
            scope=captain,
        ),
        add_note(
            ledger_store,
            household=other["household"],
            noted_on=AUGUST,
            author="王",
            text="上门",
            next_step=None,
            user="楼长王",
            scope=captain,
        ),
    ]
    for result in refused:
        assert not result.ok
        assert "管辖范围" in result.report()
        assert other["name"] not in result.report() and other["id_number"] not in result.report()
    assert_store_unchanged(before, ledger_store)

    inside = update_status(
        ledger_store,
        id_number=mine["id_number"],
        month=AUGUST,
        values={"training_need": "电工培训"},
        user="楼长王",
        scope=captain,
    )
    assert inside.ok and inside.batch_id is not None
    township = Scope(townships=frozenset({other["township"]}))
    noted = add_note(
        ledger_store,
        household=other["household"],
        noted_on=AUGUST,
        author="李",
        text="电话回访",
        next_step=None,
        user="乡镇李",
        scope=township,
    )
    assert noted.ok


def test_a_save_drawn_before_another_s_is_refused_saying_who_and_when(
    ledger_store: Engine,
) -> None:
    """Two captains open the same member's form; one changes employer and income, then the
    other only the place of work. The second save must not put the drawn employer and income
    back: it is refused, naming the first captain, the time and the values now stored."""
    person = _person(load_frames(ledger_store), 1)
    drawn = {name: person[name] for name in EDITABLE}
    first = update_status(
        ledger_store,
        id_number=person["id_number"],
        month=AUGUST,
        values=drawn | {"employer": "县城建公司", "monthly_income": "3200"},
        seen=drawn,
        user="楼长甲",
    )
    assert first.ok and set(first.changed) == {"employer", "monthly_income"}, first.report()
    before = dump(ledger_store)

    second = update_status(
        ledger_store,
        id_number=person["id_number"],
        month=AUGUST,
        values=drawn | {"work_place": "贵阳市"},
        seen=drawn,
        user="楼长乙",
    )

    assert not second.ok and second.overtaken
    batches = load_frames(ledger_store).batches
    saved_at = batches.filter(pl.col("id") == first.batch_id).get_column("created_at")[0]
    when = saved_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    zh, en = second.report(), second.report("en")
    for text in (f"楼长甲 于 {when}", f"状态更新 #{first.batch_id}", "县城建公司", "3200"):
        assert text in zh, zh
    for text in (f"楼长甲 at {when}", f"status update #{first.batch_id}", "县城建公司", "3200"):
        assert text in en, en
    assert_store_unchanged(before, ledger_store)
    now = _person(load_frames(ledger_store), 1)
    assert (now["employer"], now["monthly_income"], now["work_place"]) == (
        "县城建公司",
        3200.0,
        person["work_place"],
    )


def test_a_save_writes_only_the_fields_its_form_changed(engine: Engine, tmp_path: Path) -> None:
    """The form sends all its fields; only those that differ from what it was drawn with are
    written: an income of 12345.67 stays exact when only the place of work changes."""
    row = labour_row(1, **{"月收入(元)": 12345.67})
    assert import_files(engine, [labour_ledger(tmp_path / "8月.xlsx", [row])]).ok
    person = _person(load_frames(engine), 1)
    drawn = {name: person[name] for name in EDITABLE}
    shown = {name: "" if v is None else str(v) for name, v in drawn.items()}
    shown["monthly_income"] = form_number(person["monthly_income"])

    result = update_status(
        engine,
        id_number=person["id_number"],
        month=AUGUST,
        values=shown | {"work_place": "贵阳市"},
        seen=drawn,
        user="t",
    )

    assert result.ok and list(result.changed) == ["work_place"], result.report()
    assert shown["monthly_income"] == "12345.67"
    now = _person(load_frames(engine), 1)
    assert (now["monthly_income"], now["work_place"]) == (12345.67, "贵阳市")
    assert load_frames(engine).edits.get_column("field").to_list() == ["work_place"]


@pytest.mark.parametrize(
    "values", [{"monthly_income": "-5"}, {"status": "已就业"}, {"wish": "随便"}]
)
def test_a_refused_update_never_shows_the_full_id_number(
    engine: Engine, tmp_path: Path, values: dict
) -> None:
    """A refusal lists what is wrong with the entered values; the stored record's ID number
    (here with a region code unknown in its birth year, which the import warned about) appears
    only masked, and nothing names its region and birth year."""
    id_number = make_id(12, birth="20150101")
    row = labour_row(0, 身份证号=id_number, 性别="男")
    assert import_files(engine, [labour_ledger(tmp_path / "8月.xlsx", [row])]).ok

    refused = update_status(engine, id_number=id_number, month=AUGUST, values=values, user="t")
    missing = update_status(
        engine, id_number=id_number, month=dt.date(2020, 9, 1), values=values, user="t"
    )

    for result in (refused, missing):
        assert not result.ok
        for lang in ("zh", "en"):
            report = result.report(lang)
            assert id_number not in report and id_number[:10] not in report, report
            assert "20150101" not in report and "2015" not in report, report
    assert mask_value("id_number", id_number) in missing.report()
    assert all(i.column != "身份证号" for i in refused.issues), refused.report()
