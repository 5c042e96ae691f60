"""Demo data of the reception desk (development only): a few visits, reception days, online slots.

Everything goes through the services, so the demo obeys the same rules as the desk. Loaded
once: nothing is added when the demo reception board already has visits.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.auth.models import User
from app.calendar.services import UnknownRule, WorkCalendar, due_date
from app.db import utcnow
from app.extensions import db
from app.formatting import local_today
from app.petitions.services import new_form_token
from app.reception import online, sessions
from app.reception.models import Visit
from app.reception.services import VisitDraft, VisitorInput, log_visit


def _user(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email)).first()


def load_demo_reception() -> int:
    """Add the demo visits, reception days and slots if the desk is empty; return the visits added."""
    desk = _user("tiepdan@demo.vn")
    chairman = _user("chutich@demo.vn")
    if desk is None or chairman is None:
        return 0
    if db.session.scalar(select(func.count(Visit.id)).where(Visit.agency_id == desk.agency_id)):
        return 0
    now = utcnow()
    place = "Trụ sở Ban Tiếp công dân tỉnh Lạng Sơn"
    group = log_visit(VisitDraft(
        visited_at=now - timedelta(days=6, hours=2), place=place, kind="complaint", people_count=12,
        summary="Mười hai hộ dân thôn Bản Làn khiếu nại mức bồi thường khi thu hồi đất làm đường tỉnh 235.",
        request="Đề nghị xem xét lại đơn giá bồi thường.", respondent="Ủy ban nhân dân xã Cao Lộc",
        outcome="petition_received", title="Khiếu nại mức bồi thường thu hồi đất làm đường tỉnh 235",
        visitors=[VisitorInput("Hoàng Văn Sơn", "020080004321", "0912345678", "Thôn Bản Làn, xã Cao Lộc"),
                  VisitorInput("Lương Thị Mai", "020185002222", None, "Thôn Bản Làn, xã Cao Lộc"),
                  VisitorInput("Vi Văn Tâm", "020075003333", None, "Thôn Bản Làn, xã Cao Lộc")]),
        user=desk, form_token=new_form_token()).visit
    log_visit(VisitDraft(
        visited_at=now - timedelta(days=2, hours=1), place=place, kind="complaint",
        summary="Hỏi kết quả giải quyết đơn khiếu nại về bồi thường đã nộp tuần trước.",
        outcome="settled", outcome_note="Đơn đang được phân loại; hẹn trả lời trong thời hạn luật định.",
        repeat_ref=f"petition:{group.petition_id}",
        visitors=[VisitorInput("Hoàng Văn Sơn", "020080004321", "0912345678", "Thôn Bản Làn, xã Cao Lộc")]),
        user=desk, form_token=new_form_token())
    log_visit(VisitDraft(
        visited_at=now - timedelta(days=1, hours=3), place=place, kind="proposal",
        summary="Phản ánh đường liên thôn Nà Pàn xuống cấp sau mưa lũ.", outcome="guided",
        guided_to="Ủy ban nhân dân xã Cao Lộc",
        visitors=[VisitorInput("Nguyễn Thị Lan", "020190001234", "0987654321", "Thôn Nà Pàn, xã Cao Lộc")]),
        user=desk, form_token=new_form_token())

    calendar = WorkCalendar.load()
    today = local_today()
    month_start = today.replace(day=1)
    held_day = calendar.next_working_day(month_start)
    if held_day < today:
        held = sessions.create_session(sessions.SessionData(
            held_on=held_day, place=place, leader_id=chairman.id, start_time="08:00"), actor=chairman, today=today)
        sessions.mark_held(held, actor=chairman, today=today)
    upcoming = calendar.next_working_day(today + timedelta(days=7))
    sessions.create_session(sessions.SessionData(
        held_on=upcoming, place=place, leader_id=chairman.id, start_time="08:00"), actor=chairman, today=today)
    try:
        first_day = calendar.next_working_day(due_date("reception.online.notice", today))
        for offset in (0, 1):
            day = calendar.next_working_day(first_day + timedelta(days=offset))
            online.publish_slot(desk, day=day, start="14:00", end="15:00", capacity=2, today=today)
    except (UnknownRule, online.OnlineError):  # no notice rule in force yet: the demo has no slots
        pass
    db.session.flush()
    return 3

