"""Operations on petitions: online intake, staging of uploads, tracking look-up.

Services flush, never commit: the view commits once. Files are written before the counter
row is taken (so its lock is held briefly) and removed again if the transaction fails.
"""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from app.agencies.models import Agency
from app.agencies.queries import AgencyRef, online_intake_agencies
from app.audit.services import record_event
from app.calendar.services import due_date
from app.crypto import encrypt_json
from app.db import utcnow
from app.extensions import db
from app.formatting import LOCAL_TZ, to_local
from app.text import fold
from app.petitions.models import (
    Attachment,
    Channel,
    Petition,
    Petitioner,
    PetitionerRole,
    PetitionKind,
    PetitionStatus,
    ProtectedIdentity,
    StagedUpload,
)
from app.petitions.rules import INTAKE_RULE_BY_KIND
from app.petitions.tracking import (
    derive_access_key,
    find_by_code_and_key,
    format_tracking_code,
    hash_access_key,
    next_tracking_number,
    sha256_hex,
)
from app.storage import files
from app.storage.inspect import CheckedFile, UploadRejected, check_upload


class IntakeError(ValueError):
    """A submission that cannot be taken; the message is for the citizen."""


@dataclass
class PersonData:
    """Identity and contact of one petitioner as typed."""

    full_name: str
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    province_id: int | None = None
    commune_id: int | None = None
    # The person known to the reception desk (app.reception.models.Person), if any.
    person_id: int | None = None
    # A denunciator's consent to be e-mailed (kept inside the encrypted identity).
    email_opt_in: bool = False


@dataclass
class PetitionDraft:
    """Everything an online petition carries, already shaped by the form."""

    kind: str
    petitioner: PersonData | None
    title: str
    content: str
    request: str
    respondent: str
    addressed_agency_id: int | None = None
    is_group: bool = False
    group_size: int | None = None
    representatives: list[str] = field(default_factory=list)
    previously_handled: bool = False
    prior_handler: str | None = None
    prior_date: date | None = None
    prior_decision_number: str | None = None
    declared_truthful: bool = False


@dataclass
class UploadedFile:
    """A file as the citizen sent it."""

    filename: str
    data: bytes


@dataclass
class SubmitResult:
    """The petition, the access key to show on the receipt, and whether it was new."""

    petition: Petition
    access_key: str
    created: bool


def new_form_token() -> str:
    """A one-time token identifying one filling-in of the form."""
    return secrets.token_urlsafe(24)


def is_form_token(value: str | None) -> bool:
    """A token looks like one we issued (32 url-safe characters)."""
    return bool(value) and 20 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


@dataclass(frozen=True)
class FormState:
    """What the database holds for one filling-in of a form: a petition made by it, files kept for it."""

    used: bool
    staged: int


# Built once: the public form asks this on every submission (a statement built per call cost a
# tenth of a submission's time, bench/run.py).
_FORM_STATE = select(
    select(Petition.id).where(Petition.submission_token_hash == bindparam("token_hash")).limit(1)
    .scalar_subquery().is_not(None),
    select(func.count()).select_from(StagedUpload)
    .where(StagedUpload.form_token_hash == bindparam("token_hash")).scalar_subquery(),
)


def form_state(form_token: str) -> FormState:
    """Whether this form has already made a petition, and how many files are kept for it (one query)."""
    used, staged = db.session.execute(_FORM_STATE, {"token_hash": sha256_hex(form_token)}).one()
    return FormState(bool(used), int(staged))


def find_by_form_token(form_token: str) -> Petition | None:
    """The petition already created by this form, if any (double submit, reload)."""
    return db.session.scalars(
        select(Petition).where(Petition.submission_token_hash == sha256_hex(form_token))
    ).first()


# --- staged uploads ---------------------------------------------------------------------------

