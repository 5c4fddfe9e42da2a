"""导入记录: every import into the store, newest first."""

import streamlit as st

from ui.shell import enter
from ui.state import frames
from ui.strings import t

enter()

st.title(t("imports_title"))
batches = frames().batches
if batches.is_empty():
    st.info(t("imports_empty"))
    st.stop()

columns = [c for c in batches.columns if c != "note"]
st.dataframe(
    batches.sort("id", descending=True).select(columns),
    hide_index=True,
    column_config={
        **{c: t(f"col_{c}") for c in columns},
        # Stored in UTC; county staff read China time.
        "created_at": st.column_config.DatetimeColumn(
            t("col_created_at"), format="YYYY-MM-DD HH:mm", timezone="Asia/Shanghai"
        ),
    },
)
