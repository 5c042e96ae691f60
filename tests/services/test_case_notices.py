"""Citizens' e-mails about their case (extension, decision) and the denunciator's opt-in."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.calendar.services import due_date
from app.cases import services
from app.cases.models import Case
from app.db import utcnow
from app.extensions import db
from app.notifications.models import OutboxMessage
from app.petitions.services import PersonData, PetitionDraft, new_form_token, submit_online_petition
from tests.conftest import make_user


def _petition_with_case(kind: str, *, email: str | None, opt_in: bool = False) -> Case:
    draft = PetitionDraft(
        kind=kind, petitioner=PersonData(full_name="Nguyễn Văn An", id_number="020085001234", phone="0912345678",
                                         email=email, email_opt_in=opt_in, address="Thôn Bản Làn"),
        title="Tố cáo cán bộ địa chính xã", content="Nội dung tố cáo.", request="", respondent="Cán bộ địa chính",
        declared_truthful=True)
    petition = submit_online_petition(draft, form_token=new_form_token(), new_files=[], written_keys=[],
                                      now=utcnow() - timedelta(days=1)).petition
    case_kind, rule = ("denunciation", "denunciation.resolve") if kind == "denunciation" else \
        ("complaint_first", "complaint.first.resolve")
    accepted = date(2026, 3, 2)
    case = Case(kind=case_kind, agency_id=petition.agency_id, title=petition.title, accepted_on=accepted,
                due_rule_code=rule, due_date=due_date(rule, accepted))
    db.session.add(case)
    db.session.flush()
    petition.case_id = case.id
    db.session.flush()
    return case


def _messages():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_denunciator_who_opted_in_is_told_of_the_extension_and_the_conclusion(app):
    case = _petition_with_case("denunciation", email="an.nguyen@example.vn", opt_in=True)
    leader = make_user("leader", "BTCD")
    services.set_complexity(case, ["many_places"], leader)
    services.extend(case, leader, decided_on=date(2026, 3, 25), decision_number="01/QĐ-BTCD", reason="Nhiều địa điểm")
    services.apply(case, "start_verification", leader)
    services.decide(case, leader, services.Decision("partly_true", "05/KL-BTCD", date(2026, 4, 20), "Vi Văn Đạo"))
    sent = _messages()
    assert [m.kind for m in sent] == ["case.extended", "case.decided"]
    assert all(m.to_address == "an.nguyen@example.vn" for m in sent)
    assert "01/QĐ-BTCD" in sent[0].body_text and "04/05/2026" in sent[0].body_text
    assert "05/KL-BTCD" in sent[1].body_text and "đúng một phần" in sent[1].body_text


def test_a_denunciator_without_the_opt_in_is_not_emailed(app):
    case = _petition_with_case("denunciation", email="an.nguyen@example.vn", opt_in=False)
    leader = make_user("leader", "BTCD")
    services.apply(case, "start_verification", leader)
    services.decide(case, leader, services.Decision("untrue", "06/KL-BTCD", date(2026, 4, 20), "Vi Văn Đạo"))
    assert _messages() == []


def test_a_complainant_is_told_of_the_decision_and_the_appeal_window(app):
    case = _petition_with_case("complaint", email="an.nguyen@example.vn")
    leader = make_user("leader", "BTCD")
    services.apply(case, "start_verification", leader)
    services.decide(case, leader, services.Decision("incorrect", "07/QĐ-BTCD", date(2026, 3, 25), "Vi Văn Đạo",
                                                    received_on=date(2026, 3, 27)))
    (message,) = _messages()
    assert message.kind == "case.decided" and "04/05/2026" in message.body_text and "khiếu nại lần hai" in message.body_text
