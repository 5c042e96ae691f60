"""Oversight pages: the at-risk list with every signal shown, urging from the province, the report from
the commune, scope (404 outside it, 403 without the right), CSRF."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import Event
from app.cases.urge_models import CaseUrge
from app.extensions import db
from app.formatting import local_today
from tests.conftest import csrf_of
from tests.services.test_escalation import make_case, make_petition, make_user, make_visit


def _overdue_case():
    today = local_today()
    case = make_case("XCL", title="Tố cáo cán bộ địa chính xã", due=today - timedelta(days=10))
    petition = make_petition(case=case)
    make_petition(case=case)
    make_visit(make_user("handler", "XCL"), repeat_of_petition_id=petition.id, is_repeat=True, is_group=True,
               people_count=6)
    db.session.commit()
    return case


def _date(d):
    return d.strftime("%d/%m/%Y")


def test_province_supervisor_urges_and_the_commune_reports(app, login_as):
    case = _overdue_case()
    client, supervisor = login_as("supervisor", "LS")
    page = client.get("/staff/oversight/at-risk")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert case.title in html and f'href="/staff/cases/{case.id}"' in html
    for badge in ("signal-overdue", "signal-repeat_visits", "signal-group_visits", "signal-petitions_joined"):
        assert badge in html, badge
    assert f"/staff/oversight/cases/{case.id}/urge" in html
    assert "<script>" not in html and "style=" not in html

    url = f"/staff/oversight/cases/{case.id}/urge"
    assert client.get(url).status_code == 200
    today = local_today()
    data = {"followup_received_on": _date(today - timedelta(days=1)), "request_sent_on": _date(today),
            "note": "Đề nghị báo cáo tiến độ giải quyết"}
    assert client.post(url, data=data).status_code == 400  # no CSRF token
    resp = client.post(url, data={**data, "csrf_token": csrf_of(client, url)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    item = db.session.scalars(select(CaseUrge).where(CaseUrge.case_id == case.id)).one()
    assert item.urging_agency_id == supervisor.agency_id
    urges_html = client.get("/staff/oversight/urges").get_data(as_text=True)
    assert case.title in urges_html and "Chưa báo cáo" in urges_html

    commune, _handler = login_as("handler", "XCL")
    html = commune.get("/staff/oversight/urges").get_data(as_text=True)
    assert f"/staff/oversight/urges/{item.id}/report" in html
    report_url = f"/staff/oversight/urges/{item.id}/report"
    resp = commune.post(report_url, data={"received_on": _date(today), "note": "",
                                          "csrf_token": csrf_of(commune, report_url)})
    assert resp.status_code == 422 and "Hãy ghi nội dung báo cáo" in resp.get_data(as_text=True)
    resp = commune.post(report_url, data={"received_on": _date(today), "note": "Đang xác minh, sẽ kết luận",
                                          "csrf_token": csrf_of(commune, report_url)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(CaseUrge, item.id).report_received_on == today
    events = [e.action for e in db.session.scalars(select(Event).where(Event.subject_type == "case",
                                                                       Event.subject_id == case.id))]
    assert events == ["urged", "urge_report"]
    assert "Đúng hạn" in client.get("/staff/oversight/urges").get_data(as_text=True)


def test_others_are_refused(app, login_as):
    case = _overdue_case()
    url = f"/staff/oversight/cases/{case.id}/urge"
    handler, _ = login_as("handler", "XCL")
    assert handler.get(url).status_code == 403  # no right to urge
    assert case.title in handler.get("/staff/oversight/at-risk").get_data(as_text=True)
    sibling, _ = login_as("supervisor", "PLVT")
    assert sibling.get(url).status_code == 404  # outside scope
    assert case.title not in sibling.get("/staff/oversight/at-risk").get_data(as_text=True)
    for role in ("receptionist", "admin"):
        other, _ = login_as(role, "XCL" if role == "receptionist" else "TTLS")
        assert other.get("/staff/oversight/at-risk").status_code == 403
    # The commune's own supervisor sees the case but is not a superior body: refused with a message.
    own, _ = login_as("supervisor", "XCL")
    today = local_today()
    resp = own.post(url, data={"followup_received_on": _date(today), "request_sent_on": _date(today),
                               "csrf_token": csrf_of(own, url)})
    assert resp.status_code == 422 and "cơ quan cấp trên" in resp.get_data(as_text=True)

    province, _ = login_as("supervisor", "LS")
    province.post(url, data={"followup_received_on": _date(today), "request_sent_on": _date(today),
                             "csrf_token": csrf_of(province, url)})
    item = db.session.scalars(select(CaseUrge).where(CaseUrge.case_id == case.id)).one()
    other_commune, _ = login_as("handler", "PLVT")
    assert other_commune.get(f"/staff/oversight/urges/{item.id}/report").status_code == 404
    assert case.title not in other_commune.get("/staff/oversight/urges").get_data(as_text=True)
    assert province.get(f"/staff/oversight/urges/{item.id}/report").status_code == 403
