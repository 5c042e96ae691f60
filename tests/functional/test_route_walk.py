"""Walk every staff route: anonymous users are sent to sign in, users of another agency see
nothing of this one, and every POST without a CSRF token is refused."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.petitions.models import Attachment, Petition
from tests.conftest import csrf_of, make_user, sign_in
from tests.files import pdf_bytes
from tests.functional.test_triage import register_paper

PUBLIC_STAFF = {"auth.login"}


def staff_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and rule.endpoint not in PUBLIC_STAFF:
            yield rule


def url_for_rule(rule, ids: dict) -> str:
    def sub(match):
        name = match.group(2)
        return str(ids.get(name, 1))
    return re.sub(r"<(?:(\w+):)?(\w+)>", sub, rule.rule)


@pytest.fixture
def sample(login_as):
    """A petition with an attachment in the inspectorate (TTLS)."""
    client, user = login_as("handler", "TTLS")
    resp = register_paper(client, attachments=[(io.BytesIO(pdf_bytes()), "don.pdf")])
    assert resp.status_code == 302
    petition = db.session.scalars(select(Petition)).one()
    attachment = db.session.scalars(select(Attachment)).one()
    visit = _visit(user)
    directive = _directive(petition.agency_id)
    return {"petition_id": petition.id, "attachment_id": attachment.id, "user_id": user.id,
            "agency_id": petition.agency_id, "code": petition.tracking_code, "visit_id": visit.id,
            "doc_type": "receipt", "visit_summary": visit.summary, "directive_id": directive.id,
            "directive_content": directive.content, "kind": "visits", "form_code": "01-tcd", **_inspection(petition.agency_id),
            **_records(petition, visit)}


def _records(petition, visit) -> dict:
    """More of the inspectorate's records, so that every kind of record route has a real target:
    a case, the petitioner, the visitor as a person, a reception day, an online slot and request."""
    from datetime import date, timedelta

    from app.cases.models import Case
    from app.db import utcnow
    from app.reception.models import OnlineRequest, OnlineSlot, ReceptionSession

    case = Case(kind="denunciation", agency_id=petition.agency_id, title="Vụ việc mẫu của thanh tra tỉnh",
                accepted_on=date(2026, 3, 2))
    day = ReceptionSession(agency_id=petition.agency_id, leader_name="Lãnh đạo mẫu", held_on=date(2026, 12, 1),
                           place="Trụ sở")
    start = utcnow().replace(microsecond=0) + timedelta(days=7)
    slot = OnlineSlot(agency_id=petition.agency_id, starts_at=start, ends_at=start + timedelta(hours=1))
    db.session.add_all([case, day, slot])
    db.session.flush()
    request = OnlineRequest(code="TT-TTLS-2026-900001", access_key_hash="0" * 64, agency_id=petition.agency_id,
                            kind="complaint", summary="Yêu cầu mẫu", full_name="Công dân trực tuyến", slot_id=slot.id)
    db.session.add(request)
    db.session.commit()
    return {"case_id": case.id, "petitioner_id": petition.petitioners[0].id, "session_id": day.id,
            "person_id": visit.visitors[0].person_id, "slot_id": slot.id, "request_id": request.id}


def _inspection(agency_id: int) -> dict:
    """A concluded inspection of the inspectorate with a recovery and an open recommendation: its ids."""
    from datetime import timedelta

    from app.formatting import local_today
    from app.inspections.models import Inspection, InspectionFollowUp, InspectionRecovery

    today = local_today()
    inspection = Inspection(agency_id=agency_id, kind="planned", topic="administrative",
                            title="Tên riêng của cuộc thanh tra mẫu", subject="Đối tượng mẫu",
                            decision_number="1/QĐ-TTr", started_on=today - timedelta(days=60),
                            concluded_on=today - timedelta(days=10), conclusion_number="1/KL-TTr",
                            money_violation=10_000_000, money_recommended=10_000_000)
    inspection.recoveries.append(InspectionRecovery(recovered_on=today, money=1_000_000))
    inspection.followups.append(InspectionFollowUp(recommendation="Kiến nghị mẫu"))
    db.session.add(inspection)
    db.session.commit()
    return {"inspection_id": inspection.id, "recovery_id": inspection.recoveries[0].id,
            "followup_id": inspection.followups[0].id, "inspection_title": inspection.title}


def _directive(agency_id: int):
    """A directive the inspectorate gave itself, completed (so that every action has a target)."""
    from app.formatting import local_today
    from app.oversight.models import Directive

    today = local_today()
    directive = Directive(issuer_agency_id=agency_id, assignee_agency_id=agency_id, source="chairman",
                          issued_on=today, due_on=today, done_on=today, result_note="Xong",
                          content="Nội dung riêng của nhiệm vụ mẫu")
    db.session.add(directive)
    db.session.commit()
    return directive


def _visit(user):
    """A visit logged at the inspectorate's desk (its letter becomes a second petition)."""
    from datetime import timedelta

    from app.db import utcnow
    from app.petitions.services import new_form_token
    from app.reception.services import VisitDraft, VisitorInput, log_visit

    draft = VisitDraft(visited_at=utcnow() - timedelta(minutes=5), place="Trụ sở", kind="complaint",
                       summary="Nội dung riêng của lượt tiếp mẫu", outcome="petition_received",
                       visitors=[VisitorInput(full_name="Công dân mẫu", id_number="020080009999")])
    visit = log_visit(draft, user=user, form_token=new_form_token()).visit
    db.session.commit()
    return visit


