"""The building captains' meeting pack (就业楼长月例会材料): a summary page and the member roll per
building, one workbook.

The page is printed and gone through room by room with a pen, so it keeps three promises: one
summary page per building whatever its size (a list too long for it shows what fits and points
to the workbook), followed by the roll of every member with their status and a blank 备注 column
to write in (on the rest of that page, then on as many pages as it takes), a CJK font embedded
so any printer or viewer shows the Chinese, and ID numbers
and phones masked unless the viewer may see them. No Streamlit here: `python -m data export pack`
renders packs without a server, and the page hands its `Review`s to the same functions.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from fpdf import FPDF
from fpdf.enums import TextMode

from analytics.building import (
    CHANGE_DETAILS,
    MATCH_COLUMNS,
    NOTE_COLUMNS,
    SUITABLE_COLUMNS,
    Review,
)
from analytics.changes import CHANGES
from analytics.drill import natural_order
from analytics.privacy import MISSING, masked
from analytics.rates import month_end
from data.spreadsheet import workbook
from ui.format import (
    RATE_COLUMNS,
    fmt_count,
    fmt_delta_count,
    fmt_delta_rate,
    fmt_month,
    fmt_rate,
    for_workbook,
    mask_phone,
)
from ui.strings import STRINGS, lang, t

if TYPE_CHECKING:
    from data.frames import Frames

# Debian's fonts-noto-cjk first (Simplified Chinese face of the collection), then other packages.
KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FONT_PACKAGE = "fonts-noto-cjk"

# Page geometry in mm (A4 portrait). Lists end above the signature line.
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 10.0
WIDTH = PAGE_W - 2 * MARGIN
SIGNATURE_Y = PAGE_H - MARGIN - 8.0
ROW, HEADING, LIST_PT = 4.4, 6.5, 8.0  # a list's row and its font size; a section heading
ROLL_ROW = 5.6  # a row of the member roll: room for a handwritten remark
LIST_MIN = 90.0  # the lists' share of the page that the room grid never takes
# Room grid layouts, roomiest first: (columns, font size pt, row height mm).
GRID_LAYOUTS = ((5, 10.0, 6.4), (6, 8.5, 5.2), (8, 6.5, 4.0))
SHADE, LINE = (205, 205, 205), (150, 150, 150)
RATES = ("employment_rate", "household_coverage")  # the rates among the pack's KPIs
# The frame as the viewer may see it: `masked`, or as it is for a full view.
Hide = Callable[[pl.DataFrame], pl.DataFrame]


class FontMissing(RuntimeError):
    """No font with Chinese glyphs on this machine: the PDF would print empty boxes."""


def site_reviews(
    frames: Frames, site: str, month: date, building: str | None = None
) -> list[Review]:
    """The reviews of every building of `site` in natural order (or of `building` alone):
    `reports.building.site_reviews`, from the site's slice of the month and the month before."""
    from reports.building import site_reviews as reviews  # reports imports the store's frames

    return reviews(frames, site, month, building)


def pack_file_name(site: str, building: str | None, month: date, suffix: str) -> str:
    """`幸福家园-1栋-2020年12月-月例会.pdf`; without a building, the whole site's pack."""
    place = site if building is None else f"{site}-{t('building_label', building=building)}"
    return f"{t('pack_file', place=place, month=fmt_month(month))}.{suffix.lstrip('.')}"


# ---------------------------------------------------------------------------------------------
# PDF


