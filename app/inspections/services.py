"""Operations on inspections (cuộc thanh tra): record and change one, its conclusion and the figures
found, the money and land recovered (each a dated row), and the follow-up of its other
recommendations (kiểm tra, đôn đốc sau thanh tra).

Each operation checks its rules, changes rows, writes an "inspection" event and flushes — the view
commits once. A refusal raises `InspectionError`, naming the form field it concerns. Money is in
đồng (int), land in m² (Decimal, one decimal place). The acting user and today's date are passed
in: nothing here reads the request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.auth.permissions import Permission
from app.extensions import db
from app.formatting import format_date, format_number
from app.inspections.models import (
    Inspection,
    InspectionFollowUp,
    InspectionKind,
    InspectionRecovery,
    InspectionTopic,
)

# Bounds that keep a typing slip (three zeros too many) out of the figures and inside the columns
# (BigInteger; Numeric(14, 1)): a million billion đồng, a million hectares.
MAX_MONEY = 10**15
MAX_LAND = Decimal(10**10)
MAX_COUNT = 100_000
TENTH = Decimal("0.1")


class InspectionError(ValueError):
    """A change the rules refuse; the message is for the user, `field` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def can_manage(user, inspection: Inspection) -> bool:
    """Record, change, conclude, add recoveries: INSPECTION_MANAGE, and only in one's own agency.

    A supervisor of the body above reads the inspection; it does not change it."""
    return user.can(Permission.INSPECTION_MANAGE) and inspection.agency_id == user.agency_id


def format_money(value) -> str:
    """`1.391.100.000 đồng`."""
    return f"{format_number(value or 0)} đồng"


def format_land(value) -> str:
    """`1.200,5 m²`."""
    return f"{format_number(value or 0, 1)} m²"


def _actor(actor) -> dict:
    return {"actor_user_id": actor.id, "actor_label": actor.full_name}


def _event(inspection: Inspection, action: str, actor, note: str | None = None) -> None:
    record_event("inspection", inspection.id, action, note=note, **_actor(actor))


def _changes(obj, values: dict) -> str:
    """`name: old -> new; …` for the fields that change (the note of an "updated" event)."""
    return "; ".join(f"{k}: {getattr(obj, k)!r} -> {v!r}" for k, v in values.items() if getattr(obj, k) != v)


def _text(value: str | None, field: str, *, required, limit: int) -> str | None:
    """Stripped text; refused when missing (if `required` is the message) or longer than `limit`."""
    value = (value or "").strip()
    if not value:
        if required:
            raise InspectionError(required, field)
        return None
    if len(value) > limit:
        raise InspectionError(_l("Tối đa %(n)s ký tự.", n=format_number(limit)), field)
    return value


def _money(value, field: str) -> int:
    """An amount in đồng: blank is 0; negative or absurdly large is refused."""
    value = int(value or 0)
    if value < 0:
        raise InspectionError(_l("Số tiền không được âm."), field)
    if value >= MAX_MONEY:
        raise InspectionError(_l("Số tiền quá lớn. Hãy kiểm tra lại số chữ số (tính bằng đồng)."), field)
    return value


def _land(value, field: str) -> Decimal:
    """An area in m² with at most one decimal: blank is 0; negative or absurdly large is refused."""
    value = Decimal(str(value)) if value not in (None, "") else Decimal(0)
    if value < 0:
        raise InspectionError(_l("Diện tích không được âm."), field)
    if value >= MAX_LAND:
        raise InspectionError(_l("Diện tích quá lớn. Hãy kiểm tra lại số chữ số (tính bằng m²)."), field)
    if value != value.quantize(TENTH):
        raise InspectionError(_l("Diện tích ghi tới một chữ số thập phân, ví dụ 1.200,5."), field)
    return value.quantize(TENTH)


def _count(value, field: str) -> int:
    value = int(value or 0)
    if value < 0:
        raise InspectionError(_l("Số không được âm."), field)
    if value > MAX_COUNT:
        raise InspectionError(_l("Số quá lớn. Hãy kiểm tra lại."), field)
    return value


def recovered_money(inspection: Inspection) -> int:
    """Money recovered so far (all recovery rows)."""
    return sum((r.money or 0) for r in inspection.recoveries)


