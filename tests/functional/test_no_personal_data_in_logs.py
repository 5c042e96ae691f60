"""No personal data in the logs, in URLs, or in the audit log.

A citizen with a name and an ID number nobody else has writes in through the public form (a
complaint and a denunciation), comes to the desk and is entered from a paper letter; staff open
every page that shows them, reveal the denunciator, export the register and print a slip — all
through a real HTTP server, so that werkzeug writes its request lines. Every log record (every
logger at DEBUG, SQLAlchemy's statements included), every redirect and every link in every page
is searched for the name and the number, in plain, URL-encoded and diacritic-free forms. Staff also
search the lists for the name (app.listsearch).
"""
from __future__ import annotations

import html
import http.cookiejar
import logging
import re
import traceback
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from sqlalchemy import select

from app.agencies.models import AdminUnit
from app.audit.models import AuditEntry
from app.documents.builders import available_documents
from app.extensions import db
from app.petitions.models import Petition
from app.text import fold
from tests.conftest import STAFF_PASSWORD, hidden_fields, make_user, valid_petition_data
from tests.functional.test_documents import make_visit

NAME = "Trịnh Thị Bímật"
ID_NUMBER = "020199887766"
NEEDLES = [ID_NUMBER, NAME, NAME.lower(), fold(NAME), "bímật", "bimat", urllib.parse.quote(NAME),
           urllib.parse.quote_plus(NAME), urllib.parse.quote(NAME.encode("utf-8"))]
LINK_RE = re.compile(r'(?:href|src|action|formaction)="([^"]*)"')


def found_in(value: str) -> list[str]:
    """Which forms of the name or number a text holds (case ignored)."""
    low = value.lower()
    return [n for n in NEEDLES if n.lower() in low]


@dataclass
class Answer:
    status: int
    location: str | None
    body: bytes
    content_type: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects and keeps every URL it was given."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
        self.urls: list[tuple[str, str]] = []  # (where from, URL)

    def go(self, path: str, data: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method="POST" if data is not None else "GET")
        try:
            raw = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as exc:
            raw = exc
        answer = Answer(raw.code, raw.headers.get("Location"), raw.read(), raw.headers.get("Content-Type", ""))
        if answer.location:
            self.urls.append((f"Location of {path}", answer.location))
        if answer.content_type.startswith("text/html"):
            self.urls += [(f"link in {path}", html.unescape(u)) for u in LINK_RE.findall(answer.text)]
        return answer

    def tokens(self, path: str) -> dict:
        answer = self.go(path)
        assert answer.status == 200, (path, answer.status)
        return hidden_fields(answer.text)


def capture_everything(caplog, monkeypatch) -> None:
    """Every logger at DEBUG and enabled, the root included (all restored afterwards).

    Alembic's logging set-up (run when the test database was migrated) disables the loggers that
    existed then, werkzeug's among them; a server process never runs it.
    """
    caplog.set_level(logging.DEBUG)
    for name in ("werkzeug", "app", "sqlalchemy.engine.Engine", "flask_limiter"):
        logging.getLogger(name)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
            monkeypatch.setattr(logger, "disabled", False)


def record_text(record: logging.LogRecord) -> str:
    text = f"{record.name} {record.getMessage()}"
    if record.exc_info:
        text += "".join(traceback.format_exception(*record.exc_info))
    return text + (record.exc_text or "") + (record.stack_info or "")


