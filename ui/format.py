"""Numbers, months and money the way Chinese readers expect them; "—" for anything missing."""

from __future__ import annotations

import datetime as dt
import math
import re

import polars as pl

from analytics.privacy import MISSING, mask_value
from ui.strings import STRINGS, lang, t


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_rate(value: float | None, digits: int = 1) -> str:
    """A fraction as a percent with one decimal: 0.9543 → "95.4%"; None → "—"."""
    return MISSING if _missing(value) else f"{value * 100:.{digits}f}%"


def fmt_count(value: int | None, unit: str | None = None) -> str:
    """8146 → "8,146 人" (the unit is a UI string key such as "unit_persons")."""
    if _missing(value):
        return MISSING
    text = f"{int(value):,}"
    return f"{text} {t(unit)}" if unit and t(unit) else text


def fmt_yuan(yuan: float | None) -> str:
    """Whole yuan, for a person's or a worker's money (income, per capita): "2,153 元"."""
    if _missing(yuan):
        return MISSING
    return f"¥{yuan:,.0f}" if lang() == "en" else f"{yuan:,.0f} 元"


# Totals (a county's, a township's subsidies) in one unit, always: 万元 in Chinese, millions of
# yuan in English (a KPI card holds "¥20.99M", not "2,099 × ¥10k"). One unit for a figure's KPI,
# its change, its map legend, its chart and its table column ("3.6 万元 ↑ +1,748 元" mixed two).
TOTAL_UNITS = {"zh": (1e4, 1), "en": (1e6, 2)}  # yuan per unit, decimals in a table


def total_unit() -> tuple[float, int]:
    """Yuan per unit of a total in the viewer's language, and the decimals a table shows."""
    return TOTAL_UNITS[lang()]


def fmt_wan(yuan: float | None) -> str:
    """A total in 万元: 2,398,000 → "239.8 万元"; 1,748 → "0.2 万元"; from 1,000 万元 whole
    (20,993,000 → "2,099 万元": a decimal more would not fit a laptop's KPI card). English:
    "¥20.99M"."""
    if _missing(yuan):
        return MISSING
    per, digits = total_unit()
    value = yuan / per
    if lang() == "en":
        return f"¥{value:,.{digits}f}M"
    return f"{value:,.{0 if abs(value) >= 1_000 else digits}f} {t('unit_wan')}"


def fmt_month(month: dt.date | None) -> str:
    """dt.date(2020, 8, 1) → "2020年8月" (Chinese) or "2020-08" (English)."""
    if month is None:
        return MISSING
    return f"{month.year}年{month.month}月" if lang() == "zh" else f"{month:%Y-%m}"


# Fractions shown as percent, on screen, in Excel and in the meeting pack alike.
RATE_COLUMNS = ("employment_rate", "household_coverage", "share", "progress", "expected_progress")
# Yuan, shown whole with thousands separators on screen (Excel keeps the fen).
MONEY_COLUMNS = (
    "amount",
    "person_amount",
    "employer_amount",
    "amount_per_capita",
    "amount_per_employed",
    "budget",
    "paid",
)

UNCHANGED = "±"

# Yes/no columns a list shows as their name where true and blank otherwise: a column of ticked
# and empty boxes beside the row-picking boxes read as something to tick, and faintly.
FLAG_COLUMNS = ("cw_overdue",)

# Columns the app computes with but nobody reads: never in a file handed out.
INTERNAL_COLUMNS = ("higher_is_better",)
# Decimals a workbook keeps: what the screen shows (0.1 % of a fraction), the fen of a yuan.
RATE_DECIMALS = 3
NUMBER_DECIMALS = 2


def for_workbook(
    frame: pl.DataFrame, language: str, rate_columns: tuple[str, ...] | list[str] = ()
) -> pl.DataFrame:
    """`frame` as a workbook shows it: yes/no as 是/否 (Yes/No in English) rather than Excel's
    TRUE/FALSE, internal columns left out, fractions rounded to the 0.1 % shown and other
    decimals to the fen, so a program reading the file gets the numbers people see."""
    yes, no = STRINGS["pivot_yes"][language], STRINGS["pivot_no"][language]
    rates = {*RATE_COLUMNS, *rate_columns}
    floats = [c for c, d in frame.schema.items() if d.is_float()]
    return frame.drop(INTERNAL_COLUMNS, strict=False).with_columns(
        *(
            pl.col(c).round(
                RATE_DECIMALS if c.removesuffix("_change") in rates else NUMBER_DECIMALS
            )
            for c in floats
            if c not in INTERNAL_COLUMNS
        ),
        pl.col(pl.Boolean).replace_strict({True: yes, False: no}, return_dtype=pl.String),
    )


# Characters Windows, macOS or a browser will not keep in a file name.
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_name(name: str) -> str:
    """`name` with the characters a file system refuses replaced by "_"; a masked ID number's
    asterisks become "…" (5224…8392) rather than a row of underscores."""
    name = re.sub(r"\*+", "…", name)
    return _UNSAFE_IN_FILE_NAMES.sub("_", name).strip(" .") or "file"


def fmt_delta_count(delta: int | None) -> str | None:
    """A change in a count for st.metric: "+12" / "-3" / "±0"; None with nothing to compare."""
    if _missing(delta):
        return None
    return f"{UNCHANGED}0" if delta == 0 else f"{int(delta):+,}"


def fmt_delta_wan(delta: float | None) -> str | None:
    """A change in a total for st.metric, in the total's unit: "+0.2 万元", "±0.0 万元"."""
    if _missing(delta):
        return None
    per, digits = total_unit()
    if round(delta / per, digits) == 0:
        return f"{UNCHANGED}{fmt_wan(0.0)}"
    return ("+" if delta > 0 else "-") + fmt_wan(abs(delta))


def fmt_delta_rate(delta: float | None) -> str | None:
    """A change in a rate, in percentage points: 0.0031 → "+0.3 个百分点", below 0.05 → "±0.0"."""
    if _missing(delta):
        return None
    if round(delta * 100, 1) == 0:
        return f"{UNCHANGED}0.0 {t('pp')}"
    return f"{delta * 100:+.1f} {t('pp')}"


def mask_id(id_number: str | None) -> str:
    """An ID number with its middle hidden: 5224**********123X."""
    return mask_value("id_number", id_number)


def mask_phone(phone: str | None) -> str:
    """A mobile number with its middle hidden: 138****5678."""
    return mask_value("phone", phone)