def recovered_land(inspection: Inspection) -> Decimal:
    """Land recovered so far (all recovery rows)."""
    return sum((Decimal(str(r.land or 0)) for r in inspection.recoveries), Decimal(0)).quantize(TENTH)


# --- the inspection -----------------------------------------------------------------------------

@dataclass
class InspectionData:
    """What the inspection form gives (shaped by the form)."""

    kind: str
    topic: str
    title: str
    subject: str
    decision_number: str
    started_on: date | None
    decision_date: date | None = None
    ended_on: date | None = None
    conclusion_due: date | None = None


def _check_inspection(data: InspectionData, *, today: date, inspection: Inspection | None = None) -> dict:
    """Check the inspection form against the rules; return the column values to set."""
    if data.kind not in {k.value for k in InspectionKind}:
        raise InspectionError(_l("Hãy chọn thanh tra theo kế hoạch hay đột xuất."), "kind")
    if data.topic not in {t.value for t in InspectionTopic}:
        raise InspectionError(_l("Hãy chọn nội dung thanh tra."), "topic")
    title = _text(data.title, "title", required=_l("Hãy nhập tên cuộc thanh tra."), limit=300)
    subject = _text(data.subject, "subject", required=_l("Hãy nhập đối tượng thanh tra."), limit=300)
    number = _text(data.decision_number, "decision_number", required=_l("Hãy nhập số quyết định thanh tra."),
                   limit=60)
    started = data.started_on
    if started is None:
        raise InspectionError(_l("Hãy nhập ngày bắt đầu thanh tra."), "started_on")
    if started > today:
        raise InspectionError(_l("Ngày bắt đầu thanh tra không thể ở tương lai: cuộc thanh tra được ghi từ ngày "
                                 "công bố quyết định thanh tra."), "started_on")
    if data.decision_date is not None:
        if data.decision_date > today:
            raise InspectionError(_l("Ngày ký quyết định không thể ở tương lai."), "decision_date")
        if data.decision_date > started:
            raise InspectionError(_l("Ngày ký quyết định không thể sau ngày bắt đầu thanh tra (%(day)s).",
                                     day=format_date(started)), "decision_date")
    if data.ended_on is not None:
        if data.ended_on < started:
            raise InspectionError(_l("Ngày kết thúc không thể trước ngày bắt đầu thanh tra (%(day)s).",
                                     day=format_date(started)), "ended_on")
        if data.ended_on > today:
            raise InspectionError(_l("Ngày kết thúc thanh tra trực tiếp chưa đến. Hãy để trống và ghi sau khi "
                                     "kết thúc."), "ended_on")
    if data.conclusion_due is not None:
        if data.conclusion_due < started:
            raise InspectionError(_l("Hạn ban hành kết luận không thể trước ngày bắt đầu thanh tra (%(day)s).",
                                     day=format_date(started)), "conclusion_due")
        if data.ended_on is not None and data.conclusion_due < data.ended_on:
            raise InspectionError(_l("Hạn ban hành kết luận không thể trước ngày kết thúc thanh tra trực tiếp "
                                     "(%(day)s).", day=format_date(data.ended_on)), "conclusion_due")
    concluded = inspection.concluded_on if inspection is not None else None
    if concluded is not None:
        if started > concluded:
            raise InspectionError(_l("Ngày bắt đầu không thể sau ngày ban hành kết luận (%(day)s).",
                                     day=format_date(concluded)), "started_on")
        if data.ended_on is not None and data.ended_on > concluded:
            raise InspectionError(_l("Ngày kết thúc không thể sau ngày ban hành kết luận (%(day)s).",
                                     day=format_date(concluded)), "ended_on")
    return {"kind": data.kind, "topic": data.topic, "title": title, "subject": subject, "decision_number": number,
            "decision_date": data.decision_date, "started_on": started, "ended_on": data.ended_on,
            "conclusion_due": data.conclusion_due}


def create_inspection(data: InspectionData, *, actor, today: date) -> Inspection:
    """Record an inspection of the actor's agency."""
    if not actor.can(Permission.INSPECTION_MANAGE):
        raise InspectionError(_l("Bạn không có quyền ghi cuộc thanh tra."))
    values = _check_inspection(data, today=today)
    inspection = Inspection(agency_id=actor.agency_id, created_by_id=actor.id, **values)
    db.session.add(inspection)
    db.session.flush()
    _event(inspection, "created", actor, note=f"{inspection.decision_number} {format_date(inspection.started_on)}")
    return inspection


