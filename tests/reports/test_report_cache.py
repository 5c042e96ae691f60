"""Report figures are kept a few minutes (app/reports/cache.py): a report opened again is not
recomputed, every page says when its figures were computed, and "Tính lại" recomputes them — in
the process, and in Redis shared by every worker."""
from __future__ import annotations

import html
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.conftest import REDIS_URL, csrf_of, make_config, require
from tests.reports import factories as f

NINE = {"period": "nine_months", "year": "2021"}
PETITIONS = re.compile(r"tiếp nhận (\d+) lượt đơn thư")


def text(resp) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))))


def received(resp) -> int:
    found = PETITIONS.search(text(resp))
    assert found, text(resp)[:2000]
    return int(found.group(1))


class StatementCounter:
    """Counts the SQL statements that aggregate petitions (the report's heavy query)."""

    def __init__(self):
        self.count = 0

    def __call__(self, conn, cursor, statement, *args):
        if "sum(CASE" in statement and "petitions" in statement:
            self.count += 1


@pytest.fixture
def app_overrides():
    return {"REPORT_CACHE_SECONDS": 300, "REPORT_CACHE_REDIS_URL": None}


def test_figures_kept_then_recomputed_on_request(login_as):
    f.petition("TTLS", date(2021, 3, 3))
    db.session.commit()
    client, _user = login_as("leader", "TTLS")
    counter = StatementCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        first = client.get("/staff/reports/", query_string=NINE)
        assert received(first) == 1
        assert "Số liệu tính lúc" in text(first)
        computed = counter.count
        assert computed >= 1

        f.petition("TTLS", date(2021, 4, 4))
        db.session.commit()
        again = client.get("/staff/reports/", query_string=NINE)
        assert received(again) == 1, "the kept figures are shown, with the time they were computed"
        assert counter.count == computed, "nothing recomputed"

        # The form page of the same period shares the scope and period of the kept figures.
        form_page = client.get("/staff/reports/forms/01-xld", query_string=NINE)
        assert form_page.status_code == 200 and 'id="report-refresh"' in form_page.get_data(as_text=True)

        token = csrf_of(client, "/staff/reports/?period=nine_months&year=2021")
        resp = client.post("/staff/reports/refresh", query_string={**NINE, "agency": _user.agency_id},
                           data={"csrf_token": token, "back": ""})
        assert resp.status_code == 302 and "/staff/reports/" in resp.headers["Location"]
        fresh = client.get(resp.headers["Location"])
        assert received(fresh) == 2
        assert "Đã tính lại số liệu" in text(fresh)
        assert counter.count > computed
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def test_refresh_back_to_the_form_page(login_as):
    client, user = login_as("leader", "TTLS")
    token = csrf_of(client, "/staff/reports/?period=nine_months&year=2021")
    resp = client.post("/staff/reports/refresh", query_string={**NINE, "agency": user.agency_id},
                       data={"csrf_token": token, "back": "01-xld"})
    assert resp.status_code == 302 and "/staff/reports/forms/01-xld" in resp.headers["Location"]
    # An unknown page to go back to: the report's own page, never an outside address.
    resp = client.post("/staff/reports/refresh", query_string={**NINE, "agency": user.agency_id},
                       data={"csrf_token": token, "back": "https://example.com/"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/staff/reports/?")


def test_refresh_needs_csrf_and_scope(login_as):
    client, user = login_as("leader", "TTLS")
    assert client.post("/staff/reports/refresh", query_string={**NINE, "agency": user.agency_id},
                       data={"back": ""}).status_code == 400
    other = f.agency("XCL")
    token = csrf_of(client, "/staff/reports/?period=nine_months&year=2021")
    resp = client.post("/staff/reports/refresh", query_string={**NINE, "agency": other.id},
                       data={"csrf_token": token, "back": ""})
    assert resp.status_code in (403, 404)


def test_a_broken_period_goes_back_to_the_picker(login_as):
    client, user = login_as("leader", "TTLS")
    token = csrf_of(client, "/staff/reports/?period=nine_months&year=2021")
    resp = client.post("/staff/reports/refresh", query_string={"period": "nine_months", "year": "abc"},
                       data={"csrf_token": token, "back": ""})
    assert resp.status_code == 302 and "/staff/reports/" in resp.headers["Location"]


def test_redis_shares_kept_figures_between_workers(backend, tmp_path, app):
    """Two application objects (two gunicorn workers) on one Redis: what one computed the other shows;
    "Tính lại" on one recomputes for both."""
    require(bool(REDIS_URL), "TEST_REDIS_URL is not set (report figures shared through Redis)")
    from app import create_app
    from app.reports import cache
    from app.reports.engine import Scope, compute
    from app.reports.official import FORMS
    from app.reports.period import make_period

    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    settings = {"REPORT_CACHE_SECONDS": 300, "REPORT_CACHE_REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    f.petition("TTLS", date(2021, 3, 3))
    db.session.commit()
    period = make_period("nine_months", 2021)
    form = next(iter(FORMS.values()))
    with app.test_request_context():
        app.config.update(settings)
        scope = Scope(f.agency("TTLS"))
        first = compute(form, scope, period)
        f.petition("TTLS", date(2021, 4, 4))
        db.session.commit()
        other_worker = create_app(make_config(**settings, UPLOAD_ROOT=str(tmp_path / "other")))
        with other_worker.app_context():
            # The other worker reads the figures the first one kept (same computed time, same cells).
            assert cache._client() is not None
            kept, at = cache.figures(_key(scope, period, form, compute), lambda: pytest.fail("recomputed"))
            assert at == first.computed_at
            cache.forget(_scope_key(scope, period))
        again = compute(form, scope, period)
        assert again.computed_at > first.computed_at, "forgotten by the other worker, recomputed here"
        cache.forget(())


def _scope_key(scope, period):
    from app.reports.engine import cache_key

    return cache_key(scope, period)


def _key(scope, period, form, _compute):
    return _scope_key(scope, period) + (form.code, ",".join(r.key for r in scope.rows()))
