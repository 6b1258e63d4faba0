"""The app's login gate (app_pages/_auth.py) with streamlit.testing.v1.AppTest: desktop mode says so and
asks nothing; team mode shows only the login form until a right password, expires an idle session and
forgets everything on logout."""

from pathlib import Path

import pytest

import matcher

testing = pytest.importorskip("streamlit.testing.v1")
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse 1"


@pytest.fixture
def team_env(tmp_path, monkeypatch):
    db = tmp_path / "team.db"
    with matcher.open_store(db) as store:
        matcher.add_user(store, "admin", PASSWORD, role="管理员", display_name="王局长")
    monkeypatch.setenv(matcher.DB_ENV, str(db))
    monkeypatch.setenv("CHAINMATCH_LOGIN", "1")
    from app_pages import _auth

    _auth.store.clear()  # a fresh store per test (cache_resource)
    return db


def _app():
    return testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def _login(at, name, password):
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()


def test_desktop_mode_needs_no_login(monkeypatch):
    monkeypatch.delenv("CHAINMATCH_LOGIN", raising=False)
    at = _app().run()
    assert any("单机模式：仅本机可访问，无需登录" in c.value for c in at.sidebar.caption)
    assert not [t for t in at.title if t.value == "ChainMatch 产业链精准招商"]


def test_team_mode_login_expiry_and_logout(team_env):
    at = _app().run()
    assert [s.value for s in at.subheader] == ["登录"] and len(at.text_input) == 2
    _login(at, "admin", "wrong password")
    assert at.error[0].value == "账号或密码错误"
    _login(at, "admin", PASSWORD)
    assert any("王局长（管理员）" in c.value for c in at.sidebar.caption)
    at.session_state["auth"]["last"] -= 31 * 60  # idle longer than the 30 minutes
    at.run()
    assert "已自动退出" in at.warning[0].value and [s.value for s in at.subheader] == ["登录"]
    _login(at, "admin", PASSWORD)
    at.button(key="logout").click().run()
    assert [s.value for s in at.subheader] == ["登录"] and "auth" not in at.session_state
    with matcher.open_store(team_env) as store:
        audit = matcher.list_audit(store)
    assert audit["action"].tolist() == ["user_add", "login_failed", "login", "logout", "login", "logout"]
    assert audit["detail"].tolist()[3] == "长时间未操作，自动退出"


def test_team_mode_zone_profile_needs_the_right_and_is_audited(team_env):
    with matcher.open_store(team_env) as store:
        admin = matcher.authenticate(store, "admin", PASSWORD, source="api")
        matcher.add_user(store, "leader", PASSWORD, role="只读", display_name="赵书记", by=admin)
    at = _app().run()
    _login(at, "leader", PASSWORD)
    at.switch_page("app_pages/gaps.py").run()
    at.session_state["zone"] = matcher.load_zone(matcher.DEFAULT_ZONE)
    at.run()
    restore = next(b for b in at.button if b.label == "恢复内置配置")
    restore.click().run()
    assert any("没有修改园区画像的权限" in e.value for e in at.error)
    with matcher.open_store(team_env) as store:
        audit = matcher.list_audit(store)
    assert audit["action"].tolist()[-1] == "denied" and audit["username"].tolist()[-1] == "leader"
    at.button(key="logout").click().run()
    _login(at, "admin", PASSWORD)  # the administrator may: the change is made and audited
    at.switch_page("app_pages/gaps.py").run()
    at.session_state["zone"] = matcher.load_zone(matcher.DEFAULT_ZONE)
    at.run()
    next(b for b in at.button if b.label == "恢复内置配置").click().run()
    assert not at.error and "zone" in at.session_state and at.session_state["zone"] is None
    with matcher.open_store(team_env) as store:
        last = matcher.list_audit(store).iloc[-1]
    assert (last["username"], last["action"]) == ("admin", "profile_change")


def _audit(db, action):
    with matcher.open_store(db) as store:
        return matcher.list_audit(store, action=action)


def test_team_mode_weight_and_setting_changes_are_audited_once_per_value(team_env, tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINMATCH_CACHE", str(tmp_path / "cache"))
    with matcher.open_store(team_env) as store:
        admin = matcher.authenticate(store, "admin", PASSWORD, source="api")
        matcher.add_user(store, "chief", PASSWORD, role="链长", display_name="李链长", chains=["nev"], by=admin)
    at = _app().run()
    _login(at, "chief", PASSWORD)
    at.switch_page("app_pages/ranking.py").run()
    assert not at.exception
    at.slider(key="w_set_w_fit").set_value(0.0).run()
    at.run()  # reruns (any widget, a page switch) are not changes
    at.switch_page("app_pages/export.py").run()
    at.switch_page("app_pages/ranking.py").run()
    changes = _audit(team_env, "settings_change")
    fit = next(h["label"] for h in matcher.settings_help() if h["name"] == "w_fit")
    assert changes[["username", "target", "detail"]].values.tolist() == [
        ["chief", fit, f"{matcher.DEFAULTS.w_fit:g} → 0"]
    ]
    next(b for b in at.sidebar.button if b.label == "恢复默认权重").click().run()
    at.number_input(key="match_min_relevance").set_value(0.5)
    at.button(key="FormSubmitter:match_form-重新匹配").click().run()
    at.button(key="FormSubmitter:match_form-重新匹配").click().run()  # the same values again: no change
    changes = _audit(team_env, "settings_change")
    assert changes["target"].tolist() == [fit, "恢复默认权重", "匹配参数"]
    assert changes["detail"].tolist()[1] == fit and "0.5" in changes["detail"].tolist()[2]


def test_team_mode_export_page_needs_the_export_right(team_env, tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINMATCH_CACHE", str(tmp_path / "cache"))
    with matcher.open_store(team_env) as store:
        admin = matcher.authenticate(store, "admin", PASSWORD, source="api")
        matcher.add_user(store, "leader", PASSWORD, role="只读", display_name="赵书记", by=admin)
    at = _app().run()
    _login(at, "leader", PASSWORD)
    for _ in range(2):
        at.switch_page("app_pages/export.py").run()
        assert not at.exception and len(at.download_button) == 0
        assert "“只读”角色没有导出数据的权限" in at.info[0].value
    at.switch_page("app_pages/map.py").run()
    assert not at.exception and len(at.download_button) == 0  # the map page's download too
    denied = _audit(team_env, "denied")
    assert denied[["username", "target"]].values.tolist() == [["leader", "导出页面"]]  # once per session
    at.button(key="logout").click().run()
    _login(at, "admin", PASSWORD)
    at.switch_page("app_pages/export.py").run()
    assert len(at.download_button) == 5  # the administrator's role may export