def update_inspection(inspection: Inspection, data: InspectionData, *, actor, today: date) -> Inspection:
    """Change an inspection's decision, subject and dates."""
    if not can_manage(actor, inspection):
        raise InspectionError(_l("Chỉ cơ quan tiến hành thanh tra được sửa cuộc thanh tra này."))
    values = _check_inspection(data, today=today, inspection=inspection)
    note = _changes(inspection, values)
    for key, value in values.items():
        setattr(inspection, key, value)
    db.session.flush()
    _event(inspection, "updated", actor, note=note or None)
    return inspection


def delete_inspection(inspection: Inspection, *, actor) -> None:
    """Delete a whole inspection with its recoveries and follow-ups (after the confirmation page).

    The "deleted" event stays, with what the inspection was: events and the audit log are kept."""
    if not can_manage(actor, inspection):
        raise InspectionError(_l("Chỉ cơ quan tiến hành thanh tra được xóa cuộc thanh tra này."))
    note = (f"{inspection.decision_number} {format_date(inspection.started_on)}: {inspection.title[:160]}; "
            f"{len(inspection.recoveries)} khoản thu hồi ({format_money(recovered_money(inspection))}), "
            f"{len(inspection.followups)} kiến nghị theo dõi")
    _event(inspection, "deleted", actor, note=note)
    db.session.delete(inspection)  # the recoveries and follow-ups with it (cascade)
    db.session.flush()


# --- the conclusion -----------------------------------------------------------------------------

@dataclass
class ConclusionData:
    """What the conclusion form gives. Blank figures are 0."""

    number: str
    concluded_on: date | None
    money_violation: int | None = 0
    money_recommended: int | None = 0
    land_violation: Decimal | float | None = 0
    land_recommended: Decimal | float | None = 0
    people_recommended_discipline: int | None = 0
    cases_to_investigation: int | None = 0
    other_recommendations: str | None = None


def record_conclusion(inspection: Inspection, data: ConclusionData, *, actor, today: date) -> Inspection:
    """Record (or correct) the conclusion: its number and date and the figures it found.

    Money (land) recommended for recovery cannot exceed the money (land) found in violation, nor
    fall below what has already been recovered; the date cannot be after the first recovery."""
    if not can_manage(actor, inspection):
        raise InspectionError(_l("Chỉ cơ quan tiến hành thanh tra được ghi kết luận."))
    number = _text(data.number, "number", required=_l("Hãy nhập số kết luận thanh tra."), limit=60)
    day = data.concluded_on
    if day is None:
        raise InspectionError(_l("Hãy nhập ngày ban hành kết luận."), "concluded_on")
    if day > today:
        raise InspectionError(_l("Ngày ban hành kết luận không thể ở tương lai."), "concluded_on")
    if day < inspection.started_on:
        raise InspectionError(_l("Ngày ban hành kết luận không thể trước ngày bắt đầu thanh tra (%(day)s).",
                                 day=format_date(inspection.started_on)), "concluded_on")
    if inspection.ended_on is not None and day < inspection.ended_on:
        raise InspectionError(_l("Ngày ban hành kết luận không thể trước ngày kết thúc thanh tra trực tiếp "
                                 "(%(day)s).", day=format_date(inspection.ended_on)), "concluded_on")
    first = min((r.recovered_on for r in inspection.recoveries), default=None)
    if first is not None and day > first:
        raise InspectionError(_l("Đã có khoản thu hồi ngày %(day)s: ngày ban hành kết luận không thể sau ngày đó.",
                                 day=format_date(first)), "concluded_on")

    money_violation = _money(data.money_violation, "money_violation")
    money_recommended = _money(data.money_recommended, "money_recommended")
    if money_recommended > money_violation:
        raise InspectionError(_l("Số tiền kiến nghị thu hồi (%(rec)s) không thể lớn hơn số tiền phát hiện sai phạm "
                                 "(%(found)s).", rec=format_money(money_recommended),
                                 found=format_money(money_violation)), "money_recommended")
    money_in = recovered_money(inspection)
    if money_recommended < money_in:
        raise InspectionError(_l("Đã thu hồi %(done)s: số tiền kiến nghị thu hồi không thể nhỏ hơn số đã thu hồi.",
                                 done=format_money(money_in)), "money_recommended")
    land_violation = _land(data.land_violation, "land_violation")
    land_recommended = _land(data.land_recommended, "land_recommended")
    if land_recommended > land_violation:
        raise InspectionError(_l("Diện tích đất kiến nghị thu hồi (%(rec)s) không thể lớn hơn diện tích phát hiện "
                                 "sai phạm (%(found)s).", rec=format_land(land_recommended),
                                 found=format_land(land_violation)), "land_recommended")
    land_in = recovered_land(inspection)
    if land_recommended < land_in:
        raise InspectionError(_l("Đã thu hồi %(done)s đất: diện tích kiến nghị thu hồi không thể nhỏ hơn số đã "
                                 "thu hồi.", done=format_land(land_in)), "land_recommended")
    values = {
        "conclusion_number": number, "concluded_on": day,
        "money_violation": money_violation, "money_recommended": money_recommended,
        "land_violation": land_violation, "land_recommended": land_recommended,
        "people_recommended_discipline": _count(data.people_recommended_discipline, "people_recommended_discipline"),
        "cases_to_investigation": _count(data.cases_to_investigation, "cases_to_investigation"),
        "other_recommendations": _text(data.other_recommendations, "other_recommendations", required=None,
                                       limit=10000),
    }
    first_time = inspection.concluded_on is None
    note = _changes(inspection, values)
    for key, value in values.items():
        setattr(inspection, key, value)
    db.session.flush()
    if first_time:
        late = inspection.conclusion_late(today)
        _event(inspection, "concluded", actor,
               note=f"{number} {format_date(day)}" + (" (chậm so với hạn)" if late else ""))
    else:
        _event(inspection, "conclusion_updated", actor, note=note or None)
    return inspection


