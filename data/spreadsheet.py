"""Files the app writes for people to open in Excel or WPS: text from the data stays text.

A cell of imported or typed text that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return) is a formula to a spreadsheet program (OWASP: CSV injection): a household member named
`=HYPERLINK("http://…","点此")` would become a live link in the rosters, and a failed sign-in's
user name reaches the audit log's workbook before anyone has signed in. So every workbook is made
by `workbook` (xlsxwriter writes every string as a string, never as a formula, link or number),
and every CSV goes through `inert_text` first. Formulas the app means to write it writes with
`write_formula` from its own text only; today it writes none.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import xlsxwriter

# xlsxwriter turns strings into formulas ("=…", "{=…}"), hyperlinks ("http://…", "mailto:…") and,
# if asked, numbers; none of that may happen to a value the app did not write itself.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# What a spreadsheet program reads as the start of a formula (OWASP CSV injection), and the
# quote that makes it text (the quote shows in the cell; the value is still readable).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_QUOTE = "'"


def workbook(target: str | Path | IO[bytes], **options: object) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that stores every string as text (`WORKBOOK_OPTIONS`)."""
    import xlsxwriter  # on the first file only: pages import this module on every start

    target = str(target) if isinstance(target, Path) else target
    return xlsxwriter.Workbook(target, {**options, **WORKBOOK_OPTIONS})


def _inert(text: pl.Expr) -> pl.Expr:
    starts = pl.any_horizontal(text.str.starts_with(s) for s in FORMULA_STARTS)
    return pl.when(starts).then(pl.lit(TEXT_QUOTE) + text).otherwise(text)


def inert_name(name: str) -> str:
    """A column name (pivots name columns after the data's values) made inert the same way."""
    return TEXT_QUOTE + name if name.startswith(FORMULA_STARTS) else name


def inert_text(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` for a CSV file: every text value (and column name) that a spreadsheet program
    would read as a formula gets a leading `'`. Only text columns: numbers, a negative one
    included, stay numbers."""
    text = [
        c
        for c, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    return frame.with_columns(_inert(pl.col(c).cast(pl.String)).alias(c) for c in text).rename(
        inert_name
    )
