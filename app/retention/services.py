"""Retention operations: schedule a filed petition, propose a list for destruction, approve it.

Services flush, never commit. Destroying a petition removes its attachment rows in the
transaction and returns their storage keys: the view deletes the files only after the commit,
so a failed commit loses nothing, and a crash after it leaves orphan files that
`flask storage sweep` removes (app.storage.references).
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.services import record_event
from app.auth.permissions import Permission
from app.calendar.services import UnknownRule, due_date
from app.db import utcnow
from app.extensions import db
from app.formatting import to_local
from app.notifications.models import FINAL_STATES, OutboxMessage, OutboxStatus
from app.petitions.models import Petition, PetitionStatus
from app.retention.models import (
    DESTROYED_TEXT,
    RETAINED_REASONS,
    RETENTION_RULE,
    DestructionItem,
    DestructionRequest,
    DestructionStatus,
)


class RetentionError(ValueError):
    """An operation the retention rules refuse; the message is for the user, `field` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def is_retained(petition: Petition) -> bool:
    """Filed for one of the reasons that TT 07/2014 Đ.28 keeps for a limited time."""
    return petition.status == PetitionStatus.FILED.value and petition.file_reason in RETAINED_REASONS


def is_due(petition: Petition, today: date) -> bool:
    """The retention period is over (the day after destroy_after) and it is not destroyed yet."""
    return (is_retained(petition) and petition.destroyed_at is None and petition.destroy_after is not None
            and petition.destroy_after < today)


def schedule(petition: Petition) -> date | None:
    """Set destroy_after from the retention rule, counted from the day the filing was approved.

    Without the rule (reference data not loaded) the date stays empty: `flask retention schedule`
    fills it in later. Filing must not fail for want of it.
    """
    if not is_retained(petition) or petition.decided_at is None:
        return None
    try:
        petition.destroy_after = due_date(RETENTION_RULE, to_local(petition.decided_at).date())
    except UnknownRule:
        petition.destroy_after = None
    return petition.destroy_after


def schedule_missing() -> int:
    """Fill destroy_after of retained petitions that have none (filed before this feature, or
    before the rule was loaded); return how many got a date."""
    rows = db.session.scalars(select(Petition).where(
        Petition.status == PetitionStatus.FILED.value, Petition.file_reason.in_(RETAINED_REASONS),
        Petition.destroy_after.is_(None), Petition.destroyed_at.is_(None), Petition.decided_at.is_not(None)))
    count = 0
    for petition in rows:
        if schedule(petition) is not None:
            count += 1
    db.session.flush()
    return count


def open_request_of(petition_id: int) -> DestructionRequest | None:
    """The proposal still waiting for a decision that lists this petition, if any."""
    return db.session.scalars(
        select(DestructionRequest).join(DestructionItem)
        .where(DestructionItem.petition_id == petition_id,
               DestructionRequest.status == DestructionStatus.PROPOSED.value)
    ).first()


# --- propose, withdraw, reject ----------------------------------------------------------------

def propose(user, petition_ids: list[int], *, note: str | None, today: date) -> DestructionRequest:
    """A handler lists due petitions of their agency for destruction; a leader decides."""
    if not user.can(Permission.PETITION_TRIAGE):
        raise RetentionError(_l("Bạn không có quyền đề xuất tiêu hủy đơn."))
    ids = sorted(set(petition_ids))
    if not ids:
        raise RetentionError(_l("Hãy chọn ít nhất một đơn đến hạn tiêu hủy."), "petitions")
    petitions = db.session.scalars(select(Petition).where(Petition.id.in_(ids),
                                                          Petition.agency_id == user.agency_id)).all()
    if len(petitions) != len(ids):
        raise RetentionError(_l("Có đơn không thuộc cơ quan của bạn."), "petitions")
    not_due = [p.tracking_code for p in petitions if not is_due(p, today)]
    if not_due:
        raise RetentionError(_l("Đơn chưa đến hạn tiêu hủy hoặc đã tiêu hủy: %(codes)s.", codes=", ".join(not_due)),
                             "petitions")
    taken = [p.tracking_code for p in petitions if open_request_of(p.id) is not None]
    if taken:
        raise RetentionError(_l("Đơn đã có trong một đề xuất tiêu hủy đang chờ duyệt: %(codes)s.",
                                codes=", ".join(taken)), "petitions")
    note = (note or "").strip() or None
    request = DestructionRequest(agency_id=user.agency_id, proposed_by_id=user.id, note=note,
                                 status=DestructionStatus.PROPOSED.value)
    request.items = [DestructionItem(petition_id=p.id) for p in petitions]
    db.session.add(request)
    db.session.flush()
    record_event("destruction_request", request.id, "proposed", actor_user_id=user.id, actor_label=user.full_name,
                 to_status=request.status, note=", ".join(p.tracking_code for p in petitions))
    for petition in petitions:
        record_event("petition", petition.id, "destruction_proposed", actor_user_id=user.id,
                     actor_label=user.full_name, note=str(_l("Đề xuất tiêu hủy số %(n)s", n=request.id)))
    return request