# --- recovery -----------------------------------------------------------------------------------

@dataclass
class RecoveryData:
    """Money and/or land recovered on a day (what the recovery form gives)."""

    recovered_on: date | None
    money: int | None = 0
    land: Decimal | float | None = 0
    document: str | None = None
    note: str | None = None


def add_recovery(inspection: Inspection, data: RecoveryData, *, actor, today: date) -> InspectionRecovery:
    """Record money and/or land recovered on a day. The total cannot exceed what was recommended."""
    if not can_manage(actor, inspection):
        raise InspectionError(_l("Chỉ cơ quan tiến hành thanh tra được ghi kết quả thu hồi."))
    if inspection.concluded_on is None:
        raise InspectionError(_l("Chỉ ghi kết quả thu hồi sau khi đã ban hành kết luận thanh tra."))
    day = data.recovered_on
    if day is None:
        raise InspectionError(_l("Hãy nhập ngày thu hồi."), "recovered_on")
    if day > today:
        raise InspectionError(_l("Ngày thu hồi không thể ở tương lai."), "recovered_on")
    if day < inspection.concluded_on:
        raise InspectionError(_l("Ngày thu hồi không thể trước ngày ban hành kết luận (%(day)s).",
                                 day=format_date(inspection.concluded_on)), "recovered_on")
    money = _money(data.money, "money")
    land = _land(data.land, "land")
    if money == 0 and land == 0:
        raise InspectionError(_l("Hãy nhập số tiền hoặc diện tích đất đã thu hồi."), "money")
    if money:
        done = recovered_money(inspection)
        left = inspection.money_recommended - done
        if inspection.money_recommended == 0:
            raise InspectionError(_l("Kết luận không kiến nghị thu hồi tiền."), "money")
        if money > left:
            raise InspectionError(_l("Vượt số tiền còn phải thu hồi: kết luận kiến nghị thu hồi %(rec)s, đã thu hồi "
                                     "%(done)s, còn %(left)s.", rec=format_money(inspection.money_recommended),
                                     done=format_money(done), left=format_money(left)), "money")
    if land:
        done_land = recovered_land(inspection)
        recommended_land = Decimal(str(inspection.land_recommended or 0))
        left_land = recommended_land - done_land
        if recommended_land == 0:
            raise InspectionError(_l("Kết luận không kiến nghị thu hồi đất."), "land")
        if land > left_land:
            raise InspectionError(_l("Vượt diện tích đất còn phải thu hồi: kết luận kiến nghị thu hồi %(rec)s, đã thu "
                                     "hồi %(done)s, còn %(left)s.", rec=format_land(recommended_land),
                                     done=format_land(done_land), left=format_land(left_land)), "land")
    recovery = InspectionRecovery(
        inspection=inspection, recovered_on=day, money=money, land=land, created_by_id=actor.id,
        document=_text(data.document, "document", required=None, limit=200),
        note=_text(data.note, "note", required=None, limit=2000))
    db.session.add(recovery)
    db.session.flush()
    _event(inspection, "recovery_added", actor,
           note=f"{format_date(day)}: {format_money(money)}, {format_land(land)}")
    return recovery


