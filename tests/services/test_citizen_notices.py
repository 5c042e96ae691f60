"""E-mails to citizens when the triage of their petition is approved (app/notifications/citizen.py).

What the citizen would notice: one e-mail per outcome, in Vietnamese, with the tracking code and
the way to /track (never the access key); nothing for a petition without an e-mail address,
nothing for a denunciator, nothing for an approval that was rolled back; and the message really
arrives through the outbox worker, in Vietnamese even when the leader works in English.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.agencies.models import Agency
from app.cases.models import Case
from app.extensions import db
from app.formatting import format_date
from app.notifications import services as outbox
from app.notifications.citizen import notify_triage_outcome
from app.notifications.mail import SmtpSender
from app.notifications.models import OutboxMessage
from app.petitions import services as intake
from app.petitions import triage
from app.petitions.models import Petition
from app.petitions.services import PersonData, PetitionDraft
from tests.conftest import csrf_of, make_user
from tests.functional.test_triage import ALL_CHECKS, act
from tests.services.test_outbox import SmtpServer

CITIZEN = "an.nguyen@example.vn"


def submit(kind: str = "complaint", email: str | None = CITIZEN) -> tuple[Petition, str]:
    """An online petition to the default intake body (committed); returns it and its access key."""
    draft = PetitionDraft(
        kind=kind,
        petitioner=PersonData(full_name="Nguyễn Văn An", id_number="020085001234", phone="0912345678",
                              email=email),
        title="Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
        content="Gia đình tôi bị thu hồi 300 m2 đất nông nghiệp nhưng mức bồi thường thấp hơn giá thị trường.",
        request="Đề nghị xem xét lại mức bồi thường.",
        respondent="Ủy ban nhân dân xã Cao Lộc",
        declared_truthful=True,
    )
    result = intake.submit_online_petition(draft, form_token=intake.new_form_token(), new_files=[],
                                           written_keys=[])
    db.session.commit()
    return result.petition, result.access_key


def proposed(petition: Petition, action: str = "accept", *, within_jurisdiction: bool = True, **details):
    """Classify and propose through the services (committed); return the leader who may approve."""
    code = petition.agency.code
    handler = make_user("handler", code)
    leader = make_user("leader", code)
    checks = {item.code: True for item in triage.eligibility_items(petition.kind)}
    triage.classify(petition, handler, version=petition.version_id, kind=petition.kind, category_id=None,
                    multi_signer=False, checks=checks, within_jurisdiction=within_jurisdiction, note=None)
    triage.propose(petition, handler, version=petition.version_id, action=action, **details)
    db.session.commit()
    return leader


def approve(petition: Petition, leader):
    return triage.approve(petition, leader, version=petition.version_id)


def queued() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


# --- acceptance -------------------------------------------------------------------------------

def test_approved_acceptance_queues_one_message_in_vietnamese(app):
    petition, access_key = submit()
    leader = proposed(petition, "accept")
    approve(petition, leader)
    db.session.commit()

    [message] = queued()
    case = db.session.get(Case, petition.case_id)
    assert message.to_address == CITIZEN
    assert message.kind == "petition.accepted"
    assert message.subject == f"Thông báo thụ lý đơn {petition.tracking_code}"
    assert (message.subject_type, message.subject_id) == ("petition", petition.id)
    assert message.dedupe_key == f"petition:{petition.id}:accepted"
    body = message.body_text
    assert body.startswith("Kính gửi ông/bà Nguyễn Văn An,")
    assert "đơn khiếu nại của ông/bà đã được thụ lý để giải quyết" in body
    assert f"Mã hồ sơ: {petition.tracking_code}" in body
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", body)
    assert f"đến hết ngày {format_date(case.due_date)}" in body
    assert "Thời hạn giải quyết: 30 ngày kể từ ngày thụ lý" in body
    assert "Luật Khiếu nại 2011, Điều 28" in body  # the rule's legal source
    assert "/track" in body and "trang tra cứu" in body
    assert access_key not in body  # never the access key
    assert "\n\n\n" not in body and not any(line != line.rstrip() for line in body.splitlines())


def test_approval_without_an_email_address_queues_nothing(app):
    petition, _ = submit(email=None)
    leader = proposed(petition, "accept")
    approve(petition, leader)
    db.session.commit()
    assert petition.status == "accepted"
    assert outbox_count() == 0


def test_a_denunciator_is_not_emailed(app):
    """No opt-in exists yet for a denunciator: the protected identity is never e-mailed."""
    petition, _ = submit(kind="denunciation")
    assert petition.petitioners[0].is_protected and petition.petitioners[0].email is None
    leader = proposed(petition, "accept")
    approve(petition, leader)
    db.session.commit()
    assert petition.status == "accepted" and petition.case_id is not None
    assert outbox_count() == 0


def test_a_rolled_back_approval_queues_nothing(app):
    petition, _ = submit()
    leader = proposed(petition, "accept")
    approve(petition, leader)
    assert outbox_count() == 1  # queued in the approval's transaction ...
    db.session.rollback()  # ... which the view does not commit
    assert outbox_count() == 0
    db.session.expire_all()
    assert petition.status == "proposed" and petition.case_id is None


def test_a_malformed_stored_address_does_not_block_the_approval(app):
    petition, _ = submit()
    petition.petitioners[0].email = "khong-phai-email"
    leader = proposed(petition, "accept")
    approve(petition, leader)
    db.session.commit()
    assert petition.status == "accepted" and outbox_count() == 0


def test_the_same_outcome_is_queued_once(app):
    petition, _ = submit()
    leader = proposed(petition, "accept")
    approve(petition, leader)
    db.session.commit()
    assert notify_triage_outcome(petition) is None  # e.g. a retried request
    db.session.commit()
    assert outbox_count() == 1


# --- the other outcomes -----------------------------------------------------------------------

@pytest.mark.parametrize("action,details,jurisdiction,kind,subject,expected", [
    ("guide", {"guide_to": "Tòa án nhân dân tỉnh Lạng Sơn"}, False, "petition.guided",
     "Hướng dẫn gửi đơn {code} đến cơ quan có thẩm quyền",
     ["hướng dẫn ông/bà gửi đơn đến cơ quan có thẩm quyền giải quyết:\nTòa án nhân dân tỉnh Lạng Sơn"]),
    ("transfer", {"transfer_name": "Công an tỉnh Lạng Sơn"}, False, "petition.transferred",
     "Thông báo chuyển đơn {code}",
     ["đã được chuyển đến Công an tỉnh Lạng Sơn để xem xét, giải quyết theo thẩm quyền"]),
    ("file", {"file_reason": "time_barred"}, True, "petition.filed", "Thông báo lưu đơn {code}",
     ["quyết định lưu đơn, không xử lý tiếp", "Lý do: Hết thời hiệu."]),
])
def test_other_outcomes_tell_the_citizen_what_happened(app, action, details, jurisdiction, kind, subject,
                                                        expected):
    petition, access_key = submit()
    leader = proposed(petition, action, within_jurisdiction=jurisdiction, **details)
    approve(petition, leader)
    db.session.commit()
    [message] = queued()
    assert message.kind == kind and message.to_address == CITIZEN
    assert message.subject == subject.format(code=petition.tracking_code)
    assert message.dedupe_key == f"petition:{petition.id}:{petition.status}"
    for text in expected:
        assert text in message.body_text
    assert petition.tracking_code in message.body_text and "/track" in message.body_text
    assert access_key not in message.body_text
    assert format_date(petition.decided_at) in message.body_text


def test_transfer_in_the_system_gives_the_new_code(app):
    petition, access_key = submit()
    commune = db.session.scalars(select(Agency).where(Agency.code == "XCL")).one()
    leader = proposed(petition, "transfer", within_jurisdiction=False, transfer_agency_id=commune.id)
    copy = approve(petition, leader)
    db.session.commit()
    [message] = queued()
    assert message.subject_id == petition.id
    assert f"đã được chuyển đến {commune.name}" in message.body_text
    assert f"mã hồ sơ mới: {copy.tracking_code}" in message.body_text
    assert "mã truy cập cũ" in message.body_text and access_key not in message.body_text
    # The copy in the other agency is not approved yet: nothing queued for it.
    assert [m.subject_id for m in queued()] == [petition.id]


def test_merge_is_told_without_the_other_petition(app):
    first, _ = submit(email="binh.tran@example.vn")
    petition, _ = submit()
    leader = proposed(petition, "merge", merge_target_id=first.id)
    approve(petition, leader)
    db.session.commit()
    [message] = queued()
    assert message.kind == "petition.merged" and message.to_address == CITIZEN
    assert message.subject == f"Thông báo gộp đơn {petition.tracking_code}"
    assert "gộp với đơn cùng nội dung đang được xử lý" in message.body_text
    assert first.tracking_code not in message.body_text  # another citizen's petition


def test_urging_a_lower_body_is_not_emailed(app):
    """The "urge" outcome is shown on /track only (not one of the e-mailed outcomes)."""
    petition, _ = submit()
    # Urging is proposed by the body above the one that is urged.
    province = db.session.scalars(select(Agency).where(Agency.code == "LS")).one()
    ttls = db.session.scalars(select(Agency).where(Agency.code == "TTLS")).one()
    petition.agency_id = province.id
    db.session.commit()
    db.session.refresh(petition)
    leader = proposed(petition, "urge", urge_agency_id=ttls.id)
    approve(petition, leader)
    db.session.commit()
    assert petition.status == "urged" and outbox_count() == 0


# --- end to end -------------------------------------------------------------------------------

@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def test_citizen_receives_one_vietnamese_email_when_the_leader_works_in_english(app, smtp, login_as):
    petition, access_key = submit()
    board = petition.agency.code
    handler_client, _ = login_as("handler", board)
    assert act(handler_client, petition.id, "classify", "classify",
               {"kind": "complaint", "within_jurisdiction": "yes", **ALL_CHECKS}).status_code == 302
    assert act(handler_client, petition.id, "propose", "propose", {"action": "accept"}).status_code == 302

    leader_client, _ = login_as("leader", board)
    token = csrf_of(leader_client, "/staff/")
    assert leader_client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/staff/"}).status_code == 302
    page = leader_client.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert '<html lang="en">' in page  # the leader's interface is English
    resp = act(leader_client, petition.id, "approve", "approve", {})
    assert resp.status_code == 302
    db.session.expire_all()
    assert petition.status == "accepted"

    sender = SmtpSender("127.0.0.1", smtp.port, timeout=5)
    try:
        report = outbox.deliver(sender=sender)
    finally:
        sender.close()
    assert (report.sent, report.failed, report.retried) == (1, 0, 0)
    assert outbox.deliver().claimed == 0  # nothing left, nothing twice

    [received] = smtp.received
    assert received["To"] == CITIZEN
    assert received["Subject"] == f"Thông báo thụ lý đơn {petition.tracking_code}"
    body = received.get_content()
    case = db.session.get(Case, petition.case_id)
    assert "Kính gửi ông/bà Nguyễn Văn An," in body
    assert "đã được thụ lý để giải quyết" in body
    assert format_date(case.due_date) in body and "Luật Khiếu nại 2011, Điều 28" in body
    assert f"http://localhost/track?code={petition.tracking_code}" in body
    assert access_key not in body
    for english in ("Dear", "accepted", "Complaint", "complaint", "Tracking"):
        assert english not in body
