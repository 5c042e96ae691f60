"""Online reception (tiếp công dân trực tuyến), added to Luật Tiếp công dân as Điều 3a by Luật 136/2025/QH15.

Staff publish slots (`OnlineSlot`) on working days, at least the notice period ahead (rule
`reception.online.notice`, data of app.calendar, ⚠ unverified). A citizen asks for a slot
without an account and follows the request with a code and an access key, like a petition.
Staff confirm with a meeting link, propose another slot, or decline with a reason; the citizen
accepts a proposal, picks another slot, or cancels. After the meeting the desk logs a visit
(channel online) prefilled by `prefill_for_visit` and calls `mark_held`; the recording of the
meeting is attached to that visit.

Seats: a slot of capacity N can hold N requests that are asked for it, confirmed or held on it,
or proposed to a citizen who has not yet answered. Only confirmed (and held) requests count
against the capacity when staff confirm.

Services flush, never commit. A rule that refuses input raises `OnlineError`, a `VisitError`,
so that the desk's handling of its own errors also covers `mark_held`. Every change writes an
event on ("online_request", id).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlsplit

import filetype
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from app.agencies.models import Agency
from app.audit.services import record_event
from app.auth.permissions import Role
from app.auth.scope import visible_agency_ids
from app.calendar.services import UnknownRule, WorkCalendar, explain_due_date
from app.counters import next_value
from app.crypto import decrypt_json, encrypt_json
from app.db import utcnow
from app.extensions import db
from app.petitions.queries import Page
from app.formatting import LOCAL_TZ, format_date, to_local
from app.petitions.labels import UNIT_LABELS
from app.petitions.models import PetitionKind
from app.petitions.tracking import derive_access_key, find_by_code_and_key, hash_access_key, sha256_hex
from app.reception.labels import ONLINE_STATUS_LABELS
from app.reception.models import (
    OnlineRequest,
    OnlineRequestStatus,
    OnlineSlot,
    Visit,
    VisitChannel,
)
from app.reception.services import VisitError

# Luật 136/2025/QH15 (Điều 3a): slots are announced this rule's period ahead (DOMAIN.md §8, ⚠).
NOTICE_RULE = "reception.online.notice"
MAX_CAPACITY = 20
PAGE_SIZE = 25

S = OnlineRequestStatus
# The states in which a request holds a seat on its `slot_id` …
SEAT_ON_SLOT = frozenset({S.REQUESTED.value, S.CONFIRMED.value, S.HELD.value})
# … and the state in which it holds one on its `proposed_slot_id`.
SEAT_ON_PROPOSED = S.PROPOSED.value
OPEN_STATES = frozenset({S.REQUESTED.value, S.PROPOSED.value, S.CONFIRMED.value})
CLOSED_STATES = frozenset({S.DECLINED.value, S.CANCELLED.value, S.HELD.value})

# action: (states it may start from, state it leads to). The one place a status changes.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirmed": (frozenset({S.REQUESTED.value, S.CONFIRMED.value}), S.CONFIRMED.value),
    "proposed": (frozenset(OPEN_STATES), S.PROPOSED.value),
    "declined": (frozenset(OPEN_STATES), S.DECLINED.value),
    "accepted_proposal": (frozenset({S.PROPOSED.value}), S.REQUESTED.value),
    "changed_slot": (frozenset({S.REQUESTED.value, S.PROPOSED.value}), S.REQUESTED.value),
    "cancelled": (frozenset(OPEN_STATES), S.CANCELLED.value),
    "held": (frozenset({S.CONFIRMED.value}), S.HELD.value),
}

# The actions offered on the staff page (the others are the citizen's or the desk's).
STAFF_ACTIONS = ("confirmed", "proposed", "declined")

# The staff list's tabs: name → statuses.
TABS: dict[str, list[str]] = {
    "requested": [S.REQUESTED.value],
    "proposed": [S.PROPOSED.value],
    "confirmed": [S.CONFIRMED.value],
    "held": [S.HELD.value],
    "closed": [S.DECLINED.value, S.CANCELLED.value],
    "all": [s.value for s in S],
}

TAB_LABELS = {
    "requested": _l("Chờ xác nhận"),
    "proposed": _l("Chờ công dân trả lời"),
    "confirmed": _l("Đã xác nhận"),
    "held": _l("Đã tiếp"),
    "closed": _l("Đã từ chối, đã hủy"),
    "all": _l("Tất cả"),
}

EVENT_LABELS = {
    "requested": _l("Công dân gửi yêu cầu tiếp trực tuyến"),
    "confirmed": _l("Cơ quan xác nhận lịch tiếp"),
    "proposed": _l("Cơ quan đề nghị thời gian khác"),
    "declined": _l("Cơ quan không bố trí được lịch tiếp"),
    "accepted_proposal": _l("Công dân đồng ý thời gian cơ quan đề nghị"),
    "changed_slot": _l("Công dân chọn thời gian khác"),
    "cancelled": _l("Công dân hủy yêu cầu"),
    "held": _l("Đã tiếp công dân"),
    "identity_revealed": _l("Đã xem danh tính người tố cáo"),
    "recording_attached": _l("Đã đính kèm bản ghi buổi tiếp"),
    "recording_replaced": _l("Đã thay bản ghi buổi tiếp"),
}

# Stored in events (data, in the source language, whatever language the citizen reads).
CITIZEN = "Công dân"


class OnlineError(VisitError):
    """A change the rules refuse; the message is for the user, `field_name` names the form field."""


class StaleRequest(OnlineError):
    """The request changed since the form was shown (someone else acted first)."""


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def _today(now: datetime) -> date:
    return to_local(now).date()


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


WEEKDAYS = [_l("thứ Hai"), _l("thứ Ba"), _l("thứ Tư"), _l("thứ Năm"), _l("thứ Sáu"), _l("thứ Bảy"),
            _l("Chủ nhật")]


def slot_label(slot: OnlineSlot) -> str:
    """`08:00–09:00 thứ Hai, 12/10/2026`: a slot as a citizen reads it (Viet Nam time)."""
    start, end = to_local(slot.starts_at), to_local(slot.ends_at)
    return f"{start:%H:%M}–{end:%H:%M} {WEEKDAYS[start.weekday()]}, {format_date(start.date())}"


def _slot_note(slot: OnlineSlot) -> str:
    """slot_label in the source language, for event notes (stored data)."""
    with force_locale("vi"):
        return slot_label(slot)


# --- the notice period ------------------------------------------------------------------------

@dataclass(frozen=True)
class Notice:
    """The earliest day a slot may be published for today, and the rule it comes from."""

    earliest: date
    days: int
    unit: str
    legal_source: str
    unverified: bool

    @property
    def period(self) -> str:
        """`5 ngày làm việc`: the period in words, in the rule's unit."""
        return f"{self.days} {UNIT_LABELS.get(self.unit, self.unit)}"


