"""The staff dashboard (`/staff/`): every role lands on it and sees the figures of its own scope,
each a link to the list behind it."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.extensions import db
from app.formatting import LOCAL_TZ, local_today
from app.oversight.models import Directive
from app.reception.models import ReceptionSession, Visit
from app.reception.seed import load_duty_rules
from tests.functional.test_triage import register_paper


def text(resp) -> str:
    return resp.get_data(as_text=True)


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def add_visit(code: str, officer, at: datetime, **kwargs) -> Visit:
    agency_id = agency(code).id
    number = 1 + max(
        db.session.scalars(select(Visit.number).where(Visit.agency_id == agency_id)).all(), default=0)
    visit = Visit(agency_id=agency_id, year=at.year, number=number, visited_at=at, officer_id=officer.id,
                  place="Phòng tiếp công dân", kind="complaint", summary="Khiếu nại", outcome="settled", **kwargs)
    db.session.add(visit)
    db.session.commit()
    return visit


def warnings_box(page: str) -> str:
    """The duty-warning alert of a page ("" when there is none)."""
    match = re.search(r'<div class="alert alert-warning duty-warnings" role="alert".*?</div>', page, re.S)
    return match.group(0) if match else ""


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def add_session(code: str, day: date, status: str = "scheduled", **kwargs) -> ReceptionSession:
    values = {"leader_name": "Hoàng Văn Chủ", "place": "Trụ sở tiếp công dân tỉnh", **kwargs}
    session = ReceptionSession(agency_id=agency(code).id, held_on=day, status=status, **values)
    db.session.add(session)
    db.session.commit()
    return session


@pytest.mark.parametrize("role", ["receptionist", "handler", "leader", "supervisor", "admin"])
def test_every_role_lands_on_the_dashboard(login_as, role):
    client, user = login_as(role, "TTLS")
    resp = client.get("/staff/")
    assert resp.status_code == 200
    page = text(resp)
    assert f"Xin chào {user.full_name}." in page and "<h1" in page
    assert ("Lịch tiếp công dân sắp tới" in page) == (role != "admin")
    assert ('id="figure-petitions-open"' in page) == (role != "admin")
    assert ('href="/staff/admin/users"' in page) == (role == "admin")


def test_admin_gets_links_to_administration(login_as):
    client, _user = login_as("admin", "LS")
    page = text(client.get("/staff/"))
    for href in ("/staff/admin/users", "/staff/admin/agencies", "/staff/admin/categories", "/staff/calendar/",
                 "/staff/reception/sessions/rules"):
        assert f'href="{href}"' in page, href
    assert warnings_box(page) == "" and "figure-visits-today" not in page


def test_reception_figures(login_as):
    client, user = login_as("receptionist", "TTLS")
    today = local_today()
    add_visit("TTLS", user, local(today, 0, 5))
    add_visit("TTLS", user, local(today, 23, 55))
    add_visit("TTLS", user, local(today - timedelta(days=1), 23, 59))  # yesterday, local time
    other = add_visit("XCL", user, local(today, 9))  # another agency
    # Answers owed: one overdue, one still in time, one given, one elsewhere.
    add_visit("TTLS", user, local(today - timedelta(days=20), 9), reply_due=today - timedelta(days=1))
    add_visit("TTLS", user, local(today - timedelta(days=3), 9), reply_due=today + timedelta(days=5))
    add_visit("TTLS", user, local(today - timedelta(days=20), 9), reply_due=today - timedelta(days=2),
              replied_on=today - timedelta(days=3))
    other.reply_due = today - timedelta(days=10)
    db.session.commit()
    page = text(client.get("/staff/"))
    assert re.search(r'id="figure-visits-today">2 lượt tiếp công dân hôm nay<', page)
    assert re.search(r'id="figure-awaiting-reply">2 lượt tiếp chờ trả lời công dân<', page)
    assert re.search(r'id="figure-reply-overdue">1 quá hạn trả lời<', page)
    assert 'href="/staff/reception/register/?reply=awaiting"' in page
    assert 'href="/staff/reception/register/?reply=overdue"' in page

    # The province's supervisor counts the whole subtree.
    sup, _user = login_as("supervisor", "LS")
    page = text(sup.get("/staff/"))
    assert re.search(r'id="figure-visits-today">3 lượt tiếp công dân hôm nay<', page)
    assert re.search(r'id="figure-reply-overdue">2 quá hạn trả lời<', page)


def test_petitions_awaiting_triage(login_as):
    client, _user = login_as("handler", "TTLS")
    assert register_paper(client).status_code == 302
    page = text(client.get("/staff/"))
    assert re.search(r'id="figure-petitions-open">1 đơn chờ xử lý<', page)
    assert 'href="/staff/petitions/?tab=open"' in page
    other, _user = login_as("handler", "XCL")
    assert re.search(r'id="figure-petitions-open">0 đơn chờ xử lý<', text(other.get("/staff/")))


def test_open_directives_of_the_agency(login_as):
    today = local_today()
    session = add_session("LS", today - timedelta(days=30), status="held", conclusion_number="7/TB-UBND",
                          conclusion_date=today - timedelta(days=25), conclusion_summary="Kết luận")
    ls, xcl, ttls = agency("LS").id, agency("XCL").id, agency("TTLS").id
    notice = {"session_id": session.id, "source": "reception_session", "issuer_agency_id": ls,
              "source_name": "Lý Văn Chủ", "document_number": "7/TB-UBND", "issued_on": today - timedelta(days=25)}
    db.session.add_all([
        Directive(position=1, content="Trả lời hộ bà Hoa", assignee_agency_id=xcl, due_on=today - timedelta(days=2),
                  **notice),
        Directive(position=2, content="Đo đạc lại thửa đất", assignee_agency_id=xcl,
                  due_on=today + timedelta(days=10), **notice),
        Directive(position=3, content="Đã xong từ trước", assignee_agency_id=xcl, due_on=today - timedelta(days=5),
                  done_on=today - timedelta(days=6), result_note="Xong", **notice),
        Directive(position=4, content="Việc của thanh tra", assignee_agency_id=ttls,
                  due_on=today + timedelta(days=3), **notice),
        # Not from a reception day: the chairman's own directive counts the same.
        Directive(source="chairman", issuer_agency_id=ls, issued_on=today - timedelta(days=3),
                  content="Báo cáo tình hình đơn thư vượt cấp", assignee_agency_id=xcl, is_key_task=True,
                  due_on=today + timedelta(days=4)),
    ])
    db.session.commit()
    client, _user = login_as("leader", "XCL")
    page = text(client.get("/staff/"))
    assert "3 nhiệm vụ chưa hoàn thành" in page
    assert re.search(r'id="figure-directives-overdue">1 nhiệm vụ quá hạn<', page)
    assert "Trả lời hộ bà Hoa" in page and "Đo đạc lại thửa đất" in page and "Báo cáo tình hình đơn thư" in page
    assert "Đã xong từ trước" not in page and "Việc của thanh tra" not in page
    # nearest due first
    assert page.index("Trả lời hộ bà Hoa") < page.index("Báo cáo tình hình đơn thư") < page.index("Đo đạc lại thửa đất")
    assert "quá hạn 2 ngày" in page
    # The notice is named; the item links to the directive page, not to the province's session.
    assert "Thông báo kết luận tiếp công dân số 7/TB-UBND" in page
    assert f"/staff/reception/sessions/{session.id}" not in page
    item = db.session.scalars(select(Directive).where(Directive.content == "Trả lời hộ bà Hoa")).one()
    assert f'href="/staff/directives/{item.id}"' in page
    # The province's leader follows every item it issued.
    ls_client, _user = login_as("leader", "LS")
    page = text(ls_client.get("/staff/"))
    assert "4 nhiệm vụ chưa hoàn thành" in page and "Việc của thanh tra" in page
    # A receptionist does not read directives: no such section.
    desk, _user = login_as("receptionist", "XCL")
    assert "nhiệm vụ chưa hoàn thành" not in text(desk.get("/staff/"))


def test_duty_warnings_and_upcoming_days(login_as):
    load_duty_rules()
    db.session.commit()
    client, _user = login_as("receptionist", "XCL")
    page = text(client.get("/staff/"))
    box = warnings_box(page)
    assert "Ủy ban nhân dân xã Cao Lộc" in box and "Điều 15" in box and "cần ít nhất 1 ngày, có 0" in box
    assert "Chưa có buổi tiếp nào được lên lịch." in page
    soon = local_today() + timedelta(days=1)
    while soon.weekday() >= 5:
        soon += timedelta(days=1)
    add_session("XCL", soon, place="Nhà văn hóa thôn Bản Làn")
    add_session("XCL", soon + timedelta(days=1), status="cancelled", cancel_reason="Hoãn", place="Không tính")
    add_session("PLVT", soon, place="Phường khác")
    page = text(client.get("/staff/"))
    assert "Nhà văn hóa thôn Bản Làn" in page and "Không tính" not in page and "Phường khác" not in page
    # The inspectorate's head has no weekly duty: its receptionist sees only the inspectorate.
    ttls, _user = login_as("receptionist", "TTLS")
    box = warnings_box(text(ttls.get("/staff/")))
    assert "Thanh tra tỉnh Lạng Sơn" in box and "Điều 18" in box and "Cao Lộc" not in box
    # The reception board's head is not checked by the "any administrative agency" rule.
    btcd, _user = login_as("receptionist", "BTCD")
    assert warnings_box(text(btcd.get("/staff/"))) == ""


def test_a_leader_sees_the_agencys_cases_at_a_glance(login_as):
    from datetime import date, timedelta

    from app.cases.models import Case
    from app.extensions import db
    from app.formatting import local_today

    client, leader = login_as("leader", "XCL")
    today = local_today()
    for kind, status, due in [("denunciation", "verifying", today - timedelta(days=2)),
                              ("denunciation", "verifying", today + timedelta(days=10)),
                              ("complaint_first", "accepted", today + timedelta(days=5)),
                              ("complaint_first", "closed", today - timedelta(days=30))]:
        db.session.add(Case(kind=kind, status=status, agency_id=leader.agency_id, title="Vụ việc",
                            accepted_on=date(2026, 1, 5), due_date=due))
    db.session.commit()
    page = client.get("/staff/").get_data(as_text=True)
    table = page[page.index('id="agency-glance"'):page.index("</table>", page.index('id="agency-glance"'))]
    assert "Tố cáo" in table and "<td>2</td>" in table  # two denunciations being verified
    assert 'class="text-danger fw-semibold">1</td>' in table  # one of them overdue
    handler_client, _ = login_as("handler", "XCL")
    assert 'id="agency-glance"' not in handler_client.get("/staff/").get_data(as_text=True)
