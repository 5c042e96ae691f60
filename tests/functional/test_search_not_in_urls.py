"""What staff type into a list's search box never goes into a URL (app.listsearch).

For every staff list with a free-text search — the inbox, the reception register, cases,
directives, inspections, staff accounts and the audit log — a user searches for a citizen's name
no one else has: the form is sent by POST with its CSRF token, the list answers 303 to its GET
address with a handle (`s=`), and the page is filtered while neither the name nor its URL-encoded
or diacritic-free forms appear in the redirect or in any link, image or form address of the page.
Pagination and tab links carry the handle and still filter; an old `?q=` address is sent on to a
handle at once; an unknown handle (or one from another browser session) shows the whole list with
a notice; a POST without the CSRF token is refused.
"""
from __future__ import annotations

import html as htmllib
import io
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from sqlalchemy import select

from app import listsearch
from app.agencies.models import Agency
from app.audit.services import audit
from app.auth.models import User
from app.extensions import db
from app.text import fold
from tests.conftest import csrf_of, make_user, search, sign_in
from tests.functional.test_directives import add as add_directive
from tests.functional.test_inspections import add as add_inspection
from tests.functional.test_no_personal_data_in_logs import ID_NUMBER, LINK_RE, NAME, found_in
from tests.functional.test_register import log as log_visit
from tests.functional.test_triage import register_paper
from tests.services.test_search import new_case

OTHER = "Lò Văn Khác"  # a record the search must leave out
NOTICE = "Từ tìm kiếm trước đây không còn lưu"


@dataclass
class Spec:
    """One list, seeded, with a signed-in user who may see it and another session that may too."""

    url: str
    client: object
    other_client: object
    count_word: str  # the word of the "N đơn" line
    matches: int  # how many rows the search finds
    next_link: str  # a regex of the tab or page-2 link (href="…") to follow
    field: str = "q"


def _client_of(app, user):
    client = app.test_client()
    assert sign_in(client, user).status_code == 302
    return client


def _pair(app, role: str, agency: str) -> tuple:
    """Two users of the same agency and role, each signed in in a browser session of their own:
    (the first one's client, the other's client, the first user)."""
    user = make_user(role, agency)
    return _client_of(app, user), _client_of(app, make_user(role, agency)), user


def inbox(app) -> Spec:
    client, other, _user = _pair(app, "handler", "TTLS")
    register_paper(client, **{"people-0-full_name": NAME, "people-0-id_number": ID_NUMBER, "people-0-phone": ""})
    register_paper(client, **{"people-0-full_name": OTHER, "people-0-id_number": "020011002222",
                              "people-0-phone": "", "title": "Phản ánh đường giao thông"})
    return Spec("/staff/petitions/", client, other, "đơn", 1, r'href="([^"]*/\?[^"]*tab=all[^"]*)"')


def register(app) -> Spec:
    client, other, user = _pair(app, "receptionist", "BTCD")
    start = datetime(2026, 10, 1, 2, 0, tzinfo=timezone.utc)
    for i in range(26):  # two pages of 25
        log_visit(user, when=start + timedelta(days=i), name=NAME, id_number=ID_NUMBER)
    log_visit(user, when=start, name=OTHER, id_number="020011002222")
    return Spec("/staff/reception/register/", client, other, "lượt tiếp", 26, r'href="([^"]*page=2[^"]*)"')


def cases(app) -> Spec:
    client, other, user = _pair(app, "handler", "TTLS")
    new_case(user, f"Khiếu nại của bà {NAME} về bồi thường đất")
    new_case(user, f"Khiếu nại của ông {OTHER} về cấp sổ đỏ")
    return Spec("/staff/cases/", client, other, "vụ việc", 1, r'href="([^"]*/\?[^"]*tab=all[^"]*)"')


