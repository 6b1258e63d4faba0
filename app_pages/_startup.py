"""Server start-up: `streamlit run serve_app.py` serves app.py as an ASGI app (`st.App`) whose lifespan
starts `_shared.warm` in a background thread, so a new session's first page finds the bundled sample's
scoring, ranking and tables ready (or being made) instead of starting on them. The health check does
not wait for it: the server answers at once and the warming runs beside the browser loading the page.
"""

from __future__ import annotations

import contextlib
import threading

from app_pages._timing import mark


def _warm() -> None:
    mark("warm start")
    from app_pages import _shared  # imports streamlit and matcher here, not in the server's start

    mark("warm: imports")
    _shared.warm()
    mark("warm done")
    _shared.FIRST_PAGE_DRAWN.wait(30)  # not while the first visitor's page is being drawn
    _shared.load_engine()
    mark("warm: engine loaded")


@contextlib.asynccontextmanager
async def lifespan(app):
    threading.Thread(target=_warm, name="chainmatch-warm", daemon=True).start()
    yield
