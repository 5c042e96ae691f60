"""axe-core finds no violation on the reception desk pages (desk, visit, documents, register,
leaders' reception days, online reception, dashboard), at 1280 px and 360 px, and no page scrolls
sideways."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.calendar.services import WorkCalendar
from app.db import utcnow
from app.extensions import db
from app.petitions.services import new_form_token
from app.reception.models import ReceptionSession
from app.reception.services import VisitDraft, VisitorInput, log_visit
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_staff_journey import sign_in
from tests.conftest import make_user


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Markup does not depend on the database: accessibility runs on SQLite only."""
    return request.param


@pytest.fixture
def desk_data(live_app):
    """A receptionist and a leader of the reception board, one visit with a letter, one reception day."""
    receptionist = make_user("receptionist", "BTCD", full_name="Nông Văn Tiếp")
    leader = make_user("leader", "BTCD", full_name="Vi Văn Đạo")
    draft = VisitDraft(visited_at=utcnow() - timedelta(minutes=10), place="Trụ sở Ban Tiếp công dân",
                       kind="complaint", summary="Khiếu nại mức bồi thường khi thu hồi đất.", outcome="petition_received",
                       people_count=6, visitors=[VisitorInput(full_name="Hoàng Văn Sơn", id_number="020080004321",
                                                              phone="0912345678", address="Thôn Bản Làn")])
    visit = log_visit(draft, user=receptionist, form_token=new_form_token()).visit
    cal = WorkCalendar.load()
    day = cal.next_working_day(date.today() + timedelta(days=3))
    rs = ReceptionSession(agency_id=receptionist.agency_id, leader_id=leader.id, leader_name=leader.full_name,
                          held_on=day, start_time="08:00", place="Trụ sở Ban Tiếp công dân", created_by_id=leader.id)
    db.session.add(rs)
    db.session.commit()
    return {"receptionist": receptionist, "leader": leader, "visit_id": visit.id, "session_id": rs.id}


def _check(page: Page) -> None:
    assert_no_violations(page)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url}: the page is {width} px wide on a {viewport} px screen"


STAFF_PAGES = [
    "/staff/",
    "/staff/reception/visits/new",
    "/staff/reception/visits/{visit_id}",
    "/staff/documents/visits/{visit_id}/receipt",
    "/staff/documents/visits/{visit_id}/appointment",
    "/staff/reception/register/",
    "/staff/reception/register/?reply=awaiting&q=son",  # an old address: sent on with a handle (app.listsearch)
    "/staff/reception/register/print",
    "/staff/reception/sessions/",
    "/staff/reception/sessions/new",
    "/staff/reception/sessions/{session_id}",
    "/staff/reception/sessions/rules",
    "/staff/reception/online/",
    "/staff/reception/online/slots",
]


@pytest.mark.parametrize("width", [1280, 360])
def test_reception_pages_have_no_axe_violations(browser, live_server, desk_data, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, desk_data["receptionist"])
    for path in STAFF_PAGES:
        page.goto(live_server + path.format(**desk_data))
        expect(page.locator("main, body").first).to_be_visible()
        _check(page)
    context.close()


def test_the_desk_with_errors_history_and_look_up_has_no_axe_violations(browser, live_server, desk_data):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, desk_data["receptionist"])
    page.goto(live_server + "/staff/reception/visits/new")
    page.fill("#lookup_q", "hoang van")
    expect(page.locator("#people-results")).to_contain_text("Hoàng Văn Sơn")
    page.fill("#visitors-0-id_number", "020080004321")
    expect(page.locator("#history-panel")).to_contain_text("Tái diễn")
    _check(page)
    page.fill("#people_count", "12")
    with page.expect_navigation():
        page.click("#submit")
    expect(page.locator("#error-summary")).to_be_visible()
    _check(page)
    context.close()


def test_the_public_online_reception_page_has_no_axe_violations(browser, live_server, live_app):
    for width in (1280, 360):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.goto(live_server + "/tiep-cong-dan-truc-tuyen/")
        _check(page)
        page.goto(live_server + "/tiep-cong-dan-truc-tuyen/status")
        _check(page)
        context.close()


def test_a_leader_sees_the_reception_day_and_the_denunciation_masked(browser, live_server, desk_data):
    """The session page for its leader, with the conclusion form reachable."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, desk_data["leader"])
    page.goto(live_server + f"/staff/reception/sessions/{desk_data['session_id']}")
    expect(page.locator("main")).to_contain_text("Vi Văn Đạo")
    _check(page)
    rs = db.session.scalars(select(ReceptionSession)).one()
    assert rs.status == "scheduled"
    context.close()
