"""The reception desk in Chromium, keyboard only: a receptionist logs a group visit of twelve
people with three representatives, receives their letter, and prints the receipt."""
from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.reception.models import Visit
from tests.browser.steps import pdf_file
from tests.browser.test_staff_journey import sign_in
from tests.conftest import make_user

PRINT_SPY = "window.__printed = 0; window.print = function () { window.__printed += 1; };"


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (the keyboard is all we use)."""
    for _ in range(limit):
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def press_and_wait(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_receptionist_logs_a_group_visit_of_twelve_and_prints_the_receipt(browser, live_server, live_app):
    receptionist = make_user("receptionist", "BTCD", full_name="Nông Văn Tiếp")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.add_init_script(PRINT_SPY)
    page = context.new_page()
    sign_in(page, live_server, receptionist)
    page.goto(f"{live_server}/staff/reception/visits/new")

    # The look-up box has the focus; nobody is known yet.
    expect(page.locator("#lookup_q")).to_be_focused()
    page.keyboard.type("020080004321")
    expect(page.locator("#people-results")).to_contain_text("Không tìm thấy")

    type_into(page, "#visited_time", "00:01")
    type_into(page, "#people_count", "12")
    type_into(page, "#visitors-0-full_name", "Hoàng Văn Sơn")
    type_into(page, "#visitors-0-id_number", "020080004321")
    type_into(page, "#visitors-0-phone", "0912345678")
    type_into(page, "#visitors-0-address", "Thôn Bản Làn, xã Cao Lộc")
    for n, (name, cccd) in enumerate([("Lương Thị Mai", "020185002222"), ("Vi Văn Tâm", "020075003333")], start=1):
        press_and_wait(page, "#add_person")
        type_into(page, f"#visitors-{n}-full_name", name)
        type_into(page, f"#visitors-{n}-id_number", cccd)
    # What was typed before adding people is still there.
    expect(page.locator("#visitors-0-full_name")).to_have_value("Hoàng Văn Sơn")
    expect(page.locator("#people_count")).to_have_value("12")

    tab_to(page, "#kind-0")
    page.keyboard.press("Space")  # khiếu nại
    expect(page.locator("#kind-0")).to_be_checked()
    type_into(page, "#respondent", "Ủy ban nhân dân xã Cao Lộc")
    type_into(page, "#summary", "Mười hai hộ dân thôn Bản Làn khiếu nại mức bồi thường khi thu hồi đất làm đường.")
    type_into(page, "#request_text", "Đề nghị xem xét lại đơn giá bồi thường.")
    expect(page.locator("#outcome-0")).to_be_checked()  # tiếp nhận đơn
    type_into(page, "#title", "Khiếu nại mức bồi thường thu hồi đất làm đường")
    # A file chooser is the operating system's dialog: the one step the keyboard cannot drive here.
    page.set_input_files("#attachments", [pdf_file("don-tap-the.pdf")])
    press_and_wait(page, "#submit")

    expect(page.locator("h1")).to_contain_text("Lượt tiếp số 1/")
    expect(page.locator("main")).to_contain_text("Đoàn đông người")
    expect(page.locator("#h-people")).to_contain_text("12 người")
    for name in ("Hoàng Văn Sơn", "Lương Thị Mai", "Vi Văn Tâm"):
        expect(page.locator("main")).to_contain_text(name)
    visit = db.session.scalars(select(Visit)).one()
    assert visit.people_count == 12 and len(visit.visitors) == 3 and visit.petition.channel == "walk_in"
    assert [a.original_name for a in visit.petition.attachments] == ["don-tap-the.pdf"]

    # Print the receipt (giấy biên nhận), still by keyboard.
    press_and_wait(page, "a.doc-link-receipt")
    expect(page.locator("main")).to_contain_text("GIẤY BIÊN NHẬN")
    expect(page.locator("main")).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    expect(page.locator("main")).to_contain_text("Hoàng Văn Sơn")
    expect(page.locator("main")).to_contain_text(visit.petition.tracking_code)
    tab_to(page, ".js-print")
    page.keyboard.press("Enter")
    page.wait_for_function("window.__printed === 1")

    # The letter waits in the agency's triage inbox.
    page.goto(f"{live_server}/staff/petitions/")
    expect(page.locator("main")).to_contain_text(visit.petition.tracking_code)
    context.close()
