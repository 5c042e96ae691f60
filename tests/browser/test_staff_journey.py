"""Staff journeys in Chromium: a handler triages a paper petition and the leader approves acceptance;
a handler searches the inbox for a citizen's name, which never reaches an address."""
from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.cases.models import Case
from app.extensions import db
from app.petitions.models import Petition
from tests.browser.steps import pdf_file
from tests.browser.test_accessibility import assert_no_violations
from tests.conftest import STAFF_PASSWORD, make_user


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#email", user.email)
    page.fill("#password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("#submit")
    expect(page.locator(".staff-user")).to_contain_text(user.full_name)


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator(".staff-user button[type=submit]").click()


def register_paper_petition(page: Page, base: str) -> str:
    page.goto(f"{base}/staff/petitions/new")
    page.check("#channel-0")  # by post
    page.fill("#received_on", "20/11/2026")
    page.fill("#letter_date", "18/11/2026")
    page.check("#kind-0")  # complaint
    page.fill("#people-0-full_name", "Trần Thị Hoa")
    page.fill("#people-0-id_number", "020190001234")
    page.fill("#people-0-phone", "0987654321")
    page.fill("#people-0-address", "Thôn Nà Pàn, xã Cao Lộc")
    page.fill("#respondent", "Ủy ban nhân dân xã Cao Lộc")
    page.fill("#title", "Khiếu nại quyết định thu hồi đất")
    page.fill("#content", "Gia đình tôi không đồng ý với quyết định thu hồi đất số 12/QĐ-UBND.")
    page.fill("#request_text", "Đề nghị hủy quyết định")
    page.set_input_files("#attachments", [pdf_file("don-giay.pdf")])
    with page.expect_navigation():
        page.click("#submit")
    code = page.locator("#tracking-code").inner_text().strip()
    assert code.startswith("TTLS-")
    return code


def test_a_handler_triages_a_paper_petition_and_the_leader_approves_acceptance(browser, live_server, live_app):
    handler = make_user("handler", "TTLS", full_name="Nguyễn Thị Chuyên")
    leader = make_user("leader", "TTLS", full_name="Hoàng Văn Lãnh")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()

    sign_in(page, live_server, handler)
    code = register_paper_petition(page, live_server)
    page.goto(f"{live_server}/staff/petitions/")
    expect(page.locator("table")).to_contain_text(code)
    assert_no_violations(page)  # the inbox
    page.get_by_role("link", name=code).click()
    expect(page.locator("h1")).to_contain_text(code)
    assert_no_violations(page)  # the petition page

    # Classify: a complaint within jurisdiction that meets every condition.
    page.check("#classify-kind-0")
    for item in ("language", "identity", "complaint_content", "not_sent_to_many", "not_already_guided"):
        page.check(f"#check_{item}")
    expect(page.locator("#check_denunciation_content")).to_be_hidden()
    page.check("#classify-within_jurisdiction-0")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu phân loại").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # Propose acceptance.
    page.check("#propose-action-0")
    page.fill("#propose-note", "Đủ điều kiện thụ lý.")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đề xuất").click()
    expect(page.locator(".badge.status-proposed")).to_be_visible()
    expect(page.locator("#approve-button")).to_have_count(0)  # a handler cannot approve
    sign_out(page)

    # The leader approves with one click.
    sign_in(page, live_server, leader)
    page.goto(f"{live_server}/staff/petitions/?tab=waiting")
    page.get_by_role("link", name=code).click()
    with page.expect_navigation():
        page.click("#approve-button")
    expect(page.locator(".badge.status-accepted")).to_be_visible()
    expect(page.locator("#h-timeline ~ ol")).to_contain_text("Đã thụ lý đơn")
    assert_no_violations(page)
    context.close()

    petition = db.session.scalars(select(Petition).where(Petition.tracking_code == code)).one()
    assert petition.status == "accepted" and len(petition.attachments) == 1
    case = db.session.get(Case, petition.case_id)
    assert case is not None and case.due_date is not None


def test_login_page_has_no_axe_violations(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/staff/login")
    assert_no_violations(page)
    page.click("#submit")  # empty: errors shown
    expect(page.locator("#error-summary")).to_be_visible()
    assert_no_violations(page)
    context.close()


@pytest.mark.parametrize("path", ["/staff/admin/users", "/staff/admin/users/new", "/staff/admin/agencies",
                                  "/staff/admin/agencies/new", "/staff/admin/categories", "/staff/calendar/",
                                  "/staff/calendar/?rule=denunciation.initial&start=03%2F02%2F2027",
                                  "/staff/password"])
def test_admin_and_calendar_pages_have_no_axe_violations(browser, live_server, live_app, path):
    admin = make_user("admin", "LS")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, admin)
    page.goto(f"{live_server}{path}")
    assert_no_violations(page)
    context.close()


def test_a_handler_searches_the_inbox_for_a_name_that_never_reaches_an_address(browser, live_server, live_app):
    """The search box is sent by POST: the list's address carries a handle (`s=`), every request the
    browser makes is free of the name, and tabs and Back keep the search (app.listsearch)."""
    from tests.conftest import sign_in as sign_in_client
    from tests.functional.test_no_personal_data_in_logs import ID_NUMBER, NAME, found_in
    from tests.functional.test_triage import register_paper

    handler = make_user("handler", "TTLS", full_name="Nguyễn Thị Chuyên")
    client = live_app.test_client()
    sign_in_client(client, handler)
    register_paper(client, **{"people-0-full_name": NAME, "people-0-id_number": ID_NUMBER, "people-0-phone": ""})
    register_paper(client, **{"people-0-full_name": "Lò Văn Khác", "people-0-id_number": "020011002222",
                              "people-0-phone": ""})
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, live_server, handler)
    page.goto(f"{live_server}/staff/petitions/")
    expect(page.locator("table")).to_contain_text("Lò Văn Khác")

    page.fill("#q", NAME)
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    expect(page.locator("table")).to_contain_text(NAME)
    expect(page.locator("table")).not_to_contain_text("Lò Văn Khác")
    expect(page.locator("#q")).to_have_value(NAME)
    assert "s=" in page.url
    assert_no_violations(page)
    with page.expect_navigation():
        page.locator("a.nav-link", has_text="Tất cả").click()
    assert "tab=all" in page.url and "s=" in page.url
    expect(page.locator("table")).not_to_contain_text("Lò Văn Khác")
    page.go_back()
    expect(page.locator("#q")).to_have_value(NAME)
    expect(page.locator("table")).not_to_contain_text("Lò Văn Khác")
    context.close()

    assert len(requested) > 5
    leaked = [u for u in requested if found_in(u) or found_in(urllib.parse.unquote_plus(u))]
    assert not leaked, leaked
