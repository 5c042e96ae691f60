"""The public JSON API: submitting a petition with the form's own rules and limit, tracking it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.petitions.models import Petition
from tests.conftest import hidden_fields, valid_petition_data


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_SUBMIT": "2 per hour", "RATELIMIT_TRACK": "3 per minute"}


@pytest.fixture(autouse=True)
def fresh_limits(app):
    from app.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()


def submission(province_id: int, commune_id: int, /, **overrides) -> dict:
    """A valid complaint as the API takes it."""
    data = {
        "kind": "complaint", "full_name": "Nguyễn Văn An", "id_number": "020085001234", "phone": "0912 345 678",
        "email": "an.nguyen@example.vn", "province_id": province_id, "commune_id": commune_id,
        "address": "Thôn Bản Làn", "respondent": "Ủy ban nhân dân xã Cao Lộc",
        "title": "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
        "content": "Gia đình tôi bị thu hồi 300 m2 đất nông nghiệp nhưng mức bồi thường thấp hơn giá thị trường.",
        "request": "Đề nghị xem xét lại mức bồi thường.", "declaration": True,
    }
    data.update(overrides)
    return data


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Petition))


def test_submit_returns_code_and_key_once_and_tracking_works(client, lang_son):
    resp = client.post("/api/v1/petitions", json=submission(*lang_son))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["tracking_code"].startswith("BTCD-2026-") and len(body["access_key"]) == 14
    assert "set-cookie" not in {k.lower() for k in resp.headers.keys()}
    petition = db.session.scalars(select(Petition)).one()
    assert petition.channel == "online" and petition.tracking_code == body["tracking_code"]
    assert petition.petitioners[0].full_name == "Nguyễn Văn An"
    assert petition.petitioners[0].phone == "0912345678"  # the form's own normalisation

    tracked = client.post("/api/v1/track", json={"code": body["tracking_code"].lower(), "key": body["access_key"]})
    assert tracked.status_code == 200
    data = tracked.get_json()
    assert data["status"] == "received" and data["timeline"][0]["action"] == "received"
    assert "Nguyễn Văn An" not in tracked.get_data(as_text=True)


def test_same_validation_as_the_form_with_field_errors_in_vietnamese(client, lang_son):
    resp = client.post("/api/v1/petitions", json=submission(*lang_son, id_number="123", content="ngắn",
                                                            kind="complaint", request="", declaration=False))
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    problem = resp.get_json()
    assert problem["status"] == 422 and problem["title"]
    errors = problem["errors"]
    assert "12 chữ số" in errors["id_number"][0]
    assert "20 đến 20.000" in errors["content"][0]
    assert "yêu cầu" in errors["request"][0]  # a complaint states what it asks for (the form's rule)
    assert "cam đoan" in errors["declaration"][0]
    assert count() == 0


def test_commune_must_be_in_the_province_as_on_the_form(client, lang_son):
    province_id, _commune = lang_son
    resp = client.post("/api/v1/petitions", json=submission(province_id, 999999))
    assert resp.status_code == 422
    assert "commune_id" in resp.get_json()["errors"]


def test_wrong_types_and_bad_json_are_problems_not_crashes(client, lang_son):
    resp = client.post("/api/v1/petitions", json=submission(*lang_son, full_name=12, declaration="yes",
                                                            province_id="1", title="a\x00b"))
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert set(errors) >= {"full_name", "declaration", "province_id", "title"}
    resp = client.post("/api/v1/petitions", data="{not json", content_type="application/json")
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    resp = client.post("/api/v1/petitions", data="x=1", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415
    resp = client.post("/api/v1/petitions", json=[1, 2])
    assert resp.status_code == 400


def test_idempotency_key_returns_the_same_receipt(client, lang_son):
    key = "k" * 32
    first = client.post("/api/v1/petitions", json=submission(*lang_son), headers={"Idempotency-Key": key})
    again = client.post("/api/v1/petitions", json=submission(*lang_son), headers={"Idempotency-Key": key})
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["access_key"] == first.get_json()["access_key"]
    assert count() == 1


def test_submissions_share_the_forms_rate_limit(client, lang_son):
    # One by the form and one by the API use up "2 per hour"; the third, by either, is refused.
    html = client.get("/petitions/new").get_data(as_text=True)
    tokens = hidden_fields(html)
    form = {**valid_petition_data(*lang_son), **tokens}
    assert client.post("/petitions/new", data=form).status_code == 302
    # Bad input does not use up the limit.
    assert client.post("/api/v1/petitions", json=submission(*lang_son, title="")).status_code == 422
    assert client.post("/api/v1/petitions", json=submission(*lang_son)).status_code == 201
    refused = client.post("/api/v1/petitions", json=submission(*lang_son))
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429
    assert count() == 2


def test_wrong_code_and_wrong_key_read_the_same(client, lang_son):
    body = client.post("/api/v1/petitions", json=submission(*lang_son)).get_json()
    wrong_key = client.post("/api/v1/track", json={"code": body["tracking_code"], "key": "AAAA-BBBB-CCCC"})
    wrong_code = client.post("/api/v1/track", json={"code": "BTCD-2026-999999", "key": body["access_key"]})
    assert wrong_key.status_code == wrong_code.status_code == 404
    assert wrong_key.get_json() == wrong_code.get_json()
    missing = client.post("/api/v1/track", json={"code": ""})
    assert missing.status_code == 422 and set(missing.get_json()["errors"]) == {"code", "key"}


def test_tracking_is_rate_limited(client):
    for _ in range(3):
        assert client.post("/api/v1/track", json={"code": "LS-2026-000001", "key": "X"}).status_code == 404
    assert client.post("/api/v1/track", json={"code": "LS-2026-000001", "key": "X"}).status_code == 429


def test_unknown_api_route_and_method_are_problems(client):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    assert resp.get_json()["type"].endswith("not-found")
    resp = client.delete("/api/v1/track")
    assert resp.status_code == 405 and resp.mimetype == "application/problem+json"
    assert "POST" in resp.headers["Allow"]


def test_openapi_and_docs_are_served_locally(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.get_json()["openapi"] == "3.1.0"
    paths = spec.get_json()["paths"]
    assert {"/petitions", "/track", "/cases/{case_id}", "/visits"} <= set(paths)
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "POST /api/v1/petitions" in html and "PetitionSubmission" in html
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", html)  # no inline script, nothing from a CDN
    assert "https://" not in html
