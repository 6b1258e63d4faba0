"""What `make run` and `matcher serve` start: `streamlit run serve_app.py` serves the app (app.py, which
every session runs as its script) as an ASGI app whose start-up warms the first page's data in a
background thread (app_pages/_startup.py). The server answers its health check at once; the warming
runs beside the browser loading the page, so the first page finds the sample's scoring, ranking and
tables ready. `streamlit run app.py` serves the same app without the warming.
"""

import streamlit as st

from app_pages._startup import lifespan

app = st.App("app.py", lifespan=lifespan)