def font_file() -> tuple[Path, int]:
    """The CJK font to embed and its face in a collection: `PACK_FONT`, else an installed one.

    A collection (.ttc) holds several faces; the Simplified Chinese one (" SC") draws the
    characters the way mainland readers expect.
    """
    if wanted := os.environ.get("PACK_FONT"):
        path = Path(wanted)
        if not path.is_file():
            raise FontMissing(f"PACK_FONT 不是字体文件 / PACK_FONT is not a font file: {wanted}")
    elif (path := _installed_font()) is None:
        raise FontMissing(
            f"没有中文字体，请安装 {FONT_PACKAGE}（apt-get install {FONT_PACKAGE}）或设置 "
            f"PACK_FONT / no CJK font: install {FONT_PACKAGE} or set PACK_FONT to a font file"
        )
    if path.suffix.lower() != ".ttc":
        return path, 0
    from fontTools.ttLib import TTCollection

    names = [face["name"].getDebugName(1) or "" for face in TTCollection(path, lazy=True)]
    return path, next((i for i, name in enumerate(names) if name.endswith(" SC")), 0)


def _installed_font() -> Path | None:
    """A known CJK font file, else what fontconfig lists for Simplified Chinese (sans first)."""
    known = next((Path(f) for f in KNOWN_FONTS if Path(f).is_file()), None)
    if known or not shutil.which("fc-list"):
        return known
    listed = subprocess.run(
        ["fc-list", "-f", "%{file}\n", ":lang=zh-cn"], capture_output=True, text=True
    ).stdout.splitlines()
    return next((Path(f) for f in sorted(listed, key=lambda f: ("Sans" not in f, f))), None)


def pack_pdf(reviews: Sequence[Review], *, full_view: bool = False) -> bytes:
    """One A4 page per review, in the order given, with the data as of each month's last day.
    ID numbers and phones are masked unless `full_view`."""
    if not reviews:
        raise ValueError("no building to pack")
    path, face = font_file()
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", fname=str(path), collection_font_number=face)
    pdf.set_auto_page_break(False)  # a page never spills: everything below is measured
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.alias_nb_pages()
    for one in reviews:
        pdf.add_page()
        y = _page(pdf, one, month_end(one.month), full_view)
        _signature(pdf)
        _roll(pdf, one, y + 2)
    return bytes(pdf.output())


def _page(pdf: FPDF, r: Review, as_of: date, full_view: bool) -> float:
    """The summary page; returns the y below its lists."""
    hide: Hide = (lambda f: f) if full_view else masked
    building = t("building_label", building=r.place.building)
    title = t("pack_title", site=r.place.site, building=building, month=fmt_month(r.month))
    _text(pdf, MARGIN, MARGIN, WIDTH, 9, 15, title, bold=True)
    who = r.captain
    if who["captain"]:
        phone = who["captain_phone"] if full_view else mask_phone(who["captain_phone"])
        line = t(
            "pack_captain_line",
            captain=who["captain"],
            department=who["department"] or MISSING,
            captain_phone=phone or MISSING,
        )
    else:
        line = t("bld_no_captain")
    _text(pdf, MARGIN, 20, WIDTH, 5, 9.5, line)
    as_of_line = t("pack_as_of", month=fmt_month(r.month), date=as_of.isoformat())
    _text(pdf, MARGIN, 25, WIDTH, 5, 8.5, as_of_line, colour=90)
    y = _kpis(pdf, r.head, 31.5)
    y = _grid(pdf, r, y + 3, limit=SIGNATURE_Y - LIST_MIN)
    return _lists(pdf, r, hide, y + 2)


def _text(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    size: float,
    text: str,
    *,
    bold: bool = False,
    align: str = "L",
    colour: int = 0,
    fill: bool = False,
) -> None:
    """One line at (x, y), cut with "…" to its width: a line never wraps, so heights are known.

    Bold is drawn as filled and stroked text: one embedded face serves every weight. Sets the
    state it needs on every call (a local context per call costs seconds per site).
    """
    pdf.set_font("cjk", size=size)
    pdf.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
    pdf.set_line_width(size / 60)
    pdf.set_text_color(colour)
    pdf.set_draw_color(colour)
    pdf.set_fill_color(*SHADE)
    pdf.set_xy(x, y)
    pdf.cell(w, h, _fit(pdf, text, w - 2 * pdf.c_margin), align=align, fill=fill)


