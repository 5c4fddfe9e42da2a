"""台账上传: clerks upload the month's ledgers, see what was recognised and every problem, then
import all of it, or only the valid rows."""

import streamlit as st

from ui import upload
from ui.format import fmt_month
from ui.shell import enter
from ui.state import frames
from ui.strings import t

enter()

st.title(t("nav_upload"))
st.caption(t("upl_intro"))
upload.show_outcome()

files_col, month_col = st.columns([3, 1])
with files_col:
    files = st.file_uploader(
        t("upl_files"),
        type=upload.UPLOAD_TYPES,
        accept_multiple_files=True,
        key=upload.uploader_key(),
        help=t("empty_formats"),
    )
with month_col:
    month = st.selectbox(
        t("upl_month"),
        upload.month_options(),
        index=None,
        format_func=fmt_month,
        placeholder=t("upl_month_auto"),
        help=t("upl_month_help"),
        key="upload_month",
    )
if not files:
    st.stop()

checked = upload.check(files, month)
st.subheader(t("upl_preview_title"))
upload.show_preview(checked, frames().batches)
st.subheader(t("upl_report_title"))
upload.show_issues(checked)
st.subheader(t("upl_commit_title"))
chosen = upload.commit_buttons(checked)
if chosen is not None:
    upload.commit(files, checked, keep_valid=chosen == "valid")
