"""The upload page (台账上传) driven through AppTest, files and all: a ledger with errors is
previewed and refused without a write, a clean one is imported and visible at once, the valid
rows of a bad one are imported with the rejects offered back, a month imported before is said
to be replaced. Expected values come from the files the tests write, not from the page's code.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from data import importer
from data.frames import load_frames
from data.importer import ImportResult, StoreWriter
from data.ledger import ISSUES_LISTED, LedgerIssue
from data.store import data_version, get_engine
from tests.data.test_hostile_files import bomb, junk
from tests.data.test_import import labour_ledger
from tests.data.test_ledger import labour_row, make_id
from ui import upload as upload_page
from ui.strings import STRINGS
from ui.upload import month_options, safe_names

PAGE = "pages/upload.py"
# Read-only tables carry no key: in page order, the preview comes first, then the issues (and
# after a commit, the result is the only one).
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zh(key: str, **values: object) -> str:
    return STRINGS[key]["zh"].format(**values)


def september(tmp_path: Path, name: str = "9月台账.xlsx", **changes: dict) -> tuple[str, bytes]:
    """Six people's September 2020 as a county's workbook (data from row 5); `changes` by person."""
    rows = [labour_row(n, 统计月份="2020-09") for n in range(6)]
    for person, change in changes.items():
        rows[int(person)] = rows[int(person)] | change
    folder = tmp_path / "files"
    folder.mkdir(exist_ok=True)
    path = labour_ledger(folder / name, rows)
    return name, path.read_bytes()


BAD = {"1": {"劳动能力": "能干"}, "3": {"身份证号": "5224"}}  # rows 6 and 8 of the sheet


def upload(at, *files: tuple[str, bytes]):
    return at.file_uploader[0].set_value([(name, data, XLSX) for name, data in files]).run()


def test_before_an_upload_the_page_offers_the_uploader_and_the_month(
    app_for, demo_store_url: str
) -> None:
    at = app_for(demo_store_url, user="demo-clerk").switch_page(PAGE).run()

    assert not at.exception
    assert at.title[0].value == zh("nav_upload")
    uploader = at.file_uploader[0]
    assert uploader.accept_multiple_files
    assert set(uploader.allowed_type) == {".xlsx", ".xls", ".csv", ".geojson", ".json"}
    month = at.selectbox(key="upload_month")
    assert month.value is None
    newest = month_options()[0]
    assert month.options[0] == f"{newest.year}年{newest.month}月"
    assert month.options[-1] == "2015年1月"
    assert not at.dataframe and not at.get("download_button")
    assert [b.label for b in at.button] == [zh("sign_out")]


def test_a_ledger_with_errors_is_shown_row_by_row_and_nothing_is_written(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    version = data_version(get_engine(own_store_url))
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    upload(at, september(tmp_path, **BAD))

    assert not at.exception
    preview = at.dataframe[0].value
    assert preview.to_dict("records") == [
        {
            "file": "9月台账.xlsx",
            "sheet": "台账",
            "format": "劳动力就业台账",
            "months": "2020年9月",
            "rows_read": 8,  # units and 合计 included
            "rows_valid": 4,
            "rows_with_errors": 2,
            "warnings": 0,
            "skipped": 2,
        }
    ]
    assert [e.value for e in at.error] == [zh("upl_errors", errors="2", rows="2")]
    issues = at.dataframe[1].value
    assert issues[["severity", "row", "column", "value"]].values.tolist() == [
        ["错误", 6, "劳动能力", "能干"],
        ["错误", 8, "身份证号", "5224"],  # short: nothing to mask
    ]
    assert issues["reason"].tolist()[1] == "位数不对：应为 18 位，实为 4 位"
    commit = at.button(key="upload_commit")
    assert commit.disabled
    keep = at.button(key="upload_commit_valid")
    assert keep.label == zh("upl_commit_valid", rows="4") and not keep.disabled
    assert at.get("download_button")[0].label == zh("upl_download_marked")
    assert data_version(get_engine(own_store_url)) == version


def test_personal_values_in_the_issues_are_masked(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    wrong = make_id(4)[:-1] + ("0" if make_id(4)[-1] != "0" else "1")
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    upload(at, september(tmp_path, **{"4": {"身份证号": wrong}}))

    shown = at.dataframe[1].value["value"].tolist()
    assert shown == [wrong[:4] + "*" * 10 + wrong[-4:]]


def test_the_reasons_beside_masked_ids_give_back_nothing_the_mask_hides(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    """An invalid birth date and a region code unknown in the birth year: the reasons name the
    digits by place, so neither the birth date (digits 7-14), the region code nor the birth year
    stands beside the masked value."""
    bad_date, new_region = make_id(4, birth="19901332"), make_id(5, birth="20150101")
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    upload(at, september(tmp_path, **{"4": {"身份证号": bad_date}, "5": {"身份证号": new_region}}))

    issues = at.dataframe[1].value
    assert issues[["severity", "row", "value", "reason"]].values.tolist() == [
        ["错误", 9, bad_date[:4] + "*" * 10 + bad_date[-4:], "出生日期不是有效日期（第 7–14 位）"],
        [
            "警告",
            10,
            new_region[:4] + "*" * 10 + new_region[-4:],
            "地区码（前 6 位）在出生那年不存在（可能是行政区划调整），请核对",
        ],
    ]
    shown = " ".join(str(cell) for cell in issues.to_numpy().ravel())
    for hidden in ("19901332", "20150101", "522424", "2015"):
        assert hidden not in shown, hidden


def test_a_refused_import_s_report_on_the_page_masks_the_values_it_quotes(
    app_for, own_store_url: str, tmp_path: Path, monkeypatch
) -> None:
    """The report of an import refused at commit quotes each bad cell: on the page, an ID
    number or phone only as the issue table shows it (masked without full view)."""
    id_number, phone = make_id(4, birth="19901332"), "13812345678"

    def refused(engine, paths, **options) -> ImportResult:
        issues = [
            LedgerIssue(
                "9月台账.xlsx", "台账", 9, "身份证号", id_number, "出生日期不是有效日期", "x"
            ),
            LedgerIssue("9月台账.xlsx", "台账", 9, "联系电话", phone, "不是 11 位手机号", "x"),
        ]
        return ImportResult(False, None, issues, [], [])

    monkeypatch.setattr(upload_page, "import_files", refused)
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()
    upload(at, september(tmp_path))

    at.button(key="upload_commit").click().run()

    [shown] = [e.value for e in at.error]
    assert f'"{id_number[:4]}{"*" * 10}{id_number[-4:]}"' in shown and '"138****5678"' in shown
    assert id_number not in shown and phone not in shown


def test_an_import_that_fails_shows_a_reference_not_the_server_s_error(
    app_for, own_store_url: str, tmp_path: Path, monkeypatch, caplog
) -> None:
    """An unexpected failure at commit: the page says nothing changed and gives a reference;
    the exception (a server path, here) is in the server's log under it, not on the page."""

    def fails(engine, paths, **options) -> ImportResult:
        raise OSError("[Errno 28] No space left on device: '/srv/ydbq/data/store/x.sqlite'")

    monkeypatch.setattr(upload_page, "import_files", fails)
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()
    upload(at, september(tmp_path))

    with caplog.at_level("ERROR", logger="ydbq.pages"):
        at.button(key="upload_commit").click().run()

    [shown] = [e.value for e in at.error]
    assert "/srv/ydbq" not in shown and "OSError" not in shown and "数据没有任何改动" in shown
    [logged] = [r for r in caplog.records if r.name == "ydbq.pages"]
    reference = logged.getMessage().split("reference ")[1].split(",")[0]
    assert reference in shown and "/srv/ydbq" in logged.exc_text


