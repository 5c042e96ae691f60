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
            "directive_content": directive.content, "kind": "visits", "form_code": "01-tcd", **_inspection(petition.agency_id)}


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
    sign_in(client, make_user(role, "XCL"))
    for rule in staff_rules(app):
        if rule.endpoint == "auth.logout":
            continue
        token = csrf_of(client, "/staff/password")
        url = url_for_rule(rule, sample)
        has_object = _has_object(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            resp = client.open(url, method=method, data={"csrf_token": token})
            if has_object:
                assert resp.status_code in (403, 404), (role, method, url, resp.status_code)
            else:
                assert resp.status_code in (200, 302, 400, 403, 405, 422), (role, method, url, resp.status_code)
                body = _text_of(resp)
                assert sample["code"] not in body and sample["visit_summary"] not in body, (role, method, url)
                assert sample["directive_content"] not in body, (role, method, url)
                assert sample["inspection_title"] not in body, (role, method, url)


def test_supervisor_of_the_province_reads_the_subtree(app, sample):
    client = app.test_client()
    sign_in(client, make_user("supervisor", "LS"))
    assert client.get(f"/staff/petitions/{sample['petition_id']}").status_code == 200
    assert sample["code"] in client.get("/staff/petitions/?tab=all").get_data(as_text=True)
    # Reading is all: no triage action is offered or accepted.
    page = client.get(f"/staff/petitions/{sample['petition_id']}").get_data(as_text=True)
    assert "Lưu phân loại" not in page


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_every_post_refuses_a_missing_csrf_token(app, sample, role):
    client = app.test_client()
    sign_in(client, make_user(role, "TTLS"))
    for rule in staff_rules(app):
        if "POST" not in rule.methods:
            continue
        resp = client.post(url_for_rule(rule, sample), data={})
        assert resp.status_code == 400, (rule.rule, resp.status_code)