def _box(pdf: FPDF, x: float, y: float, w: float, h: float, *, shaded: bool = False) -> None:
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(*SHADE)
    pdf.rect(x, y, w, h, style="DF" if shaded else "D")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _kpis(pdf: FPDF, head: dict[str, object], y: float) -> float:
    """The five numbers the meeting opens with, each with its change ("—" without last month)."""

    def count(key: str, unit: str) -> tuple[str, str, str | None]:
        return t(key), fmt_count(head[key], unit), fmt_delta_count(head[f"{key}_change"])

    def rate(key: str) -> tuple[str, str, str | None]:
        return t(key), fmt_rate(head[key]), fmt_delta_rate(head[f"{key}_change"])

    boxes = (
        count("labour_force", "unit_persons"),
        count("employed", "unit_persons"),
        rate("employment_rate"),
        rate("household_coverage"),
        count("zero_employment_households", "unit_households"),
    )
    width, height = WIDTH / len(boxes), 18.0
    for i, (label, value, change) in enumerate(boxes):
        x = MARGIN + i * width
        _box(pdf, x, y, width, height)
        _text(pdf, x, y + 0.8, width, 4.5, 8.5, label, colour=70, align="C")
        _text(pdf, x, y + 5.3, width, 7, 15, value, bold=True, align="C")
        delta = f"{t('vs_last_month')} {change or MISSING}"
        _text(pdf, x, y + 12.5, width, 4.5, 8, delta, colour=70, align="C")
    return y + height


