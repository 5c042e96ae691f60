"""Walk every staff route: anonymous users are sent to sign in, users of another agency see
nothing of this one, and every POST without a CSRF token is refused."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.petitions.models import Attachment, Petition
from tests.conftest import csrf_of, make_user, sign_in
from tests.files import pdf_bytes
from tests.functional.test_triage import register_paper

PUBLIC_STAFF = {"auth.login"}


def staff_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and rule.endpoint not in PUBLIC_STAFF:
            yield rule


def url_for_rule(rule, ids: dict) -> str:
    def sub(match):
        name = match.group(2)
        return str(ids.get(name, 1))
    return re.sub(r"<(?:(\w+):)?(\w+)>", sub, rule.rule)


@pytest.fixture
def sample(login_as):
    """A petition with an attachment in the inspectorate (TTLS)."""
    client, user = login_as("handler", "TTLS")
    resp = register_paper(client, attachments=[(io.BytesIO(pdf_bytes()), "don.pdf")])
    assert resp.status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    attachment = db.session.scalars(select(Attachment)).one()
    return {"petition_id": petition.id, "attachment_id": attachment.id, "user_id": user.id,
            "agency_id": petition.agency_id, "code": petition.tracking_code}


def test_every_staff_route_refuses_anonymous(app, sample):
    client = app.test_client()
    rules = list(staff_rules(app))
    assert len(rules) >= 10
    for rule in rules:
        url = url_for_rule(rule, sample)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            token = csrf_of(client, "/staff/login")  # /staff/logout clears the session
            resp = client.open(url, method=method, data={"csrf_token": token})
            assert resp.status_code in (302, 401), (method, url, resp.status_code)
            if resp.status_code == 302:
                assert "/staff/login" in resp.headers["Location"], (method, url)


@pytest.mark.parametrize("role", ["receptionist", "handler", "leader", "supervisor"])
def test_users_of_another_agency_see_nothing(app, sample, role):
    client = app.test_client()
    sign_in(client, make_user(role, "XCL"))
    for rule in staff_rules(app):
        if rule.endpoint == "auth.logout":
            continue
        token = csrf_of(client, "/staff/password")
        url = url_for_rule(rule, sample)
        has_object = "petition_id" in rule.arguments or "attachment_id" in rule.arguments
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            resp = client.open(url, method=method, data={"csrf_token": token})
            if has_object:
                assert resp.status_code in (403, 404), (role, method, url, resp.status_code)
            else:
                assert resp.status_code in (200, 302, 400, 403, 405, 422), (role, method, url, resp.status_code)
                assert sample["code"] not in resp.get_data(as_text=True), (role, method, url)


def test_supervisor_of_the_province_reads_the_subtree(app, sample):
    client = app.test_client()
    sign_in(client, make_user("supervisor", "LS"))
    assert client.get(f"/staff/petitions/{sample['petition_id']}").status_code == 200
    assert sample["code"] in client.get("/staff/petitions/?tab=all").get_data(as_text=True)
    # Reading is all: no triage action is offered or accepted.
    page = client.get(f"/staff/petitions/{sample['petition_id']}").get_data(as_text=True)
    assert "Lưu phân loại" not in page


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_every_post_refuses_a_missing_csrf_token(app, sample, role):
    client = app.test_client()
    sign_in(client, make_user(role, "TTLS"))
    for rule in staff_rules(app):
        if "POST" not in rule.methods:
            continue
        resp = client.post(url_for_rule(rule, sample), data={})
        assert resp.status_code == 400, (rule.rule, resp.status_code)
