"""What a citizen does on the public site, as small reusable browser steps (Playwright, sync).

The steps find things by id or by `name` so that they work in every interface language;
the persona tests in test_citizen_journey.py also use visible labels where that matters.
"""
from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.files import pdf_bytes, png_bytes

PROVINCE = "Lạng Sơn"
COMMUNE = "Xã Cao Lộc"

CITIZEN = {
    "full_name": "Nguyễn Văn An",
    "id_number": "020085001234",  # 020 = Lạng Sơn
    "phone": "0912 345 678",
    "email": "an.nguyen@example.vn",
    "address": "Thôn Bản Làn",
    "respondent": "Ủy ban nhân dân xã Cao Lộc",
    "title": "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
    "content": "Gia đình tôi bị thu hồi 300 m2 đất nông nghiệp nhưng mức bồi thường thấp hơn giá thị trường.",
    "request_text": "Đề nghị xem xét lại mức bồi thường.",
}


def png_file(name: str = "anh-chup-quyet-dinh.png") -> dict:
    """A real small PNG for set_input_files."""
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes()}


def pdf_file(name: str = "quyet-dinh-12.pdf") -> dict:
    """A real small PDF for set_input_files."""
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def switch_language(page: Page, code: str) -> None:
    """Press the header language button (Tiếng Việt / English) and wait for the page to come back."""
    with page.expect_navigation():
        page.locator(f".lang-switch button[name=lang][value={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def choose_address(page: Page, province: str = PROVINCE, commune: str = COMMUNE) -> None:
    """Pick the province, wait for app.js to fetch its communes, pick the commune."""
    page.select_option("#province", label=province)
    expect(page.locator("#commune option", has_text=commune)).to_have_count(1)
    page.select_option("#commune", label=commune)


def fill_valid_form(page: Page, **overrides) -> None:
    """Fill every field of a valid complaint (by id, so in any language); override any text field."""
    values = {**CITIZEN, **overrides}
    page.check("#kind-0")  # complaint
    for name in ("full_name", "id_number", "phone", "email"):
        page.fill(f"#{name}", values[name])
    choose_address(page)
    for name in ("address", "respondent", "title", "content", "request_text"):
        page.fill(f"#{name}", values[name])
    page.check("#declaration")


def submit_form(page: Page) -> None:
    """Press “Gửi đơn” and wait for the next page."""
    with page.expect_navigation():
        page.click("#submit-petition")


def file_petition(page: Page, base_url: str, files: list[dict] | None = None) -> tuple[str, str]:
    """File a valid complaint from the form; return (tracking code, access key) read off the receipt."""
    page.goto(f"{base_url}/petitions/new")
    fill_valid_form(page)
    if files:
        page.set_input_files("#attachments", files)
    submit_form(page)
    expect(page).to_have_url(f"{base_url}/petitions/receipt")
    return read_receipt(page)


def read_receipt(page: Page) -> tuple[str, str]:
    """The tracking code and the access key printed on the receipt."""
    code = page.locator("#tracking-code").inner_text().strip()
    key = page.locator("#access-key").inner_text().strip()
    assert code and key
    return code, key


def track(page: Page, base_url: str, code: str, key: str) -> None:
    """Open the tracking page, type code and key, submit."""
    page.goto(f"{base_url}/track")
    page.fill("#code", code)
    page.fill("#key", key)
    with page.expect_navigation():
        page.locator("form.track-form [type=submit]").click()


def petitions_in_db(app) -> list[dict]:
    """Every petition the server threads committed: code, status, kind and attachment names."""
    from app.extensions import db
    from app.petitions.models import Petition

    with app.app_context():  # a new context, so a fresh session that sees the server's commits
        return [
            {"code": p.tracking_code, "status": p.status, "kind": p.kind,
             "attachments": sorted(a.original_name for a in p.attachments)}
            for p in db.session.scalars(select(Petition))
        ]