def _check_open(request: DestructionRequest, user) -> None:
    if request.agency_id != user.agency_id:
        raise RetentionError(_l("Đề xuất không thuộc cơ quan của bạn."))
    if not request.is_open:
        raise RetentionError(_l("Đề xuất này đã được xử lý."))


def withdraw(request: DestructionRequest, user) -> None:
    """The proposer takes the list back before a decision."""
    _check_open(request, user)
    if request.proposed_by_id != user.id:
        raise RetentionError(_l("Chỉ người đề xuất mới rút được đề xuất."))
    _decide(request, user, DestructionStatus.WITHDRAWN, None)


def reject(request: DestructionRequest, user, *, note: str | None) -> None:
    """A leader refuses the list, with a reason; the petitions stay as they are."""
    _check_open(request, user)
    if not user.can(Permission.PETITION_APPROVE):
        raise RetentionError(_l("Chỉ lãnh đạo mới quyết định việc tiêu hủy đơn."))
    if not (note or "").strip():
        raise RetentionError(_l("Hãy ghi lý do không đồng ý tiêu hủy."), "note")
    _decide(request, user, DestructionStatus.REJECTED, note.strip())


def _decide(request: DestructionRequest, user, status: DestructionStatus, note: str | None,
            now: datetime | None = None) -> None:
    before = request.status
    request.status = status.value
    request.decided_by_id = user.id
    request.decided_at = now or utcnow()
    request.decision_note = note
    db.session.flush()
    record_event("destruction_request", request.id, status.value, actor_user_id=user.id, actor_label=user.full_name,
                 from_status=before, to_status=status.value, note=note)


# --- approve and destroy ----------------------------------------------------------------------

def check_can_approve(request: DestructionRequest, user) -> None:
    """A leader of the agency who did not make the proposal (four eyes)."""
    _check_open(request, user)
    if not user.can(Permission.PETITION_APPROVE):
        raise RetentionError(_l("Chỉ lãnh đạo mới quyết định việc tiêu hủy đơn."))
    if request.proposed_by_id == user.id:
        raise RetentionError(_l("Bạn là người đề xuất danh sách này nên không thể tự phê duyệt; "
                                "cần một lãnh đạo khác quyết định."))


def approve(request: DestructionRequest, user, *, note: str | None, today: date,
            now: datetime | None = None) -> list[str]:
    """Destroy every petition of the list; return the storage keys to delete after the commit."""
    check_can_approve(request, user)
    not_due = [item.petition.tracking_code for item in request.items if not is_due(item.petition, today)]
    if not_due:
        raise RetentionError(_l("Đơn không còn ở trạng thái đến hạn tiêu hủy: %(codes)s. Hãy trả lại đề xuất.",
                                codes=", ".join(not_due)))
    now = now or utcnow()
    keys: list[str] = []
    for item in request.items:
        removed = destroy_petition(item.petition, user, request=request, now=now)
        item.files_removed = len(removed)
        keys.extend(removed)
    _decide(request, user, DestructionStatus.APPROVED, (note or "").strip() or None, now)
    return keys


def destroy_petition(petition: Petition, user, *, request: DestructionRequest, now: datetime) -> list[str]:
    """Reduce a petition to its minimal record; return the storage keys of its files.

    Kept: tracking code, agency, kind, category, channel, dates, file reason, status, the
    petitioners' role and commune (the statistics count them), the events. Removed: the text,
    the respondent, the attachments, every petitioner's name, ID number and contacts, and the
    encrypted identity of a denunciator. Staff notes in the event log are not rewritten: the
    log is append-only (docs/reliability.md).
    """
    keys = [att.storage_key for att in petition.attachments]
    petition.attachments.clear()  # delete-orphan: the rows go in this transaction
    for person in petition.petitioners:
        person.full_name = None if person.is_protected else DESTROYED_TEXT
        person.id_number = person.phone = person.email = person.address = None
        person.person_id = None
        person.protected_identity = None  # delete-orphan: the ciphertext row goes
    petition.title = DESTROYED_TEXT
    petition.content = DESTROYED_TEXT
    petition.request = ""
    petition.respondent = ""
    petition.prior_handler = petition.prior_decision_number = None
    petition.prior_date = None
    petition.search_folded = None
    petition.destroyed_at = now
    _scrub_outbox(petition.id)
    db.session.flush()
    record_event("petition", petition.id, "destroyed", actor_user_id=user.id, actor_label=user.full_name,
                 note=str(_l("Tiêu hủy theo đề xuất số %(n)s (đề xuất: %(by)s); %(files)s tệp đã xóa.",
                             n=request.id, by=request.proposed_by.full_name, files=len(keys))))
    return keys


def _scrub_outbox(petition_id: int) -> None:
    """E-mails about the petition keep their kind and dates, not the address or the text."""
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject_type == "petition",
                                                          OutboxMessage.subject_id == petition_id))
    for message in rows:
        if message.status not in FINAL_STATES:
            message.status = OutboxStatus.FAILED.value
            message.last_error = "petition destroyed before delivery"
        message.to_address = ""
        message.subject = DESTROYED_TEXT
        message.body_text = DESTROYED_TEXT
