"""axe-core finds no violation on the case list and on a case page with its forms (and with a refused
form), at 1280 px and 360 px, and no page scrolls sideways."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from app.agencies.models import Agency
from app.calendar.services import due_date
from app.cases.models import Case
from app.extensions import db
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_staff_journey import sign_in
from tests.conftest import make_user


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Markup does not depend on the database: accessibility runs on SQLite only."""
    return request.param


@pytest.fixture
def case_data(live_app):
    leader = make_user("leader", "XCL", full_name="Lộc Văn Xuân")
    agency = db.session.scalars(select(Agency).where(Agency.code == "XCL")).one()
    accepted = date(2026, 3, 2)
    cases = []
    for kind, rule, status in (("denunciation", "denunciation.resolve", "verifying"),
                               ("complaint_first", "complaint.first.resolve", "accepted")):
        case = Case(kind=kind, agency_id=agency.id, title="Tố cáo cán bộ địa chính thu tiền trái phép",
                    accepted_on=accepted, due_rule_code=rule, due_date=due_date(rule, accepted), status=status,
                    resolver_id=leader.id)
        db.session.add(case)
        cases.append(case)
    db.session.commit()
    return {"leader": leader, "case_id": cases[0].id, "complaint_id": cases[1].id}


def _check(page: Page) -> None:
    assert_no_violations(page)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url}: the page is {width} px wide on a {viewport} px screen"


@pytest.mark.parametrize("width", [1280, 360])
def test_case_pages_have_no_axe_violations(browser, live_server, case_data, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, case_data["leader"])
    for path in ("/staff/cases/", "/staff/cases/?tab=approval", "/staff/", f"/staff/cases/{case_data['case_id']}",
                 f"/staff/cases/{case_data['complaint_id']}"):
        page.goto(live_server + path)
        page.evaluate("document.querySelectorAll('details.action-form').forEach(d => { d.open = true; })")
        _check(page)
    # A refused form, with its error summary and the field errors.
    page.goto(live_server + f"/staff/cases/{case_data['case_id']}")
    page.locator("#action-extend > summary").click()
    page.fill("#extend-decided_on", "02/01/2026")
    with page.expect_navigation():
        page.click("#submit-extend")
    assert page.locator("#error-summary").is_visible()
    _check(page)
    context.close()
