"""台账上传: clerks load the month's ledgers from the browser (being built)."""

import streamlit as st

from ui.shell import enter
from ui.strings import t

enter()

st.title(t("nav_upload"))
