"""`python -m data export rosters`: 一库六册 as one workbook, one sheet per roster."""

from __future__ import annotations

import re

import polars as pl
import pytest

from analytics.rates import latest_month
from analytics.rosters import ROSTERS, rosters
from data.__main__ import main
from data.audit import audit_log
from data.export import ROSTER_SHEETS
from data.frames import load_frames
from data.ledger import LABOUR
from data.store import get_engine

HEADERS = [c.zh for c in LABOUR.columns]


@pytest.fixture
def store(own_store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", own_store_url)
    return own_store_url


def _sheets(path) -> dict[str, pl.DataFrame]:
    return pl.read_excel(path, sheet_id=0, infer_schema_length=0)


def test_six_sheets_with_the_ledger_headers_and_the_rosters_rows(store, tmp_path) -> None:
    labour = load_frames(get_engine(store)).labour
    month = latest_month(labour)
    expected = rosters(labour, month)
    out = tmp_path / "六册.xlsx"

    assert main(["export", "rosters", "--out", str(out)]) == 0

    sheets = _sheets(out)
    assert list(sheets) == [ROSTER_SHEETS[name] for name in ROSTERS]
    for name, frame in expected.items():
        sheet = sheets[ROSTER_SHEETS[name]]
        assert sheet.columns == HEADERS
        assert sheet.height == frame.height > 0
        assert sheet["姓名"].to_list() == frame["name"].to_list()
        # Masked by default: no whole ID number leaves the server unless asked for.
        assert not any(re.fullmatch(r"\d{17}[\dX]", i) for i in sheet["身份证号"])
    # Yes/no written as the ledger writes it, not TRUE/FALSE.
    assert set(sheets[ROSTER_SHEETS["two_after"]]["是否两后生"]) == {"是"}
    assert set(sheets[ROSTER_SHEETS["labour"]]["是否三无人员"]) == {"是", "否"}
    log = audit_log(get_engine(store))
    assert log.filter(pl.col("action") == "export")["detail"].str.contains("一库六册").any()


def test_a_site_and_full_numbers(store, tmp_path) -> None:
    labour = load_frames(get_engine(store)).labour
    site = labour["site"].unique().sort()[0]
    out = tmp_path / "site.xlsx"
    assert main(["export", "rosters", "--site", site, "--out", str(out), "--full"]) == 0
    sheet = _sheets(out)[ROSTER_SHEETS["labour"]]
    assert set(sheet["安置点"]) == {site}
    assert all(re.fullmatch(r"\d{17}[\dX]", i) for i in sheet["身份证号"])
    assert "export_full" in audit_log(get_engine(store))["action"].to_list()


def test_an_unknown_place_or_month_is_refused(store, tmp_path, capsys) -> None:
    out = tmp_path / "none.xlsx"
    assert main(["export", "rosters", "--township", "没有这个镇", "--out", str(out)]) == 2
    assert main(["export", "rosters", "--month", "1999-01", "--out", str(out)]) == 2
    assert main(["export", "rosters", "--out", str(tmp_path / "x.csv")]) == 2
    assert "没有" in capsys.readouterr().err
    assert not out.exists()