def directives(app) -> Spec:
    client, other, _user = _pair(app, "leader", "TTLS")
    add_directive(content=f"Giải quyết dứt điểm đơn của bà {NAME}")
    add_directive(content=f"Trả lời đơn của ông {OTHER}")
    return Spec("/staff/directives/", client, other, "nhiệm vụ", 1, r'href="([^"]*/\?[^"]*tab=all[^"]*)"')


def inspections(app) -> Spec:
    client, other, _user = _pair(app, "handler", "TTLS")
    for i in range(26):
        add_inspection(title=f"Thanh tra hộ kinh doanh số {i:02d}", subject=f"Hộ kinh doanh {NAME}")
    add_inspection(title="Thanh tra hộ kinh doanh khác", subject=f"Hộ kinh doanh {OTHER}")
    return Spec("/staff/inspections/", client, other, "cuộc thanh tra", 26, r'href="([^"]*page=2[^"]*)"')


def users(app) -> Spec:
    client, other, _user = _pair(app, "admin", "LS")
    agency = db.session.scalars(select(Agency).where(Agency.code == "TTLS")).one()
    for i, name in enumerate([f"{NAME} {i:02d}" for i in range(26)] + [OTHER]):
        email = f"can-bo-{i:02d}@example.vn"
        db.session.add(User(email=email, full_name=name, role="handler", agency_id=agency.id, password_hash="-",
                            search_folded=fold(f"{name} {email}")))
    db.session.commit()
    return Spec("/staff/admin/users", client, other, "tài khoản", 26, r'href="([^"]*page=2[^"]*)"')


def audit_log(app) -> Spec:
    client, other, _user = _pair(app, "admin", "LS")
    named, someone = make_user("handler", "TTLS", full_name=NAME), make_user("handler", "TTLS", full_name=OTHER)
    for i in range(51):  # two pages of 50
        audit("test.line", detail={"i": i}, actor_user_id=named.id, actor_label=named.full_name)
    audit("test.line", actor_user_id=someone.id, actor_label=someone.full_name)
    db.session.commit()
    return Spec("/staff/admin/audit/", client, other, "dòng", 51, r'href="([^"]*page=2[^"]*)"', field="actor")


LISTS = [inbox, register, cases, directives, inspections, users, audit_log]


def page_text(resp) -> str:
    return resp.get_data(as_text=True)


def count(page: str, word: str) -> int:
    """The figure of the list's "N đơn" line."""
    match = re.search(rf'role="status"(?: id="[^"]*")?>(\d+) {word}<', page)
    assert match, word
    return int(match.group(1))


def leaks(location: str | None, page: str = "") -> list[str]:
    """The name (any form) in a redirect's address or in an address on the page."""
    urls = ([location] if location else []) + [htmllib.unescape(u) for u in LINK_RE.findall(page)]
    return [u for u in urls if found_in(u) or found_in(urllib.parse.unquote(u))
            or found_in(urllib.parse.unquote_plus(u))]


