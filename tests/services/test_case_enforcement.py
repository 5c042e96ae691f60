"""Enforcement follow-up (theo dõi thi hành) on both databases: the states that allow it, the date checks,
the events, the overdue query and tab, and the case page's two forms (plan, done) with a refused date."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event
from app.cases import queries, services
from app.cases.models import Case
from app.extensions import db
from app.formatting import local_today
from tests.conftest import csrf_of, make_user

DECIDED = date(2026, 3, 30)


def _case(status="concluded", kind="denunciation", agency_code="XCL", title="Tố cáo cán bộ địa chính",
          decision_date=DECIDED, **kwargs) -> Case:
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).one()
    case = Case(kind=kind, agency_id=agency.id, title=title, accepted_on=date(2026, 3, 2), status=status,
                outcome="partly_true" if kind == "denunciation" else "correct", decision_number="05/KL-UBND",
                decision_date=decision_date, **kwargs)
    db.session.add(case)
    db.session.commit()
    return case


def _events(case) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.subject_type == "case", Event.subject_id == case.id)
                                   .order_by(Event.id)))


@pytest.mark.parametrize("kind,status,allowed", [
    ("complaint_first", "decided", False), ("complaint_first", "final", True), ("complaint_first", "enforcing", True),
    ("complaint_first", "closed", False), ("complaint_second", "final", True), ("complaint_second", "enforcing", True),
    ("denunciation", "verifying", False), ("denunciation", "concluded", True), ("denunciation", "handled", True),
    ("denunciation", "closed", False), ("proposal", "answered", False),
])
def test_only_a_final_decision_or_a_conclusion_is_followed(app, kind, status, allowed):
    handler = make_user("handler", "XCL")
    case = _case(status=status, kind=kind)
    if allowed:
        services.plan_enforcement(case, handler, due=date(2026, 5, 1), note="Thu hồi tiền")
        assert case.enforcement_due == date(2026, 5, 1)
    else:
        with pytest.raises(services.CaseError, match="Chỉ theo dõi thi hành"):
            services.plan_enforcement(case, handler, due=date(2026, 5, 1), note="")
        with pytest.raises(services.CaseError):
            services.record_enforced(case, handler, done_on=date(2026, 4, 2), note="", today=date(2026, 5, 1))


def test_dates_rights_and_events(app):
    handler = make_user("handler", "XCL")
    case = _case()
    with pytest.raises(services.CaseError, match="trước ngày ban hành") as exc:
        services.plan_enforcement(case, handler, due=DECIDED - timedelta(days=1), note="")
    assert exc.value.field_name == "due"
    with pytest.raises(services.CaseError):
        services.plan_enforcement(case, make_user("handler", "PLVT"), due=date(2026, 5, 1), note="")
    with pytest.raises(services.CaseError):
        services.plan_enforcement(case, make_user("supervisor", "LS"), due=date(2026, 5, 1), note="")
    services.plan_enforcement(case, handler, due=DECIDED, note="")  # the decision day itself is fine
    services.plan_enforcement(case, handler, due=date(2026, 5, 15), note=" Thu hồi 1,2 tỷ đồng ")
    assert case.enforcement_due == date(2026, 5, 15) and case.enforcement_note == "Thu hồi 1,2 tỷ đồng"

    today = date(2026, 5, 10)
    with pytest.raises(services.CaseError, match="trước ngày ban hành") as exc:
        services.record_enforced(case, handler, done_on=date(2026, 3, 1), note="", today=today)
    assert exc.value.field_name == "done_on"
    with pytest.raises(services.CaseError, match="sau hôm nay") as exc:
        services.record_enforced(case, handler, done_on=today + timedelta(days=1), note="", today=today)
    assert exc.value.field_name == "done_on"
    services.record_enforced(case, handler, done_on=today, note="Đã nộp ngân sách", today=today)
    assert case.enforced_on == today and case.enforcement_note == "Đã nộp ngân sách"
    with pytest.raises(services.CaseError, match="Đã ghi nhận thi hành xong"):
        services.plan_enforcement(case, handler, due=date(2026, 6, 1), note="")
    # Figures recovered later still go through record_figures.
    services.record_figures(case, handler, money_recovered=1_200_000_000)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert (stored.enforcement_due, stored.enforced_on, stored.money_recovered) == (
        date(2026, 5, 15), today, 1_200_000_000)
    events = _events(stored)
    assert [e.action for e in events] == ["enforcement_planned", "enforcement_planned", "enforced", "figures"]
    assert events[1].note == "15/05/2026: Thu hồi 1,2 tỷ đồng" and events[2].note == "10/05/2026: Đã nộp ngân sách"
    assert events[2].actor_user_id == handler.id


def test_the_overdue_query_is_scoped_and_skips_what_is_done(app):
    handler = make_user("handler", "XCL")
    today = date(2026, 6, 1)
    late = _case(title="Quá hạn", enforcement_due=date(2026, 5, 20))
    _case(title="Xong rồi", enforcement_due=date(2026, 5, 1), enforced_on=date(2026, 5, 25))
    _case(title="Chưa đến hạn", enforcement_due=today)
    _case(title="Chưa đặt hạn")
    _case(title="Phường khác", agency_code="PLVT", enforcement_due=date(2026, 5, 1))
    older = _case(title="Quá hạn lâu", kind="complaint_first", status="enforcing", enforcement_due=date(2026, 4, 1))
    assert [c.id for c in queries.enforcement_overdue(handler, today)] == [older.id, late.id]
    assert queries.tab_counts(handler, today=today)["enforcement"] == 2
    page = queries.case_list(handler, tab="enforcement", today=today)
    assert [c.id for c in page.items] == [older.id, late.id]


def _post(client, case, action, data):
    payload = {f"{action}-{k}": v for k, v in data.items()}
    payload["csrf_token"] = csrf_of(client, f"/staff/cases/{case.id}")
    return client.post(f"/staff/cases/{case.id}/{action}", data=payload)


def test_the_case_page_plans_and_records_enforcement(app, login_as):
    client, handler = login_as("handler", "XCL")
    today = local_today()
    decided = today - timedelta(days=20)
    case = _case(decision_date=decided)
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Theo dõi thi hành" in page and 'id="submit-plan_enforcement"' in page
    assert 'id="submit-record_enforced"' in page
    # Without CSRF nothing happens.
    assert client.post(f"/staff/cases/{case.id}/plan_enforcement",
                       data={"plan_enforcement-due": today.strftime("%d/%m/%Y")}).status_code == 400
    bad = (decided - timedelta(days=1)).strftime("%d/%m/%Y")
    resp = _post(client, case, "plan_enforcement", {"due": bad, "note": "Thu hồi tiền"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "trước ngày ban hành" in body
    assert f'value="{bad}"' in body and "Thu hồi tiền" in body and 'aria-invalid="true"' in body
    resp = _post(client, case, "plan_enforcement", {"due": (today - timedelta(days=3)).strftime("%d/%m/%Y"),
                                                     "note": "Thu hồi tiền"})
    assert resp.status_code == 302
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "quá hạn 3 ngày" in page and "Đặt hạn thi hành" in page
    index = client.get("/staff/cases/?tab=enforcement").get_data(as_text=True)
    assert case.title in index and 'id="tab-enforcement"' in index
    future = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    resp = _post(client, case, "record_enforced", {"done_on": future, "note": "Đã nộp"})
    assert resp.status_code == 422 and "sau hôm nay" in resp.get_data(as_text=True)
    assert f'value="{future}"' in resp.get_data(as_text=True)
    resp = _post(client, case, "record_enforced", {"done_on": today.strftime("%d/%m/%Y"), "note": "Đã nộp"})
    assert resp.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.enforced_on == today and stored.enforcement_note == "Đã nộp"
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Ghi nhận thi hành xong" in page and 'id="submit-record_enforced"' not in page
    # Once done the forms are gone and a late post is refused.
    token = csrf_of(client, f"/staff/cases/{case.id}")
    assert client.post(f"/staff/cases/{case.id}/plan_enforcement", data={"csrf_token": token}).status_code == 403
    assert "Vụ việc" in client.get("/staff/cases/?tab=enforcement").get_data(as_text=True)
    assert case.title not in client.get("/staff/cases/?tab=enforcement").get_data(as_text=True)
