"""Text for a CSV file that people open in Excel or WPS: text from the data stays text.

A cell of imported or typed text that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return) is a formula to a spreadsheet program (OWASP: CSV injection): a household member named
`=HYPERLINK("http://…","点此")` would become a live link. So every CSV goes through
`inert_text` first (`python -m analytics --format csv`); workbooks are made safe another way,
by `data.spreadsheet.workbook`. Pure polars, so the command line and the app share it.
"""

from __future__ import annotations

import polars as pl

# What a spreadsheet program reads as the start of a formula (OWASP CSV injection), and the
# quote that makes it text (the quote shows in the cell; the value is still readable).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_QUOTE = "'"


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
