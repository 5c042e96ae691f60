"""Leaders' reception days through the staff pages: schedule, change, cancel, held, the conclusion
notice and its tasks, the duty rules — with every kind of bad input refused in plain Vietnamese."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import Event
from app.calendar.services import WorkCalendar
from app.extensions import db
from app.formatting import LOCAL_TZ, local_today
from app.oversight.models import Directive
from app.reception.models import ReceptionDutyRule, ReceptionSession, Visit
from app.reception.seed import load_duty_rules
from tests.conftest import csrf_of, make_user


def text(resp) -> str:
    return resp.get_data(as_text=True)


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def working_day(offset: int) -> date:
    """The first working day `offset` days from today, moving away from today."""
    cal = WorkCalendar.load()
    day = local_today() + timedelta(days=offset)
    step = 1 if offset >= 0 else -1
    while not cal.is_working_day(day):
        day += timedelta(days=step)
    return day


def saturday_ahead() -> date:
    day = local_today() + timedelta(days=7)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def vn(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def add_session(code: str, day: date, status: str = "scheduled", **kwargs) -> ReceptionSession:
    values = {"leader_name": "Lý Văn Chủ", "place": "Trụ sở UBND", **kwargs}
    session = ReceptionSession(agency_id=agency(code).id, held_on=day, status=status, **values)
    db.session.add(session)
    db.session.commit()
    return session


def events(session_id: int) -> list[str]:
    return list(db.session.scalars(select(Event.action).where(Event.subject_type == "session",
                                                              Event.subject_id == session_id).order_by(Event.id)))


def post(client, url: str, data: dict, page: str | None = None):
    """POST a form with the CSRF token read from its page."""
    return client.post(url, data={"csrf_token": csrf_of(client, page or url), **data})


def session_form(**overrides) -> dict:
    data = {"leader": "", "leader_name": "Lý Văn Chủ", "held_on": vn(working_day(14)), "start_time": "7:30",
            "place": "Trụ sở tiếp công dân xã", "mode": "in_person", "delegate_name": ""}
    data.update(overrides)
    return data


# --- scheduling ---------------------------------------------------------------------------------

def test_a_leader_schedules_their_own_day(login_as):
    client, leader = login_as("leader", "XCL")
    day = working_day(14)
    page = text(client.get("/staff/reception/sessions/new"))
    assert f'value="{leader.id}"' in page  # the agency's leaders are offered
    resp = post(client, "/staff/reception/sessions/new",
                session_form(leader=str(leader.id), leader_name="", held_on=vn(day), is_ad_hoc="y"))
    assert resp.status_code == 302, text(resp)[:2000]
    session = db.session.scalars(select(ReceptionSession)).one()
    assert (session.leader_id, session.leader_name, session.held_on, session.start_time, session.status,
            session.is_ad_hoc) == (leader.id, leader.full_name, day, "07:30", "scheduled", True)
    assert session.agency_id == leader.agency_id
    assert events(session.id) == ["created"]
    month = text(client.get(f"/staff/reception/sessions/?month={day:%Y-%m}"))
    assert leader.full_name in month and "Trụ sở tiếp công dân xã" in month and "Đột xuất" in month


def test_a_receptionist_types_the_heads_name(login_as):
    client, _user = login_as("receptionist", "XCL")
    resp = post(client, "/staff/reception/sessions/new", session_form())
    assert resp.status_code == 302
    assert db.session.scalars(select(ReceptionSession.leader_name)).one() == "Lý Văn Chủ"


@pytest.mark.parametrize("overrides,message", [
    ({"held_on": "saturday"}, "không phải ngày làm việc"),
    ({"held_on": "31/02/2026"}, "Ngày phải có dạng ngày/tháng/năm"),
    ({"held_on": ""}, "Hãy nhập ngày tiếp."),
    ({"mode": "delegated", "delegate_name": ""}, "Hãy ghi họ tên, chức vụ cấp phó được ủy quyền tiếp."),
    ({"leader_name": ""}, "Hãy chọn lãnh đạo tiếp công dân hoặc gõ họ tên người đứng đầu."),
    ({"place": ""}, "Hãy nhập địa điểm tiếp."),
    ({"start_time": "25:00"}, "Giờ bắt đầu có dạng giờ:phút"),
    ({"leader": "999999"}, "Lãnh đạo đã chọn không thuộc cơ quan này."),
])
def test_bad_schedule_input_is_refused(login_as, overrides, message):
    client, _user = login_as("leader", "XCL")
    if overrides.get("held_on") == "saturday":
        overrides = {**overrides, "held_on": vn(saturday_ahead())}
    resp = post(client, "/staff/reception/sessions/new", session_form(**overrides))
    assert resp.status_code == 422
    assert message in text(resp)
    assert 'id="error-summary"' in text(resp)
    assert db.session.scalars(select(ReceptionSession)).first() is None


def test_a_public_holiday_is_not_a_working_day(login_as):
    client, _user = login_as("leader", "XCL")
    resp = post(client, "/staff/reception/sessions/new", session_form(held_on="02/09/2027"))  # Quốc khánh
    assert resp.status_code == 422 and "Ngày 02/09/2027 không phải ngày làm việc" in text(resp)


def test_another_agencys_leader_cannot_be_chosen(login_as):
    client, _user = login_as("leader", "XCL")
    other = make_user("leader", "PLVT")
    resp = post(client, "/staff/reception/sessions/new", session_form(leader=str(other.id), leader_name=""))
    assert resp.status_code == 422 and "Lãnh đạo đã chọn không thuộc cơ quan này." in text(resp)


def test_chosen_leader_and_a_different_typed_name_conflict(login_as):
    client, leader = login_as("leader", "XCL")
    resp = post(client, "/staff/reception/sessions/new", session_form(leader=str(leader.id), leader_name="Người khác"))
    assert resp.status_code == 422 and "không dùng cả hai" in text(resp)


def test_delegation_refused_when_the_rule_forbids_it(login_as):
    load_duty_rules()
    rule = db.session.scalars(select(ReceptionDutyRule).where(ReceptionDutyRule.agency_level == "commune")).one()
    rule.delegation_allowed = False
    db.session.commit()
    client, _user = login_as("leader", "XCL")
    resp = post(client, "/staff/reception/sessions/new", session_form(mode="delegated", delegate_name="Phó Chủ tịch"))
    assert resp.status_code == 422 and "không cho phép ủy quyền" in text(resp)
    # The province's rule still allows it.
    client, _user = login_as("leader", "LS")
    resp = post(client, "/staff/reception/sessions/new", session_form(mode="delegated", delegate_name="Phó Chủ tịch"))
    assert resp.status_code == 302
    assert db.session.scalars(select(ReceptionSession.delegate_name)).one() == "Phó Chủ tịch"


def test_missing_csrf_token_is_refused(login_as):
    client, _user = login_as("leader", "XCL")
    assert client.post("/staff/reception/sessions/new", data=session_form()).status_code == 400
    session = add_session("XCL", working_day(-7))
    for action in ("held", "cancel", "edit", "conclusion"):
        assert client.post(f"/staff/reception/sessions/{session.id}/{action}", data={"reason": "x"}).status_code == 400
    assert db.session.get(ReceptionSession, session.id).status == "scheduled"


def test_edit_a_scheduled_day(login_as):
    client, _user = login_as("leader", "XCL")
    session = add_session("XCL", working_day(10))
    new_day = working_day(20)
    url = f"/staff/reception/sessions/{session.id}/edit"
    assert "Lý Văn Chủ" in text(client.get(url))
    resp = post(client, url, session_form(held_on=vn(new_day), place="Hội trường UBND xã"))
    assert resp.status_code == 302
    db.session.expire_all()
    session = db.session.get(ReceptionSession, session.id)
    assert (session.held_on, session.place) == (new_day, "Hội trường UBND xã")
    assert events(session.id) == ["updated"]


def test_another_agencys_session_is_not_found(login_as):
    session = add_session("LS", working_day(10))
    client, _user = login_as("leader", "XCL")
    base = f"/staff/reception/sessions/{session.id}"
    for path in ("", "/edit", "/cancel", "/held", "/conclusion", "/tasks/new"):
        assert client.get(base + path).status_code == 404, path
    token = csrf_of(client, "/staff/reception/sessions/new")
    for path in ("/edit", "/cancel", "/held", "/conclusion"):
        resp = client.post(base + path, data={"csrf_token": token, **session_form(), "reason": "x"})
        assert resp.status_code == 404, path
    db.session.expire_all()
    assert db.session.get(ReceptionSession, session.id).status == "scheduled"
    # The province's supervisor reads the commune's days, but changes nothing (no SESSION_MANAGE).
    xcl = add_session("XCL", working_day(12))
    sup, _user = login_as("supervisor", "LS")
    assert sup.get(f"/staff/reception/sessions/{xcl.id}").status_code == 200
    assert sup.get(f"/staff/reception/sessions/{xcl.id}/edit").status_code == 403
    # A leader of the province does not change the commune's day either: it is not theirs.
    ls_leader, _user = login_as("leader", "LS")
    assert ls_leader.get(f"/staff/reception/sessions/{xcl.id}/edit").status_code == 404


def test_schedule_scope_and_supervisor_filter(login_as):
    day = working_day(10)
    add_session("XCL", day, place="Nhà văn hóa Cao Lộc")
    add_session("PLVT", day, place="Trụ sở phường Lương Văn Tri")
    client, _user = login_as("handler", "XCL")
    page = text(client.get(f"/staff/reception/sessions/?month={day:%Y-%m}"))
    assert "Nhà văn hóa Cao Lộc" in page and "Trụ sở phường Lương Văn Tri" not in page
    assert 'name="agency"' not in page  # no agency filter for a single agency
    sup, _user = login_as("supervisor", "LS")
    page = text(sup.get(f"/staff/reception/sessions/?month={day:%Y-%m}"))
    assert "Nhà văn hóa Cao Lộc" in page and "Trụ sở phường Lương Văn Tri" in page
    page = text(sup.get(f"/staff/reception/sessions/?month={day:%m/%Y}&agency={agency('PLVT').id}"))
    assert "Nhà văn hóa Cao Lộc" not in page and "Trụ sở phường Lương Văn Tri" in page
    assert "Lên lịch tiếp" not in page  # a supervisor does not schedule


def test_month_navigation_and_a_bad_month(login_as):
    client, _user = login_as("leader", "XCL")
    page = text(client.get("/staff/reception/sessions/?month=2026-11"))
    assert "tháng 11/2026" in page and "month=2026-10" in page and "month=2026-12" in page
    page = text(client.get("/staff/reception/sessions/?month=2026-01"))
    assert "month=2025-12" in page
    resp = client.get("/staff/reception/sessions/?month=abc")
    assert resp.status_code == 200 and "Tháng có dạng năm-tháng" in text(resp)
    assert local_today().strftime("tháng %m/%Y") in text(resp)


# --- cancel and held ----------------------------------------------------------------------------

def test_cancel_after_a_confirmation_page_with_a_reason(login_as):
    client, _user = login_as("leader", "XCL")
    session = add_session("XCL", working_day(10))
    url = f"/staff/reception/sessions/{session.id}/cancel"
    page = text(client.get(url))
    assert "Hủy buổi tiếp" in page and 'name="reason"' in page
    resp = post(client, url, {"reason": ""})
    assert resp.status_code == 422 and "Hãy ghi lý do hủy." in text(resp)
    resp = post(client, url, {"reason": "Chủ tịch họp Hội đồng nhân dân"})
    assert resp.status_code == 302
    db.session.expire_all()
    session = db.session.get(ReceptionSession, session.id)
    assert (session.status, session.cancel_reason) == ("cancelled", "Chủ tịch họp Hội đồng nhân dân")
    assert events(session.id) == ["cancelled"]
    page = text(client.get(f"/staff/reception/sessions/{session.id}"))
    assert "Chủ tịch họp Hội đồng nhân dân" in page and "Ghi lượt tiếp trong buổi này" not in page
    # A cancelled day cannot be changed, cancelled again or marked held.
    assert client.get(f"/staff/reception/sessions/{session.id}/edit").status_code == 302
    resp = post(client, url, {"reason": "lần nữa"})
    assert resp.status_code == 422 and "Chỉ hủy được buổi tiếp" in text(resp)
    resp = post(client, f"/staff/reception/sessions/{session.id}/held", {})
    assert resp.status_code == 422


def test_held_cannot_be_in_the_future(login_as):
    client, _user = login_as("receptionist", "XCL")
    future = add_session("XCL", working_day(5))
    url = f"/staff/reception/sessions/{future.id}/held"
    assert "Ghi nhận đã tiếp" in text(client.get(url))
    resp = post(client, url, {})
    assert resp.status_code == 422 and "chưa đến, chưa thể ghi nhận đã tiếp" in text(resp)
    assert db.session.get(ReceptionSession, future.id).status == "scheduled"
    past = add_session("XCL", working_day(-3))
    resp = post(client, f"/staff/reception/sessions/{past.id}/held", {})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReceptionSession, past.id).status == "held"
    assert events(past.id) == ["held"]


def test_a_held_day_cannot_be_moved_into_the_future(login_as):
    client, _user = login_as("leader", "XCL")
    session = add_session("XCL", working_day(-3), status="held")
    resp = post(client, f"/staff/reception/sessions/{session.id}/edit", session_form(held_on=vn(working_day(5))))
    assert resp.status_code == 422 and "ngày tiếp không thể ở tương lai" in text(resp)


# --- the session page ---------------------------------------------------------------------------

def add_visit(session: ReceptionSession, officer, **kwargs) -> Visit:
    at = datetime.combine(session.held_on, time(9, 0), tzinfo=LOCAL_TZ)
    number = 1 + len(db.session.scalars(select(Visit.id).where(Visit.agency_id == session.agency_id)).all())
    values = dict(agency_id=session.agency_id, year=at.year, number=number, visited_at=at, officer_id=officer.id,
                  place=session.place, session_id=session.id, kind="complaint",
                  summary="Khiếu nại việc bồi thường khi thu hồi đất", outcome="settled")
    values.update(kwargs)
    visit = Visit(**values)
    db.session.add(visit)
    db.session.commit()
    return visit


def test_session_page_lists_its_visits_and_links_the_desk(login_as):
    client, user = login_as("receptionist", "XCL")
    session = add_session("XCL", working_day(-2), status="held")
    visit = add_visit(session, user)
    add_visit(session, user, kind="denunciation", summary="Tố cáo ông Nguyễn Văn B nhận tiền", is_protected=True)
    other = add_session("XCL", working_day(-10), status="held")
    add_visit(other, user, summary="Nội dung của buổi khác")
    page = text(client.get(f"/staff/reception/sessions/{session.id}"))
    assert "2 lượt tiếp" in page and visit.register_number in page
    assert "Khiếu nại việc bồi thường" in page
    assert "Nguyễn Văn B" not in page  # a denunciation's content is masked in the list
    assert "Nội dung của buổi khác" not in page
    assert f"/staff/reception/visits/new?session_id={session.id}" in page
    assert f'href="/staff/reception/visits/{visit.id}"' in page
    # The count shows on the month's schedule too.
    month = text(client.get(f"/staff/reception/sessions/?month={session.held_on:%Y-%m}"))
    assert '<td data-label="Lượt tiếp">2</td>' in month
    # A visit recorded in the day keeps it from being cancelled (it took place).
    scheduled = add_session("XCL", working_day(-1))
    add_visit(scheduled, user)
    resp = post(client, f"/staff/reception/sessions/{scheduled.id}/cancel", {"reason": "nhầm"})
    assert resp.status_code == 422 and "đã có lượt tiếp" in text(resp)


def test_supervisor_reads_but_gets_no_desk_link(login_as):
    session = add_session("XCL", working_day(-2), status="held")
    client, _user = login_as("supervisor", "LS")
    page = text(client.get(f"/staff/reception/sessions/{session.id}"))
    assert "Ghi lượt tiếp trong buổi này" not in page and "Ghi thông báo kết luận" not in page


# --- conclusion and tasks -----------------------------------------------------------------------

def conclude(client, session, issued_on: date, **overrides):
    data = {"number": "15/TB-UBND", "issued_on": vn(issued_on),
            "summary": "Giao UBND xã rà soát hồ sơ bồi thường của hộ ông A."}
    data.update(overrides)
    return post(client, f"/staff/reception/sessions/{session.id}/conclusion", data,
                page=f"/staff/reception/sessions/{session.id}")


def test_conclusion_only_for_a_held_day(login_as):
    client, _user = login_as("leader", "XCL")
    session = add_session("XCL", working_day(-5))
    resp = client.get(f"/staff/reception/sessions/{session.id}/conclusion")
    assert resp.status_code == 302
    resp = conclude(client, session, working_day(-1))
    assert resp.status_code == 302 and db.session.get(ReceptionSession, session.id).conclusion_number is None


@pytest.mark.parametrize("when,message", [
    ("before", "Ngày ban hành không thể trước ngày tiếp"),
    ("future", "Ngày ban hành không thể ở tương lai."),
    ("bad", "Ngày phải có dạng ngày/tháng/năm"),
])
def test_bad_conclusion_dates(login_as, when, message):
    client, _user = login_as("leader", "XCL")
    held_on = working_day(-5)
    session = add_session("XCL", held_on, status="held")
    issued = {"before": vn(held_on - timedelta(days=1)), "future": vn(local_today() + timedelta(days=1)),
              "bad": "hôm qua"}[when]
    resp = post(client, f"/staff/reception/sessions/{session.id}/conclusion",
                {"number": "15/TB-UBND", "issued_on": issued, "summary": "Kết luận"})
    assert resp.status_code == 422 and message in text(resp)


def task_data(agency_code: str, due: date, **overrides) -> dict:
    data = {"content": "Rà soát hồ sơ bồi thường, trả lời công dân bằng văn bản",
            "assignee_agency": str(agency(agency_code).id), "assignee_user": "", "due_on": vn(due)}
    data.update(overrides)
    return data


def test_conclusion_and_its_tasks(login_as):
    client, _user = login_as("leader", "LS")
    held_on = working_day(-6)
    session = add_session("LS", held_on, status="held")
    issued = working_day(-2)
    assert conclude(client, session, issued).status_code == 302
    page = text(client.get(f"/staff/reception/sessions/{session.id}"))
    assert "15/TB-UBND" in page and "Thêm việc" in page

    url = f"/staff/reception/sessions/{session.id}/tasks/new"
    # Due on the conclusion day itself, or before it: refused.
    for due in (issued, issued - timedelta(days=1)):
        resp = post(client, url, task_data("XCL", due))
        assert resp.status_code == 422 and "Hạn hoàn thành phải sau ngày ban hành thông báo kết luận" in text(resp)
    resp = post(client, url, task_data("XCL", issued, due_on="32/13/2026"))
    assert resp.status_code == 422 and "Ngày phải có dạng ngày/tháng/năm" in text(resp)
    resp = post(client, url, task_data("XCL", issued + timedelta(days=15), content=""))
    assert resp.status_code == 422 and "Hãy ghi nội dung việc phải làm." in text(resp)
    # The assignee user must belong to the assignee agency.
    stranger = make_user("handler", "PLVT")
    resp = post(client, url, task_data("XCL", issued + timedelta(days=15), assignee_user=str(stranger.id)))
    assert resp.status_code == 422 and "Người được giao phải là cán bộ của cơ quan được giao." in text(resp)
    assert db.session.scalars(select(Directive)).first() is None

    worker = make_user("handler", "XCL", full_name="Đinh Thị Thực")
    resp = client.post(url, data={"csrf_token": csrf_of(client, url), "another": "1",
                                  **task_data("XCL", issued + timedelta(days=15), assignee_user=str(worker.id))})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(url)
    assert post(client, url, task_data("LS", issued + timedelta(days=30), content="Báo cáo kết quả")).status_code == 302
    tasks = db.session.scalars(select(Directive).order_by(Directive.position)).all()
    assert [(t.assignee_agency.code, t.assignee_user_id, t.position, t.is_done) for t in tasks] == [
        ("XCL", worker.id, 1, False), ("LS", None, 2, False)]
    # Each item is a directive issued by the notice, and the session page links to it with its status.
    assert {(t.source, t.issuer_agency.code, t.issued_on, t.document_number, t.session_id) for t in tasks} == {
        ("reception_session", "LS", issued, "15/TB-UBND", session.id)}
    page = text(client.get(f"/staff/reception/sessions/{session.id}"))
    assert f'href="/staff/directives/{tasks[0].id}"' in page and "Đang thực hiện trong hạn" in page

    # Edit an item.
    first = tasks[0]
    edit = f"/staff/reception/sessions/{session.id}/tasks/{first.id}/edit"
    assert "Đinh Thị Thực" in text(client.get(edit))
    resp = post(client, edit, task_data("PLVT", issued + timedelta(days=20)))
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Directive, first.id).assignee_agency.code == "PLVT"

    # Done: not in the future, not before the notice, with a result.
    done = f"/staff/reception/sessions/{session.id}/tasks/{first.id}/done"
    for data, message in (
        ({"done_on": vn(local_today() + timedelta(days=1)), "result_note": "Xong"}, "không thể ở tương lai"),
        ({"done_on": vn(issued - timedelta(days=1)), "result_note": "Xong"}, "không thể trước ngày ban hành"),
        ({"done_on": vn(local_today()), "result_note": ""}, "Hãy ghi kết quả thực hiện."),
    ):
        resp = post(client, done, data)
        assert resp.status_code == 422 and message in text(resp), message
    resp = post(client, done, {"done_on": vn(local_today()), "result_note": "Đã trả lời bằng Công văn 88/UBND"})
    assert resp.status_code == 302
    db.session.expire_all()
    task = db.session.get(Directive, first.id)
    assert (task.is_done, task.done_on, task.result_note) == (True, local_today(), "Đã trả lời bằng Công văn 88/UBND")
    assert task.status_on(local_today()).value == "done_on_time"
    page = text(client.get(f"/staff/reception/sessions/{session.id}"))
    assert "Hoàn thành đúng hạn" in page and "Đã trả lời bằng Công văn 88/UBND" in page
    assert client.get(edit).status_code == 302  # a done item is not edited
    assert events(session.id) == ["conclusion_issued", "task_added", "task_added", "task_updated", "task_done"]

    # A conclusion date moved onto or past a task's due date is refused.
    tasks[1].due_on = issued + timedelta(days=1)
    db.session.commit()
    resp = conclude(client, session, issued + timedelta(days=1))
    assert resp.status_code == 422 and "hạn của mỗi việc phải sau ngày ban hành thông báo" in text(resp)


def test_tasks_only_for_the_agency_and_below(login_as):
    client, _user = login_as("leader", "XCL")
    session = add_session("XCL", working_day(-6), status="held")
    assert conclude(client, session, working_day(-2)).status_code == 302
    url = f"/staff/reception/sessions/{session.id}/tasks/new"
    page = text(client.get(url))
    assert f'value="{agency("TTLS").id}"' not in page and f'value="{agency("XCL").id}"' in page
    resp = post(client, url, task_data("TTLS", local_today() + timedelta(days=10)))
    assert resp.status_code == 422 and "Cơ quan được giao phải là cơ quan này" in text(resp)


def test_no_tasks_before_a_conclusion(login_as):
    client, _user = login_as("leader", "XCL")
    session = add_session("XCL", working_day(-6), status="held")
    assert client.get(f"/staff/reception/sessions/{session.id}/tasks/new").status_code == 302
    token = csrf_of(client, f"/staff/reception/sessions/{session.id}")
    resp = client.post(f"/staff/reception/sessions/{session.id}/tasks/new",
                       data={"csrf_token": token, **task_data("XCL", local_today() + timedelta(days=10))})
    assert resp.status_code == 302 and db.session.scalars(select(Directive)).first() is None


# --- duty rules ---------------------------------------------------------------------------------

def test_rules_page_and_edit_by_admin_only(login_as):
    load_duty_rules()
    db.session.commit()
    rule = db.session.scalars(select(ReceptionDutyRule).where(ReceptionDutyRule.agency_level == "commune")).one()
    leader, _user = login_as("leader", "XCL")
    page = text(leader.get("/staff/reception/sessions/rules"))
    assert "Điều 15 khoản 2 điểm d" in page and f"/rules/{rule.id}/edit" not in page
    assert leader.get(f"/staff/reception/sessions/rules/{rule.id}/edit").status_code == 403
    token = csrf_of(leader, "/staff/reception/sessions/rules")
    resp = leader.post(f"/staff/reception/sessions/rules/{rule.id}/edit",
                       data={"csrf_token": token, "days": "2", "period": "month"})
    assert resp.status_code == 403

    admin, _user = login_as("admin", "LS")
    page = text(admin.get("/staff/reception/sessions/rules"))
    assert f"/staff/reception/sessions/rules/{rule.id}/edit" in page
    url = f"/staff/reception/sessions/rules/{rule.id}/edit"
    for data, message in (({"days": "0", "period": "month"}, "Số ngày từ 1 đến 31."),
                          ({"days": "hai", "period": "month"}, "Hãy nhập một số nguyên"),
                          ({"days": "8", "period": "week"}, "Số ngày từ 1 đến 7 trong một kỳ."),
                          ({"days": "2", "period": "year"}, "Kỳ tính không hợp lệ.")):
        resp = post(admin, url, data)
        assert resp.status_code == 422 and message in text(resp), message
    resp = post(admin, url, {"days": "2", "period": "month", "unverified": "y"})  # delegation unticked
    assert resp.status_code == 302
    db.session.expire_all()
    rule = db.session.get(ReceptionDutyRule, rule.id)
    assert (rule.days, rule.period, rule.delegation_allowed, rule.unverified) == (2, "month", False, True)
    assert "⚠ chưa kiểm chứng" in text(admin.get("/staff/reception/sessions/rules"))
    assert db.session.scalars(select(Event.action).where(Event.subject_type == "duty_rule")).all() == ["updated"]
    # The warnings follow the edited rule.
    page = text(leader.get("/staff/reception/sessions/"))
    assert "cần ít nhất 2 ngày" in page


def test_schedule_shows_this_months_warnings(login_as):
    load_duty_rules()
    db.session.commit()
    client, _user = login_as("leader", "XCL")
    page = text(client.get("/staff/reception/sessions/"))
    box = page[page.index('id="duty-warnings"'):]
    box = box[:box.index("</div>")]
    assert "Ủy ban nhân dân xã Cao Lộc" in box and "Điều 15" in box and "cần ít nhất 1 ngày, có 0" in box
    other = text(client.get(f"/staff/reception/sessions/?month={local_today().year + 1}-01"))
    assert 'id="duty-warnings"' not in other
