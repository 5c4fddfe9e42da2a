"""Personal data hidden for viewers who may not see it: ID numbers and phones keep their ends.

`5224**********123X` and `138****5678`: enough for a captain to tell two people apart, not enough
to use the number. Vectorised, so masking a province's roster costs no Python loop.
"""

from __future__ import annotations

import polars as pl

MISSING = "—"

# Columns masked wherever they appear, and how many characters stay visible at each end.
PERSONAL_COLUMNS: dict[str, tuple[int, int]] = {
    "id_number": (4, 4),
    "phone": (3, 4),
    "captain_phone": (3, 4),
    "household_phone": (3, 4),  # 户联系电话 of a labour ledger, as its issues show it
}
# Beside a masked ID number these would give back what the mask hides: its digits 7-14 are the
# birth date, and with the check digit (kept) a birth date leaves one number in eleven. An age
# in whole years, read month after month, dates the birthday to its month. A masked frame
# shows the birth year instead (`birth_year`: lists that show an age carry it too), which
# leaves some thirty numbers per person.
BIRTH_COLUMNS = ("birth_date", "age")


def mask(column: str, head: int, tail: int) -> pl.Expr:
    """`column` with all but its first `head` and last `tail` characters as `*`; null → "—"."""
    text = pl.col(column).cast(pl.String)
    hidden = (text.str.len_chars() - head - tail).clip(lower_bound=0)
    # Padding, not a list of stars per value: a fifth of the time over a province's month.
    masked = pl.concat_str(
        text.str.head(head), pl.lit("").str.pad_end(hidden, "*"), text.str.tail(tail)
    )
    return (
        pl.when(text.is_null() | (text == ""))
        .then(pl.lit(MISSING))
        .when(text.str.len_chars() <= head + tail)
        .then(text)
        .otherwise(masked)
        .alias(column)
    )


def masked(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every personal column (`PERSONAL_COLUMNS`) masked, a birth date cut to its
    year (`birth_year`, in its place) and an age left out (`BIRTH_COLUMNS`); other columns
    untouched."""
    shown = frame.with_columns(
        mask(c, head, tail) for c, (head, tail) in PERSONAL_COLUMNS.items() if c in frame.columns
    )
    if "birth_date" in shown.columns and "birth_year" not in shown.columns:
        year = pl.col("birth_date").dt.year().cast(pl.Int64)
        shown = shown.with_columns(year).rename({"birth_date": "birth_year"})
    return shown.drop(BIRTH_COLUMNS, strict=False)


def mask_value(column: str, value: str | None) -> str:
    """One value of a personal column, masked the same way."""
    head, tail = PERSONAL_COLUMNS[column]
    return masked(pl.DataFrame({column: [value]}, schema={column: pl.String()}))[column][0]
