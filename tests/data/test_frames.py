"""Store → frames: the snapshot follows every write and never mixes two stores up."""

from __future__ import annotations

import datetime as dt

import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine
from sqlmodel import Session

import data.frames as frames_module
from analytics.aggregates import household_grain, person_counts
from data.frames import load_frames
from data.store import (
    Building,
    Household,
    ImportBatch,
    LabourRecord,
    Person,
    Site,
    Township,
    data_version,
)

M = dt.date(2020, 8, 1)


def _write_person(engine: Engine, id_number: str, name: str, status: str) -> None:
    """One person in one household, written as its own batch (as an import would)."""
    with Session(engine) as session:
        batch = ImportBatch(
            created_at=dt.datetime(2020, 9, 1, tzinfo=dt.UTC),
            user="test",
            source="import",
            files="t.csv",
            formats="labour",
        )
        township = Township(name=f"镇{id_number[-2:]}")
        site = Site(name=f"点{id_number[-2:]}")
        session.add_all([batch, township, site])
        session.flush()
        building = Building(site_id=site.id, name="1")
        person = Person(id_number=id_number, name=name)
        session.add_all([building, person])
        session.flush()
        household = Household(
            code=f"{site.name}|1|101",
            site_id=site.id,
            building_id=building.id,
            room="101",
            head_name=name,
            township_id=township.id,
        )
        session.add(household)
        session.flush()
        session.add(
            LabourRecord(
                person_id=person.id,
                month=M,
                household_id=household.id,
                capacity="有劳动能力",
                status=status,
                batch_id=batch.id,
            )
        )
        session.commit()


def test_frames_follow_every_write(engine: Engine) -> None:
    assert load_frames(engine).labour.is_empty()
    _write_person(engine, "522424198001010011", "张三", "已就业")
    first = load_frames(engine)
    assert first.labour.get_column("name").to_list() == ["张三"]
    assert first.labour.get_column("month").to_list() == [M]

    _write_person(engine, "522424198001010022", "李四", "未就业")
    second = load_frames(engine)

    assert data_version(engine) == 2
    assert sorted(second.labour.get_column("name")) == ["张三", "李四"]
    assert second.batches.height == 2


def test_snapshot_is_reused_and_equal(engine: Engine) -> None:
    _write_person(engine, "522424198001010011", "张三", "已就业")
    fresh = load_frames(engine)  # reads the database, writes the snapshot
    cached = load_frames(engine)  # reads the snapshot
    for name in ("labour", "batches", "sites", "buildings", "townships"):
        assert getattr(cached, name).equals(getattr(fresh, name)), name
        assert getattr(cached, name).schema == getattr(fresh, name).schema, name


def test_two_stores_at_the_same_version_do_not_share_frames(engine: Engine, sqlite_engine) -> None:
    _write_person(engine, "522424198001010011", "张三", "已就业")
    _write_person(sqlite_engine, "522424198001010022", "李四", "未就业")
    assert data_version(engine) == data_version(sqlite_engine) == 1
    assert load_frames(engine).labour.get_column("name").to_list() == ["张三"]
    assert load_frames(sqlite_engine).labour.get_column("name").to_list() == ["李四"]


def test_a_patched_snapshot_keeps_its_aggregates_those_of_its_labour(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_person(engine, "522424198001010011", "张三", "已就业")
    load_frames(engine)  # the snapshot the next load patches
    _write_person(engine, "522424198001010022", "李四", "未就业")
    counted = []
    recount = frames_module._person_counts_with
    monkeypatch.setattr(
        frames_module,
        "_person_counts_with",
        lambda *args: counted.append(1) or recount(*args),
    )
    patched = load_frames(engine)
    assert counted == [1]  # patched, not read again
    assert_frame_equal(patched.households, household_grain(patched.labour))
    assert_frame_equal(patched.person_counts, person_counts(patched.labour))
    assert patched.person_counts.get_column("persons").sum() == 2