def test_no_name_or_id_number_in_logs_urls_or_the_audit_log(live_app, live_server, caplog, monkeypatch):
    capture_everything(caplog, monkeypatch)
    province = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "province", AdminUnit.code == "20")).one()
    commune = db.session.scalars(select(AdminUnit).where(AdminUnit.level == "commune", AdminUnit.code == "6193")).one()

    # The citizen: a complaint and a denunciation through the public form.
    citizen = Browser(live_server)
    for kind, title in (("complaint", "Khiếu nại việc cấp giấy chứng nhận"),
                        ("denunciation", "Tố cáo cán bộ địa chính")):
        data = valid_petition_data(province.id, commune.id, kind=kind, full_name=NAME, id_number=ID_NUMBER,
                                   title=title, request_text="" if kind == "denunciation" else "Đề nghị xem xét")
        answer = citizen.go("/petitions/new", {**data, **citizen.tokens("/petitions/new")})
        assert answer.status == 302, answer.text[:2000]
        assert citizen.go(answer.location.replace(live_server, "")).status == 200  # the receipt
    db.session.remove()
    petitions = {p.kind: p for p in db.session.scalars(select(Petition))}
    agency = petitions["complaint"].agency
    leader = make_user("leader", agency.code)
    visit = make_visit(leader, outcome="guided", name=NAME, id_number=ID_NUMBER)
    doc_type = available_documents(visit)[0][0]

    # Staff: sign in, open every page that shows the citizen, reveal the denunciator, export, print.
    staff = Browser(live_server)
    form = staff.tokens("/staff/login")
    assert staff.go("/staff/login", {"csrf_token": form["csrf_token"], "email": leader.email,
                                     "password": STAFF_PASSWORD}).status == 302
    shown = []
    for path in ("/staff/", "/staff/petitions/", "/staff/petitions/?tab=all",
                 f"/staff/petitions/{petitions['complaint'].id}", f"/staff/petitions/{petitions['denunciation'].id}",
                 "/staff/reception/register/", f"/staff/reception/visits/{visit.id}",
                 f"/staff/documents/visits/{visit.id}/{doc_type}"):
        answer = staff.go(path)
        assert answer.status == 200, (path, answer.status)
        shown.append(bool(found_in(answer.text)))
    assert sum(shown) >= 4  # the walk really went through pages that show the citizen
    page = staff.go(f"/staff/petitions/{petitions['denunciation'].id}").text
    revealed = staff.go(f"/staff/petitions/{petitions['denunciation'].id}/identity",
                        {"csrf_token": hidden_fields(page)["csrf_token"]})
    assert revealed.status == 200 and NAME in revealed.text
    for path in ("/staff/reception/register/export.xlsx", f"/staff/documents/visits/{visit.id}/{doc_type}.docx",
                 "/staff/directives/export.xlsx"):
        assert staff.go(path).status == 200, path
    # The desk's look-up as you type sends the ID number in a POST body, never in the URL.
    desk = staff.tokens("/staff/reception/visits/new")
    assert staff.go("/staff/reception/history", {"csrf_token": desk["csrf_token"], "id_number": ID_NUMBER}).status == 200
    assert staff.go("/staff/reception/people", {"csrf_token": desk["csrf_token"], "q": NAME}).status == 200
    # So do the lists' search boxes: the list answers with a handle of the search, which finds the citizen.
    for path in ("/staff/petitions/", "/staff/reception/register/"):
        answer = staff.go(path, {"csrf_token": staff.tokens(path)["csrf_token"], "q": NAME})
        assert answer.status == 303 and "s=" in answer.location, (path, answer.status)
        found = staff.go(answer.location.replace(live_server, ""))
        assert found.status == 200 and NAME in found.text, path
    # A paper letter from the same citizen, entered at the office.
    tokens = staff.tokens("/staff/petitions/new")
    answer = staff.go("/staff/petitions/new", {
        **tokens, "channel": "post", "received_on": "20/11/2026", "letter_date": "15/11/2026", "kind": "complaint",
        "people-0-full_name": NAME, "people-0-id_number": ID_NUMBER, "people-0-address": "Thôn Nà Pàn",
        "respondent": "UBND xã Cao Lộc", "title": "Khiếu nại việc thu hồi đất",
        "content": "Gia đình tôi không đồng ý với quyết định thu hồi đất.", "request_text": "Đề nghị hủy"})
    assert answer.status == 302, answer.text[:2000]
    assert staff.go(answer.location.replace(live_server, "")).status == 200
    staff.go("/staff/logout", {"csrf_token": staff.tokens("/staff/password")["csrf_token"]})

    # The logs: all of them, at DEBUG — and the capture did see requests and SQL.
    records = list(caplog.records)
    assert any(r.name == "werkzeug" and "/staff/reception/history" in r.getMessage() for r in records)
    assert any("INSERT INTO petitioners" in r.getMessage() for r in records)
    leaks = [(r.name, r.getMessage()[:300]) for r in records if found_in(record_text(r))]
    assert not leaks, leaks[:5]

    # Redirects and links.
    bad_urls = [(where, url) for b in (citizen, staff) for where, url in b.urls
                if found_in(url) or found_in(urllib.parse.unquote(url)) or found_in(urllib.parse.unquote_plus(url))]
    assert not bad_urls, bad_urls[:5]
    assert len(staff.urls) > 50

    # The audit log: every line, every column.
    db.session.remove()
    entries = list(db.session.scalars(select(AuditEntry)))
    actions = {e.action for e in entries}
    assert {"identity.reveal", "export.xlsx", "export.docx", "auth.sign_in", "workflow.petition.received"} <= actions
    for e in entries:
        row = " ".join(str(v) for v in (e.actor_label, e.ip, e.action, e.subject_type, e.subject_id, e.detail))
        assert not found_in(row), row


def test_an_unhandled_database_error_is_logged_without_the_row_values(app, caplog, monkeypatch):
    """PostgreSQL names the duplicate value in its message ("Key (id_number)=(…) already exists"):
    the logged traceback of the 500 keeps the error, not the value."""
    from app.reception.models import Person

    capture_everything(caplog, monkeypatch)
    db.session.add(Person(full_name=NAME, id_number=ID_NUMBER, name_folded=fold(NAME)))
    db.session.commit()

    def same_person_again():
        db.session.add(Person(full_name=NAME, id_number=ID_NUMBER, name_folded=fold(NAME)))
        db.session.flush()
        return "unreachable"

    app.add_url_rule("/_same-person-again", "same_person_again", same_person_again)
    assert app.test_client().get("/_same-person-again").status_code == 500
    logged = [r for r in caplog.records if r.name == app.logger.name]
    assert logged and "IntegrityError" in record_text(logged[-1])  # the error is there, with its traceback
    leaks = [(r.name, record_text(r)[-600:]) for r in caplog.records if found_in(record_text(r))]
    assert not leaks, leaks[:3]
