"""A session reused after logout, at the protocol level (issue 17), on a team server in a real browser.

Our login keeps no token in the browser: no cookie (only Streamlit's XSRF cookie), no query parameter,
nothing in local or session storage — the signed-in officer lives in the server's session state. What
a browser can present again is Streamlit's own session id (sent in the websocket handshake to resume a
session) and the link of a file it downloaded. The test signs in as an administrator, downloads a
report and the audit trail and captures everything: cookies, both storages, the URL, the session id, the download link. It proves the
captured session id is a real token while the session lives (a raw websocket presenting another live,
signed-in session's id gets that officer's page), then logs out and replays it all: a new browser
context with the captured cookies, storage and URL gets the login page; a raw websocket with the
captured session id gets a new session and the login page, no lead; the download links get 404 (the
audit trail's one still on screen at logout).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from .accounts.conftest import PASSWORD
from .conftest import CHROMIUM_ARGS, chromium_path
from .test_accounts_app import _download, _leads_page, _login, _logout, team_db, team_server  # noqa: F401
from .test_e2e import _settle

LEADS = ("甲电池", "乙充电", "丁芯片", "庚封测")


def _watch(page) -> dict:
    """What the server sends this page over its websocket: the Streamlit session ids (NewSession) and the
    links of the files its download buttons hold (decoded from the protobuf frames)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen: dict = {"ids": [], "files": []}

    def frame(payload):
        if isinstance(payload, bytes | bytearray):
            msg = ForwardMsg.FromString(bytes(payload))
            if msg.HasField("new_session"):
                seen["ids"].append(msg.new_session.initialize.session_id)
            button = msg.delta.new_element.download_button
            if button.url:
                seen["files"].append(button.url)

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    return seen


def replay(url: str, cookies: dict, session_id: str | None, page_name: str = "ledger") -> tuple[str, str]:
    """A raw websocket that presents `session_id` (as the browser does when it reconnects) with the
    captured cookies and asks for `page_name`: (the session id the server gives, every text it sends)."""
    from google.protobuf import text_format
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    protocols = ["streamlit", cookies.get("_streamlit_xsrf") or "PLACEHOLDER_AUTH_TOKEN"]
    protocols += [session_id] if session_id else []
    headers = {"Origin": url, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    sid, texts = None, []
    with connect(stream, subprotocols=protocols, additional_headers=headers, max_size=None) as ws:
        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_name = page_name
        ws.send(back.SerializeToString())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            msg = ForwardMsg.FromString(ws.recv(timeout=deadline - time.monotonic()))
            if msg.HasField("new_session"):
                sid = msg.new_session.initialize.session_id
            texts.append(text_format.MessageToString(msg, as_utf8=True))
            if msg.HasField("script_finished"):
                break
    return sid, "\n".join(texts)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_session_replayed_after_logout_gets_the_login_page(team_server, tmp_path):  # noqa: F811
    chromium = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # control: another officer's live session id is a real token (a raw websocket gets his page)
            other = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            page = other.new_page()
            page.set_default_timeout(120_000)
            leader = _watch(page)
            _login(page, team_server, "leader", PASSWORD)
            _leads_page(page)
            leader_cookies = {c["name"]: c["value"] for c in other.cookies()}
            other.close()  # the tab is gone, the session waits for a reconnect (server.disconnectedSessionTTL)
            sid, text = replay(team_server, leader_cookies, leader["ids"][-1])
            assert sid == leader["ids"][-1] and "赵书记" in text and all(n in text for n in LEADS)

            # sign in as the administrator, download a report and the audit trail, capture what the browser holds
            context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(120_000)
            seen = _watch(page)
            _login(page, team_server, "admin", PASSWORD)
            assert all(n in _leads_page(page) for n in LEADS)
            links = []
            with page.expect_download(timeout=120_000) as info:
                _settle(page)
                page.get_by_role("button", name="招商线索台账周报（Excel）", exact=True).click()
            links.append(info.value.url)
            assert links[0].startswith(team_server + "/media/") and _status(links[0]) == 200  # it works now
            page.get_by_role("link", name="审计记录").click()
            page.get_by_role("button", name="导出全部审计记录（.csv）").click()
            page.get_by_role("button", name="下载（").wait_for()  # on screen at logout, not clicked
            links.append(team_server + seen["files"][-1])
            assert "/media/" in links[1] and _status(links[1]) == 200
            state = context.storage_state()
            session_storage = page.evaluate("() => JSON.stringify(Object.entries(sessionStorage))")
            url, session_id = page.url, seen["ids"][-1]
            cookies = {c["name"]: c["value"] for c in state["cookies"]}
            # no login token in the browser: only Streamlit's XSRF cookie, nothing of the login stored
            assert set(cookies) <= {"_streamlit_xsrf"} and "/audit" in url and "?" not in url
            stored = str(state["origins"]) + session_storage
            assert not any(word in stored for word in ("admin", "王局长", PASSWORD, session_id))
            _logout(page)
            context.close()

            # replay 1: a new browser context with the captured cookies, storage and URL
            again = browser.new_context(storage_state=state, viewport={"width": 1600, "height": 1000})
            items = __import__("json").loads(session_storage)
            again.add_init_script(
                "for (const [k, v] of " + __import__("json").dumps(items) + ") sessionStorage.setItem(k, v);"
            )
            page = again.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            page.get_by_role("heading", name="登录").wait_for()
            _settle(page)
            shown = page.locator("body").inner_text()
            assert not any(n in shown for n in (*LEADS, "王局长")) and page.get_by_test_id("stSidebarNav").count() == 0
            again.close()
        finally:
            browser.close()

    # replay 2: a raw websocket presenting the logged-out session id: a new session, the login page
    sid, text = replay(team_server, cookies, session_id)
    assert sid and sid != session_id
    assert "登录" in text and not any(n in text for n in (*LEADS, "王局长", "新能源汽车", "审计记录"))
    # replay 3: the download links
    assert [_status(u) for u in links] == [404, 404]
