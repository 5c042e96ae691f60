"""The case page in Chromium, on both databases: a leader marks a denunciation complex and extends it,
the leader issues the conclusion, and the resolver records the money recovered."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.agencies.models import Agency
from app.calendar.services import due_date
from app.cases.models import Case
from app.extensions import db
from app.formatting import local_today
from tests.browser.test_staff_journey import sign_in, sign_out
from tests.conftest import make_user


def _submit(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"#submit-{action}")


def _open(page: Page, action: str) -> None:
    details = page.locator(f"#action-{action}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def test_a_leader_extends_a_complex_denunciation_and_the_resolver_records_the_recovered_money(
        browser, live_server, live_app):
    resolver = make_user("handler", "XCL", full_name="Hoàng Thị Xác")
    leader = make_user("leader", "XCL", full_name="Lộc Văn Xuân")
    agency = db.session.scalars(select(Agency).where(Agency.code == "XCL")).one()
    accepted = local_today() - timedelta(days=10)
    case = Case(kind="denunciation", agency_id=agency.id, title="Tố cáo cán bộ địa chính thu tiền trái phép",
                accepted_on=accepted, due_rule_code="denunciation.resolve",
                due_date=due_date("denunciation.resolve", accepted), resolver_id=resolver.id)
    db.session.add(case)
    db.session.commit()
    case_id, first_due = case.id, case.due_date
    today = local_today().strftime("%d/%m/%Y")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    # The resolver starts verification.
    sign_in(page, live_server, resolver)
    page.goto(f"{live_server}/staff/cases/?tab=mine")
    with page.expect_navigation():
        page.click(f"a[href='/staff/cases/{case_id}']")
    _submit(page, "start_verification")
    expect(page.locator("#case-state")).to_have_text("Đang xác minh")
    sign_out(page)

    # The leader: an extension for a standard matter is refused, then one criterion, then the extension.
    sign_in(page, live_server, leader)
    page.goto(f"{live_server}/staff/cases/{case_id}")
    _open(page, "extend")
    page.fill("#extend-decision_number", "01/QĐ-UBND")
    page.fill("#extend-decided_on", today)
    page.fill("#extend-reason", "Phải xác minh tại nhiều địa điểm")
    _submit(page, "extend")
    expect(page.locator("#error-summary")).to_contain_text("chỉ được gia hạn 0 lần")
    expect(page.locator("#extend-decision_number")).to_have_value("01/QĐ-UBND")
    _open(page, "complexity")
    page.check("#action-complexity input[value='many_places']")
    _submit(page, "complexity")
    expect(page.locator("#complexity-level")).to_contain_text("phức tạp")
    _open(page, "extend")
    page.fill("#extend-decision_number", "01/QĐ-UBND")
    page.fill("#extend-decided_on", today)
    page.fill("#extend-reason", "Phải xác minh tại nhiều địa điểm")
    _submit(page, "extend")
    expect(page.locator("#clock-steps")).to_contain_text("Gia hạn theo quyết định số 01/QĐ-UBND")
    db.session.expire_all()
    new_due = db.session.get(Case, case_id).due_date
    assert new_due > first_due
    expect(page.locator("#case-due")).to_contain_text(new_due.strftime("%d/%m/%Y"))

    # The leader issues the conclusion.
    _open(page, "decide")
    page.check("#decide-outcome-1")  # đúng một phần
    page.fill("#decide-number", "05/KL-UBND")
    page.fill("#decide-decided_on", today)
    page.fill("#decide-signer", "Lộc Văn Xuân")
    _submit(page, "decide")
    expect(page.locator("#case-state")).to_have_text("Đã có kết luận")
    sign_out(page)

    # The resolver records the money recommended and recovered.
    sign_in(page, live_server, resolver)
    page.goto(f"{live_server}/staff/cases/{case_id}")
    _open(page, "figures")
    page.fill("#figures-money_recommended", "1.391.100.000")
    page.fill("#figures-money_recovered", "-1")
    _submit(page, "figures")
    expect(page.locator("#figures-money_recovered-error")).to_contain_text("không được âm")
    expect(page.locator("#figures-money_recommended")).to_have_value("1.391.100.000")
    page.fill("#figures-money_recovered", "1.200.000.000")
    _submit(page, "figures")
    expect(page.locator("#decision")).to_contain_text("1.391,1 triệu đồng")
    expect(page.locator("#decision")).to_contain_text("1.200,0 triệu đồng")
    db.session.expire_all()
    stored = db.session.get(Case, case_id)
    assert stored.status == "concluded" and stored.outcome == "partly_true"
    assert stored.money_recovered == 1_200_000_000 and len(stored.extensions) == 1
    context.close()
