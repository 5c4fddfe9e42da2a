"""导入记录: every write to the store, newest first; clerks and administrators undo a batch."""

import streamlit as st

from ui import upload
from ui.drill import context_query
from ui.shell import enter
from ui.state import account, current_version, frames
from ui.strings import t

enter()

st.title(t("imports_title"))
upload.show_undone()
batches = frames().batches
if batches.is_empty():
    st.info(t("imports_empty"), icon=":material/info:")
    if account().may("upload"):
        st.page_link(
            "pages/upload.py",
            label=t("nav_upload"),
            icon=":material/upload_file:",
            query_params=context_query(),
        )
    st.stop()

may_undo = account().may("upload")
chosen = upload.selected_batch(batches)
st.caption(
    t("imp_count", count=batches.height)
    + " · "
    + t("imp_hint_undo" if may_undo else "imp_read_only")
)
upload.history_table(
    upload.history(batches),
    # A new table after every write: a kept row selection would point at another batch.
    key=f"imports_table_{current_version()}",
    selected=chosen["id"] if chosen else None,
    clickable=may_undo,
)
if may_undo and chosen is not None:
    upload.undo_panel(chosen, batches)