def test_an_import_refused_for_a_busy_store_says_the_files_are_fine(
    app_for, own_store_url: str, tmp_path: Path, monkeypatch
) -> None:
    """Another write holds the store: the page says so and that the files need no change (not
    "rejected: correct them"), writes nothing, and the same click works once the store is free."""
    monkeypatch.setattr(importer, "WRITE_WAIT_SECONDS", 0.5)
    engine = get_engine(own_store_url)
    version = data_version(engine)
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()
    upload(at, september(tmp_path))
    holder = StoreWriter(engine).__enter__()
    try:
        at.button(key="upload_commit").click().run()
    finally:
        holder.__exit__(None, None, None)

    assert not at.exception
    assert [w.value for w in at.warning] == [zh("upl_busy")]
    assert not at.error
    assert data_version(engine) == version
    at.button(key="upload_commit").click().run()
    assert data_version(engine) == version + 1


def test_a_clean_ledger_is_imported_and_visible_at_once(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    engine = get_engine(own_store_url)
    version = data_version(engine)
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()
    upload(at, september(tmp_path))
    assert [s.value for s in at.success] == [zh("upl_ok")]
    assert not at.error

    at.button(key="upload_commit").click().run()

    assert not at.exception
    batch = version + 1
    assert data_version(engine) == batch
    assert at.success[0].value == (
        zh("upl_done", batch=batch, months="，2020年9月")
        + zh("upl_done_rows", imported="6", replaced="0", rejected="0")
    )
    result = at.dataframe[0].value
    assert result[["file", "imported", "replaced", "rejected"]].values.tolist() == [
        ["9月台账.xlsx", 6, 0, 0]
    ]
    # The new data version's snapshot is written: the next page reads it, nobody waits.
    folder = Path(own_store_url.removeprefix("sqlite:///") + ".frames")
    assert any(p.name.startswith(f"v{batch}-") for p in folder.iterdir())
    labour = load_frames(engine).labour
    assert labour.filter(pl.col("id_number") == make_id(0))["month"].to_list()[-1].month == 9
    history = batch_of(engine, batch)
    assert (history["user"], history["source"], history["files"]) == (
        "demo-clerk",
        "import",
        "9月台账.xlsx",
    )
    # The uploader starts empty again, the link leads to the batch in the history.
    assert at.file_uploader[0].value == []
    link = at.get("page_link")[0].proto
    assert link.label == zh("upl_to_history") and f"batch={batch}" in link.query_string


def batch_of(engine, batch_id: int) -> dict:
    return load_frames(engine).batches.filter(pl.col("id") == batch_id).row(0, named=True)


def test_only_the_valid_rows_are_imported_and_the_rejects_offered(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    engine = get_engine(own_store_url)
    before = load_frames(engine).labour.height
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()
    upload(at, september(tmp_path, **BAD))

    at.button(key="upload_commit_valid").click().run()

    assert not at.exception
    assert zh("upl_done_rows", imported="4", replaced="0", rejected="2") in at.success[0].value
    assert load_frames(engine).labour.height == before + 4
    rejects = at.get("download_button")[0]
    assert rejects.label == zh("upl_download_rejects", rows="2")
    assert batch_of(engine, data_version(engine))["rows_rejected"] == 2


def test_a_month_imported_before_is_said_to_be_replaced(
    app_for, own_store_url: str, demo_store_url: str
) -> None:
    ledgers = Path(demo_store_url.removeprefix("sqlite:///")).parent / "ledgers"
    latest = sorted(ledgers.glob("劳动力就业台账_*.csv"))[-1]
    engine = get_engine(own_store_url)
    month = load_frames(engine).labour["month"].max()
    people = load_frames(engine).labour.filter(pl.col("month") == month).height
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    at.file_uploader[0].set_value([(latest.name, latest.read_bytes(), "text/csv")]).run()

    assert [i.value for i in at.info] == [
        zh("upl_reimport_labour", months=f"{month.year}年{month.month}月", batches="#1")
    ]
    at.button(key="upload_commit").click().run()
    assert zh("upl_done_rows", imported=f"{people:,}", replaced=f"{people:,}", rejected="0") in (
        at.success[0].value
    )
    assert load_frames(engine).labour.filter(pl.col("month") == month).height == people


def test_a_file_that_is_no_ledger_cannot_be_imported(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    at.file_uploader[0].set_value([("说明.csv", "说明\n这不是台账\n".encode(), "text/csv")]).run()

    assert not at.exception
    assert at.dataframe[0].value["format"].tolist() == [zh("upl_unrecognised")]
    assert at.dataframe[1].value["reason"].tolist()[0].startswith("未识别的表格")
    assert [w.value for w in at.warning] == [zh("upl_nothing")]
    assert not [b for b in at.button if b.key and b.key.startswith("upload_commit")]


def test_the_page_in_english(app_for, demo_store_url: str, tmp_path: Path) -> None:
    at = app_for(demo_store_url, user="demo-clerk", lang="en").switch_page(PAGE).run()

    upload(at, september(tmp_path, **BAD))

    assert at.title[0].value == "Upload ledgers"
    assert at.dataframe[0].value[["format", "months"]].values.tolist() == [
        ["labour ledger", "2020-09"]
    ]
    assert at.error[0].value == STRINGS["upl_errors"]["en"].format(errors="2", rows="2")
    issues = at.dataframe[1].value
    assert issues["severity"].tolist() == ["Error", "Error"]
    assert issues["reason"].tolist()[1] == "wrong length: 18 expected, got 4"


def test_upload_names_never_leave_the_temporary_folder() -> None:
    assert safe_names(
        ["../../etc/passwd.csv", "C:\\Users\\张三\\台账.xlsx", "a.csv", "A.csv", "..", "", ".env"]
    ) == ["passwd.csv", "台账.xlsx", "a.csv", "A (2).csv", "upload", "upload (2)", "env"]
    long = safe_names(["台" * 200 + ".xlsx"])[0]
    assert long.endswith(".xlsx") and len(long.encode()) <= 200


def test_an_analyst_cannot_reach_the_upload_page(app_for, demo_store_url: str) -> None:
    at = app_for(demo_store_url, user="demo-analyst").switch_page(PAGE).run()

    assert not at.file_uploader


def test_a_workbook_that_would_take_the_server_down_is_refused(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    """Two cells, A1 and XFD1048576, in a 2 KB file: before, reading it aborted the process (in
    a server, for every user). Declared or not, the span ends in a refusal of the file."""
    version = data_version(get_engine(own_store_url))
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()

    files = [
        (name, bomb(tmp_path / name, dimension=dimension).read_bytes())
        for name, dimension in (("声明.xlsx", "A1:XFD1048576"), ("谎报.xlsx", "A1"))
    ]
    upload(at, *files)

    assert not at.exception
    assert at.dataframe[0].value["format"].tolist() == [zh("upl_unrecognised")] * 2
    assert [e.value for e in at.error] == [zh("upl_errors", errors="2", rows="0")]
    issues = at.dataframe[1].value
    assert issues["file"].tolist() == ["声明.xlsx", "谎报.xlsx"]
    assert issues["sheet"].tolist() == ["花名册", "花名册"]
    assert all("A1:XFD1048576" in reason for reason in issues["reason"])
    assert issues["reason"].tolist()[1].startswith("读取所需内存超过上限")
    assert not [b for b in at.button if b.key and b.key.startswith("upload_commit")]
    assert data_version(get_engine(own_store_url)) == version


def test_a_sheet_of_junk_lists_its_first_errors_and_counts_the_rest(
    app_for, own_store_url: str, tmp_path: Path
) -> None:
    """Every cell of 600 rows is junk: 2,400 errors, the first 1,000 listed, the rest counted."""
    at = app_for(own_store_url, user="demo-clerk").switch_page(PAGE).run()
    path = junk(tmp_path / "台账.csv", 600)

    at.file_uploader[0].set_value([("台账.csv", path.read_bytes(), "text/csv")]).run()

    assert not at.exception
    assert [e.value for e in at.error] == [zh("upl_errors", errors="2,400", rows="600")]
    issues = at.dataframe[1].value
    assert len(issues) == ISSUES_LISTED + 1
    assert issues["reason"].tolist()[-1] == "还有 1,400 个错误未列出（只列出每个表的前 1,000 个）"
    assert not at.caption or all("整个文件" not in c.value for c in at.caption)
