"""Site-wide behaviour: language switch, headers, error pages, configuration."""
from __future__ import annotations

import pytest

from config import ConfigError, ProductionConfig
from tests.conftest import hidden_fields


def test_home_in_vietnamese_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Ủy ban nhân dân tỉnh Lạng Sơn" in html  # the agency in the header
    assert "Bỏ qua, đến nội dung chính" in html  # skip link


def test_switch_to_english_and_back(client):
    tokens = hidden_fields(client.get("/").get_data(as_text=True))
    resp = client.post("/lang", data={"csrf_token": tokens["csrf_token"], "lang": "en", "next": "/petitions/new"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/petitions/new"
    html = client.get("/petitions/new").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Submit petition" in html and "Full name" in html and "Họ và tên" not in html
    client.post("/lang", data={"csrf_token": tokens["csrf_token"], "lang": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "\\\\evil", "javascript:alert(1)"])
def test_language_switch_never_redirects_off_site(client, target):
    tokens = hidden_fields(client.get("/").get_data(as_text=True))
    resp = client.post("/lang", data={"csrf_token": tokens["csrf_token"], "lang": "en", "next": target})
    assert resp.headers["Location"] == "/"


def test_language_switch_requires_csrf(client):
    assert client.post("/lang", data={"lang": "en", "next": "/"}).status_code == 400


def test_security_headers(client):
    resp = client.get("/petitions/new")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_and_no_remote_assets(client):
    for url in ("/", "/petitions/new", "/track"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and ' style="' not in html
        assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_static_assets_served_locally(client):
    assert client.get("/static/vendor/bootstrap/bootstrap.min.css").status_code == 200
    assert client.get("/static/js/app.js").status_code == 200


def test_not_found_page_is_friendly(client):
    resp = client.get("/khong-co-trang-nay")
    assert resp.status_code == 404
    assert "Không tìm thấy trang" in resp.get_data(as_text=True)


def test_production_config_refuses_without_secrets(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "IDENTITY_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError):
        ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    with pytest.raises(ConfigError, match="IDENTITY_KEY"):
        ProductionConfig()
    monkeypatch.setenv("IDENTITY_KEY", "k")
    assert ProductionConfig().SECRET_KEY == "x" * 40