def _text_of(resp) -> str:
    """What a response shows: a page's text, or the cell values of a workbook."""
    if resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        import openpyxl

        ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
        return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    return resp.get_data(as_text=True)


def _has_object(rule) -> bool:
    """A route about one record (its id in the URL): another agency must get 403 or 404."""
    return any(arg.endswith("_id") and arg not in ("user_id",) for arg in rule.arguments)


# Routes that return a petition, a case, a visit, a file or a person: to another agency, they do
# not exist (404), so that an id tried in the address tells nothing. A role without the route's
# permission may get 403 first (the permission is checked by the decorator, before any loading).
RECORD_ARGS = {"petition_id", "attachment_id", "petitioner_id", "case_id", "visit_id", "person_id", "request_id"}


def _permitted(app, rule, user) -> bool:
    """Whether the user holds one of the permissions the route's decorator asks for."""
    permissions = getattr(app.view_functions[rule.endpoint], "staff_permissions", ())
    return not permissions or any(user.can(p) for p in permissions)


def test_every_staff_route_refuses_anonymous(app, sample):
    client = app.test_client()
    rules = list(staff_rules(app))
    assert len(rules) >= 10
    for rule in rules:
        url = url_for_rule(rule, sample)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            token = csrf_of(client, "/staff/login")  # /staff/logout clears the session
            resp = client.open(url, method=method, data={"csrf_token": token})
            assert resp.status_code in (302, 401), (method, url, resp.status_code)
            if resp.status_code == 302:
                assert "/staff/login" in resp.headers["Location"], (method, url)


@pytest.mark.parametrize("role", ["receptionist", "handler", "leader", "supervisor"])
def test_users_of_another_agency_see_nothing(app, sample, role):
    client = app.test_client()
    stranger = make_user(role, "XCL")
    sign_in(client, stranger)
    owner = app.test_client()
    sign_in(owner, make_user(role, "TTLS"))
    reachable, offered = set(), set()
    for rule in staff_rules(app):
        if rule.endpoint == "auth.logout":
            continue
        token = csrf_of(client, "/staff/password")
        url = url_for_rule(rule, sample)
        has_object = _has_object(rule)
        records = RECORD_ARGS & set(rule.arguments)
        permitted = _permitted(app, rule, stranger)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            resp = client.open(url, method=method, data={"csrf_token": token})
            if records and permitted:
                assert resp.status_code == 404, (role, method, url, resp.status_code)
            elif has_object:
                assert resp.status_code in (403, 404), (role, method, url, resp.status_code)
            else:
                # 303: a list's filter form, sent on to the GET list (app.listsearch).
                assert resp.status_code in (200, 302, 303, 400, 403, 405, 422), (role, method, url, resp.status_code)
                body = _text_of(resp)
                assert sample["code"] not in body and sample["visit_summary"] not in body, (role, method, url)
                assert sample["directive_content"] not in body, (role, method, url)
                assert sample["inspection_title"] not in body, (role, method, url)
        if records and permitted and "GET" in rule.methods:
            offered |= records
            if owner.get(url).status_code != 404:
                reachable |= records
    # The 404s mean "not yours", not "not there": the inspectorate's own user reaches each kind of
    # record through at least one of these routes.
    assert reachable == offered, (role, offered - reachable)
    assert {"petition_id", "visit_id"} <= offered


