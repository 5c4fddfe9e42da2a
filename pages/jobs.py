"""Placeholder until the page lands (issue 7)."""

import streamlit as st

from ui.shell import enter
from ui.strings import t

enter()

st.title(t("nav_jobs"))
