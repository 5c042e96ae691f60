"""Urging an overdue case (Luật Tố cáo Đ.38), on both databases: who may urge which case, the two
five-working-day deadlines, the report, and lateness written as events."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import Event
from app.cases import urging
from app.cases.services import CaseError
from app.extensions import db
from tests.conftest import make_user
from tests.services.test_escalation import make_case


def actions(case):
    return [e.action for e in db.session.scalars(select(Event).where(Event.subject_type == "case",
                                                                     Event.subject_id == case.id)
                                                 .order_by(Event.id))]


def test_urge_on_time_and_report_on_time(app):
    case = make_case("XCL", due=date(2026, 4, 30))
    supervisor = make_user("supervisor", "LS")
    item = urging.urge(case, supervisor, followup_received_on=date(2026, 5, 4), request_sent_on=date(2026, 5, 6),
                       note="Đề nghị báo cáo tiến độ")
    # 4/5 + 5 working days; the report within 5 working days of receiving the request (6/5).
    assert (item.request_due, item.report_due) == (date(2026, 5, 11), date(2026, 5, 13))
    assert item.urging_agency_id == supervisor.agency_id and not item.request_late
    with pytest.raises(CaseError, match="đang được đôn đốc"):
        urging.urge(case, supervisor, followup_received_on=date(2026, 5, 4), request_sent_on=date(2026, 5, 7))
    handler = make_user("handler", "XCL")
    urging.record_report(item, handler, received_on=date(2026, 5, 13), note="Đang xác minh, dự kiến kết luận 20/5")
    assert not item.report_late and item.reported_by_id == handler.id
    with pytest.raises(CaseError):
        urging.record_report(item, handler, received_on=date(2026, 5, 14), note="lần hai")
    assert actions(case) == ["urged", "urge_report"]


def test_lateness_is_an_event(app):
    case = make_case("XCL", due=date(2026, 4, 20))
    supervisor = make_user("supervisor", "LS")
    # Follow-up on 27/4: the request was due on 6/5 (30/4 and 1/5 are holidays); sent on 8/5.
    item = urging.urge(case, supervisor, followup_received_on=date(2026, 4, 27), request_sent_on=date(2026, 5, 8))
    assert item.request_due == date(2026, 5, 6) and item.request_late and item.report_due == date(2026, 5, 15)
    urging.record_report(item, make_user("leader", "XCL"), received_on=date(2026, 5, 18), note="Báo cáo")
    assert item.report_late
    assert actions(case) == ["urged", "urge_late", "urge_report", "urge_report_late"]


def test_refusals(app):
    overdue = make_case("XCL", due=date(2026, 4, 30))
    # Not a superior: the commune's own staff, a sibling commune, a supervisor of the commune itself.
    for role, code in (("supervisor", "XCL"), ("supervisor", "PLVT"), ("leader", "LS")):
        with pytest.raises(CaseError):
            urging.urge(overdue, make_user(role, code), followup_received_on=date(2026, 5, 4),
                        request_sent_on=date(2026, 5, 6))
    supervisor = make_user("supervisor", "LS")
    not_yet = make_case("XCL", due=date(2026, 5, 6))
    with pytest.raises(CaseError, match="chưa quá hạn"):
        urging.urge(not_yet, supervisor, followup_received_on=date(2026, 5, 4), request_sent_on=date(2026, 5, 6))
    closed = make_case("XCL", due=date(2026, 4, 1), status="closed")
    with pytest.raises(CaseError, match="kết thúc"):
        urging.urge(closed, supervisor, followup_received_on=date(2026, 5, 4), request_sent_on=date(2026, 5, 6))
    own = make_case("LS", due=date(2026, 4, 1))  # the province's own case: not a subordinate's
    with pytest.raises(CaseError):
        urging.urge(own, supervisor, followup_received_on=date(2026, 5, 4), request_sent_on=date(2026, 5, 6))
    assert urging.can_urge(supervisor, overdue, date(2026, 5, 6))
    assert not urging.can_urge(supervisor, not_yet, date(2026, 5, 6))
    item = urging.urge(overdue, supervisor, followup_received_on=date(2026, 5, 4), request_sent_on=date(2026, 5, 6))
    # The report comes from the case's own agency, by someone who works cases.
    for role, code in (("handler", "PLVT"), ("supervisor", "XCL"), ("receptionist", "XCL")):
        with pytest.raises(CaseError):
            urging.record_report(item, make_user(role, code), received_on=date(2026, 5, 8), note="x")
    with pytest.raises(CaseError):
        urging.record_report(item, make_user("handler", "XCL"), received_on=date(2026, 5, 8), note="  ")
    assert actions(overdue) == ["urged"]
