"""The server: `streamlit run server.py` (what `make run` does) serves app.py through `st.App`,
with one route of ours beside Streamlit's: the one that sets the HttpOnly session cookie
(ui/session_cookie.py). app.py stays the Streamlit script (AppTest runs it directly)."""

import streamlit as st

from ui.session_cookie import ROUTES

app = st.App("app.py", routes=ROUTES)
