"""What `make run` and `matcher serve` start: `streamlit run serve_app.py` serves the app (app.py, which
every session runs as its script) as an ASGI app whose start-up warms the first page's data in a
background thread (app_pages/_startup.py). The server answers its health check at once; the warming
runs beside the browser loading the page, so the first page finds the sample's scoring, ranking and
tables ready. Its start page announces the table code the first page needs (app_pages/_preload.py), so
the browser loads it while it waits. `streamlit run app.py` serves the same app without either.
"""

import streamlit as st
from starlette.responses import HTMLResponse
from starlette.routing import Route

from app_pages._preload import index_html
from app_pages._startup import lifespan


async def start_page(request):
    return HTMLResponse(index_html(), headers={"Cache-Control": "no-cache"})


app = st.App("app.py", lifespan=lifespan, routes=[Route("/", start_page, methods=["GET", "HEAD"])])
