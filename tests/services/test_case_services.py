"""Case operations on both databases: transitions with events, pauses and extensions moving the due
date, the third extension refused, decisions with figures, the second-level appeal and its window."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event
from app.cases import services
from app.cases.models import Case
from app.extensions import db
from tests.conftest import make_user


def _case(agency_code="XCL", kind="denunciation", rule="denunciation.resolve", accepted=date(2026, 3, 2)):
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).one()
    from app.calendar.services import due_date

    case = Case(kind=kind, agency_id=agency.id, title="Tố cáo cán bộ địa chính", accepted_on=accepted,
                due_rule_code=rule, due_date=due_date(rule, accepted))
    db.session.add(case)
    db.session.flush()
    return case


def test_transitions_write_events_and_refuse_what_the_table_forbids(app):
    handler, leader = make_user("handler", "XCL"), make_user("leader", "XCL")
    case = _case()
    services.apply(case, "start_verification", handler)
    with pytest.raises(services.CaseError):
        services.apply(case, "close", leader)  # not from verifying
    with pytest.raises(services.CaseError):
        services.apply(case, "suspend", handler)  # a leader's decision
    outsider = make_user("leader", "PLVT")
    with pytest.raises(services.CaseError):
        services.apply(case, "start_verification", outsider)
    actions = [e.action for e in db.session.scalars(select(Event).where(Event.subject_type == "case",
                                                                         Event.subject_id == case.id))]
    assert actions == ["start_verification"]


def test_suspension_stops_the_clock_and_resumption_continues_it(app):
    leader = make_user("leader", "XCL")
    case = _case()
    assert case.due_date == date(2026, 4, 1)
    services.suspend(case, leader, started_on=date(2026, 3, 10), reason="Chờ kết quả vụ án liên quan")
    assert case.status == "suspended" and case.suspended_from == "accepted" and case.due_date is None
    services.resume(case, leader, ended_on=date(2026, 3, 20))
    assert case.status == "accepted" and case.due_date == date(2026, 4, 13)


def test_extensions_follow_complexity_and_the_third_is_refused(app):
    leader, handler = make_user("leader", "XCL"), make_user("handler", "XCL")
    case = _case()
    with pytest.raises(services.CaseError, match="chỉ được gia hạn 0 lần"):
        services.extend(case, leader, decided_on=date(2026, 3, 25), decision_number="01/QĐ-UBND", reason="Phức tạp")
    services.set_complexity(case, ["many_people", "many_places"], leader)
    assert case.complexity_level == "especially_complex"
    with pytest.raises(services.CaseError):
        services.extend(case, handler, decided_on=date(2026, 3, 25), decision_number="01/QĐ-UBND", reason="x")
    first = services.extend(case, leader, decided_on=date(2026, 3, 25), decision_number="01/QĐ-UBND",
                            reason="Nhiều nội dung, nhiều địa điểm")
    assert first.due_after == date(2026, 5, 4) == case.due_date
    services.extend(case, leader, decided_on=date(2026, 4, 28), decision_number="02/QĐ-UBND", reason="Cần giám định")
    assert case.due_date == date(2026, 6, 3)
    with pytest.raises(services.CaseError, match="chỉ được gia hạn 2 lần"):
        services.extend(case, leader, decided_on=date(2026, 5, 30), decision_number="03/QĐ-UBND", reason="x")
    assert len(case.extensions) == 2


def test_a_conclusion_with_figures(app):
    leader, handler = make_user("leader", "XCL"), make_user("handler", "XCL")
    case = _case()
    services.apply(case, "start_verification", handler)
    with pytest.raises(services.CaseError):
        services.decide(case, leader, services.Decision("correct", "05/KL-UBND", date(2026, 3, 30), "Lộc Văn Xuân"))
    services.decide(case, leader, services.Decision("partly_true", "05/KL-UBND", date(2026, 3, 30), "Lộc Văn Xuân"))
    assert case.status == "concluded" and case.outcome == "partly_true"
    with pytest.raises(services.CaseError):
        services.record_figures(case, handler, money_recovered=-1)
    with pytest.raises(services.CaseError):
        services.record_figures(case, handler, people_disciplined=1, officials_disciplined=2)
    services.record_figures(case, handler, money_recommended=1_391_100_000, money_recovered=1_200_000_000,
                            land_recommended=250.5, people_disciplined=2, officials_disciplined=1)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.money_recovered == 1_200_000_000 and float(stored.land_recommended) == 250.5


def test_a_first_level_decision_is_appealed_at_the_superior_body_within_the_window(app):
    commune_leader = make_user("leader", "XCL")
    province_leader = make_user("leader", "LS")
    case = _case(kind="complaint_first", rule="complaint.first.resolve")
    services.apply(case, "start_verification", commune_leader)
    services.decide(case, commune_leader, services.Decision("incorrect", "07/QĐ-UBND", date(2026, 3, 25),
                                                            "Lộc Văn Xuân", received_on=date(2026, 3, 27)))
    # The window runs from the later of receipt (27/03) and the due date (01/04): 30 days → 01/05 (holiday) → 04/05.
    assert case.appeal_window_closes == date(2026, 5, 4)
    with pytest.raises(services.CaseError):
        services.open_second_level(case, commune_leader, received_on=date(2026, 4, 10))  # not the superior
    with pytest.raises(services.CaseError, match="Đã hết thời hạn"):
        services.open_second_level(case, province_leader, received_on=date(2026, 5, 5))
    second = services.open_second_level(case, province_leader, received_on=date(2026, 4, 10))
    assert case.status == "appealed" and second.parent_case_id == case.id and second.kind == "complaint_second"
    assert second.agency.code == "LS" and second.due_date == date(2026, 5, 25)  # 45 days
    with pytest.raises(services.CaseError):
        services.open_second_level(case, province_leader, received_on=date(2026, 4, 11))  # already appealed
