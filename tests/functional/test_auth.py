"""Staff sign-in: hashing, lockout per account, throttling per IP, session limits, safe next."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.conftest import STAFF_PASSWORD, csrf_of, hidden_fields, make_user, sign_in


def test_password_is_hashed_with_argon2(app):
    user = make_user("handler")
    assert user.password_hash.startswith("$argon2id$")
    assert STAFF_PASSWORD not in user.password_hash


def test_sign_in_and_out(client):
    user = make_user("handler")
    resp = sign_in(client, user)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/")
    assert client.get("/staff/petitions/").status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf_of(client, "/staff/petitions/")})
    assert client.get("/staff/petitions/").status_code == 302


@pytest.mark.parametrize("email,password", [("nobody@example.vn", STAFF_PASSWORD), (None, "sai-mat-khau-1")])
def test_wrong_credentials_one_message(client, email, password):
    user = make_user("handler")
    resp = sign_in(client, type("U", (), {"email": email or user.email})(), password)
    assert resp.status_code == 422
    assert "Thư điện tử hoặc mật khẩu không đúng." in resp.get_data(as_text=True)


def test_account_locked_after_repeated_failures(client, app):
    user = make_user("handler")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, user, "sai-mat-khau-1").status_code == 422
    resp = sign_in(client, user)  # the right password, but locked now
    assert resp.status_code == 422 and "tạm khóa" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None


@pytest.fixture
def app_overrides(request):
    if request.node.name.startswith("test_login_throttled_per_ip"):
        return {"RATELIMIT_LOGIN": "3 per minute"}
    return {}


def test_login_throttled_per_ip(client, app):
    from app.extensions import limiter

    limiter.reset()
    users = [make_user("handler") for _ in range(4)]
    for user in users[:3]:
        assert sign_in(client, user, "sai-mat-khau-1").status_code == 422
    assert sign_in(client, users[3], "sai-mat-khau-1").status_code == 429
    limiter.reset()


def test_disabled_account_cannot_sign_in(client):
    user = make_user("handler")
    user.active = False
    db.session.commit()
    assert sign_in(client, user).status_code == 422


def test_new_session_on_login(client):
    user = make_user("handler")
    with client.session_transaction() as sess:
        sess["planted"] = "attacker"
    sign_in(client, user)
    with client.session_transaction() as sess:
        assert "planted" not in sess


@pytest.mark.parametrize("target,expected", [
    ("/staff/petitions/?tab=all", "/staff/petitions/?tab=all"),
    ("https://evil.example/", "/staff/"),
    ("//evil.example/x", "/staff/"),
    ("/\\evil.example", "/staff/"),
    ("/track", "/staff/"),
])
def test_next_redirect_is_safe(client, target, expected):
    user = make_user("handler")
    page = client.get("/staff/login", query_string={"next": target}).get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    resp = client.post("/staff/login", data={"csrf_token": token, "email": user.email, "password": STAFF_PASSWORD,
                                             "next": target})
    assert resp.headers["Location"] == expected


def test_idle_and_absolute_timeouts(client, app):
    user = make_user("handler")
    sign_in(client, user)
    assert client.get("/staff/petitions/").status_code == 200
    with client.session_transaction() as sess:
        sess["staff_seen_at"] = int(time.time()) - 31 * 60
    resp = client.get("/staff/petitions/")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]
    sign_in(client, user)
    with client.session_transaction() as sess:
        sess["staff_login_at"] = int(time.time()) - 9 * 3600
    assert client.get("/staff/petitions/").status_code == 302


def test_change_password_and_bad_inputs(client):
    user = make_user("handler")
    sign_in(client, user)
    token = csrf_of(client, "/staff/password")
    bad = [
        ({"current": "sai", "new": "mat-khau-moi-123", "confirm": "mat-khau-moi-123"}, "Mật khẩu hiện tại không đúng."),
        ({"current": STAFF_PASSWORD, "new": "ngan1", "confirm": "ngan1"}, "ít nhất 10 ký tự"),
        ({"current": STAFF_PASSWORD, "new": "mat-khau-moi-123", "confirm": "khac-hoan-toan-1"}, "không khớp"),
    ]
    for data, message in bad:
        resp = client.post("/staff/password", data={"csrf_token": token, **data})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    resp = client.post("/staff/password", data={"csrf_token": token, "current": STAFF_PASSWORD,
                                                "new": "mat-khau-moi-123", "confirm": "mat-khau-moi-123"})
    assert resp.status_code == 302
    assert client.get("/staff/petitions/").status_code == 200  # this session continues
    other = client.application.test_client()
    assert sign_in(other, user, "mat-khau-moi-123").status_code == 302


def test_password_change_ends_other_sessions(app):
    user = make_user("handler")
    a, b = app.test_client(), app.test_client()
    sign_in(a, user)
    sign_in(b, user)
    token = csrf_of(a, "/staff/password")
    a.post("/staff/password", data={"csrf_token": token, "current": STAFF_PASSWORD,
                                    "new": "mat-khau-moi-123", "confirm": "mat-khau-moi-123"})
    assert b.get("/staff/petitions/").status_code == 302


def test_cli_users_create(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Moi@Example.vn", "--name", "Cán bộ Mới",
                                 "--role", "handler", "--agency", "ttls"], input="mat-khau-cli-123\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "moi@example.vn")).one()
    assert user.role == "handler" and user.agency.code == "TTLS"
    client = app.test_client()
    assert sign_in(client, user, "mat-khau-cli-123").status_code == 302
    result = runner.invoke(args=["users", "create", "--email", "khac@example.vn", "--name", "Khác",
                                 "--role", "leader", "--agency", "TTLS"], input="")
    assert result.exit_code == 0 and "Password: " in result.output
    bad = runner.invoke(args=["users", "create", "--email", "x@example.vn", "--name", "X", "--role", "leader",
                              "--agency", "NOPE"])
    assert bad.exit_code != 0 and "No agency" in bad.output