def _grid(pdf: FPDF, r: Review, y: float, *, limit: float) -> float:
    """Every household as a cell in room order, zero-employment ones shaded and bold.

    The roomiest layout that fits above `limit` wins; past the densest one the rest are
    counted on a line that points to the workbook. Returns the y below the grid.
    """
    homes = r.households
    zero = homes.filter(pl.col("zero_employment")).height
    _text(pdf, MARGIN, y, WIDTH * 0.6, HEADING, 10.5, t("pack_grid_title"), bold=True)
    legend_x = MARGIN + WIDTH * 0.62
    if zero:  # the legend: a shaded sample and the count
        _box(pdf, legend_x, y + 1.6, 6, 3.4, shaded=True)
        legend = t("bld_zero_title", count=zero)
        _text(pdf, legend_x + 7, y, WIDTH * 0.38 - 7, HEADING, 9, legend, bold=True)
    elif not homes.is_empty():
        _text(pdf, legend_x, y, WIDTH * 0.38, HEADING, 9, t("bld_zero_none"))
    y += HEADING + 0.5
    if homes.is_empty():
        _text(pdf, MARGIN, y, WIDTH, ROW, 9, t("no_data_month", month=fmt_month(r.month)))
        return y + ROW
    columns, size, height = next(
        (g for g in GRID_LAYOUTS if y + -(-homes.height // g[0]) * g[2] <= limit), GRID_LAYOUTS[-1]
    )
    rows = -(-homes.height // columns)
    fits = int((limit - y) // height)
    # Even the densest layout is full: its last line counts the rest.
    shown = homes if rows <= fits else homes.head((fits - 1) * columns)
    rows = min(rows, fits)
    width = WIDTH / columns
    for i, home in enumerate(shown.iter_rows(named=True)):
        x, top = MARGIN + (i % columns) * width, y + (i // columns) * height
        _box(pdf, x, top, width, height, shaded=home["zero_employment"])
        ratio = f"{home['employed']}/{home['labour_force']}"
        pdf.set_font("cjk", size=size)
        ratio_w = pdf.get_string_width(ratio) + 2 * pdf.c_margin + 0.5
        label = f"{home['room']} {home['head_name'] or MISSING}"
        bold = bool(home["zero_employment"])
        _text(pdf, x, top, width - ratio_w, height, size, label, bold=bold)
        _text(
            pdf,
            x + width - ratio_w,
            top,
            ratio_w,
            height,
            size,
            ratio,
            bold=bold,
            align="R",
            colour=0 if home["labour_force"] else 140,
        )
    if shown.height < homes.height:
        more = t("pack_more_households", count=homes.height - shown.height)
        _text(pdf, MARGIN, y + (rows - 1) * height, WIDTH, height, size, more, colour=70)
    return y + rows * height


def _lists(pdf: FPDF, r: Review, hide: Hide, y: float) -> float:
    """Changes, the unemployed with their best posting, recent notes: the page's lines shared.

    Each list gets a heading and a header row (or one line saying it is empty); the rows left
    are dealt out one at a time, so a long list cannot crowd out the others. Returns the y
    below the last list.
    """
    sections = [_changes(r), _unemployed(r, hide), _notes(r, hide)]
    fixed = sum(HEADING + ROW for _ in sections)
    lines = max(int((SIGNATURE_Y - 1 - y - fixed) // ROW), 0)
    wanted = [0 if isinstance(rows, str) else len(rows) for _, _, rows in sections]
    given = [0] * len(sections)
    while lines and any(g < w for g, w in zip(given, wanted, strict=True)):
        for i, w in enumerate(wanted):
            if lines and given[i] < w:
                given[i], lines = given[i] + 1, lines - 1
    for (title, columns, rows), room in zip(sections, given, strict=True):
        _text(pdf, MARGIN, y, WIDTH, HEADING, 10.5, title, bold=True)
        y += HEADING
        if isinstance(rows, str):  # the list is empty: say why
            _text(pdf, MARGIN, y, WIDTH, ROW, 8.5, rows, colour=70)
            y += ROW
            continue
        cut = room < len(rows)
        _row(pdf, y, columns, [label for label, _ in columns], header=True)
        for cells in rows[: max(room - cut, 0)]:
            y += ROW
            _row(pdf, y, columns, cells)
        y += ROW
        if cut:
            more = t("pack_more", count=len(rows) - room + 1)
            _text(pdf, MARGIN, y, WIDTH, ROW, LIST_PT, more, colour=70)
            y += ROW
    return y


def _row(
    pdf: FPDF, y: float, columns: list[tuple[str, float]], cells: list[str], header: bool = False
) -> None:
    x = MARGIN
    for text, (_, share) in zip(cells, columns, strict=True):
        _text(pdf, x, y, WIDTH * share, ROW, LIST_PT, text, fill=header, bold=header)
        x += WIDTH * share


# A list on the page: its title, (column heading, share of the width)s, and rows or why none.
Section = tuple[str, list[tuple[str, float]], list[list[str]] | str]


def _changes(r: Review) -> Section:
    columns = [
        (t("change"), 0.1),
        (t("room"), 0.1),
        (t("name"), 0.12),
        (t("status_before"), 0.34),
        (t("status_after"), 0.34),
    ]
    if not r.has_previous:
        return (
            t("bld_changes_title"),
            columns,
            t("bld_no_previous", previous=fmt_month(r.head["previous_month"])),
        )
    counts = dict(r.changes.get_column("change").value_counts().iter_rows())
    title = f"{t('bld_changes_title')}  " + " · ".join(
        f"{t('change_' + kind)} {counts.get(kind, 0)}" for kind in CHANGES
    )
    rows = [
        [
            t("change_" + c["change"]),
            c["room"],
            c["name"],
            _job(c["status_before"], c["employment_type_before"]),
            _job(c["status_after"], c["employment_type_after"]),
        ]
        for c in r.changes.select(CHANGE_DETAILS).iter_rows(named=True)
    ]
    return title, columns, rows or t("bld_none")


def _job(status: str | None, kind: str | None) -> str:
    return " · ".join(part for part in (status, kind) if part) or MISSING


def _unemployed(r: Review, hide: Hide) -> Section:
    best = r.matches.filter(pl.col("rank") == 1).select(
        "id_number", posting=pl.concat_str("employer", "title", separator=" · ")
    )
    idle = hide(r.unemployed.join(best, on="id_number", how="left", maintain_order="left"))
    # Beside a masked ID number the birth year, not the age (analytics.privacy.BIRTH_COLUMNS).
    born = "age" if "age" in idle.columns else "birth_year"
    columns = [
        (t("room"), 0.08),
        (t("name"), 0.08),
        (t("id_number"), 0.17),
        (t(born), 0.07),
        (t("pack_flags"), 0.08),
        (t("wish"), 0.11),
        (t("training_need"), 0.11),
        (t("pack_best_posting"), 0.30),
    ]
    rows = [
        [
            p["room"],
            p["name"],
            p["id_number"],
            str(p[born] or MISSING),
            " ".join(t(flag) for flag in ("two_after", "three_no") if p[flag]),
            p["wish"] or MISSING,
            p["training_need"] or MISSING,
            p["posting"] or MISSING,
        ]
        for p in idle.iter_rows(named=True)
    ]
    return t("bld_unemployed_title"), columns, rows or t("bld_unemployed_none")


def _notes(r: Review, hide: Hide) -> Section:
    columns = [
        (t("noted_on"), 0.1),
        (t("room"), 0.08),
        (t("head_name"), 0.08),
        (t("author"), 0.08),
        (t("text"), 0.4),
        (t("next_step"), 0.26),
    ]
    rows = [
        [
            n["noted_on"].isoformat(),
            n["room"] or MISSING,
            n["head_name"] or MISSING,
            n["author"] or MISSING,
            n["text"] or MISSING,
            n["next_step"] or MISSING,
        ]
        for n in hide(r.notes.select(NOTE_COLUMNS)).iter_rows(named=True)
    ]
    return t("pack_notes_title"), columns, rows or t("pack_no_notes")


def _roll(pdf: FPDF, r: Review, y: float) -> None:
    """Every member, household by household, with their status and a blank 备注 cell ruled for
    a pen: below the summary where it leaves room, then on pages of its own."""
    members = r.members
    if members.is_empty():
        return
    columns = [
        (t("room"), 0.08),
        (t("name"), 0.09),
        (t("relation"), 0.08),
        (t("capacity"), 0.09),
        (t("status"), 0.07),
        (t("employment_type"), 0.1),
        (t("employer"), 0.2),
        (t("pack_remarks"), 0.29),
    ]
    title = t("pack_roll_title", count=members.height)
    rows = [
        [
            m["room"] if first else "",
            m["name"] or MISSING,
            m["relation"] or MISSING,
            m["capacity"] or MISSING,
            m["status"] or MISSING,
            m["employment_type"] or "",
            m["employer"] or "",
            "",
        ]
        for m, first in zip(
            members.iter_rows(named=True),
            members.get_column("household").is_first_distinct(),
            strict=True,
        )
    ]
    bottom = SIGNATURE_Y - 1
    while rows:
        if y + HEADING + 2 * ROLL_ROW > bottom:  # not even a heading and a line: a new page
            pdf.add_page()
            _signature(pdf)
            y = MARGIN
        _text(pdf, MARGIN, y, WIDTH, HEADING, 10.5, title, bold=True)
        y += HEADING
        _ruled(pdf, y, columns, [label for label, _ in columns], header=True)
        y += ROLL_ROW
        fits = int((bottom - y) // ROLL_ROW)
        for cells in rows[:fits]:
            _ruled(pdf, y, columns, cells)
            y += ROLL_ROW
        rows = rows[fits:]
        title = t("pack_roll_continued", count=members.height)
        y = bottom + 1  # the rest on the next page


def _ruled(
    pdf: FPDF, y: float, columns: list[tuple[str, float]], cells: list[str], header: bool = False
) -> None:
    """A row of the roll in boxes tall enough to write in."""
    x = MARGIN
    for text, (_, share) in zip(cells, columns, strict=True):
        _box(pdf, x, y, WIDTH * share, ROLL_ROW, shaded=header)
        _text(pdf, x, y + 0.5, WIDTH * share, ROLL_ROW - 1, LIST_PT, text, bold=header)
        x += WIDTH * share


def _signature(pdf: FPDF) -> None:
    """Where the captain signs the page after the meeting, and the page's number."""
    y = SIGNATURE_Y + 2
    _text(pdf, MARGIN, y, 22, 6, 10, t("pack_signature"))
    _text(pdf, MARGIN + 88, y, 12, 6, 10, t("pack_signed_on"))
    number = t("pack_page", page=pdf.page_no(), pages=pdf.str_alias_nb_pages)
    _text(pdf, MARGIN + 140, y, WIDTH - 140, 6, 8.5, number, align="R", colour=90)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN + 22, y + 5, MARGIN + 80, y + 5)
    pdf.line(MARGIN + 100, y + 5, MARGIN + 140, y + 5)


# ---------------------------------------------------------------------------------------------
# Excel


def pack_xlsx(reviews: Sequence[Review], *, full_view: bool = False) -> bytes:
    """One sheet per table of the page; with several buildings each sheet holds the rows of all
    of them and a building column. ID numbers and phones are masked unless `full_view`."""
    if not reviews:
        raise ValueError("no building to pack")
    several = len(reviews) > 1
    buffer = io.BytesIO()
    with workbook(buffer) as book:
        for key, table in SHEETS.items():
            parts = [table(r) for r in reviews]
            if several and key != "pack_sheet_overview":
                parts = [
                    part.select(pl.lit(r.place.building).alias("building"), pl.all())
                    for r, part in zip(reviews, parts, strict=True)
                ]
            frame = pl.concat(parts, how="vertical_relaxed")
            # 是/否 rather than TRUE/FALSE, rates rounded to the 0.1 % the sheet shows.
            frame = for_workbook(frame if full_view else masked(frame), lang())
            formats = {_header(c): f for c in frame.columns if (f := _number_format(c))}
            frame.rename(_header).write_excel(
                book, worksheet=t(key)[:31], autofit=True, column_formats=formats or None
            )
    return buffer.getvalue()


def _header(column: str) -> str:
    """A column's heading: its own string, or "X 较上月" for a change."""
    if column.endswith("_change"):
        return t("pack_change_of", metric=t(column.removesuffix("_change")))
    return t(column) if column in STRINGS else column


def _number_format(column: str) -> str | None:
    if column in RATE_COLUMNS:
        return "0.0%"
    if column.removesuffix("_change") in RATE_COLUMNS:
        return "+0.0%;-0.0%;0.0%"
    return None


def _overview(r: Review) -> pl.DataFrame:
    kpis = ("labour_force", "employed", *RATES, "zero_employment_households")
    return pl.DataFrame(
        [
            {
                "site": r.place.site,
                "building": r.place.building,
                "month": r.month,
                **r.captain,
                **{k: r.head[k] for key in kpis for k in (key, f"{key}_change")},
            }
        ]
    )


SHEETS: dict[str, Callable[[Review], pl.DataFrame]] = {
    "pack_sheet_overview": _overview,
    "pack_sheet_zero": lambda r: r.zero.drop("household", "zero_employment"),
    "pack_sheet_members": lambda r: r.members.drop("household"),
    "pack_sheet_changes": lambda r: r.changes.select(CHANGE_DETAILS).with_columns(
        pl.col("change").replace({c: t("change_" + c) for c in CHANGES})
    ),
    "pack_sheet_unemployed": lambda r: r.unemployed,
    "pack_sheet_matches": lambda r: r.matches.select(MATCH_COLUMNS).sort(
        natural_order("room"), "room", "name", "rank"
    ),
    "pack_sheet_suitable": lambda r: r.suitable.select(SUITABLE_COLUMNS),
    "pack_sheet_notes": lambda r: r.notes.select(NOTE_COLUMNS),
}
