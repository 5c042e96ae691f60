"""Browser fixtures on top of tests/conftest.py: a desktop-sized page next to `phone_page`."""
from __future__ import annotations

import pytest

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def desktop_page(browser):
    """A page the size of a desktop screen (1280 px)."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(params=["phone", "desktop"])
def any_page(request):
    """The phone page (360 px) and the desktop page (1280 px), in turn."""
    return request.getfixturevalue("phone_page" if request.param == "phone" else "desktop_page")
