"""The whole store's audit cases kept beside its snapshot (`data.audit_cases`): the same cases
as the rules worked out on the frames, read from the file by any later process, one file per
standards, and a scope's cut audited on its own frames."""

from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal

import data.audit_cases as audit_cases_module
from analytics.audit import Standards, cases
from data.audit_cases import audit_cases
from data.frames import Scope, load_frames
from data.store import get_engine

STRICT = Standards(min_age=30, max_age=50, living_per_payment=100.0)


def _no_rules(*args: object, **kwargs: object) -> None:
    raise AssertionError("the rules ran again")


@pytest.mark.parametrize("standards", [Standards(), STRICT])
def test_the_cases_are_worked_out_once_and_read_back(
    own_store_url: str, standards: Standards, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = get_engine(own_store_url)
    frames = load_frames(engine)
    expected = cases(load_frames(engine).labour, frames.subsidies, standards)
    assert not expected.is_empty()

    assert_frame_equal(audit_cases(frames, standards), expected)
    assert len(list(frames.snapshot.glob("audit-*.parquet"))) == 1
    assert not frames.labour_loaded

    # Another process's frames of the same version: the file, not the rules.
    monkeypatch.setattr(audit_cases_module, "cases", _no_rules)
    assert_frame_equal(audit_cases(load_frames(engine), standards), expected)


def test_each_standards_has_its_own_file(own_store_url: str) -> None:
    frames = load_frames(get_engine(own_store_url))
    default, strict = audit_cases(frames, Standards()), audit_cases(frames, STRICT)
    assert strict.height > default.height  # more ages and allowances fall outside
    assert len(list(frames.snapshot.glob("audit-*.parquet"))) == 2
    assert_frame_equal(audit_cases(frames, Standards()), default)


def test_a_scope_is_audited_on_its_own_frames(demo_store_url: str) -> None:
    frames = load_frames(get_engine(demo_store_url))
    township = frames.households.get_column("township").drop_nulls().unique().sort()[0]
    scoped = frames.scoped(Scope(townships=frozenset({township})))
    assert scoped.snapshot is None
    expected = cases(scoped.labour, scoped.subsidies, STRICT)
    assert_frame_equal(audit_cases(scoped, STRICT), expected)
