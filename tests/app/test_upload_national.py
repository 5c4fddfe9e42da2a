"""The upload page takes a ledger in the national 防返贫监测信息系统's vocabulary as a labour
ledger: the preview names it, its month (from 数据日期) and its rows, and the import commits it."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from data.frames import load_frames
from data.store import get_engine
from tests.app.test_upload import PAGE, upload, zh
from tests.data.test_import_national import national, workbook
from tests.data.test_ledger import labour_row, make_id


def test_a_national_ledger_is_previewed_and_imported(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    rows = [labour_row(n, 统计月份="2020-09", 联系电话=None) for n in range(6)]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
    phones = pl.Series([f"1390000000{n}" for n in range(6)])
    path = workbook(tmp_path / "监测系统导出.xlsx", national(frame, household_phone=phones))
    wrong = "1390000000"  # a digit short
    bad = workbook(
        tmp_path / "错.xlsx",
        national(frame, household_phone=phones.set(phones == phones[0], wrong)),
    )
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    # A household's phone is personal data like the person's: the issues show its ends only.
    upload(at, (bad.name, bad.read_bytes()))
    issues = at.dataframe[1].value
    assert issues[["row", "column", "value"]].values.tolist() == [[2, "户联系电话", "139***0000"]]
    upload(at, (path.name, path.read_bytes()))

    assert not at.exception
    preview = at.dataframe[0].value
    assert preview[["format", "months", "rows_valid", "rows_with_errors", "warnings"]].to_dict(
        "records"
    ) == [
        {
            "format": "劳动力就业台账",
            "months": "2020年9月",
            "rows_valid": 6,
            "rows_with_errors": 0,
            "warnings": 0,
        }
    ]
    assert [s.value for s in at.success] == [zh("upl_ok")]
    at.button(key="upload_commit").click().run()
    assert not at.exception
    labour = load_frames(get_engine(own_store_url)).labour
    person = labour.filter(pl.col("id_number") == make_id(5), pl.col("month").dt.month() == 9)
    assert person.select("township", "village", "phone").row(0) == (
        "岩孔街道",
        "新华村",
        "13900000005",
    )
