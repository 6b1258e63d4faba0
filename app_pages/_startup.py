"""Server start-up: `streamlit run serve_app.py` serves app.py as an ASGI app (`st.App`) whose lifespan
starts `_shared.warm` in a background thread, so a new session's first page finds the bundled sample's
scoring, ranking and tables ready (or being made) instead of starting on them. The health check does
not wait for it: the server answers at once and the warming runs beside the browser loading the page.
"""

from __future__ import annotations

import contextlib
import threading
import time

from app_pages._timing import mark

# seconds after the first page's script run before the engine the other pages use is loaded
ENGINE_DELAY_S = 8.0


def _warm() -> None:
    mark("warm start")
    from app_pages import _shared  # imports streamlit and matcher here, not in the server's start

    mark("warm: imports")
    _shared.warm()
    mark("warm done")
    # not while the first visitor's browser is still loading and drawing the first page: its files come
    # from this process, and importing the engine would hold the interpreter meanwhile
    _shared.FIRST_PAGE_DRAWN.wait(30)
    time.sleep(ENGINE_DELAY_S)
    _shared.load_engine()
    mark("warm: engine loaded")


@contextlib.asynccontextmanager
async def lifespan(app):
    threading.Thread(target=_warm, name="chainmatch-warm", daemon=True).start()
    yield