def notice(today: date) -> Notice:
    """due_date(NOTICE_RULE, today) with its rule (explain_due_date); OnlineError when no rule is in force."""
    try:
        found = explain_due_date(NOTICE_RULE, today)
    except UnknownRule as exc:
        raise OnlineError(_l("Chưa có quy định về thời hạn công bố lịch tiếp công dân trực tuyến áp dụng cho ngày "
                             "%(day)s. Quản trị viên cần khai báo quy tắc “%(code)s” trong mục Lịch và thời hạn.",
                             day=format_date(today), code=NOTICE_RULE)) from exc
    return Notice(found.due, found.rule.days, found.rule.unit, found.rule.legal_source, bool(found.rule.unverified))


# --- slots ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SlotLoad:
    """How many seats of a slot are taken, and how many of them are confirmed (or held)."""

    taken: int = 0
    confirmed: int = 0


def slot_loads(slot_ids) -> dict[int, SlotLoad]:
    """Seats taken per slot (see the module docstring), in two grouped queries."""
    ids = list(slot_ids)
    if not ids:
        return {}
    on_slot = db.session.execute(
        select(OnlineRequest.slot_id, func.count(),
               func.sum(case((OnlineRequest.status.in_([S.CONFIRMED.value, S.HELD.value]), 1), else_=0)))
        .where(OnlineRequest.slot_id.in_(ids), OnlineRequest.status.in_(SEAT_ON_SLOT))
        .group_by(OnlineRequest.slot_id)
    ).all()
    on_proposed = db.session.execute(
        select(OnlineRequest.proposed_slot_id, func.count())
        .where(OnlineRequest.proposed_slot_id.in_(ids), OnlineRequest.status == SEAT_ON_PROPOSED)
        .group_by(OnlineRequest.proposed_slot_id)
    ).all()
    taken = {i: 0 for i in ids}
    confirmed = {i: 0 for i in ids}
    for slot_id, count, conf in on_slot:
        taken[slot_id] += count
        confirmed[slot_id] = int(conf or 0)
    for slot_id, count in on_proposed:
        taken[slot_id] += count
    return {i: SlotLoad(taken[i], confirmed[i]) for i in ids}


def _holds_seat_on(req: OnlineRequest, slot_id: int) -> bool:
    if req.status in SEAT_ON_SLOT and req.slot_id == slot_id:
        return True
    return req.status == SEAT_ON_PROPOSED and req.proposed_slot_id == slot_id


def room_left(slot: OnlineSlot, *, for_request: OnlineRequest | None = None) -> int:
    """Free seats of a slot; a request's own seat on it counts as free for that request."""
    load = slot_loads([slot.id])[slot.id]
    own = 1 if for_request is not None and _holds_seat_on(for_request, slot.id) else 0
    return slot.capacity - load.taken + own


