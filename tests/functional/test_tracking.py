"""Tracking: POST only, same message for a wrong code and a wrong key, the public timeline."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.audit.services import record_event
from app.extensions import db
from app.petitions.models import Petition
from tests.conftest import hidden_fields, valid_petition_data
from tests.functional.test_petition_form import open_form, post_form


def file_petition(client, lang_son, **overrides):
    tokens = open_form(client)
    assert post_form(client, tokens, valid_petition_data(*lang_son, **overrides)).status_code == 302
    html = client.get("/petitions/receipt").get_data(as_text=True)
    code = re.search(r'id="tracking-code">([^<]+)<', html).group(1)
    key = re.search(r'id="access-key">([^<]+)<', html).group(1)
    return code, key


def track(client, code, key):
    tokens = hidden_fields(client.get("/track").get_data(as_text=True))
    return client.post("/track", data={"csrf_token": tokens["csrf_token"], "code": code, "key": key})


def test_receipt_shows_code_key_deadline_and_qr(client, lang_son):
    code, key = file_petition(client, lang_son)
    html = client.get("/petitions/receipt").get_data(as_text=True)
    assert re.fullmatch(r"BTCD-\d{4}-\d{6}", code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", key)
    assert "chỉ hiển thị trên biên nhận này" in html
    assert "10 ngày làm việc" in html
    assert "<svg" in html and 'aria-label="Mã QR' in html
    petition = db.session.scalars(select(Petition)).one()
    assert key not in petition.access_key_hash  # stored hashed only
    assert petition.due_date.strftime("%d/%m/%Y") in html


def test_track_with_code_and_key(client, lang_son):
    code, key = file_petition(client, lang_son)
    resp = track(client, code, key.lower().replace("-", " "))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/track/status")
    html = client.get("/track/status").get_data(as_text=True)
    assert code in html
    assert "Đã tiếp nhận, đang chờ xử lý" in html
    assert "Tiếp nhận đơn" in html  # the public receipt event
    assert "Ban Tiếp công dân tỉnh Lạng Sơn" in html
    assert "còn " in html or "hạn cuối hôm nay" in html


def test_internal_events_are_not_shown_to_the_citizen(client, lang_son):
    code, key = file_petition(client, lang_son)
    petition = db.session.scalars(select(Petition)).one()
    record_event("petition", petition.id, "note", actor_label="Cán bộ", note="Ghi chú nội bộ bí mật", is_public=False)
    db.session.commit()
    track(client, code, key)
    html = client.get("/track/status").get_data(as_text=True)
    assert "Ghi chú nội bộ bí mật" not in html


def test_wrong_code_and_wrong_key_read_the_same(client, lang_son):
    code, key = file_petition(client, lang_son)
    wrong_key = track(client, code, "AAAA-AAAA-AAAA")
    wrong_code = track(client, "BTCD-2026-999999", key)
    assert wrong_key.status_code == wrong_code.status_code == 422
    msg = "Mã hồ sơ hoặc mã truy cập không đúng."
    assert msg in wrong_key.get_data(as_text=True) and msg in wrong_code.get_data(as_text=True)
    # Nothing tells the two apart.
    strip = lambda h: re.sub(r'value="[^"]*"', "", h)  # noqa: E731
    assert strip(wrong_key.get_data(as_text=True)).replace(code, "X").replace("BTCD-2026-999999", "X") == \
        strip(wrong_code.get_data(as_text=True)).replace(code, "X").replace("BTCD-2026-999999", "X")
    assert client.get("/track/status").status_code == 302  # nothing revealed


def test_empty_tracking_fields_explained(client):
    resp = track(client, "", "")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Hãy nhập mã hồ sơ." in html and "Hãy nhập mã truy cập." in html


def test_secret_never_in_a_url(client, lang_son):
    code, key = file_petition(client, lang_son)
    # A GET with the key in the query string reveals nothing.
    resp = client.get(f"/track?code={code}&key={key}")
    assert resp.status_code == 200
    assert "Đã tiếp nhận" not in resp.get_data(as_text=True)
    assert key not in resp.get_data(as_text=True)


def test_status_requires_a_successful_tracking(client):
    resp = client.get("/track/status")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/track")


def test_receipt_without_submission_redirects(client):
    resp = client.get("/petitions/receipt")
    assert resp.status_code == 302


def test_closing_the_receipt_forgets_it(client, lang_son):
    file_petition(client, lang_son)
    tokens = hidden_fields(client.get("/petitions/receipt").get_data(as_text=True))
    client.post("/petitions/receipt/done", data={"csrf_token": tokens["csrf_token"]})
    assert client.get("/petitions/receipt").status_code == 302
