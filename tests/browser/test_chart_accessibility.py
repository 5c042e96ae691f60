"""axe-core finds no violation on the public statistics page (Vietnamese and English), the staff
chart page and the dashboard with its chart, at 1280 px and 360 px, and no page scrolls sideways."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.agencies.models import Agency, AdminUnit
from app.cases.models import Case
from app.extensions import db
from app.formatting import LOCAL_TZ, local_today
from app.oversight.models import Directive
from app.petitions.models import ContentCategory, Petition, Petitioner
from tests.browser.steps import switch_language
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_staff_journey import sign_in
from tests.conftest import make_user


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Markup does not depend on the database: accessibility runs on SQLite only."""
    return request.param


def _check(page: Page) -> None:
    assert_no_violations(page)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url}: the page is {width} px wide on a {viewport} px screen"


@pytest.fixture
def chart_data(live_app):
    """A year of petitions (every kind, several contents and communes), cases and directives."""
    today = local_today()
    year, start = today.year, date(today.year, 1, 1)
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    categories = db.session.scalars(select(ContentCategory).order_by(ContentCategory.position)).all()
    communes = db.session.scalars(select(AdminUnit.id).where(AdminUnit.level == "commune",
                                                             AdminUnit.code.in_(["6193", "5983"]))).all()
    kinds = ["complaint", "complaint", "proposal", "denunciation"]
    for i in range(60):
        kind = kinds[i % 4]
        day = start + (today - start) * i // 60  # spread over the year so far
        category = next(c for c in categories[i % len(categories):] + categories if c.kind == kind)
        p = Petition(tracking_code=f"TTLS-{year}-{uuid.uuid4().hex[:6]}", agency_id=agencies["TTLS"].id, kind=kind,
                     channel="post", received_at=datetime.combine(day, time(10), tzinfo=LOCAL_TZ),
                     title="Đơn", content="Nội dung", request="Yêu cầu", respondent="UBND",
                     access_key_hash="x" * 64, category_id=category.id)
        protected = kind == "denunciation"
        p.petitioners.append(Petitioner(position=0, role="petitioner", is_protected=protected,
                                        commune_id=None if protected else communes[i % 2]))
        db.session.add(p)
    for i in range(8):
        db.session.add(Case(kind="complaint_first", agency_id=agencies["TTLS"].id, title="Vụ việc",
                            accepted_on=start, due_date=start + timedelta(days=20 + i),
                            decision_date=start + timedelta(days=15 + 2 * i), status="decided"))
    for i in range(4):
        db.session.add(Directive(source="chairman", issued_on=start, content="Nhiệm vụ",
                                 assignee_agency_id=agencies["TTLS"].id, due_on=start + timedelta(days=10 * i),
                                 done_on=start + timedelta(days=5) if i % 2 else None))
    db.session.commit()
    return {"leader": make_user("leader", "TTLS", full_name="Hà Thị Báo Cáo")}


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_public_statistics_have_no_axe_violations(browser, live_server, chart_data, width, lang):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server + "/thong-ke/")
    if lang != "vi":
        switch_language(page, lang)
    expect(page.locator("svg.chart-svg")).to_have_count(5)
    _check(page)
    page.goto(live_server + "/thong-ke/?year=abc")  # with a refused choice
    expect(page.locator("#year-error")).to_be_visible()
    _check(page)
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_staff_chart_pages_have_no_axe_violations(browser, live_server, chart_data, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, chart_data["leader"])
    for path, charts in (("/staff/reports/charts/", 5), ("/staff/", 1)):
        page.goto(live_server + path)
        expect(page.locator("svg.chart-svg")).to_have_count(charts)
        _check(page)
    page.locator("details.chart-details summary").click()  # the dashboard's table, unfolded
    expect(page.locator("#dashboard-kind-month-table")).to_be_visible()
    _check(page)
    context.close()