def _lock_slot(slot_id) -> OnlineSlot | None:
    """The slot, locked for this transaction (PostgreSQL) so that two requests cannot take its last seat."""
    from app.validators import parse_id

    slot_id = parse_id(slot_id)  # None for junk and for numbers no id can be
    if slot_id is None:
        return None
    return db.session.get(OnlineSlot, slot_id, with_for_update=True)


def _parse_hm(value: time | str) -> time:
    return value if isinstance(value, time) else datetime.strptime(value, "%H:%M").time()


def slot_instants(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """The start and end of a slot as aware datetimes (typed in Viet Nam time)."""
    return (datetime.combine(day, start, tzinfo=LOCAL_TZ), datetime.combine(day, end, tzinfo=LOCAL_TZ))


def _not_working_reason(day: date, calendar: WorkCalendar) -> str:
    if calendar.is_holiday(day):
        name = WorkCalendar.public_holidays(day.year, "vi").get(day)
        if name:
            return str(_l("Ngày %(day)s là ngày nghỉ lễ (%(name)s).", day=format_date(day), name=name))
        return str(_l("Ngày %(day)s là ngày nghỉ theo lịch làm việc của cơ quan.", day=format_date(day)))
    return str(_l("Ngày %(day)s là %(weekday)s, không phải ngày làm việc.", day=format_date(day),
                  weekday=WEEKDAYS[day.weekday()]))


def publish_slot(user, *, day: date, start: time | str, end: time | str, capacity: int,
                 today: date | None = None, now: datetime | None = None) -> OnlineSlot:
    """Publish a slot of the user's agency: a working day, the notice period ahead, end after start."""
    now = _now(now)
    today = today or _today(now)
    start, end = _parse_hm(start), _parse_hm(end)
    if end <= start:
        raise OnlineError(_l("Giờ kết thúc phải sau giờ bắt đầu."), "end_time")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise OnlineError(_l("Số công dân được tiếp phải từ 1 đến %(n)s.", n=MAX_CAPACITY), "capacity")
    calendar = WorkCalendar.load()
    if not calendar.is_working_day(day):
        raise OnlineError(_not_working_reason(day, calendar) + " "
                          + str(_l("Tiếp công dân trực tuyến chỉ bố trí vào ngày làm việc.")), "day")
    rule = notice(today)
    if day < rule.earliest:
        raise OnlineError(_l("Lịch tiếp trực tuyến phải được công bố trước ít nhất %(period)s: "
                             "ngày sớm nhất có thể chọn là %(earliest)s.",
                             period=rule.period, earliest=format_date(rule.earliest)), "day")
    starts_at, ends_at = slot_instants(day, start, end)
    same = db.session.scalars(select(OnlineSlot).where(
        OnlineSlot.agency_id == user.agency_id, OnlineSlot.starts_at == starts_at,
        OnlineSlot.ends_at == ends_at)).first()
    if same is not None:
        raise OnlineError(_l("Khung giờ %(slot)s đã có. Nếu muốn tiếp thêm công dân, hãy xóa khung giờ cũ "
                             "(khi chưa có yêu cầu) và tạo lại với số người lớn hơn.", slot=slot_label(same)), "day")
    slot = OnlineSlot(agency_id=user.agency_id, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                      published=True, created_by_id=user.id)
    db.session.add(slot)
    db.session.flush()
    record_event("online_slot", slot.id, "published", actor_user_id=user.id, actor_label=user.full_name,
                 note=_slot_note(slot))
    return slot


def upcoming_slots(agency_id: int, *, now: datetime | None = None) -> list[tuple[OnlineSlot, SlotLoad]]:
    """The agency's slots that have not ended, soonest first, with their seats taken."""
    now = _now(now)
    slots = list(db.session.scalars(
        select(OnlineSlot).where(OnlineSlot.agency_id == agency_id, OnlineSlot.ends_at > now)
        .order_by(OnlineSlot.starts_at, OnlineSlot.id)))
    loads = slot_loads(s.id for s in slots)
    return [(s, loads[s.id]) for s in slots]


def get_slot(user, slot_id: int) -> OnlineSlot | None:
    """A slot of the user's agency, or None (the view answers 404)."""
    return db.session.scalars(select(OnlineSlot).where(OnlineSlot.id == slot_id,
                                                       OnlineSlot.agency_id == user.agency_id)).first()


def set_published(slot: OnlineSlot, user, published: bool) -> None:
    """Show or hide a slot on the public form; requests already made keep it."""
    if slot.published == published:
        return
    slot.published = published
    record_event("online_slot", slot.id, "published" if published else "unpublished", actor_user_id=user.id,
                 actor_label=user.full_name, note=_slot_note(slot))
    db.session.flush()


def delete_slot(slot: OnlineSlot, user) -> None:
    """Delete a slot no request refers to; one with confirmed requests never (unpublish it instead)."""
    rows = db.session.scalars(select(OnlineRequest).where(
        or_(OnlineRequest.slot_id == slot.id, OnlineRequest.proposed_slot_id == slot.id))).all()
    confirmed = [r for r in rows if r.slot_id == slot.id and r.status in (S.CONFIRMED.value, S.HELD.value)]
    if confirmed:
        raise OnlineError(_l("Không thể xóa khung giờ đã có %(n)s lịch tiếp được xác nhận. Nếu không tiếp được, "
                             "hãy đề nghị công dân thời gian khác hoặc từ chối từng yêu cầu.", n=len(confirmed)))
    if rows:
        raise OnlineError(_l("Không thể xóa khung giờ đã có yêu cầu của công dân (%(n)s yêu cầu). Hãy ngừng công bố "
                             "khung giờ này; các yêu cầu đang chờ cần được đề nghị thời gian khác.", n=len(rows)))
    record_event("online_slot", slot.id, "deleted", actor_user_id=user.id, actor_label=user.full_name,
                 note=_slot_note(slot))
    db.session.delete(slot)
    db.session.flush()


def open_slots(*, now: datetime | None = None, agency_id: int | None = None) -> list[tuple[OnlineSlot, int]]:
    """Slots a citizen may ask for: published, of an active agency, on or after the notice date, with room."""
    now = _now(now)
    try:
        earliest = notice(_today(now)).earliest
    except OnlineError:
        return []  # no notice rule in force: online reception is not open yet
    stmt = (select(OnlineSlot).join(Agency, Agency.id == OnlineSlot.agency_id)
            .where(OnlineSlot.published.is_(True), Agency.active.is_(True), OnlineSlot.starts_at > now,
                   OnlineSlot.starts_at >= _local_midnight(earliest))
            .order_by(Agency.id, OnlineSlot.starts_at, OnlineSlot.id))
    if agency_id is not None:
        stmt = stmt.where(OnlineSlot.agency_id == agency_id)
    slots = list(db.session.scalars(stmt))
    loads = slot_loads(s.id for s in slots)
    return [(s, s.capacity - loads[s.id].taken) for s in slots if s.capacity > loads[s.id].taken]


def proposable_slots(req: OnlineRequest, *, now: datetime | None = None) -> list[tuple[OnlineSlot, int]]:
    """Published, future slots of the request's agency with room for it, other than its current slot."""
    now = _now(now)
    slots = list(db.session.scalars(
        select(OnlineSlot).where(OnlineSlot.agency_id == req.agency_id, OnlineSlot.published.is_(True),
                                 OnlineSlot.starts_at > now)
        .order_by(OnlineSlot.starts_at, OnlineSlot.id)))
    loads = slot_loads(s.id for s in slots)
    out = []
    for s in slots:
        if s.id == req.slot_id and req.status != S.PROPOSED.value:
            continue
        room = s.capacity - loads[s.id].taken + (1 if _holds_seat_on(req, s.id) else 0)
        if room > 0:
            out.append((s, room))
    return out


# --- requests: the citizen's side -------------------------------------------------------------

@dataclass
class RequestDraft:
    """What the public form carries, already shaped."""

    agency_id: int
    slot_id: int
    kind: str
    summary: str
    full_name: str
    id_number: str
    phone: str
    email: str | None = None


def find_by_form_token(form_token: str) -> OnlineRequest | None:
    """The request already made with this form (double submit, reload)."""
    return db.session.scalars(
        select(OnlineRequest).where(OnlineRequest.submission_token_hash == sha256_hex(form_token))).first()


def _check_citizen_slot(slot: OnlineSlot | None, agency_id: int, now: datetime,
                        req: OnlineRequest | None = None) -> OnlineSlot:
    """A slot a citizen may take: the agency's, published, on/after the notice date, with room."""
    if slot is None or not slot.published:
        raise OnlineError(_l("Khung giờ đã chọn không còn được công bố. Hãy chọn khung giờ khác."), "slot")
    if slot.agency_id != agency_id:
        raise OnlineError(_l("Khung giờ đã chọn không thuộc cơ quan đã chọn. Hãy chọn lại khung giờ."), "slot")
    if slot.starts_at <= now or slot.starts_at < _local_midnight(notice(_today(now)).earliest):
        raise OnlineError(_l("Khung giờ đã chọn không còn nhận đăng ký (quá gần hoặc đã qua). "
                             "Hãy chọn khung giờ khác."), "slot")
    if room_left(slot, for_request=req) <= 0:
        raise OnlineError(_l("Khung giờ %(slot)s đã đủ người đăng ký. Hãy chọn khung giờ khác.",
                             slot=slot_label(slot)), "slot")
    return slot


def citizen_slot_problem(slot_id, agency_id, *, now: datetime | None = None,
                         req: OnlineRequest | None = None) -> str | None:
    """Why a citizen cannot take this slot (for the form's error list), or None."""
    from app.validators import parse_id

    if parse_id(slot_id) is None or parse_id(agency_id) is None:
        return str(_l("Hãy chọn thời gian tiếp."))
    try:
        slot = db.session.get(OnlineSlot, parse_id(slot_id))
        _check_citizen_slot(slot, parse_id(agency_id), _now(now), req)
    except OnlineError as exc:  # (a ValueError too: caught first)
        return str(exc)
    except (TypeError, ValueError):
        return str(_l("Hãy chọn thời gian tiếp."))
    return None


def submit_request(draft: RequestDraft, *, form_token: str,
                   now: datetime | None = None) -> tuple[OnlineRequest, bool]:
    """Create the request (or return the one this form already made) and its code; (request, created)."""
    existing = find_by_form_token(form_token)
    if existing is not None:
        return existing, False
    now = _now(now)
    if draft.kind not in {k.value for k in PetitionKind}:
        raise OnlineError(_l("Hãy chọn nội dung cần trình bày."), "kind")
    if not draft.summary.strip():
        raise OnlineError(_l("Hãy tóm tắt nội dung bạn muốn trình bày."), "summary")
    agency = db.session.get(Agency, draft.agency_id)
    if agency is None or not agency.active:
        raise OnlineError(_l("Cơ quan đã chọn không tiếp công dân trực tuyến."), "agency")
    slot = _check_citizen_slot(_lock_slot(draft.slot_id), agency.id, now)
    year = to_local(now).year
    number = next_value("online_request", agency.id, year)
    req = OnlineRequest(
        code=f"TT-{agency.code}-{year}-{number:06d}",
        access_key_hash=hash_access_key(derive_access_key(form_token)),
        submission_token_hash=sha256_hex(form_token),
        agency_id=agency.id, status=S.REQUESTED.value, kind=draft.kind, summary=draft.summary.strip(),
        slot_id=slot.id,
    )
    identity = {"full_name": draft.full_name.strip(), "id_number": draft.id_number, "phone": draft.phone,
                "email": draft.email or None}
    if draft.kind == PetitionKind.DENUNCIATION.value:
        # Luật Tố cáo 2018 Đ.9.1.b, Đ.56: the denunciator's identity never sits in plain columns.
        req.protected_identity = encrypt_json(identity)
    else:
        req.full_name, req.id_number, req.phone, req.email = (identity["full_name"], identity["id_number"],
                                                              identity["phone"], identity["email"])
    db.session.add(req)
    db.session.flush()
    record_event("online_request", req.id, "requested", actor_label=CITIZEN, to_status=req.status,
                 note=_slot_note(slot), is_public=True)
    return req, True


def find_for_tracking(code: str, key: str) -> OnlineRequest | None:
    """The request with this code if the key matches; None for a wrong code or a wrong key alike."""
    return find_by_code_and_key(OnlineRequest, OnlineRequest.code, code, key)


def _check_version(req: OnlineRequest, version: int | None) -> None:
    if version is not None and version != req.version_id:
        raise StaleRequest(_l("Yêu cầu %(code)s vừa được thay đổi. Hãy xem thông tin mới nhất rồi thực hiện lại.",
                              code=req.code))


def _require(req: OnlineRequest, action: str) -> None:
    """Refuse an action the transition table does not allow from the request's status."""
    if req.status not in TRANSITIONS[action][0]:
        raise OnlineError(_l("Yêu cầu %(code)s đang ở trạng thái “%(status)s” nên không thể thực hiện thao tác này.",
                             code=req.code, status=ONLINE_STATUS_LABELS.get(req.status, req.status)))


def _move(req: OnlineRequest, action: str, *, actor_label: str, actor_user_id: int | None = None,
          note: str | None = None, is_public: bool = True) -> None:
    """Change the status as the transition table says, and write the event."""
    _require(req, action)
    target = TRANSITIONS[action][1]
    before = req.status
    req.status = target
    db.session.flush()
    record_event("online_request", req.id, action, actor_label=actor_label, actor_user_id=actor_user_id,
                 from_status=before, to_status=target, note=note, is_public=is_public)


def accept_proposal(req: OnlineRequest, *, version: int | None, now: datetime | None = None) -> None:
    """The citizen takes the slot staff proposed; staff then confirm it."""
    now = _now(now)
    _check_version(req, version)
    _require(req, "accepted_proposal")
    slot = _lock_slot(req.proposed_slot_id)
    if slot is None or slot.starts_at <= now:
        raise OnlineError(_l("Thời gian cơ quan đề nghị đã qua. Hãy chọn khung giờ khác hoặc hủy yêu cầu."), "slot")
    # The proposal reserved the seat, so no room check is needed here.
    req.slot_id, req.proposed_slot_id = slot.id, None
    _move(req, "accepted_proposal", actor_label=CITIZEN, note=_slot_note(slot))


def change_slot(req: OnlineRequest, *, version: int | None, slot_id, now: datetime | None = None) -> None:
    """The citizen picks another of the agency's open slots instead."""
    now = _now(now)
    _check_version(req, version)
    _require(req, "changed_slot")
    slot = _lock_slot(slot_id)
    if slot is not None and slot.id == req.slot_id and req.status == S.REQUESTED.value:
        raise OnlineError(_l("Đây là khung giờ bạn đã đăng ký. Hãy chọn một khung giờ khác."), "slot")
    slot = _check_citizen_slot(slot, req.agency_id, now, req)
    req.slot_id, req.proposed_slot_id = slot.id, None
    _move(req, "changed_slot", actor_label=CITIZEN, note=_slot_note(slot))


def cancel_request(req: OnlineRequest, *, version: int | None) -> None:
    """The citizen no longer wants to be received; the seat is freed."""
    _check_version(req, version)
    _move(req, "cancelled", actor_label=CITIZEN)


# --- requests: the staff side -----------------------------------------------------------------

def scoped_requests(user):
    """Requests of the user's agency (online reception is managed by the agency itself)."""
    return select(OnlineRequest).where(OnlineRequest.agency_id == user.agency_id)


def load_request(user, request_id) -> OnlineRequest | None:
    """A request of the user's agency, or None (the view answers 404; existence is not revealed)."""
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalars(scoped_requests(user).where(OnlineRequest.id == request_id)).first()


def list_requests(user, *, tab: str = "requested", page: int = 1) -> Page:
    """The agency's requests of one tab: open ones by meeting time, closed ones newest first."""
    statuses = TABS.get(tab, TABS["requested"])
    base = scoped_requests(user).where(OnlineRequest.status.in_(statuses))
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    stmt = base.outerjoin(OnlineSlot, OnlineSlot.id == OnlineRequest.slot_id)
    if tab in ("requested", "proposed", "confirmed"):
        stmt = stmt.order_by(OnlineSlot.starts_at.asc(), OnlineRequest.id.asc())
    else:
        stmt = stmt.order_by(OnlineRequest.created_at.desc(), OnlineRequest.id.desc())
    page = max(1, page)
    items = list(db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return Page(items, total, page, per_page=PAGE_SIZE)


def tab_counts(user) -> dict[str, int]:
    """How many requests each tab holds."""
    rows = dict(db.session.execute(
        select(OnlineRequest.status, func.count()).where(OnlineRequest.agency_id == user.agency_id)
        .group_by(OnlineRequest.status)).all())
    return {tab: sum(rows.get(s, 0) for s in statuses) for tab, statuses in TABS.items()}


def check_meeting_link(value: str | None) -> str:
    """An http(s) address with a host, no spaces, at most 500 characters."""
    link = (value or "").strip()
    if not link:
        raise OnlineError(_l("Hãy nhập đường dẫn phòng họp trực tuyến."), "meeting_link")
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in link) \
            or len(link) > 500:
        raise OnlineError(_l("Đường dẫn phòng họp phải là địa chỉ web bắt đầu bằng https:// hoặc http://, "
                             "ví dụ https://meet.example.gov.vn/tcd-123."), "meeting_link")
    return link


def _actor(user) -> dict:
    return {"actor_label": user.full_name, "actor_user_id": user.id}


def confirm_request(req: OnlineRequest, user, *, version: int | None, meeting_link: str,
                    note: str | None = None, now: datetime | None = None) -> None:
    """Agree the slot the citizen asked for and give the meeting link (again, to change the link)."""
    now = _now(now)
    _check_version(req, version)
    link = check_meeting_link(meeting_link)
    _require(req, "confirmed")
    slot = _lock_slot(req.slot_id)
    if slot is None or slot.ends_at <= now:
        raise OnlineError(_l("Khung giờ công dân đăng ký đã qua. Hãy đề nghị công dân thời gian khác."), "slot")
    if req.status != S.CONFIRMED.value:
        confirmed = db.session.scalar(select(func.count()).where(
            OnlineRequest.slot_id == slot.id, OnlineRequest.id != req.id,
            OnlineRequest.status.in_([S.CONFIRMED.value, S.HELD.value])))
        if confirmed >= slot.capacity:
            raise OnlineError(_l("Khung giờ %(slot)s đã đủ %(n)s công dân được xác nhận. Hãy đề nghị công dân "
                                 "thời gian khác.", slot=slot_label(slot), n=slot.capacity))
    req.meeting_link = link
    req.staff_note = (note or "").strip() or None
    req.decided_by_id = user.id
    _move(req, "confirmed", note=req.staff_note, **_actor(user))


def propose_slot(req: OnlineRequest, user, *, version: int | None, slot_id, note: str | None = None,
                 now: datetime | None = None) -> None:
    """Offer the citizen another published, future slot of the agency that has room."""
    now = _now(now)
    _check_version(req, version)
    _require(req, "proposed")
    slot = _lock_slot(slot_id)
    if slot is None:
        raise OnlineError(_l("Hãy chọn khung giờ đề nghị."), "slot")
    if slot.agency_id != req.agency_id:
        raise OnlineError(_l("Khung giờ đã chọn không thuộc cơ quan của bạn."), "slot")
    if not slot.published or slot.starts_at <= now:
        raise OnlineError(_l("Chỉ đề nghị được khung giờ đang công bố và chưa diễn ra."), "slot")
    if slot.id == req.slot_id and req.status != S.PROPOSED.value:
        raise OnlineError(_l("Đây là khung giờ công dân đã đăng ký; hãy xác nhận thay vì đề nghị."), "slot")
    if room_left(slot, for_request=req) <= 0:
        raise OnlineError(_l("Khung giờ %(slot)s đã đủ người.", slot=slot_label(slot)), "slot")
    req.proposed_slot_id = slot.id
    req.meeting_link = None  # a new time needs a new confirmation, and its own link
    req.staff_note = (note or "").strip() or None
    req.decided_by_id = user.id
    text = _slot_note(slot) + (f" — {req.staff_note}" if req.staff_note else "")
    _move(req, "proposed", note=text, **_actor(user))


def decline_request(req: OnlineRequest, user, *, version: int | None, reason: str) -> None:
    """Decline with a reason the citizen reads."""
    _check_version(req, version)
    reason = (reason or "").strip()
    if not reason:
        raise OnlineError(_l("Hãy ghi lý do để công dân được biết."), "reason")
    req.staff_note = reason
    req.decided_by_id = user.id
    req.meeting_link = None
    _move(req, "declined", note=reason, **_actor(user))


def mark_held(online_request: OnlineRequest, visit: Visit, *, user=None) -> None:
    """Called by the desk after log_visit: the confirmed request was received, as this visit."""
    if visit.online_request_id not in (None, online_request.id) or visit.agency_id != online_request.agency_id:
        raise OnlineError(_l("Lượt tiếp không thuộc yêu cầu tiếp trực tuyến %(code)s.", code=online_request.code))
    actor = user or visit.officer
    _move(online_request, "held", actor_label=actor.full_name if actor is not None else CITIZEN,
          actor_user_id=actor.id if actor is not None else visit.officer_id, note=visit.register_number)


# --- the requester's identity -----------------------------------------------------------------

def can_see_identity(user, req: OnlineRequest) -> bool:
    """A denunciator's identity: a leader of the agency only (Luật Tố cáo 2018 Đ.9, Đ.56)."""
    return req.agency_id == user.agency_id and user.role == Role.LEADER.value


def requester(req: OnlineRequest, user=None, *, log: bool = True) -> dict | None:
    """Name, ID number, phone, e-mail; a denunciator's only for `can_see_identity` (the read is logged)."""
    if req.protected_identity is None:
        return {"full_name": req.full_name, "id_number": req.id_number, "phone": req.phone, "email": req.email}
    if user is None or not can_see_identity(user, req):
        return None
    data = decrypt_json(req.protected_identity)
    if log:
        from app.audit.models import IdentityAccess

        db.session.add(IdentityAccess(user_id=user.id, online_request_id=req.id))
        record_event("online_request", req.id, "identity_revealed", **_actor(user))
    return data


def prefill_for_visit(online_request: OnlineRequest, user=None) -> dict:
    """What the desk form starts from when it records this online reception.

    Keys: kind, summary, full_name, id_number, phone, meeting_link, visited_at (the slot's start,
    aware), channel ("online"), online_request_id, is_protected. For a denunciation the identity
    is filled in only for a `user` who may see it (a leader; the read is logged); otherwise the
    three identity values are None and the officer types what the citizen tells them.
    """
    who = requester(online_request, user) or {}
    return {
        "kind": online_request.kind,
        "summary": online_request.summary,
        "full_name": who.get("full_name"),
        "id_number": who.get("id_number"),
        "phone": who.get("phone"),
        "meeting_link": online_request.meeting_link,
        "visited_at": online_request.slot.starts_at if online_request.slot is not None else None,
        "channel": VisitChannel.ONLINE.value,
        "online_request_id": online_request.id,
        "is_protected": online_request.protected_identity is not None,
    }


def visit_of(req: OnlineRequest) -> Visit | None:
    """The visit that recorded this request, if any."""
    return db.session.scalars(select(Visit).where(Visit.online_request_id == req.id)
                              .order_by(Visit.id.desc())).first()


# --- recordings -------------------------------------------------------------------------------

# What a recording may be, recognised by content (filetype): MIME → (extension, label).
RECORDING_TYPES = {
    "video/mp4": ("mp4", "MP4"),
    "video/x-m4v": ("mp4", "MP4"),
    "video/webm": ("webm", "WebM"),
    "audio/mpeg": ("mp3", "MP3"),
    "audio/mp4": ("m4a", "M4A"),
    "audio/aac": ("aac", "AAC"),
    "audio/ogg": ("ogg", "OGG"),
}
DEFAULT_MAX_RECORDING_BYTES = 200 * 1024 * 1024


def size_label(n: int) -> str:
    """A byte count for people: `200 MB`, `64 KB`."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{max(1, n // 1024)} KB"


class RecordingRejected(OnlineError):
    """The file is not an accepted recording."""


@dataclass(frozen=True)
class RecordingType:
    """What a recording was recognised as."""

    mime: str
    extension: str
    label: str


def check_recording(head: bytes) -> RecordingType:
    """Identify a recording from its first bytes; never from its name or the browser's type."""
    if not head:
        raise RecordingRejected(_l("Tệp rỗng."), "recording")
    kind = filetype.guess(head[:8192])
    if kind is None or kind.mime not in RECORDING_TYPES:
        raise RecordingRejected(_l("Tệp không phải bản ghi âm, ghi hình được chấp nhận. Chỉ nhận MP4, WebM, MP3, "
                                   "M4A/AAC hoặc OGG (nhận biết theo nội dung tệp, không theo tên tệp)."),
                                "recording")
    extension, label = RECORDING_TYPES[kind.mime]
    return RecordingType(kind.mime, extension, label)


def _recording_name(filename: str | None, kind: RecordingType, visit: Visit) -> str:
    """The uploaded name without path or control characters, with the extension of what it really is."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    stem = name.rsplit(".", 1)[0].strip() if "." in name else name
    stem = stem[:120] or f"ghi-hinh-luot-tiep-{visit.number}-{visit.year}"
    return f"{stem}.{kind.extension}"


def get_online_visit(user, visit_id: int, *, for_change: bool) -> Visit | None:
    """An online visit the user may read (agency or subtree) or change (own agency only)."""
    stmt = select(Visit).where(Visit.id == visit_id, Visit.channel == VisitChannel.ONLINE.value)
    if for_change:
        stmt = stmt.where(Visit.agency_id == user.agency_id)
    else:
        stmt = stmt.where(Visit.agency_id.in_(visible_agency_ids(user)))
    return db.session.scalars(stmt).first()


def can_read_recording(user, visit: Visit) -> bool:
    """A denunciator is seen and heard in the recording: as for the identity (reception.services)."""
    from app.reception.services import can_see_identity as can_see_visit_identity

    return not visit.is_protected or can_see_visit_identity(user, visit)


def attach_recording(visit: Visit, user, *, data: bytes, filename: str | None, replace: bool,
                     max_bytes: int, written_keys: list[str]) -> str | None:
    """Store the recording of an online visit; return the storage key it replaced (to delete after commit)."""
    from app.storage import files
    from app.storage.inspect import UploadRejected, scan_for_malware

    if visit.channel != VisitChannel.ONLINE.value:
        raise OnlineError(_l("Chỉ lượt tiếp trực tuyến mới có bản ghi."))
    if visit.recording_key and not replace:
        raise OnlineError(_l("Lượt tiếp này đã có bản ghi “%(name)s”. Hãy đánh dấu xác nhận thay bản ghi cũ nếu "
                             "muốn tải lên bản mới.", name=visit.recording_name), "replace")
    if len(data) > max_bytes:
        raise RecordingRejected(_l("Tệp lớn hơn %(size)s, không thể tải lên.", size=size_label(max_bytes)),
                                "recording")
    kind = check_recording(data[:8192])
    try:
        scan_for_malware(data, filename)
    except UploadRejected as exc:
        raise RecordingRejected(str(exc), "recording") from exc
    old_key = visit.recording_key
    key = files.save_bytes(data)
    written_keys.append(key)
    visit.recording_key, visit.recording_type, visit.recording_size = key, kind.mime, len(data)
    visit.recording_name = _recording_name(filename, kind, visit)
    action = "recording_replaced" if old_key else "recording_attached"
    record_event("visit", visit.id, action, note=visit.recording_name, **_actor(user))
    if visit.online_request_id:
        record_event("online_request", visit.online_request_id, action, note=visit.recording_name, **_actor(user))
    db.session.flush()
    return old_key


def log_recording_read(visit: Visit, user, *, ip_address: str | None = None) -> None:
    """A protected recording was downloaded: log it like any reveal of a denunciator's identity."""
    from app.audit.models import IdentityAccess

    if not visit.is_protected:
        return
    db.session.add(IdentityAccess(user_id=user.id, visit_id=visit.id, ip_address=ip_address))
    record_event("visit", visit.id, "identity_revealed", note="recording", **_actor(user))
    db.session.flush()


