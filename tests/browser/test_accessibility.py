"""axe-core finds no violation on any public page, in Vietnamese and English, at 360 px and 1280 px.

axe runs with its default rule set (WCAG 2.x A/AA and best practices). A failure lists each
violation with its impact, the rule, and the elements concerned. No page may scroll sideways.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.steps import file_petition, png_file, submit_form, switch_language, track

AXE = Axe()


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Markup does not depend on the database: accessibility runs on SQLite only (the journeys
    in test_citizen_journey.py run on both databases)."""
    return request.param


def report(violations: list[dict]) -> str:
    """One readable paragraph per violation: impact, rule id, help, then each element."""
    lines = [f"{len(violations)} accessibility violation(s):"]
    for v in violations:
        lines.append(f"\n[{v['impact']}] {v['id']}: {v['help']}  ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    - {' '.join(str(t) for t in node['target'])}")
            lines.append(f"      {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_no_violations(page: Page) -> None:
    results = AXE.run(page)
    violations = results.response["violations"]
    assert not violations, f"{page.url}\n" + report(violations)


# --- how to reach each page ----------------------------------------------------------------------

def home(page, base):
    page.goto(base + "/")


def form_empty(page, base):
    page.goto(base + "/petitions/new")


def form_with_errors(page, base):
    page.goto(base + "/petitions/new")
    page.set_input_files("#attachments", png_file())  # so the list of kept files is shown too
    submit_form(page)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator(".staged-name")).to_have_count(1)


def receipt(page, base):
    file_petition(page, base, files=[png_file()])


def track_page(page, base):
    page.goto(base + "/track")


def track_missing_fields(page, base):
    page.goto(base + "/track")
    with page.expect_navigation():
        page.locator("form.track-form [type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()


def track_not_found(page, base):
    track(page, base, "BTCD-2026-999999", "AAAA-BBBB-CCCC")
    expect(page.locator("#error-summary")).to_be_visible()


def status(page, base):
    code, key = file_petition(page, base)
    track(page, base, code, key)
    expect(page).to_have_url(base + "/track/status")


PAGES = {
    "home": home,
    "form": form_empty,
    "form-errors": form_with_errors,
    "receipt": receipt,
    "track": track_page,
    "track-missing-fields": track_missing_fields,
    "track-not-found": track_not_found,
    "status": status,
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("where", list(PAGES))
def test_page_has_no_axe_violations(where, lang, any_page, live_server):
    page = any_page
    if lang != "vi":
        page.goto(live_server + "/")
        switch_language(page, lang)
    PAGES[where](page, live_server)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_no_violations(page)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url}: the page is {width} px wide on a {viewport} px screen"
