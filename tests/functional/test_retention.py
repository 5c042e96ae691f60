"""Retention of filed petitions (TT 07/2014 Đ.28): a year after filing they are due; a handler
proposes, another leader approves on a confirmation page, and the petition shrinks to a minimal
record — files and personal data gone, an event and an audit line left."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from app.audit.models import Event
from app.calendar.services import due_date
from app.extensions import db
from app.formatting import local_today, to_local
from app.petitions.models import Attachment, Petition, Petitioner, ProtectedIdentity
from app.retention import services
from app.retention.models import DESTROYED_TEXT, DestructionRequest
from app.storage import files
from tests.conftest import csrf_of, hidden_fields, search
from tests.files import pdf_bytes, png_bytes
from tests.functional.test_triage import act, register_paper
from tests.reports import factories


def file_petition(handler_client, leader_client, *, reason="ineligible", kind="complaint") -> Petition:
    """A paper petition with two attachments, classified, proposed for filing and filed by a leader."""
    resp = register_paper(handler_client, kind=kind, attachments=[(io.BytesIO(pdf_bytes()), "don.pdf"),
                                                                  (io.BytesIO(png_bytes()), "anh.png")])
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    petition = db.session.scalars(select(Petition).order_by(Petition.id.desc())).first()
    assert act(handler_client, petition.id, "classify", "classify",
               {"kind": kind, "within_jurisdiction": "yes"}).status_code == 302
    assert act(handler_client, petition.id, "propose", "propose",
               {"action": "file", "file_reason": reason}).status_code == 302
    assert act(leader_client, petition.id, "approve", "approve", {}).status_code == 302
    db.session.expire_all()
    assert petition.status == "filed"
    return petition


def make_due(petition: Petition, days_ago: int = 1) -> None:
    petition.destroy_after = local_today() - timedelta(days=days_ago)
    db.session.commit()


def propose(client, ids, note="Đề xuất tiêu hủy đơn lưu năm trước"):
    token = csrf_of(client, "/staff/retention/")
    return client.post("/staff/retention/propose", data={"csrf_token": token, "petitions": [str(i) for i in ids],
                                                         "note": note})


def approve(client, request_id, note="Quyết định số 5/QĐ-TTr"):
    page = client.get(f"/staff/retention/requests/{request_id}/approve")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return client.post(f"/staff/retention/requests/{request_id}/approve", data={"csrf_token": token, "note": note})


# --- scheduling -------------------------------------------------------------------------------

def test_filing_as_ineligible_keeps_the_petition_a_year(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    leader_client, _ = login_as("leader", "TTLS")
    petition = file_petition(handler_client, leader_client)
    filed_on = to_local(petition.decided_at).date()
    assert petition.destroy_after == due_date("petition.retention", filed_on)
    assert petition.destroy_after >= filed_on + timedelta(days=365)
    assert not services.is_due(petition, petition.destroy_after)  # kept to the end of that day
    assert services.is_due(petition, petition.destroy_after + timedelta(days=1))
    page = handler_client.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert 'id="retention-note"' in page and petition.destroy_after.strftime("%d/%m/%Y") in page


def test_the_period_is_the_rule_row_with_its_source(app):
    from app.calendar.services import find_rule

    rule = find_rule("petition.retention", date(2027, 3, 10))
    assert rule.days == 365 and rule.unit == "calendar" and rule.unverified
    assert "07/2014/TT-TTCP" in rule.legal_source and "Điều 28" in rule.legal_source
    # A leap year: due from the day after, i.e. never before the same date a year later.
    destroy_after = due_date("petition.retention", date(2027, 3, 10))
    assert destroy_after + timedelta(days=1) >= date(2028, 3, 10)
    rule.days = 730  # an administrator changes the period: new filings follow it
    db.session.flush()
    assert due_date("petition.retention", date(2027, 3, 10)) >= date(2029, 3, 9)


@pytest.mark.parametrize("reason, retained", [("ineligible", True), ("time_barred", True),
                                              ("finally_decided", True), ("illegible", True),
                                              ("sent_to_many", True), ("already_guided", True),
                                              ("anonymous", False)])
def test_which_file_reasons_are_destroyed_after_a_year(app, reason, retained):
    petition = factories.petition("TTLS", date(2026, 1, 5), status="filed", decided=date(2026, 1, 20),
                                  file_reason=reason)
    assert (services.schedule(petition) is not None) is retained


def test_schedule_command_fills_petitions_filed_before_the_feature(app):
    petition = factories.petition("TTLS", date(2025, 1, 5), status="filed", decided=date(2025, 1, 20),
                                  file_reason="time_barred")
    db.session.commit()
    runner = app.test_cli_runner()
    due = runner.invoke(args=["retention", "due"])
    assert "1 filed petitions have no destruction date" in due.output
    result = runner.invoke(args=["retention", "schedule"])
    assert result.exit_code == 0 and "Scheduled 1" in result.output, result.output
    db.session.expire_all()
    assert petition.destroy_after == due_date("petition.retention", date(2025, 1, 20))
    listed = runner.invoke(args=["retention", "due", "--agency", "TTLS"])
    assert petition.tracking_code in listed.output and "1 petitions due" in listed.output


# --- the page ---------------------------------------------------------------------------------

def test_due_page_lists_the_agencys_due_petitions_in_pages(login_as):
    today = local_today()
    due = [factories.petition("TTLS", today - timedelta(days=400), status="filed", file_reason="ineligible",
                              decided=today - timedelta(days=380), destroy_after=today - timedelta(days=15 - i % 10))
           for i in range(27)]
    later = factories.petition("TTLS", today, status="filed", file_reason="ineligible", decided=today,
                               destroy_after=today + timedelta(days=360))
    today_last = factories.petition("TTLS", today, status="filed", file_reason="ineligible", decided=today,
                                    destroy_after=today)
    other = factories.petition("XCL", today - timedelta(days=400), status="filed", file_reason="ineligible",
                               decided=today - timedelta(days=380), destroy_after=today - timedelta(days=10))
    db.session.commit()
    client, _ = login_as("leader", "TTLS")
    first = client.get("/staff/retention/").get_data(as_text=True)
    assert "27 đơn đã hết thời hạn lưu" in first
    second = client.get("/staff/retention/?tab=due&page=2").get_data(as_text=True)
    shown = set(re.findall(r"T\d{6}", first + second))
    assert shown == {p.tracking_code for p in due}
    assert later.tracking_code not in shown and today_last.tracking_code not in shown
    assert other.tracking_code not in shown
    assert "Trang 2 / 2" in second


def test_receptionists_and_supervisors_do_not_reach_the_page(login_as):
    for role in ("receptionist", "supervisor"):
        client, _ = login_as(role, "TTLS")
        assert client.get("/staff/retention/").status_code == 403


# --- propose, approve -------------------------------------------------------------------------

def test_destruction_removes_files_and_personal_data_and_keeps_a_minimal_record(login_as):
    handler_client, handler = login_as("handler", "TTLS")
    leader_client, leader = login_as("leader", "TTLS", full_name="Lãnh đạo Phê Duyệt")
    petition = file_petition(handler_client, leader_client)
    make_due(petition)
    keys = [a.storage_key for a in petition.attachments]
    assert len(keys) == 2 and all(files.path_for(k).exists() for k in keys)
    code, received_at, decided_at = petition.tracking_code, petition.received_at, petition.decided_at

    resp = propose(handler_client, [petition.id])
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    request = db.session.scalars(select(DestructionRequest)).one()
    # Nothing is destroyed by a proposal, nor by opening the confirmation page.
    assert leader_client.get(f"/staff/retention/requests/{request.id}/approve").status_code == 200
    assert all(files.path_for(k).exists() for k in keys)
    assert approve(leader_client, request.id).status_code == 302

    db.session.expire_all()
    assert not any(files.path_for(k).exists() for k in keys)
    assert db.session.scalar(select(func.count(Attachment.id)).where(Attachment.petition_id == petition.id)) == 0
    person = db.session.scalars(select(Petitioner).where(Petitioner.petition_id == petition.id)).one()
    assert person.full_name == DESTROYED_TEXT
    assert (person.id_number, person.phone, person.address, person.email) == (None, None, None, None)
    assert petition.content == DESTROYED_TEXT and petition.title == DESTROYED_TEXT
    assert petition.respondent == "" and petition.request == ""
    # The minimal record: code, kind, dates, reason, who decided and when.
    assert (petition.tracking_code, petition.kind, petition.file_reason) == (code, "complaint", "ineligible")
    assert petition.received_at == received_at and petition.decided_at == decided_at
    assert petition.destroyed_at is not None
    assert request.status == "approved" and request.decided_by_id == leader.id and request.proposed_by_id == handler.id
    assert request.items[0].files_removed == 2
    event = db.session.scalars(select(Event).where(Event.subject_type == "petition", Event.subject_id == petition.id,
                                                   Event.action == "destroyed")).one()
    assert event.actor_user_id == leader.id
    audited = db.session.execute(text("SELECT action FROM audit_log WHERE subject_type = 'petition' "
                                      "AND subject_id = :id"), {"id": petition.id}).scalars().all()
    assert any("destroyed" in a for a in audited)
    # The petition page shows the minimal record and nothing of the citizen.
    page = handler_client.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert 'id="destroyed-banner"' in page and "Trần Thị Hoa" not in page and "020190001234" not in page
    assert "don.pdf" not in page
    # Inbox search by the ID number no longer finds it.
    assert code not in search(handler_client, "/staff/petitions/", {"tab": "all", "q": "020190001234"}).get_data(as_text=True)
    # It is no longer due.
    assert code not in handler_client.get("/staff/retention/").get_data(as_text=True)


def test_a_denunciators_encrypted_identity_is_destroyed(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    leader_client, _ = login_as("leader", "TTLS")
    other_leader, _ = login_as("leader", "TTLS")
    petition = file_petition(handler_client, leader_client, kind="denunciation", reason="sent_to_many")
    make_due(petition)
    signer_ids = [p.id for p in petition.petitioners]
    assert db.session.scalar(select(func.count(ProtectedIdentity.id))
                             .where(ProtectedIdentity.petitioner_id.in_(signer_ids))) == 1
    assert propose(handler_client, [petition.id]).status_code == 302
    request = db.session.scalars(select(DestructionRequest)).one()
    assert approve(other_leader, request.id).status_code == 302
    assert db.session.scalar(select(func.count(ProtectedIdentity.id))
                             .where(ProtectedIdentity.petitioner_id.in_(signer_ids))) == 0


def test_the_proposer_cannot_approve_their_own_proposal(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    leader_client, _ = login_as("leader", "TTLS")
    other_client, _ = login_as("leader", "TTLS")
    petition = file_petition(handler_client, leader_client)
    make_due(petition)
    assert propose(leader_client, [petition.id]).status_code == 302  # a leader may propose too
    request = db.session.scalars(select(DestructionRequest)).one()
    refused = leader_client.get(f"/staff/retention/requests/{request.id}/approve")
    assert refused.status_code == 403
    assert "không thể tự phê duyệt" in refused.get_data(as_text=True)
    token = csrf_of(leader_client, f"/staff/retention/requests/{request.id}")
    assert leader_client.post(f"/staff/retention/requests/{request.id}/approve",
                              data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert petition.destroyed_at is None and request.status == "proposed"
    # A handler cannot approve at all; another leader can.
    assert handler_client.get(f"/staff/retention/requests/{request.id}/approve").status_code == 403
    assert approve(other_client, request.id).status_code == 302
    db.session.expire_all()
    assert petition.destroyed_at is not None


def test_nothing_ticked_is_an_error_at_the_list_and_keeps_the_note(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    leader_client, _ = login_as("leader", "TTLS")
    petition = file_petition(handler_client, leader_client)
    make_due(petition)
    resp = propose(handler_client, [], note="Ghi chú đã gõ")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Hãy chọn ít nhất một đơn đến hạn tiêu hủy." in html and 'id="petitions-error"' in html
    assert "Ghi chú đã gõ" in html
    assert db.session.scalar(select(func.count(DestructionRequest.id))) == 0


def test_a_petition_not_yet_due_or_already_proposed_is_refused(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    leader_client, _ = login_as("leader", "TTLS")
    petition = file_petition(handler_client, leader_client)
    resp = propose(handler_client, [petition.id])  # filed today: kept for a year
    assert resp.status_code == 422 and "chưa đến hạn tiêu hủy" in resp.get_data(as_text=True)
    make_due(petition)
    assert propose(handler_client, [petition.id]).status_code == 302
    again = propose(handler_client, [petition.id])
    assert again.status_code == 422 and "đang chờ duyệt" in again.get_data(as_text=True)
    other_agency = factories.petition("XCL", date(2025, 1, 1), status="filed", file_reason="ineligible",
                                      decided=date(2025, 1, 2), destroy_after=date(2026, 1, 2))
    db.session.commit()
    assert propose(handler_client, [other_agency.id]).status_code == 422


def test_a_rejection_needs_a_reason_and_keeps_the_petitions(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    leader_client, _ = login_as("leader", "TTLS")
    petition = file_petition(handler_client, leader_client)
    make_due(petition)
    propose(handler_client, [petition.id])
    request = db.session.scalars(select(DestructionRequest)).one()
    token = csrf_of(leader_client, f"/staff/retention/requests/{request.id}")
    resp = leader_client.post(f"/staff/retention/requests/{request.id}/reject", data={"csrf_token": token, "note": ""})
    assert resp.status_code == 422 and "Hãy ghi lý do không đồng ý tiêu hủy." in resp.get_data(as_text=True)
    resp = leader_client.post(f"/staff/retention/requests/{request.id}/reject",
                              data={"csrf_token": token, "note": "Còn liên quan vụ việc khác"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert request.status == "rejected" and petition.destroyed_at is None and len(petition.attachments) == 2
    # A decided request cannot be approved afterwards.
    assert leader_client.get(f"/staff/retention/requests/{request.id}/approve").status_code in (403, 409)


def test_the_proposer_can_withdraw(login_as):
    handler_client, _ = login_as("handler", "TTLS")
    leader_client, _ = login_as("leader", "TTLS")
    petition = file_petition(handler_client, leader_client)
    make_due(petition)
    propose(handler_client, [petition.id])
    request = db.session.scalars(select(DestructionRequest)).one()
    token = csrf_of(handler_client, f"/staff/retention/requests/{request.id}")
    assert handler_client.post(f"/staff/retention/requests/{request.id}/withdraw",
                               data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert request.status == "withdrawn"
    assert propose(handler_client, [petition.id]).status_code == 302  # free to be proposed again


def test_a_tampered_selection_gets_a_vietnamese_message(login_as):
    client, _ = login_as("handler", "TTLS")
    token = csrf_of(client, "/staff/retention/")
    resp = client.post("/staff/retention/propose", data={"csrf_token": token, "petitions": ["abc"]})
    assert resp.status_code == 422
    assert "Lựa chọn không hợp lệ" in resp.get_data(as_text=True)
