"""Daily reminders to staff (app/notifications/reminders.py, `flask reminders send`).

What a staff member would notice: one e-mail a day listing, overdue first, the open petitions
they handle and the cases they resolve that are due within N days or overdue, and for a leader the
proposals waiting for approval; nothing when nothing is due, nothing twice the same day, nothing
for a disabled account.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.agencies.models import Agency
from app.cases.models import Case
from app.cases.workflow import CaseState
from app.extensions import db
from app.formatting import local_today
from app.notifications.models import OutboxMessage
from app.notifications.reminders import ENDED_CASE_STATES, send_reminders
from app.petitions import services as intake
from app.petitions.models import Petition
from app.petitions.services import PersonData, PetitionDraft
from tests.conftest import make_user

TODAY = date(2026, 11, 20)  # a Friday


def agency(code: str) -> Agency:
    return db.session.scalars(select(Agency).where(Agency.code == code)).one()


def petition(title: str, *, handler=None, status: str = "received", due: date | None = None,
             agency_code: str = "TTLS") -> Petition:
    """A petition in the given state, handler and triage due date."""
    draft = PetitionDraft(kind="complaint", petitioner=PersonData(full_name="Nguyễn Văn An"), title=title,
                          content="Nội dung đơn.", request="Đề nghị giải quyết.", respondent="UBND xã")
    row = intake.submit_online_petition(draft, form_token=intake.new_form_token(), new_files=[],
                                        written_keys=[]).petition
    row.agency_id = agency(agency_code).id
    row.handler_id = handler.id if handler is not None else None
    row.status = status
    row.due_date = due
    db.session.flush()
    return row


def case(title: str, *, resolver, due: date | None, status: str = "accepted") -> Case:
    row = Case(kind="complaint_first", agency_id=resolver.agency_id, title=title, accepted_on=date(2026, 10, 20),
               due_rule_code="complaint.first.resolve", due_date=due, resolver_id=resolver.id, status=status)
    db.session.add(row)
    db.session.flush()
    return row


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def by_address() -> dict[str, OutboxMessage]:
    return {m.to_address: m for m in messages()}


def line(code: str, title: str, due: str | None, phrase: str | None = None) -> str:
    if due is None:
        return f"- {code} — {title} — chưa có hạn"
    return f"- {code} — {title} — hạn {due} ({phrase})"


def in_order(body: str, *parts: str) -> bool:
    positions = [body.index(p) for p in parts]
    return positions == sorted(positions)


@pytest.fixture
def office(app):
    """Staff of the provincial inspectorate (TTLS) and the commune, and what each has on the desk."""
    handler = make_user("handler", "TTLS", full_name="Trần Văn Bình")
    idle = make_user("handler", "TTLS", full_name="Lê Thị Cúc")
    leader = make_user("leader", "TTLS", full_name="Phạm Văn Dũng")
    gone = make_user("handler", "TTLS", full_name="Hoàng Văn Em")
    commune_leader = make_user("leader", "XCL", full_name="Vũ Thị Giang")
    gone.active = False

    p = {
        "overdue": petition("Đơn quá hạn", handler=handler, due=TODAY - timedelta(days=2)),
        "today": petition("Đơn hạn hôm nay", handler=handler, due=TODAY, status="classified"),
        "soon": petition("Đơn còn ba ngày", handler=handler, due=TODAY + timedelta(days=3)),
        "later": petition("Đơn còn bốn ngày", handler=handler, due=TODAY + timedelta(days=4)),
        "filed": petition("Đơn đã lưu", handler=handler, due=TODAY - timedelta(days=10), status="filed"),
        "proposed": petition("Đơn đề xuất thụ lý", handler=handler, due=TODAY - timedelta(days=1),
                             status="proposed"),
        "leaders_own": petition("Đơn lãnh đạo tự xử lý", handler=leader, due=None, status="proposed"),
        "gone": petition("Đơn của người đã nghỉ", handler=gone, due=TODAY - timedelta(days=5)),
        "commune": petition("Đơn ở xã", due=TODAY, status="proposed", agency_code="XCL"),
        "idle_later": petition("Đơn còn xa", handler=idle, due=TODAY + timedelta(days=10)),
    }
    open_case = case("Vụ việc quá hạn", resolver=handler, due=TODAY - timedelta(days=1))
    p["opened_by"] = petition("Đơn đã thụ lý", handler=handler, status="accepted")
    p["opened_by"].case_id = open_case.id
    cases = {
        "open": open_case,
        "far": case("Vụ việc còn xa", resolver=handler, due=TODAY + timedelta(days=20)),
        "suspended": case("Vụ việc tạm đình chỉ", resolver=idle, due=None, status="suspended"),
        "gone": case("Vụ việc của người đã nghỉ", resolver=gone, due=TODAY),
        **{state: case(f"Vụ việc {state}", resolver=handler, due=TODAY - timedelta(days=3), status=state)
           for state in ENDED_CASE_STATES},
    }
    db.session.commit()
    return {"handler": handler, "idle": idle, "leader": leader, "gone": gone, "commune_leader": commune_leader,
            "petitions": p, "cases": cases}


def test_ended_states_are_case_states():
    assert set(ENDED_CASE_STATES) <= {s.value for s in CaseState}


def test_each_user_gets_their_own_lines_overdue_first(office):
    report = send_reminders(today=TODAY, days=3)
    db.session.commit()
    assert (report.users, report.queued, report.already) == (3, 3, 0)
    sent = by_address()
    handler, leader = office["handler"], office["leader"]
    assert set(sent) == {handler.email, leader.email, office["commune_leader"].email}  # not idle, not gone
    p, c = office["petitions"], office["cases"]

    mail = sent[handler.email]
    assert mail.kind == "staff.reminder" and (mail.subject_type, mail.subject_id) == ("user", handler.id)
    assert mail.subject == "Nhắc việc ngày 20/11/2026: 5 việc cần xử lý"
    assert mail.dedupe_key == f"reminder:{handler.id}:2026-11-20"
    body = mail.body_text
    assert body.startswith("Kính gửi Trần Văn Bình,")
    assert "ĐƠN ĐANG XỬ LÝ (4)" in body and "VỤ VIỆC ĐANG GIẢI QUYẾT (1)" in body
    assert "ĐỀ XUẤT CHỜ" not in body  # a handler approves nothing
    expected = [
        line(p["overdue"].tracking_code, "Đơn quá hạn", "18/11/2026", "quá hạn 2 ngày"),
        line(p["proposed"].tracking_code, "Đơn đề xuất thụ lý", "19/11/2026", "quá hạn 1 ngày"),
        line(p["today"].tracking_code, "Đơn hạn hôm nay", "20/11/2026", "hạn cuối hôm nay"),
        line(p["soon"].tracking_code, "Đơn còn ba ngày", "23/11/2026", "còn 3 ngày"),
        f"- Vụ việc {p['opened_by'].tracking_code} — Vụ việc quá hạn — hạn 19/11/2026 (quá hạn 1 ngày)",
    ]
    for text in expected:
        assert text + "\n" in body, text
    assert in_order(body, *expected)
    for absent in ("Đơn còn bốn ngày", "Đơn đã lưu", "Vụ việc còn xa", "Đơn lãnh đạo tự xử lý", "Đơn ở xã",
                   *(f"Vụ việc {state}" for state in ENDED_CASE_STATES)):
        assert absent not in body, absent
    assert not any(ln != ln.rstrip() for ln in body.splitlines()) and "\n\n\n" not in body

    mail = sent[leader.email]
    assert mail.subject == "Nhắc việc ngày 20/11/2026: 2 việc cần xử lý"
    body = mail.body_text
    # The leader's own proposal is listed once, under the approvals; undated last.
    assert "ĐƠN ĐANG XỬ LÝ" not in body and "ĐỀ XUẤT CHỜ ÔNG/BÀ PHÊ DUYỆT (2)" in body
    first = line(p["proposed"].tracking_code, "Đơn đề xuất thụ lý", "19/11/2026", "quá hạn 1 ngày")
    second = line(p["leaders_own"].tracking_code, "Đơn lãnh đạo tự xử lý", None)
    assert first in body and second in body and in_order(body, first, second)
    assert "Đơn ở xã" not in body  # another agency's proposal ...
    body = sent[office["commune_leader"].email].body_text  # ... is the commune leader's
    assert line(p["commune"].tracking_code, "Đơn ở xã", "20/11/2026", "hạn cuối hôm nay") in body
    assert "Đơn đề xuất thụ lý" not in body


def test_the_window_follows_days(office):
    send_reminders(today=TODAY, days=4)
    db.session.commit()
    assert "Đơn còn bốn ngày — hạn 24/11/2026 (còn 4 ngày)" in by_address()[office["handler"].email].body_text
    send_reminders(today=TODAY + timedelta(days=1), days=0)  # the next day: only what is due or overdue
    db.session.commit()
    latest = [m for m in messages() if m.dedupe_key == f"reminder:{office['handler'].id}:2026-11-21"]
    assert len(latest) == 1 and "Đơn còn ba ngày" not in latest[0].body_text
    assert "Đơn hạn hôm nay — hạn 20/11/2026 (quá hạn 1 ngày)" in latest[0].body_text


def test_no_items_no_email(app):
    make_user("handler", "TTLS")
    make_user("leader", "TTLS")
    someone = make_user("handler", "TTLS")
    petition("Đơn còn xa", handler=someone, due=TODAY + timedelta(days=30))
    db.session.commit()
    report = send_reminders(today=TODAY)
    db.session.commit()
    assert (report.users, report.queued) == (0, 0)
    assert messages() == []


def test_running_twice_the_same_day_sends_once(office):
    first = send_reminders(today=TODAY)
    db.session.commit()
    second = send_reminders(today=TODAY)
    db.session.commit()
    assert (first.queued, first.already) == (3, 0)
    assert (second.queued, second.already) == (0, 3)
    assert len(messages()) == 3
    assert send_reminders(today=TODAY + timedelta(days=1)).queued == 3  # tomorrow is another day


def test_an_inactive_user_gets_nothing(office):
    gone = office["gone"]
    send_reminders(today=TODAY)
    db.session.commit()
    assert gone.email not in by_address()
    gone.active = True
    db.session.commit()
    send_reminders(today=TODAY)
    db.session.commit()
    body = by_address()[gone.email].body_text
    assert "Đơn của người đã nghỉ" in body and "Vụ việc của người đã nghỉ" in body


def test_command_line_prints_how_many_were_queued(app):
    handler = make_user("handler", "TTLS")
    petition("Đơn quá hạn", handler=handler, due=local_today() - timedelta(days=1))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "send", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 reminder e-mails" in result.output
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "Queued 0 reminder e-mails (1 already queued today)" in result.output
    [mail] = messages()
    assert mail.to_address == handler.email and "quá hạn 1 ngày" in mail.body_text
