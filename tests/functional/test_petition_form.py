"""The public petition form: success, every bad input, files kept, double submit."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.petitions.models import Attachment, Petition, Petitioner, ProtectedIdentity, StagedUpload
from tests.conftest import hidden_fields, valid_petition_data
from tests.files import docx_bytes, jpeg_with_gps, pdf_bytes, png_bytes


def open_form(client):
    resp = client.get("/petitions/new")
    assert resp.status_code == 200
    return hidden_fields(resp.get_data(as_text=True))


def post_form(client, tokens, data, files=None):
    payload = dict(data)
    payload.update(tokens)
    if files:
        payload["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/petitions/new", data=payload, content_type="multipart/form-data")


def count_petitions() -> int:
    return db.session.scalar(select(func.count(Petition.id)))


def test_valid_complaint_creates_petition_and_receipt(client, lang_son):
    tokens = open_form(client)
    resp = post_form(client, tokens, valid_petition_data(*lang_son), files=[("don.pdf", pdf_bytes())])
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/petitions/receipt")
    receipt = client.get("/petitions/receipt")
    html = receipt.get_data(as_text=True)
    petition = db.session.scalars(select(Petition)).one()
    assert petition.tracking_code.startswith("BTCD-")
    assert petition.tracking_code in html
    assert "chậm nhất ngày" in html
    assert petition.due_rule_code == "complaint.accept"
    assert len(petition.attachments) == 1
    assert petition.petitioners[0].full_name == "Nguyễn Văn An"
    assert petition.petitioners[0].phone == "0912345678"