def test_ids_larger_than_any_record_are_404_not_a_database_error(app, sample):
    """An id typed into the address beyond the INTEGER range fails in PostgreSQL if it reaches a query."""
    from werkzeug.routing import IntegerConverter

    from app.validators import MAX_ID

    client = app.test_client()
    sign_in(client, make_user("leader", "TTLS"))
    token = csrf_of(client, "/staff/password")
    walked = 0
    for rule in app.url_map.iter_rules():
        numeric = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if not numeric:
            continue
        for big in (MAX_ID, MAX_ID + 1, 10**30):
            url = url_for_rule(rule, {**sample, **{name: big for name in numeric}})
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                resp = client.open(url, method=method, data={"csrf_token": token})
                allowed = (401, 403, 404) if big == MAX_ID else (404, 405)
                assert resp.status_code in allowed, (method, url, resp.status_code)
                walked += 1
    assert walked >= 100


def test_supervisor_of_the_province_reads_the_subtree(app, sample):
    client = app.test_client()
    sign_in(client, make_user("supervisor", "LS"))
    assert client.get(f"/staff/petitions/{sample['petition_id']}").status_code == 200
    assert sample["code"] in client.get("/staff/petitions/?tab=all").get_data(as_text=True)
    # Reading is all: no triage action is offered or accepted.
    page = client.get(f"/staff/petitions/{sample['petition_id']}").get_data(as_text=True)
    assert "Lưu phân loại" not in page


UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Exempt from CSRF by design: the JSON API authenticates by a bearer token, never by the session
# cookie, so a page elsewhere cannot make it act for a signed-in user (app/api/views.py).
CSRF_EXEMPT_BLUEPRINTS = {"api"}


def _csrf_exempt(app, rule) -> bool:
    from app.extensions import csrf

    view = app.view_functions[rule.endpoint]
    blueprint = app.blueprints.get(rule.endpoint.rsplit(".", 1)[0]) if "." in rule.endpoint else None
    return blueprint in csrf._exempt_blueprints or f"{view.__module__}.{view.__name__}" in csrf._exempt_views


@pytest.mark.parametrize("role", [None, "leader", "admin"])
def test_every_unsafe_route_refuses_a_missing_or_wrong_csrf_token(app, sample, role):
    """Every POST, PUT, PATCH and DELETE route of the site, public or staff, answers 400 and
    writes nothing without this browser's CSRF token."""
    client = app.test_client()
    if role:
        sign_in(client, make_user(role, "TTLS"))
    own = csrf_of(client, "/")
    other_browser = csrf_of(app.test_client(), "/")  # a real token, of someone else's session
    tokens = {"missing": None, "garbage": "khong-phai-ma", "another session's": other_browser,
              "tampered": own[:-3] + ("AAA" if not own.endswith("AAA") else "BBB")}
    routes = [(rule, method) for rule in app.url_map.iter_rules() for method in sorted(rule.methods & UNSAFE_METHODS)]
    assert len(routes) >= 60 and any(not r.rule.startswith("/staff") for r, _m in routes)
    exempt = {rule.endpoint.split(".")[0] for rule, _m in routes if _csrf_exempt(app, rule)}
    assert exempt <= CSRF_EXEMPT_BLUEPRINTS, exempt  # a new exemption is a decision: docs/security.md
    before = _fingerprint()
    for rule, method in routes:
        url = url_for_rule(rule, sample)
        for label, token in tokens.items():
            resp = client.open(url, method=method, data={} if token is None else {"csrf_token": token})
            if _csrf_exempt(app, rule):
                # The session cookie grants nothing there: refused without a bearer token or a JSON body.
                assert resp.status_code >= 400, (role, method, url, label, resp.status_code)
            else:
                assert resp.status_code == 400, (role, method, url, label, resp.status_code)
    assert not _changed(before, _fingerprint())
    # The own token is accepted: the refusals above were about the token.
    assert client.post("/lang", data={"csrf_token": own, "lang": "vi", "next": "/"}).status_code == 302


