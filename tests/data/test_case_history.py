"""A subject's last changes (`data.casework.case_history`) on SQLite and PostgreSQL: who, when,
old → new, newest first, each subject its own, an undone change gone."""

from __future__ import annotations

import datetime as dt

from data.casework import HISTORY_SCHEMA, case_history, set_case
from data.undo import undo_batch
from tests.data.test_casework import HOUSEHOLD, OTHER_BUILDING, store  # noqa: F401

KEY = {"kind": "household", "rule": "零就业家庭"}


def test_the_last_changes_newest_first_and_an_undone_one_gone(store) -> None:  # noqa: F811
    first = set_case(
        store, **KEY, subject=HOUSEHOLD, state="帮扶中", owner="captain", user="analyst"
    )
    second = set_case(store, **KEY, subject=HOUSEHOLD, state="已就业", user="captain")
    other = set_case(store, **KEY, subject=OTHER_BUILDING, state="暂无法就业", user="analyst")
    assert first.ok and second.ok and other.ok

    history = case_history(store, **KEY, subject=HOUSEHOLD)
    assert history.schema == HISTORY_SCHEMA
    assert history.select("changed_by", "field", "old_value", "new_value").rows() == [
        ("captain", "state", "帮扶中", "已就业"),
        ("analyst", "owner", None, "captain"),
        ("analyst", "state", "待帮扶", "帮扶中"),
    ]
    moments = history.get_column("changed_at")
    assert moments.is_sorted(descending=True)
    now = dt.datetime.now(dt.UTC)
    assert all(now - dt.timedelta(minutes=5) < at <= now for at in moments)

    assert undo_batch(store, second.batch_id, user="analyst").ok
    assert case_history(store, **KEY, subject=HOUSEHOLD).get_column("new_value").to_list() == [
        "captain",
        "帮扶中",
    ]
    assert case_history(store, **KEY, subject="幸福家园|9|9-999").is_empty()
