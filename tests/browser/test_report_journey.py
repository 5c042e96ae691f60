"""The head of the provincial inspectorate exports the nine-month report (Chromium): picks the
period, reads the summary, opens the records behind a figure, opens a form, downloads the
workbook — and axe-core finds nothing on the report pages at 1280 px and 360 px."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from app.extensions import db
from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_staff_journey import sign_in
from tests.conftest import make_user
from tests.reports import factories as f


@pytest.fixture(params=["sqlite"])
def backend(request):
    """The journey is about the browser; the figures are tested on both databases elsewhere."""
    return request.param


@pytest.fixture
def report_data(live_app):
    head = make_user("leader", "TTLS", full_name="Hoàng Văn Trưởng")
    for day in (date(2021, 1, 5), date(2021, 4, 6), date(2021, 9, 30)):
        f.visit("TTLS", day, people=2)
    f.visit("TTLS", date(2021, 10, 1))
    i = f.inspection("TTLS", date(2021, 2, 1), concluded=date(2021, 6, 1), found=1_391_100_000,
                     recommended=1_147_000_000)
    f.recovery(i, date(2021, 8, 1), money=1_018_800_000)
    f.inspection("TTLS", date(2021, 3, 1), topic="anti_corruption")
    f.directive("TTLS", date(2021, 2, 1), date(2021, 3, 1), done=date(2021, 2, 26))
    f.directive("TTLS", date(2021, 2, 1), date(2021, 12, 1), key=True, source="other")
    f.petition("TTLS", date(2021, 5, 5))
    db.session.commit()
    return {"head": head}


def _no_sideways_scroll(page: Page) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url}: the page is {width} px wide on a {viewport} px screen"


def test_head_of_inspectorate_exports_the_nine_month_report(browser, live_server, report_data):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, report_data["head"])
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.select_option("#period", "nine_months")
    page.fill("#year", "2021")
    with page.expect_navigation():
        page.click("#report-show")
    narrative = page.locator("#report-narrative")
    expect(narrative).to_contain_text("Trong 9 tháng đầu năm 2021, Thanh tra tỉnh Lạng Sơn triển khai 1 cuộc thanh tra")
    expect(narrative).to_contain_text("đã thu hồi được 1.018,8 triệu đồng, đạt tỷ lệ 88,8%; tiếp 3 lượt công dân")
    page.screenshot(path="/tmp/report-summary.png", full_page=True)
    # The figure "3 lượt" opens the three visits it counts.
    with page.expect_navigation():
        narrative.get_by_role("link", name="3", exact=True).first.click()
    expect(page.locator("#cell-value")).to_contain_text("3 hồ sơ")
    page.go_back()
    with page.expect_navigation():
        page.click("#form-01-tcd")
    expect(page.locator("#table-01-tcd")).to_contain_text("Tiếp thường xuyên")
    page.screenshot(path="/tmp/report-form.png", full_page=True)
    page.go_back()
    with page.expect_download() as download_info:
        page.click("#report-export")
    download = download_info.value
    assert download.suggested_filename == "bao-cao-TTLS-20210101-20210930.xlsx"
    wb = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert "đạt tỷ lệ 88,8%" in wb["Tóm tắt"]["A4"].value
    ws = wb["01-TCD"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Thanh tra tỉnh Lạng Sơn")
    assert row[2:4] == (3, 6)
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_report_pages_have_no_axe_violations(browser, live_server, report_data, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server, report_data["head"])
    q = "period=nine_months&year=2021"
    for path in ("/staff/reports/", f"/staff/reports/?{q}", f"/staff/reports/forms/01-tcd?{q}",
                 f"/staff/reports/forms/01-xld?{q}", f"/staff/reports/forms/01-kqgq?{q}",
                 f"/staff/reports/forms/01-tcd/cell?{q}&col=total_visits&row=total",
                 f"/staff/reports/forms/tom-tat/cell?{q}&col=money_recovered&row=total",
                 f"/staff/reports/print?{q}", "/staff/reports/?period=quarter&year=2021&number=9"):
        page.goto(live_server + path)
        assert_no_violations(page)
        _no_sideways_scroll(page)
    context.close()