# --- GET changes nothing ----------------------------------------------------------------------

# Tables a GET may write to: the audit log (every read of protected data, every refusal).
GET_MAY_WRITE = {"audit_log"}
# The one exception, by design (docs/documents.md): a visit's document is numbered when first
# printed. The first GET gives it its number; every later GET of it changes nothing.
FIRST_PRINT = {"documents.html": {"counters", "issued_documents", "events", "identity_access_log"},
               "documents.docx": {"counters", "issued_documents", "events", "identity_access_log"}}
# A page or data, not a file: anything else a GET answers is a download (docs/security.md).
NOT_A_FILE = {"text/html", "application/json", "application/problem+json"}


def assert_sent_as_a_download(resp, url: str) -> None:
    """A file is never rendered by the browser, unless it is a JPEG or PNG the upload check re-encoded."""
    assert resp.headers["X-Content-Type-Options"] == "nosniff", url
    if url.startswith("/staff"):
        assert resp.headers["Cache-Control"] == "no-store", url
    if resp.mimetype in NOT_A_FILE or (resp.mimetype == "text/plain" and "Content-Disposition" not in resp.headers):
        return
    disposition = resp.headers.get("Content-Disposition", "")
    if resp.mimetype in ("image/jpeg", "image/png"):
        assert disposition.startswith(("inline", "attachment")), url
    else:
        assert disposition.startswith("attachment"), (url, resp.mimetype, disposition)
ROLES = ["receptionist", "handler", "leader", "supervisor", "admin"]


def _fingerprint(every: bool = False) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of each table but the audit log (`every`: admin_units
    too, 3,000 rows of reference data)."""
    import hashlib

    out = {}
    for table in db.metadata.sorted_tables:
        if table.name in GET_MAY_WRITE or (table.name == "admin_units" and not every):
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    # End the read transaction so the next requests' writes are seen (SQLite: another connection).
    # Not a rollback: on PostgreSQL that would undo the requests made inside this transaction.
    db.session.commit()
    return out


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            yield rule


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_get_route_changes_nothing(app, sample, role):
    client = app.test_client()
    if role:
        sign_in(client, make_user(role, "TTLS"))
    rules = list(get_rules(app))
    assert len(rules) >= 50
    # First prints: numbered once, and nothing else written.
    before = _fingerprint()
    for rule in rules:
        if rule.endpoint in FIRST_PRINT:
            client.get(url_for_rule(rule, sample))
    assert set(_changed(before, _fingerprint())) <= set().union(*FIRST_PRINT.values())
    # Then every GET, the documents again included: nothing changes, anywhere.
    before = _fingerprint(every=True)
    files = set()
    for rule in rules:
        url = url_for_rule(rule, sample)
        resp = client.get(url)
        assert resp.status_code < 500, (role, url, resp.status_code)
        if resp.status_code == 200:
            assert_sent_as_a_download(resp, url)
            if resp.mimetype not in NOT_A_FILE:
                files.add(resp.mimetype)
    assert not _changed(before, _fingerprint(every=True)), role
    if role == "leader":  # the walk did meet files: the spreadsheets, the DOCX, the attached PDF
        assert {"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"} <= files, files
