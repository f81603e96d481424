"""The review page is safe to expose: cross-site and rebinding requests refused, sign-in by token,
hashed users or a trusted proxy header, the reviewer's name on every action, escaping."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from models.config import ConfigError, WebSettings, WebUser, parse_config
from scheduler.notify import alert_message
from scheduler.web.app import create_app, href
from scheduler.web.data import Data
from scheduler.web.security import (
    COOKIE,
    Guard,
    SetupError,
    check_password,
    hash_password,
)

from .webseed import Seeded, seed

SAME = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
BASE = "http://testserver"
MARIA = hash_password("correct horse", iterations=1000)  # few iterations: tests only


def make_client(seeded: Seeded, settings: WebSettings, host: str = "127.0.0.1") -> TestClient:
    guard = Guard.build(settings, host, 8150, "local-user")
    return TestClient(create_app(Data(seeded.config), guard), follow_redirects=False)


@pytest.fixture
def seeded(tmp_path: Path, database_url: str) -> Seeded:
    return seed(tmp_path, database_url)


@pytest.fixture
def local(seeded: Seeded) -> Iterator[TestClient]:
    with make_client(seeded, seeded.config.web) as client:
        yield client


def state_of(client: TestClient, alert_id: int) -> str:
    state: str = client.get(f"/api/alerts/{alert_id}").json()["state"]
    return state


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
        {"Origin": "http://testserver.evil.example"},
    ],
)
def test_cross_site_posts_are_refused_and_change_nothing(
    local: TestClient, headers: dict[str, str]
) -> None:
    for path, form in (
        ("/alerts/1/ack", {}),
        ("/alerts/1/resolve", {"outcome": "false_alarm"}),
        ("/alerts/bulk", {"action": "ack", "scope": "shown"}),
    ):
        refused = local.post(path, data=form, headers=headers)
        assert refused.status_code == 403 and "cross-site request refused" in refused.text
    api = local.post("/api/alerts/1/ack", json={}, headers=headers)
    assert api.status_code == 403 and "cross-site" in api.json()["error"]
    assert state_of(local, 1) == "open"
    assert local.post("/alerts/1/ack", headers=SAME).status_code == 303
    assert state_of(local, 1) == "acknowledged"


def test_state_changes_are_post_only(local: TestClient) -> None:
    assert local.get("/alerts/1/ack").status_code in (404, 405)
    assert local.get("/alerts/bulk?action=ack&scope=shown").status_code in (404, 405, 422)
    assert state_of(local, 1) == "open"


def test_another_host_name_is_refused(local: TestClient) -> None:
    """DNS rebinding: a page on attacker.example resolving to 127.0.0.1 gets nothing."""
    response = local.get("/api/alerts", headers={"Host": "attacker.example:8150"})
    assert response.status_code == 421
    assert local.get("/", headers={"Host": "127.0.0.1:8150"}).status_code == 200
    assert local.get("/", headers={"Host": "localhost"}).status_code == 200


def test_every_response_carries_the_protective_headers(local: TestClient) -> None:
    headers = local.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_without_sign_in_actions_carry_the_servers_user(local: TestClient) -> None:
    local.post("/alerts/1/ack", headers=SAME)
    assert local.get("/api/alerts/1").json()["history"][-1]["by"] == "local-user"


def test_no_sign_in_refuses_to_listen_beyond_this_machine(seeded: Seeded) -> None:
    with pytest.raises(SetupError, match="without sign-in"):
        Guard.build(WebSettings(), "0.0.0.0", 8150, "x")
    Guard.build(WebSettings(auth="token", token="t"), "0.0.0.0", 8150, "x")


def test_token_sign_in_names_the_reviewer(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_TOKEN_FOR_TEST", "s3cret-token")
    settings = WebSettings(auth="token", token="${WEB_TOKEN_FOR_TEST}", base_url=BASE)
    with make_client(seeded, settings, host="0.0.0.0") as client:
        first = client.get("/alerts/1")
        assert (
            first.status_code == 303 and first.headers["location"] == "/signin?next=%2Falerts%2F1"
        )
        assert client.get("/api/alerts").status_code == 401
        assert client.post("/alerts/1/ack", headers=SAME).status_code == 401
        form = client.get("/signin?next=/alerts/1").text
        assert 'name="next" value="/alerts/1"' in form and "Access token" in form
        wrong = client.post("/signin", data={"name": "maria", "secret": "nope"}, headers=SAME)
        assert wrong.status_code == 401 and "do not match" in wrong.text
        ok = client.post(
            "/signin",
            data={"name": "maria", "secret": "s3cret-token", "next": "//evil.example/"},
            headers=SAME,
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/"  # never off-site
        cookie = ok.headers["set-cookie"]
        assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert client.post("/alerts/1/ack", headers=SAME).status_code == 303
        assert client.get("/api/alerts/1").json()["history"][-1]["by"] == "maria"
        value = client.cookies[COOKIE]
        client.cookies.clear()
        client.cookies.set(COOKIE, value[:-2] + ("00" if not value.endswith("00") else "11"))
        assert client.get("/api/alerts/1").status_code == 401
    with make_client(seeded, settings, host="0.0.0.0") as api:
        bearer = {"Authorization": "Bearer s3cret-token"}
        assert api.get("/api/alerts", headers=bearer).status_code == 200
        basic = base64.b64encode(b"feedreader:s3cret-token").decode()
        assert api.get("/feed.atom", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        assert api.get("/api/alerts", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_configured_users_sign_in_with_hashed_passwords(seeded: Seeded) -> None:
    settings = WebSettings(auth="users", users=(WebUser("maria", MARIA),), base_url=BASE)
    with make_client(seeded, settings) as client:
        bad = client.post("/signin", data={"name": "maria", "secret": "wrong"}, headers=SAME)
        assert bad.status_code == 401
        nobody = client.post("/signin", data={"name": "eve", "secret": "x"}, headers=SAME)
        assert nobody.status_code == 401
        ok = client.post("/signin", data={"name": "maria", "secret": "correct horse"}, headers=SAME)
        assert ok.status_code == 303
        client.post("/alerts/2/resolve", data={"outcome": "note_updated"}, headers=SAME)
        assert client.get("/api/alerts/2").json()["history"][-1]["by"] == "maria"
        assert client.post("/signout", headers=SAME).status_code == 303


def test_a_trusted_proxy_header_names_the_reviewer(seeded: Seeded) -> None:
    settings = WebSettings(auth="proxy", proxy_header="X-Forwarded-User", base_url=BASE)
    with make_client(seeded, settings) as client:
        assert client.get("/api/alerts").status_code == 401
        who = {"X-Forwarded-User": "sam", **SAME}
        assert client.post("/alerts/3/ack", headers=who).status_code == 303
        assert client.get("/api/alerts/3", headers=who).json()["history"][-1]["by"] == "sam"


def test_password_hashes() -> None:
    assert MARIA.startswith("pbkdf2_sha256$1000$") and "correct horse" not in MARIA
    assert check_password("correct horse", MARIA)
    assert not check_password("correct horse ", MARIA)
    assert not check_password("x", "not a hash")


def test_links_from_sources_are_only_http() -> None:
    assert (
        href("https://malegislature.gov/Bills/194/H5316")
        == "https://malegislature.gov/Bills/194/H5316"
    )
    assert href("javascript:alert(1)") == "#"
    assert href(" JAVASCRIPT:alert(1)") == "#"
    assert href(None) == "#"


@pytest.mark.parametrize(
    ("web", "problem"),
    [
        ({"auth": "magic"}, "web.auth: expected one of none, token, users, proxy"),
        ({"auth": "token"}, "web.token: required"),
        ({"auth": "users"}, "web.users: required"),
        ({"users": [{"name": "m", "password_hash": "hunter2"}]}, "never the password itself"),
        ({"port": 70000}, "web.port: expected 0 to 65535"),
        ({"base_url": "ftp://x"}, "web.base_url: expected an http(s) URL"),
        ({"proxy_header": "X User"}, "web.proxy_header: not a header name"),
        ({"colour": "blue"}, "web.colour: unknown key"),
    ],
)
def test_web_config_errors_are_one_line(web: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_config({"web": web}, None)


def test_notifications_link_to_the_alerts_page(seeded: Seeded) -> None:
    from models.storage.alerts import get_alert
    from models.storage.db import make_engine, session_scope

    engine = make_engine(seeded.config.database_url)
    with session_scope(engine) as session:
        alert = get_alert(session, 1)
        assert (
            "Review: https://review.example/alerts/1"
            in alert_message(alert, "https://review.example")[1]
        )
        assert "Review:" not in alert_message(alert)[1]
    engine.dispose()
