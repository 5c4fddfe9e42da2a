"""Files the app writes for people to open in Excel or WPS: text from the data stays text.

A cell of imported or typed text that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return) is a formula to a spreadsheet program (OWASP: CSV injection): a household member named
`=HYPERLINK("http://…","点此")` would become a live link in the rosters, and a failed sign-in's
user name reaches the audit log's workbook before anyone has signed in. So every workbook is made
by `workbook` (xlsxwriter writes every string as a string, never as a formula, link or number),
and every CSV goes through `analytics.inert.inert_text` first. Formulas the app means to write it
writes with `write_formula` from its own text only; today it writes none.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import xlsxwriter

# xlsxwriter turns strings into formulas ("=…", "{=…}"), hyperlinks ("http://…", "mailto:…") and,
# if asked, numbers; none of that may happen to a value the app did not write itself.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def workbook(target: str | Path | IO[bytes], **options: object) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that stores every string as text (`WORKBOOK_OPTIONS`)."""
    import xlsxwriter  # on the first file only: pages import this module on every start

    target = str(target) if isinstance(target, Path) else target
    return xlsxwriter.Workbook(target, {**options, **WORKBOOK_OPTIONS})
