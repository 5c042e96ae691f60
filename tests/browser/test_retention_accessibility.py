"""axe-core finds no violation on the retention pages (due list with an error, a proposal, the
confirmation page, a destroyed petition) and the person page with its export, at 1280 px and
360 px; a leader destroys a proposal end to end in Chromium."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.formatting import local_today
from app.petitions.services import new_form_token
from app.reception.models import Person
from app.reception.services import VisitDraft, VisitorInput, log_visit
from app.retention.models import DestructionItem, DestructionRequest
from tests.browser.test_reception_accessibility import _check
from tests.browser.test_staff_journey import sign_in
from tests.conftest import make_user
from tests.reports import factories


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Markup does not depend on the database: accessibility runs on SQLite only."""
    return request.param


@pytest.fixture
def retention_data(live_app):
    today = local_today()
    handler = make_user("handler", "TTLS", full_name="Lý Văn Xử")
    leader = make_user("leader", "TTLS", full_name="Hà Thị Duyệt")
    due = [factories.petition("TTLS", today - timedelta(days=420), status="filed", file_reason="ineligible",
                              decided=today - timedelta(days=400), destroy_after=today - timedelta(days=30 - i))
           for i in range(3)]
    request = DestructionRequest(agency_id=handler.agency_id, proposed_by_id=handler.id, note="Đơn lưu năm 2025")
    request.items = [DestructionItem(petition_id=due[0].id)]
    db.session.add(request)
    draft = VisitDraft(visited_at=utcnow() - timedelta(minutes=10), place="Trụ sở", kind="complaint",
                       summary="Hỏi về bồi thường", outcome="settled", outcome_note="Đã giải thích",
                       visitors=[VisitorInput(full_name="Hoàng Văn Sơn", id_number="020080004321")])
    log_visit(draft, user=handler, form_token=new_form_token())
    db.session.commit()
    person = db.session.scalars(select(Person)).one()
    return {"handler": handler, "leader": leader, "request_id": request.id, "petition_id": due[0].id,
            "other_id": due[1].id, "person_id": person.id}


@pytest.mark.parametrize("width", [1280, 360])
def test_retention_and_person_pages_have_no_axe_violations(browser, live_server, retention_data, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, retention_data["handler"])
    for path in ("/staff/retention/", "/staff/retention/?tab=requests",
                 "/staff/retention/requests/{request_id}", "/staff/personal-data/people/{person_id}",
                 "/staff/petitions/{other_id}"):
        page.goto(live_server + path.format(**retention_data))
        _check(page)
    page.goto(live_server + "/staff/retention/")
    with page.expect_navigation():
        page.click("#submit")  # nothing ticked
    expect(page.locator("#error-summary")).to_be_visible()
    _check(page)
    context.close()


def test_a_leader_confirms_and_the_petition_is_destroyed(browser, live_server, retention_data):
    context = browser.new_context(viewport={"width": 360, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, retention_data["leader"])
    page.goto(live_server + f"/staff/retention/requests/{retention_data['request_id']}")
    with page.expect_navigation():
        page.click("#approve-link")
    _check(page)  # the confirmation page
    page.fill("#note", "Quyết định số 3/QĐ-TTr")
    with page.expect_navigation():
        page.click("#confirm-destroy")
    expect(page.locator("#request-status")).to_contain_text("Đã phê duyệt")
    page.goto(live_server + f"/staff/petitions/{retention_data['petition_id']}")
    expect(page.locator("#destroyed-banner")).to_be_visible()
    _check(page)
    context.close()
