"""Security headers on every kind of response: a public page, a staff page, a static file, the
error pages (400, 403, 404, 500), an Excel download; HSTS in production only; every file sent
as a download unless it is an image."""
from __future__ import annotations

import io
import shutil

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.petitions.models import Attachment, Petition
from config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.files import pdf_bytes, png_bytes
from tests.functional.test_triage import register_paper

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def assert_security_headers(resp, *, cacheable: bool = False) -> None:
    """The headers every response carries (what the browser is told to refuse)."""
    csp = dict(part.strip().split(" ", 1) for part in resp.headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in resp.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in resp.headers["Permissions-Policy"]
    assert resp.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in resp.headers  # not in testing: see test_hsts_only_in_production
    if cacheable:
        assert "no-store" not in resp.headers.get("Cache-Control", "")
    else:
        assert resp.headers["Cache-Control"] == "no-store"


@pytest.fixture
def crash_route(app):
    """A public route that fails, to see the 500 page (added before the first request)."""

    def boom():
        raise RuntimeError("boom")

    app.add_url_rule("/thu-loi-he-thong", "test_boom", boom)


def test_public_page(client):
    resp = client.get("/petitions/new")
    assert resp.status_code == 200
    assert_security_headers(resp)


def test_staff_page(login_as):
    client, _user = login_as("leader")
    resp = client.get("/staff/")
    assert resp.status_code == 200
    assert_security_headers(resp)


def test_static_file_may_be_cached(client):
    resp = client.get("/static/js/app.js")
    assert resp.status_code == 200
    assert_security_headers(resp, cacheable=True)


def test_error_pages(client, crash_route, login_as):
    not_found = client.get("/khong-co-trang-nay")
    assert not_found.status_code == 404 and "Không tìm thấy trang" in not_found.get_data(as_text=True)
    assert_security_headers(not_found)
    missing_csrf = client.post("/track/forget")
    assert missing_csrf.status_code == 400
    assert_security_headers(missing_csrf)
    crashed = client.get("/thu-loi-he-thong")
    assert crashed.status_code == 500 and "Lỗi hệ thống" in crashed.get_data(as_text=True)
    assert "RuntimeError" not in crashed.get_data(as_text=True)
    assert_security_headers(crashed)
    staff, _user = login_as("receptionist")
    forbidden = staff.get("/staff/admin/users")
    assert forbidden.status_code == 403
    assert_security_headers(forbidden)
    staff_missing = staff.get("/staff/petitions/999999")
    assert staff_missing.status_code == 404
    assert_security_headers(staff_missing)


def test_excel_download(login_as):
    client, _user = login_as("leader")
    resp = client.get("/staff/reception/register/export.xlsx")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert_security_headers(resp)


def test_attachments_download_unless_an_image(login_as):
    client, _user = login_as("handler")
    resp = register_paper(client, attachments=[(io.BytesIO(pdf_bytes()), "don.pdf"),
                                               (io.BytesIO(png_bytes()), "anh.png")])
    assert resp.status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    by_name = {a.original_name: a for a in db.session.scalars(select(Attachment))}
    pdf = client.get(f"/staff/petitions/{petition.id}/attachments/{by_name['don.pdf'].id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert_security_headers(pdf)
    png = client.get(f"/staff/petitions/{petition.id}/attachments/{by_name['anh.png'].id}")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.headers["Content-Disposition"].startswith("inline")
    assert_security_headers(png)


def test_a_stored_type_other_than_jpeg_or_png_is_never_inline(login_as):
    """Even if a row said image/svg+xml (never accepted by the checks), it would be downloaded."""
    client, _user = login_as("handler")
    register_paper(client, attachments=[(io.BytesIO(png_bytes()), "anh.png")])
    att = db.session.scalars(select(Attachment)).one()
    att.content_type = "image/svg+xml"
    db.session.commit()
    resp = client.get(f"/staff/petitions/{att.petition_id}/attachments/{att.id}")
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_in_production(monkeypatch, sqlite_template, tmp_path):
    assert TestingConfig.HSTS_MAX_AGE == 0 and DevelopmentConfig.HSTS_MAX_AGE == 0
    dbfile = tmp_path / "prod.db"
    shutil.copy(sqlite_template, dbfile)
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{dbfile}")
    monkeypatch.setenv("IDENTITY_KEY", TestingConfig.IDENTITY_KEY)
    app = create_app(ProductionConfig())
    app.config["UPLOAD_ROOT"] = str(tmp_path / "uploads")
    with app.app_context():
        resp = app.test_client().get("/", base_url="https://don.example.gov.vn")
        db.session.remove()
        db.engine.dispose()
    assert resp.status_code == 200
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert resp.headers["Referrer-Policy"] == "same-origin"
