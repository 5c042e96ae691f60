"""Logging a visit at the desk: the people met, the group rule, the outcome, the petition, the reply.

Services flush, never commit: the view commits once. Every rule that rejects input raises
`VisitError` (with the form field it belongs to) or `NameConflict` (the desk must ask).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.models import IdentityAccess
from app.audit.services import record_event
from app.auth.permissions import Role
from app.calendar.services import due_date
from app.counters import next_value
from app.crypto import decrypt_json, encrypt_json
from app.db import utcnow
from app.extensions import db
from app.formatting import to_local
from app.petitions.models import PetitionKind
from app.petitions.rules import GROUP_THRESHOLD, max_representatives
from app.petitions.services import PersonData, PetitionDraft, register_walk_in_petition
from app.petitions.tracking import sha256_hex
from app.reception.history import resolve_repeat_ref
from app.reception.models import (
    Person,
    RefusalGround,
    Visit,
    VisitChannel,
    VisitOutcome,
    VisitorRole,
    VisitVisitor,
)
from app.text import fold

# The answer owed after a reception (Luật Tiếp công dân 2013 Đ.28.1): rule code of app.calendar.
REPLY_RULE = "reception.reply"
# Outcomes after which the citizen is owed that answer: the content was taken in or sent on.
OUTCOMES_OWING_REPLY = frozenset({VisitOutcome.PETITION_RECEIVED.value, VisitOutcome.TRANSFERRED.value})


class VisitError(ValueError):
    """A visit that cannot be logged as typed; the message is for the receptionist."""

    def __init__(self, message, field_name: str | None = None):
        super().__init__(str(message))
        self.field_name = field_name


@dataclass
class NameClash:
    """An ID number typed with a name other than the one on record."""

    position: int
    id_number: str
    known_name: str
    typed_name: str


class NameConflict(Exception):
    """One or more ID numbers already belong to other names: ask the receptionist, never overwrite."""

    def __init__(self, clashes: list[NameClash]):
        super().__init__("name conflict")
        self.clashes = clashes


@dataclass
class VisitorInput:
    """One person met, as typed at the desk."""

    full_name: str
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    person_id: int | None = None  # picked from the look-up
    # When the ID number is known under another name: "keep" the record, or "update" its name.
    name_decision: str | None = None


@dataclass
class VisitDraft:
    """Everything the desk form carries, already shaped."""

    visited_at: datetime  # aware
    place: str
    kind: str
    summary: str
    outcome: str
    visitors: list[VisitorInput]
    people_count: int = 1
    request: str = ""
    prior_handling: str | None = None
    respondent: str | None = None
    category_id: int | None = None
    title: str | None = None
    outcome_note: str | None = None
    guided_to: str | None = None
    transfer_agency_id: int | None = None
    transfer_to_name: str | None = None
    refusal_ground: str | None = None
    repeat_ref: str | None = None  # "visit:12", "petition:5", "case:3", or None for a first visit
    channel: str = VisitChannel.IN_PERSON.value
    session_id: int | None = None
    online_request_id: int | None = None
    meeting_link: str | None = None


@dataclass
class LoggedVisit:
    """The visit, and the petition it created (if any), and whether this request created them."""

    visit: Visit
    created: bool
    access_key: str | None = None
    extra: dict = field(default_factory=dict)


def find_by_form_token(form_token: str) -> Visit | None:
    """The visit already logged by this form (double submit, reload)."""
    return db.session.scalars(select(Visit).where(Visit.submission_token_hash == sha256_hex(form_token))).first()


def check_group(people_count: int, representatives: int) -> None:
    """The representation rule of Luật Tiếp công dân 2013 Đ.29 (limits in app.petitions.rules)."""
    if people_count < 1:
        raise VisitError(_l("Số người đến phải từ 1 trở lên."), "people_count")
    if representatives < 1:
        raise VisitError(_l("Hãy nhập ít nhất một người đến."), "visitors")
    limit = max_representatives(people_count)
    if limit is None:
        if representatives > people_count:
            raise VisitError(_l("Số người đã nhập (%(n)s) nhiều hơn số người đến (%(total)s).",
                                n=representatives, total=people_count), "people_count")
        return
    if representatives > limit:
        raise VisitError(_l("Đoàn %(total)s người chỉ được cử tối đa %(max)s người đại diện "
                            "(Luật Tiếp công dân, Điều 29).", total=people_count, max=limit), "visitors")


def _validate(draft: VisitDraft, user, now: datetime) -> None:
    if draft.visited_at > now:
        raise VisitError(_l("Thời gian tiếp không thể ở tương lai."), "visited_at")
    if not draft.summary.strip():
        raise VisitError(_l("Hãy ghi tóm tắt nội dung công dân trình bày."), "summary")
    named = [v for v in draft.visitors if v.full_name.strip()]
    if draft.people_count >= GROUP_THRESHOLD and not named:
        raise VisitError(_l("Đoàn từ %(n)s người trở lên phải cử người đại diện (Luật Tiếp công dân, Điều 29): "
                            "hãy nhập ít nhất một người đại diện.", n=GROUP_THRESHOLD), "visitors")
    check_group(draft.people_count, len(named))
    outcome = draft.outcome
    if outcome == VisitOutcome.GUIDED.value and not (draft.guided_to or "").strip():
        raise VisitError(_l("Hãy ghi cơ quan có thẩm quyền mà công dân được hướng dẫn đến."), "guided_to")
    if outcome == VisitOutcome.TRANSFERRED.value and not draft.transfer_agency_id \
            and not (draft.transfer_to_name or "").strip():
        raise VisitError(_l("Hãy chọn hoặc ghi cơ quan nhận chuyển đơn."), "transfer_agency")
    if draft.transfer_agency_id and draft.transfer_agency_id == user.agency_id:
        raise VisitError(_l("Không thể chuyển đơn cho chính cơ quan mình."), "transfer_agency")
    if outcome == VisitOutcome.REFUSED.value:
        if draft.refusal_ground not in {g.value for g in RefusalGround}:
            raise VisitError(_l("Từ chối tiếp phải nêu một căn cứ tại Điều 9 Luật Tiếp công dân."),
                             "refusal_ground")
        if not (draft.outcome_note or "").strip():
            raise VisitError(_l("Hãy ghi lý do từ chối đã giải thích cho công dân."), "outcome_note")
    if outcome == VisitOutcome.SETTLED.value and not (draft.outcome_note or "").strip():
        raise VisitError(_l("Hãy ghi nội dung đã giải thích, trả lời cho công dân."), "outcome_note")


def _resolve_people(draft: VisitDraft) -> list[Person]:
    """Find or create one Person per visitor; never a second one for a known ID number.

    Raises NameConflict when a typed ID number is on record under another name and the desk
    has not said whether to keep the record's name or correct it.
    """
    clashes: list[NameClash] = []
    people: list[Person] = []
    for position, v in enumerate(draft.visitors):
        name = v.full_name.strip()
        person = None
        if v.id_number:
            person = db.session.scalars(select(Person).where(Person.id_number == v.id_number)).first()
        elif v.person_id:
            person = db.session.get(Person, v.person_id)
            if person is not None and person.id_number:
                person = None  # a picked record with an ID number must be matched by that number
        if person is not None and fold(person.full_name) != fold(name):
            if v.name_decision == "update":
                person.full_name = name
                person.name_folded = fold(name)
            elif v.name_decision != "keep":
                clashes.append(NameClash(position, v.id_number or "", person.full_name, name))
        if person is None:
            person = Person(full_name=name, id_number=v.id_number or None, name_folded=fold(name))
            db.session.add(person)
        if v.phone:
            person.phone = v.phone
        if v.address:
            person.address = v.address.strip()
        people.append(person)
    if clashes:
        raise NameConflict(clashes)
    db.session.flush()
    return people


def log_visit(draft: VisitDraft, *, user, form_token: str, new_files=(), written_keys: list[str] | None = None,
              now: datetime | None = None) -> LoggedVisit:
    """Record a reception; for a received letter, create the walk-in petition with its files."""
    from app.petitions.tracking import derive_access_key

    existing = find_by_form_token(form_token)
    if existing is not None:
        return LoggedVisit(existing, created=False,
                           access_key=derive_access_key(form_token) if existing.petition_id else None)
    now = now or utcnow()
    written_keys = written_keys if written_keys is not None else []
    draft.visitors = [v for v in draft.visitors if v.full_name.strip()]
    _validate(draft, user, now)
    repeat = resolve_repeat_ref(draft.repeat_ref, user) if draft.repeat_ref else None
    if draft.repeat_ref and repeat is None:
        raise VisitError(_l("Vụ việc cũ đã chọn không tìm thấy hoặc không thuộc phạm vi của bạn."), "repeat_ref")
    protected = draft.kind == PetitionKind.DENUNCIATION.value
    people = [] if protected else _resolve_people(draft)
    local = to_local(draft.visited_at)
    visit = Visit(
        agency_id=user.agency_id, year=local.year, number=next_value("visit", user.agency_id, local.year),
        visited_at=draft.visited_at, officer_id=user.id, place=draft.place.strip(), channel=draft.channel,
        session_id=draft.session_id, online_request_id=draft.online_request_id, meeting_link=draft.meeting_link,
        kind=draft.kind, category_id=draft.category_id, people_count=draft.people_count,
        is_group=draft.people_count >= GROUP_THRESHOLD, summary=draft.summary.strip(),
        request=(draft.request or "").strip(), prior_handling=(draft.prior_handling or "").strip() or None,
        respondent=(draft.respondent or "").strip() or None, outcome=draft.outcome,
        outcome_note=(draft.outcome_note or "").strip() or None,
        guided_to=(draft.guided_to or "").strip() or None if draft.outcome == VisitOutcome.GUIDED.value else None,
        transfer_agency_id=draft.transfer_agency_id if draft.outcome == VisitOutcome.TRANSFERRED.value else None,
        transfer_to_name=((draft.transfer_to_name or "").strip() or None)
        if draft.outcome == VisitOutcome.TRANSFERRED.value else None,
        refusal_ground=draft.refusal_ground if draft.outcome == VisitOutcome.REFUSED.value else None,
        is_repeat=repeat is not None, is_protected=protected,
        submission_token_hash=sha256_hex(form_token),
    )
    if repeat is not None:
        setattr(visit, f"repeat_of_{repeat.type}_id", repeat.id)
    if draft.transfer_agency_id and visit.transfer_agency_id:
        target = db.session.get(Agency, draft.transfer_agency_id)
        visit.transfer_to_name = visit.transfer_to_name or (target.name if target else None)
    if draft.outcome in OUTCOMES_OWING_REPLY:
        visit.reply_rule_code = REPLY_RULE
        visit.reply_due = due_date(REPLY_RULE, local.date())
    roles = VisitorRole.REPRESENTATIVE if visit.is_group else VisitorRole.VISITOR
    for position, v in enumerate(draft.visitors):
        row = VisitVisitor(position=position, role=roles.value)
        if protected:
            row.ciphertext = encrypt_json({"full_name": v.full_name.strip(), "id_number": v.id_number,
                                           "phone": v.phone, "address": (v.address or "").strip() or None})
        else:
            row.person_id = people[position].id
        visit.visitors.append(row)
    visit.search_folded = fold(" ".join(
        [visit.summary, visit.respondent or ""] + ([] if protected else [p.full_name for p in people])))
    db.session.add(visit)
    db.session.flush()
    access_key = None
    if draft.outcome == VisitOutcome.PETITION_RECEIVED.value:
        petition_people = [PersonData(full_name=v.full_name.strip(), id_number=v.id_number, phone=v.phone,
                                      address=(v.address or "").strip() or None,
                                      person_id=None if protected else people[i].id)
                           for i, v in enumerate(draft.visitors)]
        petition_draft = PetitionDraft(
            kind=draft.kind, petitioner=None, title=(draft.title or draft.summary).strip()[:300],
            content=draft.summary, request=draft.request or "", respondent=draft.respondent or "",
            is_group=visit.people_count > 1 and visit.is_group, group_size=visit.people_count if visit.is_group else None,
            previously_handled=bool(visit.prior_handling), prior_handler=visit.prior_handling[:300]
            if visit.prior_handling else None, declared_truthful=True,
        )
        result = register_walk_in_petition(petition_draft, user=user, people=petition_people,
                                           received_at=draft.visited_at, form_token=form_token,
                                           new_files=list(new_files), written_keys=written_keys)
        result.petition.category_id = draft.category_id
        visit.petition_id = result.petition.id
        access_key = result.access_key
    record_event("visit", visit.id, "logged", actor_user_id=user.id, actor_label=user.full_name,
                 to_status=visit.outcome, note=visit.register_number)
    db.session.flush()
    return LoggedVisit(visit, created=True, access_key=access_key)


def record_reply(visit: Visit, *, user, replied_on: date, note: str, today: date) -> None:
    """The answer owed under Đ.28.1 was given: when and what."""
    if visit.reply_due is None:
        raise VisitError(_l("Lượt tiếp này không cần trả lời."))
    if visit.replied_on is not None:
        raise VisitError(_l("Đã ghi nhận trả lời cho lượt tiếp này."))
    if replied_on > today:
        raise VisitError(_l("Ngày trả lời không thể ở tương lai."), "replied_on")
    if replied_on < to_local(visit.visited_at).date():
        raise VisitError(_l("Ngày trả lời không thể trước ngày tiếp."), "replied_on")
    if not note.strip():
        raise VisitError(_l("Hãy ghi nội dung đã trả lời."), "note")
    visit.replied_on = replied_on
    visit.reply_note = note.strip()
    record_event("visit", visit.id, "replied", actor_user_id=user.id, actor_label=user.full_name,
                 note=note.strip())
    db.session.flush()


# --- protected identities of a denunciation visit --------------------------------------------

def can_see_identity(user, visit: Visit) -> bool:
    """The officer who received the denunciator, and a leader of the agency (Luật Tố cáo Đ.9, Đ.56)."""
    if visit.agency_id != user.agency_id:
        return False
    return visit.officer_id == user.id or user.role == Role.LEADER.value


def visitor_identities(visit: Visit, user, *, ip_address: str | None = None, log: bool = True) -> list[dict]:
    """The visitors as dicts (name, ID, phone, address, role); decrypting is logged, and refused to others."""
    out = []
    for row in visit.visitors:
        if row.ciphertext is not None:
            if not can_see_identity(user, visit):
                raise PermissionError("identity of a denunciator")
            data = decrypt_json(row.ciphertext)
            if log:
                db.session.add(IdentityAccess(user_id=user.id, visit_id=visit.id, visit_visitor_id=row.id,
                                              petition_id=None, petitioner_id=None, ip_address=ip_address))
        else:
            p = row.person
            data = {"full_name": p.full_name, "id_number": p.id_number, "phone": p.phone, "address": p.address,
                    "person_id": p.id}
        data["role"] = row.role
        out.append(data)
    if log and visit.is_protected:
        record_event("visit", visit.id, "identity_revealed", actor_user_id=user.id, actor_label=user.full_name)
    db.session.flush()
    return out
