"""A leader in Chromium: made to set up two-factor sign-in at the first sign-in (QR code, secret
typed into the "app" — pyotp here), keeps the recovery codes, then signs in with a code; a wrong
code is refused on the way."""
from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_no_violations
from tests.conftest import STAFF_PASSWORD, make_user


@pytest.fixture
def app_overrides():
    return {"TWO_FACTOR_REQUIRED_ROLES": ("leader", "admin")}


def password_step(page: Page, base: str, user) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#email", user.email)
    page.fill("#password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("#submit")


def test_a_leader_sets_up_two_factor_sign_in_and_signs_in_with_a_code(browser, live_server, live_app):
    leader = make_user("leader", "TTLS", full_name="Hoàng Văn Lãnh")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()

    # First sign-in: the password leads to setting up the second factor, not into the workspace.
    password_step(page, live_server, leader)
    expect(page).to_have_url(f"{live_server}/staff/login/enrol")
    expect(page.locator(".staff-user")).to_have_count(0)
    qr = page.get_by_role("img", name="Mã QR để thêm tài khoản vào ứng dụng xác thực")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150  # big enough to scan
    assert_no_violations(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    page.fill("#code", "000000" if totp.now() != "000000" else "111111")
    with page.expect_navigation():
        page.get_by_role("button", name="Bật xác thực hai lớp").click()
    expect(page.locator("#code-error")).to_contain_text("Mã không khớp.")
    page.fill("#code", totp.now())
    with page.expect_navigation():
        page.get_by_role("button", name="Bật xác thực hai lớp").click()

    # The recovery codes, once, with print and download.
    expect(page.locator("h1")).to_have_text("Mã khôi phục")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    expect(page.locator(".js-print")).to_be_visible()  # shown because scripts run
    assert_no_violations(page)
    first_code = page.locator("#recovery-codes li").first.inner_text().strip()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (tệp văn bản)").click()
    assert first_code in open(download.value.path(), encoding="utf-8").read()
    with page.expect_navigation():
        page.get_by_role("button", name="Tôi đã cất giữ các mã, tiếp tục").click()
    expect(page.locator(".staff-user")).to_contain_text(leader.full_name)

    with page.expect_navigation():
        page.locator(".staff-user button[type=submit]").click()

    # Next sign-in: password, then the code the app shows (the next one: the last was just used).
    password_step(page, live_server, leader)
    expect(page).to_have_url(f"{live_server}/staff/login/code")
    assert_no_violations(page)
    page.fill("#code", totp.at(time.time() + 30))
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".staff-user")).to_contain_text(leader.full_name)
    page.goto(f"{live_server}/staff/two-factor")
    expect(page.locator("#two-factor-state")).to_contain_text("Đang bật")
    assert_no_violations(page)
    context.close()
