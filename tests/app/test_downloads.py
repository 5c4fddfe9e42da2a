"""Issue 20, item 10: files leave the app only through its own buttons, only for roles that may
export, and every button writes the audit log.

st.dataframe's toolbar "Download as CSV" is off for the whole server (`client.disableDataExport`
in .streamlit/config.toml; the browser test checks the toolbar itself). What remains is the
app's buttons, all made by `ui.widgets.file_download`, whose click records who took which file,
masked or in full. The role matrix walks every page with a download for every role that may
open it: an exporting role (Account.may_export) gets the page's buttons, any other role none.
The upload page hands the uploader's own file back (marked, or its rejected rows) to whoever may
upload: that is the one download that does not follow may_export.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from data.accounts import PAGES, ROLES, get_account
from data.store import get_engine
from tests.app.test_roles import SCRIPTS, _walk
from tests.app.test_upload import BAD, september, upload

ROOT = Path(__file__).resolve().parents[2]
# The buttons (their keys) each page shows an exporting role on opening it.
DOWNLOADS: dict[str, set[str]] = {
    "overview": {"excel"},
    "subsidies": {"subsidy_excel"},
    "building": {"bld_pack_pdf", "bld_pack_site_pdf", "bld_pack_xlsx"},
    "explore": {"explore_pivot_excel", "explore_people_excel", "explore_matches_excel"},
    "rosters": {"rosters_excel"},
    "jobs": {"jobs_excel"},
    "income": {"income_excel"},
    "audit": {"audit_excel"},
    "upload": set(),  # nothing before a file is checked (below)
    "imports": set(),
    "users": set(),
}
MATRIX = [(role, page) for role in ROLES for page in PAGES[role] if page in DOWNLOADS]


def download_keys(at) -> set[str]:
    """The keys of the download buttons the session was sent (a widget id ends in its key)."""
    return {button.proto.id.rsplit("-", 1)[-1] for button in at.get("download_button")}


@pytest.mark.parametrize(("role", "page"), MATRIX, ids=[f"{r}-{p}" for r, p in MATRIX])
def test_downloads_by_role_and_page(app_for, demo_store_url: str, role: str, page: str) -> None:
    user = f"demo-{role}"
    at = _walk(app_for, demo_store_url, user, page)
    assert not at.exception, at.exception
    account = get_account(get_engine(demo_store_url), user)
    expected = DOWNLOADS[page] if account.may_export else set()
    assert download_keys(at) == expected


@pytest.mark.parametrize("role", [r for r in ROLES if "upload" in PAGES[r]])
def test_the_upload_hands_the_uploaders_own_file_back(app_for, own_store_url, tmp_path, role):
    at = app_for(own_store_url, user=f"demo-{role}").switch_page(SCRIPTS["upload"]).run()
    at = upload(at, september(tmp_path, **BAD))
    assert not at.exception
    assert download_keys(at) == {"upload_marked"}


def test_the_table_toolbar_offers_no_download() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


def test_every_download_button_is_the_audited_one() -> None:
    """`st.download_button` is called in one place only: `ui.widgets.file_download`, which
    checks the role and records the click."""
    calls = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        tree = ast.parse(path.read_text(), filename=str(path))
        inside = {
            id(node): function.name
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
        }  # the innermost function wins: ast.walk visits outer functions first
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "download_button":
                calls.add((path.relative_to(ROOT).as_posix(), inside.get(id(node), "<module>")))
    assert calls == {("ui/widgets.py", "file_download")}
