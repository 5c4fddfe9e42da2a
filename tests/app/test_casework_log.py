"""A casework write (工单) in the audit log and the import history, as other writes are: named,
with the ID number masked, and undoable from the history."""

from __future__ import annotations

import polars as pl

from analytics.casework import wishing_to_work
from analytics.privacy import mask_value
from data.casework import set_case
from data.frames import load_frames
from data.store import get_engine
from ui.strings import STRINGS


def zh(key: str) -> str:
    return STRINGS[key]["zh"]


def test_a_case_change_is_in_the_audit_log_and_the_history(app_for, own_store_url) -> None:
    engine = get_engine(own_store_url)
    labour = load_frames(engine).labour
    person = wishing_to_work(labour, labour["month"].max()).row(0, named=True)
    result = set_case(
        engine,
        kind="person",
        rule=person["rule"],
        subject=person["id_number"],
        state="帮扶中",
        user="demo-analyst",
    )
    assert result.ok, result.report()

    log = app_for(own_store_url).switch_page("pages/audit.py").run()
    history = app_for(own_store_url, batch=str(result.batch_id))
    history = history.switch_page("pages/imports.py").run()

    assert not log.exception and not history.exception
    shown = pl.from_pandas(log.dataframe[0].value)
    entry = shown.filter(pl.col(shown.columns[4]) == result.batch_id).row(0)
    assert entry[2] == zh("audit_case")
    assert mask_value("id_number", person["id_number"]) in entry[3]
    assert person["id_number"] not in shown.write_csv()
    batches = pl.from_pandas(history.dataframe[0].value)
    assert batches.filter(pl.col("id") == result.batch_id)["source"].to_list() == [
        zh("imp_source_case")
    ]
    assert any(b.key == f"imports_undo_{result.batch_id}" for b in history.button)