def path_of(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def assert_filtered(spec: Spec, page: str) -> None:
    assert count(page, spec.count_word) == spec.matches
    assert NAME in page and OTHER not in page
    assert not leaks(None, page), leaks(None, page)[:3]


@pytest.fixture(params=LISTS, ids=lambda f: f.__name__)
def spec(request, app) -> Spec:
    return request.param(app)


def test_a_search_is_posted_and_the_list_carries_a_handle_not_the_term(spec):
    resp = search(spec.client, spec.url, {spec.field: NAME}, follow_redirects=False)
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert not leaks(location), location
    assert re.search(r"[?&]s=[\w-]{6,12}(&|$)", location) and f"{spec.field}=" not in location
    page = page_text(spec.client.get(path_of(location)))
    assert_filtered(spec, page)
    assert f'value="{NAME}"' in page  # the search box still shows what was typed
    # The filter form is sent by POST to the list itself, with the CSRF token (a browser's GET form
    # would put the term in the address).
    form = re.search(rf'<form method="post" action="{re.escape(spec.url)}"(.*?)</form>', page, re.S)
    assert form and 'name="csrf_token"' in form.group(1) and f'name="{spec.field}"' in form.group(1)
    # The tab or page-2 link carries the handle and the list behind it is still filtered.
    handle = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["s"][0]
    link = htmllib.unescape(re.search(spec.next_link, page).group(1))
    assert f"s={handle}" in link
    assert_filtered(spec, page_text(spec.client.get(link)))


def test_an_old_address_with_the_term_is_sent_on_to_a_handle(spec):
    resp = spec.client.get(spec.url, query_string={spec.field: NAME, "page": "1"})
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert not leaks(location) and "s=" in location and "page=1" in location
    assert_filtered(spec, page_text(spec.client.get(path_of(location))))


def test_an_unknown_handle_shows_the_whole_list_with_a_notice(spec):
    resp = spec.client.get(spec.url, query_string={"s": "khong-co"})
    assert resp.status_code == 303 and "s=" not in resp.headers["Location"]
    page = page_text(spec.client.get(path_of(resp.headers["Location"])))
    assert NOTICE in page and count(page, spec.count_word) > spec.matches


def test_a_handle_means_nothing_in_another_session(spec):
    location = search(spec.client, spec.url, {spec.field: NAME}, follow_redirects=False).headers["Location"]
    resp = spec.other_client.get(path_of(location))
    assert resp.status_code == 303
    page = page_text(spec.other_client.get(path_of(resp.headers["Location"])))
    assert NOTICE in page and NAME not in page.split("<tbody>")[0]  # the search box is empty
    assert count(page, spec.count_word) > spec.matches


def test_a_search_without_the_csrf_token_is_refused(spec):
    assert spec.client.post(spec.url, data={spec.field: NAME}).status_code == 400
    token = csrf_of(spec.other_client, spec.url)  # a real token, of another session
    assert spec.client.post(spec.url, data={"csrf_token": token, spec.field: NAME}).status_code == 400


# --- exports, the session cookie, the handles ---------------------------------------------------

def workbook_text(resp) -> str:
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("make, export_id", [(register, "register-export"), (directives, "directive-export"),
                                             (audit_log, "audit-export-xlsx")],
                         ids=["register", "directives", "audit_log"])
def test_export_links_carry_the_handle_and_export_the_filtered_rows(app, make, export_id):
    spec = make(app)
    page = page_text(search(spec.client, spec.url, {spec.field: NAME}))
    href = htmllib.unescape(re.search(rf'href="([^"]*)" id="{export_id}"', page).group(1))
    assert "s=" in href and not leaks(href)
    resp = spec.client.get(href)
    assert resp.status_code == 200
    rows = workbook_text(resp)
    assert NAME in rows and OTHER not in rows
    # With a handle this session does not have, the export does not fall back to everything.
    resp = spec.other_client.get(href)
    assert resp.status_code == 303 and urllib.parse.urlsplit(resp.headers["Location"]).path == spec.url


def test_the_session_cookie_keeps_the_term_sealed(app):
    spec = inbox(app)
    search(spec.client, spec.url, {"q": NAME})
    cookie = spec.client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert listsearch.SESSION_KEY in data and not found_in(repr(data))


def test_a_session_keeps_the_last_twenty_terms_and_one_handle_per_term(app):
    with app.test_request_context("/"):
        handles = [listsearch.remember(f"tên số {i}") for i in range(25)]
        assert len(set(handles)) == 25 and all(len(h) <= 10 for h in handles)
        assert listsearch.recall(handles[0]) is None and listsearch.recall(handles[4]) is None
        assert listsearch.recall(handles[5]) == "tên số 5" and listsearch.recall(handles[-1]) == "tên số 24"
        assert listsearch.remember("tên số 24") == handles[-1]
        # A long term is cut, and long terms push out old ones before the cookie grows too big.
        listsearch.remember("x" * 1000)
        assert listsearch.recall(listsearch.remember("x" * 1000)) == "x" * listsearch.MAX_TERM
        total = sum(len(t) for _h, t in listsearch._entries())
        assert total <= listsearch.MAX_TOTAL_CHARS
