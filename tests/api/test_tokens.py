"""Personal access tokens: made and revoked on the staff page, stored hashed, scoped, and refused
once revoked, expired, or when their user is disabled."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from app.api.models import ApiToken
from app.audit.models import AuditEntry
from app.extensions import db
from tests.api.helpers import auth, token_for
from tests.conftest import csrf_of, make_user


def _create(client, **data):
    token = csrf_of(client, "/staff/tokens/")
    return client.post("/staff/tokens/", data={"csrf_token": token, **data})


def test_create_token_shows_secret_once_and_stores_only_its_hash(login_as):
    client, user = login_as("handler", "TTLS")
    page = client.get("/staff/tokens/").get_data(as_text=True)
    assert "agency:petition:approve" not in page  # a handler cannot grant what they lack
    resp = _create(client, name="Đồng bộ", scopes=["agency:petition:read", "agency:case:read"], expires="30")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    secret = re.search(r'value="(dtk_[^"]+)"', html).group(1)
    row = db.session.scalars(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row.__dict__) and row.prefix in secret
    assert sorted(row.scopes) == ["agency:case:read", "agency:petition:read"]
    assert row.expires_at is not None
    assert resp.headers["Cache-Control"] == "no-store"
    listing = client.get("/staff/tokens/").get_data(as_text=True)
    assert secret not in listing and row.prefix in listing and "Đồng bộ" in listing
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api.token.create")).one()
    assert client.get("/api/v1/petitions", headers=auth(secret)).status_code == 200


def test_create_refuses_scopes_beyond_the_role_and_keeps_input(login_as):
    client, _user = login_as("receptionist", "TTLS")
    resp = _create(client, name="Bàn tiếp dân", scopes=["agency:case:approve"], expires="90")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Chỉ được cấp những quyền" in html and 'value="Bàn tiếp dân"' in html
    resp = _create(client, name="", scopes=[], expires="90")
    assert resp.status_code == 422 and "Hãy đặt tên" in resp.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).first() is None


def test_revoke_needs_confirmation_then_the_token_stops_working(login_as):
    client, user = login_as("handler", "TTLS")
    secret = token_for(user)
    row = db.session.scalars(select(ApiToken)).one()
    confirm = client.get(f"/staff/tokens/{row.id}/revoke")
    assert confirm.status_code == 200 and "Thu hồi mã truy cập" in confirm.get_data(as_text=True)
    db.session.refresh(row)
    assert row.revoked_at is None  # the GET only asks
    resp = client.post(f"/staff/tokens/{row.id}/revoke", data={"csrf_token": csrf_of(client, "/staff/tokens/")})
    assert resp.status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None
    denied = client.get("/api/v1/petitions", headers=auth(secret))
    assert denied.status_code == 401 and denied.mimetype == "application/problem+json"
    assert denied.headers["WWW-Authenticate"].startswith("Bearer")


def test_another_users_token_page_is_not_found(login_as, app):
    _client, owner = login_as("handler", "TTLS")
    token_for(owner)
    row = db.session.scalars(select(ApiToken)).one()
    other, _user = login_as("handler", "TTLS")
    assert other.get(f"/staff/tokens/{row.id}/revoke").status_code == 404
    resp = other.post(f"/staff/tokens/{row.id}/revoke", data={"csrf_token": csrf_of(other, "/staff/tokens/")})
    assert resp.status_code == 404
    db.session.refresh(row)
    assert row.revoked_at is None


def test_disabled_user_and_expired_token_get_401(app):
    user = make_user("handler", "TTLS")
    secret = token_for(user)
    client = app.test_client()
    assert client.get("/api/v1/petitions", headers=auth(secret)).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/petitions", headers=auth(secret)).status_code == 401
    user.active = True
    row = db.session.scalars(select(ApiToken)).one()
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/petitions", headers=auth(secret)).status_code == 401


def test_missing_or_malformed_authorization_is_401(client):
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic dTpw"},
                    {"Authorization": "Bearer dtk_000000000000_wrong"}):
        resp = client.get("/api/v1/cases", headers=headers)
        assert resp.status_code == 401, headers
        assert resp.get_json()["status"] == 401


def test_session_cookie_is_never_accepted_by_the_api(login_as):
    client, _user = login_as("leader", "TTLS")  # signed in in the browser
    assert client.get("/staff/").status_code == 200
    assert client.get("/api/v1/petitions").status_code == 401
    assert client.post("/api/v1/visits", json={}).status_code == 401


def test_token_acts_within_the_users_current_role(app):
    leader = make_user("leader", "TTLS")
    secret = token_for(leader, ["agency:petition:read", "agency:petition:approve"])
    client = app.test_client()
    assert client.get("/api/v1/petitions", headers=auth(secret)).status_code == 200
    leader.role = "admin"  # the role no longer reads petitions: neither does the token
    db.session.commit()
    resp = client.get("/api/v1/petitions", headers=auth(secret))
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"


def test_last_used_is_recorded(app):
    user = make_user("handler", "TTLS")
    secret = token_for(user)
    app.test_client().get("/api/v1/cases", headers=auth(secret))
    row = db.session.scalars(select(ApiToken)).one()
    db.session.refresh(row)
    assert row.last_used_at is not None
