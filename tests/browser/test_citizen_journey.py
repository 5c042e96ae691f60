"""Citizens on a 360 px phone, in Chromium: file a petition, get the receipt, track it.

Each test runs against the real app served in a thread, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.steps import (
    CITIZEN,
    choose_address,
    fill_valid_form,
    petitions_in_db,
    png_file,
    read_receipt,
    submit_form,
    switch_language,
    track,
)


def test_a_citizen_files_a_complaint_with_an_attachment_then_tracks_it(phone_page, live_server, live_app):
    page = phone_page
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("main").get_by_role("link", name="Gửi đơn mới").click()
    expect(page).to_have_url(live_server + "/petitions/new")

    page.get_by_role("radio", name="Khiếu nại").check()
    page.get_by_label("Họ và tên").fill(CITIZEN["full_name"])
    page.get_by_label("Số căn cước công dân").fill("020085001234")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    choose_address(page, "Lạng Sơn", "Xã Cao Lộc")
    page.get_by_label("Số nhà, đường, thôn, tổ dân phố").fill(CITIZEN["address"])
    page.get_by_label("Người hoặc cơ quan bị khiếu nại, bị tố cáo").fill(CITIZEN["respondent"])
    page.get_by_role("textbox", name="Tiêu đề (bắt buộc)", exact=True).fill(CITIZEN["title"])
    page.get_by_role("textbox", name="Nội dung (bắt buộc)", exact=True).fill(CITIZEN["content"])
    page.get_by_label("Yêu cầu, đề nghị của bạn").fill(CITIZEN["request_text"])
    page.get_by_label("Tôi cam đoan").check()
    page.get_by_label("Tài liệu kèm theo (không bắt buộc)").set_input_files(png_file("anh-quyet-dinh.png"))
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đơn").click()

    expect(page).to_have_url(live_server + "/petitions/receipt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giấy biên nhận đơn")
    code, key = read_receipt(page)
    assert re.fullmatch(r"[A-Z]+-\d{4}-\d+", code)
    expect(page.locator("main")).to_contain_text("anh-quyet-dinh.png")

    page.goto(live_server + "/track")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã truy cập").fill(key)
    with page.expect_navigation():
        page.get_by_role("button", name="Tra cứu").click()

    expect(page).to_have_url(live_server + "/track/status")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.locator("#status")).to_have_text("Đã tiếp nhận, đang chờ xử lý")
    expect(page.get_by_role("heading", name="Quá trình xử lý")).to_be_visible()
    expect(page.locator("ol.timeline > li")).to_have_count(1)
    expect(page.locator("ol.timeline > li").first).to_contain_text("Tiếp nhận đơn")

    [petition] = petitions_in_db(live_app)
    assert petition["code"] == code
    assert petition["kind"] == "complaint"
    assert petition["status"] == "received"
    assert petition["attachments"] == ["anh-quyet-dinh.png"]


def test_an_english_speaking_citizen_files_and_tracks_in_english(phone_page, live_server, live_app):
    # Needs the English catalog (translations/en/LC_MESSAGES/messages.po, compiled by `make translations`).
    page = phone_page
    page.goto(live_server + "/")
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")

    page.locator("main a[href='/petitions/new']").click()
    expect(page).to_have_url(live_server + "/petitions/new")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    submit = page.locator("#submit-petition")
    assert submit.get_attribute("value") != "Gửi đơn", "the English catalog does not translate “Gửi đơn”"
    expect(page.locator("label[for=full_name]")).not_to_contain_text("Họ và tên")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Gửi đơn")

    fill_valid_form(page)
    page.set_input_files("#attachments", png_file())
    submit_form(page)
    expect(page).to_have_url(live_server + "/petitions/receipt")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    code, key = read_receipt(page)

    track(page, live_server, code, key)
    expect(page).to_have_url(live_server + "/track/status")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.locator("#status")).not_to_have_text("Đã tiếp nhận, đang chờ xử lý")
    expect(page.locator("ol.timeline > li")).to_have_count(1)

    [petition] = petitions_in_db(live_app)
    assert petition["code"] == code
    assert len(petition["attachments"]) == 1


def test_an_english_speaking_citizen_who_makes_a_mistake_reads_every_error_in_english(phone_page, live_server):
    # The summary title, the hidden “(bắt buộc)” of required labels and the hidden “Lỗi:” before
    # each message live in templates/macros/forms.html: they need the English catalog too.
    page = phone_page
    page.goto(live_server + "/")
    switch_language(page, "en")
    page.goto(live_server + "/petitions/new")
    submit_form(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    title = summary.get_by_role("heading").inner_text()
    assert "lỗi" not in title, f"error summary title not translated: {title!r}"
    name = page.locator("#full_name").evaluate("el => el.labels[0].textContent")
    assert "bắt buộc" not in name, f"required marker not translated: {name!r}"
    error = page.locator("#full_name-error").inner_text()
    assert "Lỗi" not in error, f"error prefix not translated: {error!r}"


def test_a_citizen_who_makes_a_mistake_keeps_everything_and_fixes_it(phone_page, live_server, live_app):
    page = phone_page
    page.goto(live_server + "/petitions/new")
    fill_valid_form(page, full_name="", phone="12345")
    page.set_input_files("#attachments", png_file("so-do-thua-dat.png"))
    submit_form(page)

    # The summary is there, focused, and links to each wrong field.
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_contain_text("2 lỗi")
    links = summary.locator("a")
    expect(links).to_have_count(2)
    assert [links.nth(i).get_attribute("href") for i in range(2)] == ["#full_name", "#phone"]
    expect(page.locator("#full_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#phone")).to_have_attribute("aria-describedby", re.compile(r"\bphone-error\b"))
    expect(page.locator("#phone-error")).to_contain_text("định dạng")

    # A link of the summary takes the citizen to the field.
    links.nth(0).click()
    expect(page.locator("#full_name")).to_be_focused()

    # Everything typed is still there.
    expect(page.locator("#kind-0")).to_be_checked()
    expect(page.locator("#phone")).to_have_value("12345")
    for name in ("id_number", "email", "address", "respondent", "title", "content", "request_text"):
        expect(page.locator(f"#{name}")).to_have_value(CITIZEN[name])
    expect(page.locator("#province option:checked")).to_have_text("Lạng Sơn")
    expect(page.locator("#commune option:checked")).to_have_text("Xã Cao Lộc")
    expect(page.locator("#declaration")).to_be_checked()

    # The file was kept on the server and is listed.
    kept = page.get_by_role("group", name=re.compile("Tệp đã tải lên, được giữ lại"))
    expect(kept).to_be_visible()
    expect(kept.locator(".staged-name")).to_have_text(["so-do-thua-dat.png"])
    assert petitions_in_db(live_app) == []

    page.fill("#full_name", CITIZEN["full_name"])
    page.fill("#phone", "0912 345 678")
    submit_form(page)
    expect(page).to_have_url(live_server + "/petitions/receipt")
    expect(page.locator("main")).to_contain_text("so-do-thua-dat.png")

    [petition] = petitions_in_db(live_app)
    assert petition["attachments"] == ["so-do-thua-dat.png"]


def test_a_citizen_who_double_clicks_submit_files_one_petition(phone_page, live_server, live_app):
    page = phone_page
    page.goto(live_server + "/petitions/new")
    fill_valid_form(page)
    with page.expect_navigation():
        page.dblclick("#submit-petition")
    expect(page).to_have_url(live_server + "/petitions/receipt")
    code, _key = read_receipt(page)

    assert [p["code"] for p in petitions_in_db(live_app)] == [code]
