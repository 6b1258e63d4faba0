"""Login for a team server (issue 17): a thin layer over `matcher.authenticate` (Argon2, lock-out).

Desktop mode (bound to localhost only, `make run`): no login, said on screen. Team mode (`matcher serve`,
which sets CHAINMATCH_LOGIN=1, or any non-local server.address): every page behind the login form; the
signed-in Principal lives in this browser session's state on the server only (no cookie, query parameter
or browser storage holds it), expires after CHAINMATCH_SESSION_MINUTES idle (default 30) and is dropped
on logout. The one thing a browser could present again is Streamlit's own session id (sent when its
websocket reconnects, to resume the session): logout marks it not resumable, so a replayed session id
gets a new session and the login form (tests/test_session_replay.py, which also shows a copied download
link gets nothing after logout).

Single sign-on seam: when CHAINMATCH_TRUSTED_HEADER names a header (e.g. X-Remote-User), the app trusts
the account name a reverse proxy sets in it — only configure this behind a proxy that strips the header
from clients.
"""

from __future__ import annotations

import os
import time

import streamlit as st

import matcher

LOCAL = {"localhost", "127.0.0.1", "::1"}


def team_mode() -> bool:
    if os.environ.get("CHAINMATCH_LOGIN", "").strip() in ("1", "true", "yes"):
        return True
    address = st.get_option("server.address")
    return bool(address) and address not in LOCAL


def _idle_seconds() -> int:
    try:
        return max(60, int(float(os.environ.get("CHAINMATCH_SESSION_MINUTES", "30")) * 60))
    except ValueError:
        return 1800


@st.cache_resource
def store():
    return matcher.open_store()


def principal():
    """The signed-in Principal (None in desktop mode)."""
    auth = st.session_state.get("auth")
    return auth["principal"] if auth else None


def logout(detail: str | None = None) -> None:
    p = principal()
    if p is not None:
        matcher.record_audit(store(), p.username, "logout", detail=detail, source="app")
    for key in list(st.session_state):
        del st.session_state[key]  # nothing of the session outlives the logout
    _forget_session()


def _forget_session() -> None:
    """Protocol level: a websocket that names this session's id (as a browser does to resume its session)
    gets a new session from now on, not this one — the mark Streamlit's own logout sets."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():  # AppTest and bare mode: no server, nothing to forget
        return
    runtime.get_instance().clear_user_info_for_session(ctx.session_id)


def _login_form() -> None:
    st.title("ChainMatch 产业链精准招商")
    st.subheader("登录")
    with st.form("login"):
        name = st.text_input("账号")
        password = st.text_input("密码", type="password")
        submitted = st.form_submit_button("登录")
    if submitted:
        try:
            p = matcher.authenticate(store(), name, password, source="app")
        except matcher.MatcherError as exc:
            st.error(str(exc))
            return
        st.session_state["auth"] = {"principal": p, "last": time.monotonic()}
        st.rerun()


def gate():
    """Stop the page unless someone is signed in (team mode); returns the Principal or None (desktop)."""
    if not team_mode():
        st.sidebar.caption("单机模式：仅本机可访问，无需登录。")
        return None
    header = os.environ.get("CHAINMATCH_TRUSTED_HEADER", "").strip()
    if header and "auth" not in st.session_state:
        name = st.context.headers.get(header)
        if name:
            try:
                p = matcher.principal_of(store(), name)
            except matcher.MatcherError as exc:
                st.error(str(exc))
                st.stop()
            matcher.record_audit(store(), p.username, "login", detail="单点登录", source="app")
            st.session_state["auth"] = {"principal": p, "last": time.monotonic()}
    auth = st.session_state.get("auth")
    if auth and time.monotonic() - auth["last"] > _idle_seconds():
        logout("长时间未操作，自动退出")
        st.warning("长时间未操作，已自动退出，请重新登录。")
        auth = None
    if not auth:
        _login_form()
        st.stop()
    auth["last"] = time.monotonic()
    p = auth["principal"]
    st.sidebar.caption(f"**当前用户**：{p.display_name}（{p.role}）")
    st.sidebar.button("退出登录", on_click=logout, key="logout")  # on_click passes no argument
    return p