def staged_uploads(form_token: str) -> list[StagedUpload]:
    """Files kept for this form after a failed attempt, oldest first."""
    return list(
        db.session.scalars(
            select(StagedUpload)
            .where(StagedUpload.form_token_hash == sha256_hex(form_token))
            .order_by(StagedUpload.created_at, StagedUpload.id)
        )
    )


def discard_staged(form_token: str, ids: list[str]) -> None:
    """Remove the staged files the citizen unticked."""
    if not ids:
        return
    for upload in staged_uploads(form_token):
        if upload.id in ids:
            files.delete(upload.storage_key)
            db.session.delete(upload)
    db.session.flush()


def check_files(uploads: list[UploadedFile], *, already: int, max_count: int, max_bytes: int):
    """Check new files by content; return (checked files with names, per-file error messages)."""
    checked: list[tuple[str, CheckedFile]] = []
    errors: list[str] = []
    if already + len(uploads) > max_count:
        errors.append(str(_l("Chỉ được gửi tối đa %(n)s tệp.", n=max_count)))
        uploads = uploads[: max(0, max_count - already)]
    for upload in uploads:
        name = _safe_name(upload.filename)
        if len(upload.data) > max_bytes:
            errors.append(str(_l("Tệp %(name)s lớn hơn %(mb)s MB.", name=name, mb=max_bytes // (1024 * 1024))))
            continue
        try:
            checked.append((name, check_upload(upload.data)))
        except UploadRejected as exc:
            errors.append(f"{name}: {exc}")
    return checked, errors


def stage_files(form_token: str, checked: list[tuple[str, CheckedFile]]) -> list[StagedUpload]:
    """Keep checked files for this form so that a failed attempt loses none of them."""
    rows = []
    for name, cf in checked:
        key = files.save_bytes(cf.data)
        row = StagedUpload(
            id=secrets.token_hex(16),
            form_token_hash=sha256_hex(form_token),
            original_name=name,
            content_type=cf.content_type,
            size=len(cf.data),
            sha256=_sha256_bytes(cf.data),
            storage_key=key,
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


@contextmanager
def files_removed_on_failure(written_keys: list[str]):
    """Remove the files a submission wrote if it does not get as far as its commit."""
    try:
        yield
    except BaseException:
        for key in written_keys:
            files.delete(key)
        raise


# --- submission -------------------------------------------------------------------------------

def submit_online_petition(
    draft: PetitionDraft,
    *,
    form_token: str,
    new_files: list[tuple[str, CheckedFile]],
    written_keys: list[str],
    now: datetime | None = None,
    state: FormState | None = None,
) -> SubmitResult:
    """Create a petition from the public form; return the existing one on a repeated submit.

    `written_keys` collects the storage keys written, so that the caller can remove them if
    the transaction does not commit. `state`: what the caller has just read of this form
    (`form_state`, with no petition made by it), so it is not read again; two requests racing with
    the same token still make one petition (the unique token hash: IntegrityError at the flush).
    """
    if state is None:
        existing = find_by_form_token(form_token)
        if existing is not None:
            return SubmitResult(existing, derive_access_key(form_token), created=False)
    agency = _receiving_agency(draft.addressed_agency_id)
    petition = _create_petition(
        agency, draft, channel=Channel.ONLINE.value, received_at=now or utcnow(), form_token=form_token,
        staged=state is None or state.staged > 0,
        people=[draft.petitioner] + [PersonData(full_name=name) for name in draft.representatives],
        new_files=new_files, written_keys=written_keys,
        actor_label="Công dân (cổng trực tuyến)", actor_user_id=None,
        extra={"addressed_agency_id": draft.addressed_agency_id},
    )
    return SubmitResult(petition, derive_access_key(form_token), created=True)


@dataclass
class PaperDraft(PetitionDraft):
    """A petition received on paper: by post, by hand, or forwarded by another body."""

    channel: str = Channel.POST.value
    people: list[PersonData] = field(default_factory=list)
    letter_date: date | None = None
    received_on: date | None = None
    forwarded_by_kind: str | None = None
    forwarded_by_name: str | None = None


def register_paper_petition(draft: PaperDraft, *, user, form_token: str,
                            new_files: list[tuple[str, CheckedFile]], written_keys: list[str],
                            now: datetime | None = None) -> SubmitResult:
    """Staff register a paper petition in their agency; the received date starts the clock."""
    existing = find_by_form_token(form_token)
    if existing is not None:
        return SubmitResult(existing, derive_access_key(form_token), created=False)
    now = now or utcnow()
    local_now = to_local(now)
    received_on = draft.received_on or local_now.date()
    if received_on > local_now.date():
        raise IntakeError(str(_l("Ngày nhận đơn không thể ở tương lai.")))
    if draft.letter_date and draft.letter_date > received_on:
        raise IntakeError(str(_l("Ngày ghi trên đơn không thể sau ngày nhận đơn.")))
    if draft.channel == Channel.FORWARDED.value and not (draft.forwarded_by_name or "").strip():
        raise IntakeError(str(_l("Hãy ghi tên cơ quan đã chuyển đơn đến.")))
    received_at = now if received_on == local_now.date() else \
        datetime.combine(received_on, time(8, 0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)
    forwarded = draft.channel == Channel.FORWARDED.value
    petition = _create_petition(
        user.agency, draft, channel=draft.channel, received_at=received_at, form_token=form_token,
        people=draft.people, new_files=new_files, written_keys=written_keys,
        actor_label=user.full_name, actor_user_id=user.id,
        extra={
            "letter_date": draft.letter_date,
            "registered_by_id": user.id,
            "forwarded_by_kind": draft.forwarded_by_kind if forwarded else None,
            "forwarded_by_name": draft.forwarded_by_name.strip() if forwarded else None,
        },
    )
    return SubmitResult(petition, derive_access_key(form_token), created=True)


def register_walk_in_petition(draft: PetitionDraft, *, user, people: list[PersonData], received_at: datetime,
                              form_token: str, new_files, written_keys: list[str]) -> SubmitResult:
    """A letter handed over at the reception desk (channel walk-in): into the agency's triage inbox."""
    petition = _create_petition(
        user.agency, draft, channel=Channel.WALK_IN.value, received_at=received_at, form_token=form_token,
        people=people, new_files=new_files, written_keys=written_keys,
        actor_label=user.full_name, actor_user_id=user.id, extra={"registered_by_id": user.id},
    )
    return SubmitResult(petition, derive_access_key(form_token), created=True)


def _create_petition(agency: Agency | AgencyRef, draft: PetitionDraft, *, channel: str, received_at: datetime,
                     form_token: str, people: list[PersonData], new_files, written_keys: list[str],
                     actor_label: str, actor_user_id: int | None, extra: dict | None = None,
                     staged: bool = True) -> Petition:
    """The one place a petition row is born: code, deadline, people, files, receipt event.
    `staged=False`: the caller knows that no file is kept for this form (nothing to look up)."""
    received_local = to_local(received_at)
    access_key = derive_access_key(form_token)
    attachments = (_attachments_from_staged(form_token) if staged else []) + \
        _attachments_from_files(new_files, written_keys)
    petition = Petition(
        agency_id=agency.id,
        kind=draft.kind,
        status=PetitionStatus.RECEIVED.value,
        channel=channel,
        received_at=received_at,
        title=draft.title.strip(),
        content=draft.content.strip(),
        request=(draft.request or "").strip(),
        respondent=(draft.respondent or "").strip(),
        previously_handled=draft.previously_handled,
        prior_handler=draft.prior_handler if draft.previously_handled else None,
        prior_date=draft.prior_date if draft.previously_handled else None,
        prior_decision_number=draft.prior_decision_number if draft.previously_handled else None,
        is_group=draft.is_group,
        group_size=draft.group_size if draft.is_group else None,
        declared_truthful=draft.declared_truthful,
        access_key_hash=hash_access_key(access_key),
        submission_token_hash=sha256_hex(form_token),
        **(extra or {}),
    )
    petition.due_rule_code = INTAKE_RULE_BY_KIND[draft.kind]
    petition.due_date = due_date(petition.due_rule_code, received_local.date())
    petition.attachments = attachments
    add_petitioners(petition, draft.kind, people)
    petition.search_folded = fold(" ".join(
        [petition.title, petition.content, petition.respondent]
        + [p.full_name or "" for p in petition.petitioners if not p.is_protected]
    ))
    # The agency's counter row stays locked from here to the commit: take the number last, after
    # every read, so that submissions to one agency queue for as short a time as possible.
    number = next_tracking_number(agency.id, received_local.year)
    petition.tracking_code = format_tracking_code(agency.code, received_local.year, number)
    db.session.add(petition)
    db.session.flush()
    record_event(
        "petition", petition.id, "received",
        to_status=PetitionStatus.RECEIVED.value,
        actor_label=actor_label, actor_user_id=actor_user_id,
        is_public=True,
    )
    return petition


def _receiving_agency(addressed_agency_id: int | None) -> AgencyRef:
    online, default = online_intake_agencies()
    if addressed_agency_id:
        agency = online.get(addressed_agency_id)
        if agency is None:
            raise IntakeError(str(_l("Cơ quan đã chọn không nhận đơn trực tuyến.")))
        return agency
    if default is None:
        raise IntakeError(str(_l("Hệ thống chưa được cấu hình cơ quan tiếp nhận đơn.")))
    return default


def add_petitioners(petition: Petition, kind: str, people: list[PersonData]) -> None:
    """The first person signed or filed; the others are co-signers or representatives.

    A denunciator's identity goes encrypted (Luật Tố cáo 2018 Đ.9.1.b, Đ.56)."""
    protected = kind == PetitionKind.DENUNCIATION.value
    for position, person in enumerate(people):
        role = PetitionerRole.PETITIONER if position == 0 else PetitionerRole.REPRESENTATIVE
        row = Petitioner(position=position, role=role.value, is_protected=protected)
        if protected:
            row.protected_identity = ProtectedIdentity(ciphertext=encrypt_json(person.__dict__))
        else:
            for key, value in person.__dict__.items():
                if key != "email_opt_in":  # giving an e-mail is the consent of a non-protected petitioner
                    setattr(row, key, value)
        petition.petitioners.append(row)


def _attachments_from_staged(form_token: str) -> list[Attachment]:
    out = []
    for staged in staged_uploads(form_token):
        out.append(
            Attachment(
                original_name=staged.original_name,
                content_type=staged.content_type,
                size=staged.size,
                sha256=staged.sha256,
                storage_key=staged.storage_key,
            )
        )
        db.session.delete(staged)
    return out


def _attachments_from_files(new_files: list[tuple[str, CheckedFile]], written_keys: list[str]) -> list[Attachment]:
    out = []
    for name, cf in new_files:
        key = files.save_bytes(cf.data)
        written_keys.append(key)
        out.append(
            Attachment(
                original_name=name,
                content_type=cf.content_type,
                size=len(cf.data),
                sha256=_sha256_bytes(cf.data),
                storage_key=key,
            )
        )
    return out


def intake_rule(petition: Petition):
    """The deadline rule behind the petition's first due date, for the receipt."""
    from app.calendar.services import UnknownRule, find_rule

    if not petition.due_rule_code:
        return None
    try:
        return find_rule(petition.due_rule_code, to_local(petition.received_at).date())
    except UnknownRule:
        return None


# --- tracking ---------------------------------------------------------------------------------

def find_for_tracking(code: str, key: str) -> Petition | None:
    """The petition with this code if the key matches; None for a wrong code or a wrong key."""
    return find_by_code_and_key(Petition, Petition.tracking_code, code, key)


def _safe_name(filename: str | None) -> str:
    """A display name for a file: no path, no control characters, at most 120 characters."""
    name = (filename or "tep").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "tep"
    return name[:120]


def _sha256_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