def get_recovery(inspection: Inspection, recovery_id: int) -> InspectionRecovery | None:
    """A recovery row of this inspection (None for another inspection's row)."""
    recovery = db.session.get(InspectionRecovery, recovery_id)
    return recovery if recovery is not None and recovery.inspection_id == inspection.id else None


def delete_recovery(recovery: InspectionRecovery, *, actor) -> None:
    """Remove a recovery row recorded by mistake (the event keeps what it said)."""
    inspection = recovery.inspection
    if not can_manage(actor, inspection):
        raise InspectionError(_l("Chỉ cơ quan tiến hành thanh tra được xóa kết quả thu hồi."))
    note = f"{format_date(recovery.recovered_on)}: {format_money(recovery.money)}, {format_land(recovery.land)}"
    inspection.recoveries.remove(recovery)
    db.session.delete(recovery)
    db.session.flush()
    _event(inspection, "recovery_deleted", actor, note=note)


# --- other recommendations and their follow-up --------------------------------------------------

def add_followup(inspection: Inspection, recommendation: str, due_on: date | None, *, actor) -> InspectionFollowUp:
    """Add a recommendation of the conclusion to follow, optionally with the date it is due."""
    if not can_manage(actor, inspection):
        raise InspectionError(_l("Chỉ cơ quan tiến hành thanh tra được theo dõi kiến nghị."))
    if inspection.concluded_on is None:
        raise InspectionError(_l("Chỉ theo dõi kiến nghị sau khi đã ban hành kết luận thanh tra."))
    text = _text(recommendation, "recommendation", required=_l("Hãy ghi nội dung kiến nghị."), limit=5000)
    if due_on is not None and due_on < inspection.concluded_on:
        raise InspectionError(_l("Hạn thực hiện không thể trước ngày ban hành kết luận (%(day)s).",
                                 day=format_date(inspection.concluded_on)), "due_on")
    followup = InspectionFollowUp(inspection=inspection, recommendation=text, due_on=due_on)
    db.session.add(followup)
    db.session.flush()
    _event(inspection, "followup_added", actor, note=text[:200])
    return followup


def get_followup(inspection: Inspection, followup_id: int) -> InspectionFollowUp | None:
    """A follow-up row of this inspection (None for another inspection's row)."""
    followup = db.session.get(InspectionFollowUp, followup_id)
    return followup if followup is not None and followup.inspection_id == inspection.id else None


def complete_followup(followup: InspectionFollowUp, done_on: date | None, result_note: str | None, *, actor,
                      today: date) -> InspectionFollowUp:
    """Record that a recommendation has been carried out: when, and what was done."""
    inspection = followup.inspection
    if not can_manage(actor, inspection):
        raise InspectionError(_l("Chỉ cơ quan tiến hành thanh tra được theo dõi kiến nghị."))
    if followup.done_on is not None:
        raise InspectionError(_l("Kiến nghị này đã được ghi nhận thực hiện xong."))
    if done_on is None:
        raise InspectionError(_l("Hãy nhập ngày thực hiện xong."), "done_on")
    if done_on > today:
        raise InspectionError(_l("Ngày thực hiện xong không thể ở tương lai."), "done_on")
    if done_on < inspection.concluded_on:
        raise InspectionError(_l("Ngày thực hiện xong không thể trước ngày ban hành kết luận (%(day)s).",
                                 day=format_date(inspection.concluded_on)), "done_on")
    followup.result_note = _text(result_note, "result_note", required=_l("Hãy ghi kết quả thực hiện."), limit=5000)
    followup.done_on = done_on
    db.session.flush()
    _event(inspection, "followup_done", actor, note=f"{format_date(done_on)}: {followup.recommendation[:160]}")
    return followup
