"""The meeting pack end to end: real PDFs and workbooks from the small demo store, read back with
poppler (pdfinfo, pdftotext, pdffonts) and polars. Every expectation is computed from the frames."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from analytics.building import NOTE_COLUMNS, UNEMPLOYED_SCHEMA, Review, roster
from analytics.privacy import MISSING, masked
from data.__main__ import main
from data.audit import audit_log
from data.frames import Frames, load_frames
from data.store import get_engine
from tests.conftest import copy_store
from ui.format import fmt_delta_count, fmt_delta_rate, fmt_month
from ui.pack import SHEETS, FontMissing, pack_file_name, pack_pdf, pack_xlsx, site_reviews
from ui.strings import t

ROOT = Path(__file__).resolve().parents[2]
# Sheet → the Review frame whose rows it holds (the overview: one row per building).
SHEET_ROWS = {
    "pack_sheet_overview": None,
    "pack_sheet_zero": "zero",
    "pack_sheet_members": "members",
    "pack_sheet_changes": "changes",
    "pack_sheet_unemployed": "unemployed",
    "pack_sheet_matches": "matches",
    "pack_sheet_suitable": "suitable",
    "pack_sheet_notes": "notes",
}


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is missing: install poppler-utils (make system-deps)")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(pdf)), re.M).group(1))


def text_of(pdf: Path) -> str:
    return poppler("pdftotext", "-layout", str(pdf), "-")


def assert_fonts_embedded(pdf: Path) -> None:
    # Columns: name, type (may hold spaces), encoding, emb, sub, uni, object, ID.
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    embedded = [re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", r)[1] for r in rows]
    assert embedded and set(embedded) == {"yes"}, rows


def counted(key: str) -> str:
    """A pattern for the string `key` with any {count}, the count as its group."""
    return re.escape(t(key, count="N")).replace("N", r"(\d+)")


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.fixture(scope="module")
def frames(demo_store_url: str) -> Frames:
    return load_frames(get_engine(demo_store_url))


@pytest.fixture(scope="module")
def latest(frames: Frames) -> date:
    return frames.labour.get_column("month").max()


@pytest.fixture(scope="module")
def site(frames: Frames) -> str:
    """The site with the most buildings."""
    counts = roster(frames.buildings, frames.labour).group_by("site").len()
    return counts.sort("len", "site", descending=[True, False]).get_column("site")[0]


@pytest.fixture(scope="module")
def reviews(frames: Frames, site: str, latest: date) -> list[Review]:
    return site_reviews(frames, site, latest)


@pytest.fixture(scope="module")
def busiest(reviews: list[Review]) -> Review:
    """The building with the most unemployed members: the masking has IDs to hide."""
    chosen = max(reviews, key=lambda r: (r.unemployed.height, r.households.height))
    assert chosen.unemployed.height and chosen.has_previous
    return chosen


def first_page(pdf: Path) -> str:
    return poppler("pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-")


def test_a_building_has_every_room_on_its_first_page_and_masked_ids(
    tmp_path: Path, busiest: Review
) -> None:
    pdf = write(tmp_path / "building.pdf", pack_pdf([busiest]))
    assert_fonts_embedded(pdf)
    text = text_of(pdf)
    summary = first_page(pdf)
    for room, head in busiest.households.select("room", "head_name").iter_rows():
        assert f"{room} {head or MISSING}" in summary
    ids = busiest.unemployed.get_column("id_number")
    assert not [i for i in ids if i in text]
    assert any(i in text for i in masked(busiest.unemployed).get_column("id_number"))
    head = busiest.head
    for change in (
        fmt_delta_count(head["employed_change"]),
        fmt_delta_rate(head["employment_rate_change"]),
    ):
        assert f"{t('vs_last_month')} {change}" in text


def test_the_roll_lists_every_member_with_status_and_a_blank_remarks_column(
    tmp_path: Path, busiest: Review
) -> None:
    """Not only the heads: every member, with their status, in ruled rows to write in."""
    members = busiest.members
    assert members.height > busiest.households.height  # more members than heads
    pdf = write(tmp_path / "roll.pdf", pack_pdf([busiest]))
    text = text_of(pdf)
    lines = text.splitlines()
    for m in members.iter_rows(named=True):
        line = next((x for x in lines if re.search(rf"\b{m['name']}\s+{m['relation']}\s", x)), None)
        assert line is not None, m["name"]
        assert m["status"] in line
    assert t("pack_roll_title", count=members.height) in text
    # The column's heading on every page.
    assert len(re.findall(rf"(?<!\S){t('pack_remarks')}(?!\S)", text)) == pages(pdf)
    # Every page signed and numbered over the whole file.
    for page in range(1, pages(pdf) + 1):
        assert t("pack_page", page=page, pages=pages(pdf)).replace(" ", "") in text.replace(" ", "")


def test_full_view_shows_the_id_numbers(tmp_path: Path, busiest: Review) -> None:
    text = text_of(write(tmp_path / "full.pdf", pack_pdf([busiest], full_view=True)))
    assert busiest.unemployed.get_column("id_number")[0] in text


def test_a_site_is_one_page_per_building(
    tmp_path: Path, frames: Frames, site: str, reviews: list[Review]
) -> None:
    buildings = roster(frames.buildings, frames.labour).filter(pl.col("site") == site)
    assert [r.place.building for r in reviews] == buildings.get_column("building").to_list()
    pdf = write(tmp_path / "site.pdf", pack_pdf(reviews))
    titles = re.findall(t("pack_title", site=site, building=r"\S+", month=r"\S+"), text_of(pdf))
    assert len(titles) == buildings.height > 1
    # Each building's summary opens a page; its roll follows it.
    assert pages(pdf) >= buildings.height
    assert_fonts_embedded(pdf)


def test_the_first_month_has_no_change_to_show(tmp_path: Path, frames: Frames, site: str) -> None:
    first = frames.labour.get_column("month").min()
    one = next(r for r in site_reviews(frames, site, first) if r.households.height)
    assert not one.has_previous
    text = text_of(write(tmp_path / "first.pdf", pack_pdf([one])))
    assert len(re.findall(rf"{t('vs_last_month')}\s*{MISSING}", text)) == 5  # every KPI
    assert t("bld_no_previous", previous=fmt_month(one.head["previous_month"])) in text


def test_long_lists_stay_on_one_page(tmp_path: Path, reviews: list[Review], latest: date) -> None:
    """A building holding the whole site's households (400 at least), changes and unemployed,
    and 60 follow-up notes: what does not fit is counted, never spilled onto a second page (the
    pages after the first hold the member roll alone)."""

    def every(field: str) -> pl.DataFrame:
        return pl.concat([getattr(r, field) for r in reviews])

    homes = every("households")
    homes = pl.concat([homes] * (1 + 400 // homes.height))
    notes = homes.head(60).select(
        pl.lit(latest).alias("noted_on"),
        "room",
        "head_name",
        pl.lit("楼长").alias("author"),
        pl.lit("上门走访，本人愿意到县内扶贫车间务工，家中老人需照顾，希望离家近的岗位").alias(
            "text"
        ),
        pl.lit("下周陪同到车间面试").alias("next_step"),
    )
    big = dataclasses.replace(
        reviews[0],
        households=homes,
        changes=every("changes"),
        unemployed=every("unemployed"),
        matches=every("matches"),
        notes=notes.select(NOTE_COLUMNS),
    )
    pdf = write(tmp_path / "big.pdf", pack_pdf([big]))
    text = first_page(pdf)
    rest = poppler("pdftotext", "-layout", "-f", "2", str(pdf), "-")
    assert t("pack_notes_title") not in rest and t("bld_unemployed_title") not in rest
    more = re.findall(counted("pack_more"), text)
    assert more and all(int(n) > 0 for n in more)
    rest = re.search(counted("pack_more_households"), text)
    assert rest and 0 < int(rest[1]) < homes.height
    assert notes.get_column("room")[0] in text


def test_the_workbook_of_a_site(tmp_path: Path, frames: Frames, reviews: list[Review]) -> None:
    book = pl.read_excel(write(tmp_path / "site.xlsx", pack_xlsx(reviews)), sheet_id=0)
    assert list(book) == [t(key) for key in SHEETS] == [t(key) for key in SHEET_ROWS]
    for key, field in SHEET_ROWS.items():
        sheet = book[t(key)]
        rows = sum(getattr(r, field).height for r in reviews) if field else len(reviews)
        assert sheet.height == rows, key
        assert t("building") in sheet.columns[:2], key
    unemployed = book[t("pack_sheet_unemployed")]
    # Masked: the birth year beside the ID number, not the age (issue 20, item 9).
    shown_columns = [t(c) for c in UNEMPLOYED_SCHEMA if c != "age"]
    assert unemployed.columns == [t("building"), *shown_columns]
    overview = book[t("pack_sheet_overview")]
    assert overview.get_column(t("labour_force")).to_list() == [
        r.head["labour_force"] for r in reviews
    ]
    shown = book[t("pack_sheet_members")].get_column(t("id_number"))
    assert not set(shown) & set(frames.labour.get_column("id_number"))
    assert all(re.fullmatch(r"\d{4}\*+[\dX]{4}", i) for i in shown)
    phones = unemployed.get_column(t("phone")).drop_nulls()
    assert all(re.fullmatch(rf"\d{{3}}\*+\d{{4}}|{MISSING}", p) for p in phones)


def test_the_workbook_of_a_building(tmp_path: Path, busiest: Review) -> None:
    book = pl.read_excel(write(tmp_path / "one.xlsx", pack_xlsx([busiest])), sheet_id=0)
    assert book[t("pack_sheet_overview")].height == 1
    unemployed = book[t("pack_sheet_unemployed")]
    assert unemployed.columns == [t(c) for c in UNEMPLOYED_SCHEMA if c != "age"]
    assert unemployed.get_column(t("id_number")).to_list() == (
        masked(busiest.unemployed).get_column("id_number").to_list()
    )


def test_the_command_line_writes_a_pdf(
    tmp_path: Path, demo_store_url: str, site: str, busiest: Review, latest: date
) -> None:
    building = busiest.place.building
    out = tmp_path / pack_file_name(site, building, latest, "pdf")
    done = subprocess.run(
        [sys.executable, "-m", "data", "export", "pack", "--site", site, "--building", building]
        + ["--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": demo_store_url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and fmt_month(latest) in done.stdout
    assert pages(out) == pages(write(tmp_path / "same.pdf", pack_pdf([busiest])))


def test_the_command_line_writes_a_workbook(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    demo_store_url: str,
    site: str,
    reviews: list[Review],
) -> None:
    url = copy_store(demo_store_url, tmp_path)  # the export writes the audit log
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / "pack.xlsx"
    assert main(["export", "pack", "--site", site, "--out", str(out)]) == 0
    overview = pl.read_excel(out, sheet_id=0)[t("pack_sheet_overview")]
    assert overview.height == len(reviews)
    log = audit_log(get_engine(url)).filter(pl.col("detail").str.ends_with("pack.xlsx"))
    assert log.select("username", "action").rows() == [("cli", "export")]


@pytest.mark.parametrize("case", ["site", "building", "month", "suffix"])
def test_the_command_line_refuses(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    demo_store_url: str,
    frames: Frames,
    site: str,
    case: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_store_url)
    first = frames.labour.get_column("month").min()
    args = {
        "site": ["--site", "没有这个安置点"],
        "building": ["--site", site, "--building", "没有这栋"],
        "month": ["--site", site, "--month", f"{first.year - 1}-{first.month:02d}"],
        "suffix": ["--site", site],
    }[case]
    out = tmp_path / ("pack.docx" if case == "suffix" else "pack.pdf")
    assert main(["export", "pack", *args, "--out", str(out)]) == 2
    assert not out.exists()
    assert " / " in capsys.readouterr().err  # Chinese / English


def test_a_missing_font_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, busiest: Review
) -> None:
    monkeypatch.setenv("PACK_FONT", str(tmp_path / "none.ttf"))
    with pytest.raises(FontMissing, match="PACK_FONT"):
        pack_pdf([busiest])
