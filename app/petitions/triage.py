"""Triage services (xử lý đơn): classify, propose, approve or return, split, transfer, reveal.

Every status change goes through app.petitions.workflow.apply. Services flush; views commit.
A petition carries a version number: an action prepared on an old version is refused
(`StaleState`), so that two staff acting at once never overwrite each other silently.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from app.agencies.models import Agency
from app.audit.models import IdentityAccess
from app.audit.services import record_event
from app.auth.permissions import Role
from app.auth.scope import subtree_ids
from app.calendar.services import due_date
from app.cases.models import Case, CaseKind
from app.crypto import decrypt_json, encrypt_json
from app.db import utcnow
from app.extensions import db
from app.formatting import to_local
from app.notifications.citizen import notify_triage_outcome
from app.petitions import workflow
from app.petitions.models import (
    Attachment,
    Channel,
    ContentCategory,
    FileReason,
    ForwarderKind,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionStatus,
    ProposedAction,
    ProtectedIdentity,
)
from app.petitions.rules import INTAKE_RULE_BY_KIND
from app.petitions.tracking import format_tracking_code, next_tracking_number
from app.retention.services import schedule as schedule_retention
from app.storage import files
from app.text import fold

MASKED_IDENTITY = _l("Người tố cáo — thông tin được bảo mật")


class TriageError(ValueError):
    """A triage request that the rules refuse; the message is for the user."""


class StaleState(TriageError):
    """The petition changed since the user loaded it."""


@dataclass(frozen=True)
class EligibilityItem:
    """One item of the eligibility checklist (TT 05/2021 Đ.6.2; Luật TC Đ.24.3)."""

    code: str
    label: object
    kinds: frozenset[str]


ALL_KINDS = frozenset(k.value for k in PetitionKind)
ELIGIBILITY_ITEMS = [
    EligibilityItem("language", _l("Viết bằng tiếng Việt hoặc có bản dịch công chứng"), ALL_KINDS),
    EligibilityItem("identity", _l("Ghi ngày tháng, họ tên, địa chỉ và có chữ ký hoặc điểm chỉ"), ALL_KINDS),
    EligibilityItem("complaint_content",
                    _l("Đơn khiếu nại nêu người bị khiếu nại, nội dung, lý do và yêu cầu"),
                    frozenset({PetitionKind.COMPLAINT.value})),
    EligibilityItem("denunciation_content",
                    _l("Đơn tố cáo nêu người bị tố cáo, hành vi vi phạm và thông tin liên hệ của người tố cáo"),
                    frozenset({PetitionKind.DENUNCIATION.value})),
    EligibilityItem("not_sent_to_many", _l("Không đồng thời gửi nhiều cơ quan, trong đó có cơ quan có thẩm quyền"),
                    ALL_KINDS),
    EligibilityItem("not_already_guided", _l("Chưa được hướng dẫn một lần về cùng nội dung"), ALL_KINDS),
]


def eligibility_items(kind: str) -> list[EligibilityItem]:
    """The checklist that applies to a kind."""
    return [item for item in ELIGIBILITY_ITEMS if kind in item.kinds]


def check_version(petition: Petition, version: int | None) -> None:
    """Refuse an action prepared on an older version of the petition."""
    if version is None or int(version) != petition.version_id:
        raise StaleState(str(_l("Đơn vừa được người khác thay đổi. Trang đã được tải lại với thông tin mới nhất; "
                                "hãy kiểm tra rồi thực hiện lại.")))


# --- classify ---------------------------------------------------------------------------------

def classify(petition: Petition, user, *, version: int, kind: str, category_id: int | None,
             multi_signer: bool, checks: dict[str, bool], within_jurisdiction: bool, note: str | None) -> None:
    """Record kind, category, signers, the eligibility checklist and jurisdiction."""
    workflow.check(petition, "classify", user)
    check_version(petition, version)
    if kind not in ALL_KINDS:
        raise TriageError(str(_l("Loại đơn không hợp lệ.")))
    if category_id is not None:
        category = db.session.get(ContentCategory, category_id)
        if category is None or category.kind != kind:
            raise TriageError(str(_l("Nội dung phân loại không thuộc loại đơn đã chọn.")))
    items = eligibility_items(kind)
    results = {item.code: bool(checks.get(item.code)) for item in items}
    if kind == PetitionKind.DENUNCIATION.value and not petition.is_denunciation:
        _protect_identities(petition)
    if kind != petition.kind:
        petition.kind = kind
        petition.due_rule_code = INTAKE_RULE_BY_KIND[kind]
        petition.due_date = due_date(petition.due_rule_code, to_local(petition.received_at).date())
    petition.category_id = category_id
    petition.multi_signer = multi_signer
    petition.eligibility = results
    petition.is_eligible = all(results.values())
    petition.within_jurisdiction = within_jurisdiction
    petition.handler_id = petition.handler_id or user.id
    failed = [str(item.label) for item in items if not results[item.code]]
    summary = "; ".join(filter(None, [
        str(_l("Đủ điều kiện xử lý")) if petition.is_eligible else str(_l("Không đủ điều kiện: %(items)s",
                                                                          items=", ".join(failed))),
        str(_l("Thuộc thẩm quyền")) if within_jurisdiction else str(_l("Không thuộc thẩm quyền")),
        note,
    ]))
    workflow.apply(petition, "classify", user, note=summary)
    db.session.flush()


def _protect_identities(petition: Petition) -> None:
    """A petition reclassified as a denunciation: move identities into the encrypted store."""
    for person in petition.petitioners:
        if person.is_protected:
            continue
        data = {k: getattr(person, k) for k in ("full_name", "id_number", "phone", "email", "address",
                                                  "province_id", "commune_id")}
        person.protected_identity = ProtectedIdentity(ciphertext=encrypt_json(data))
        for key in data:
            setattr(person, key, None)
        person.is_protected = True
    petition.search_folded = fold(" ".join([petition.title, petition.content, petition.respondent or ""]))


# --- propose, approve, return ---------------------------------------------------------------

def propose(petition: Petition, user, *, version: int, action: str, note: str | None = None,
            guide_to: str | None = None, transfer_agency_id: int | None = None, transfer_name: str | None = None,
            urge_agency_id: int | None = None, file_reason: str | None = None,
            merge_target_id: int | None = None) -> None:
    """The handler proposes what happens; a leader approves it."""
    workflow.check(petition, "propose", user)
    check_version(petition, version)
    if action not in {a.value for a in ProposedAction}:
        raise TriageError(str(_l("Hãy chọn cách xử lý.")))
    details: dict = {}
    if action == ProposedAction.ACCEPT.value:
        if not petition.is_eligible or not petition.within_jurisdiction:
            raise TriageError(str(_l("Chỉ thụ lý đơn đủ điều kiện và thuộc thẩm quyền.")))
    elif action == ProposedAction.GUIDE.value:
        if not (guide_to or "").strip():
            raise TriageError(str(_l("Hãy ghi cơ quan mà công dân cần gửi đơn đến.")))
        details["guide_to"] = guide_to.strip()
    elif action == ProposedAction.TRANSFER.value:
        details.update(_check_transfer(petition, user, transfer_agency_id, transfer_name))
    elif action == ProposedAction.URGE.value:
        agency = db.session.get(Agency, urge_agency_id) if urge_agency_id else None
        below = set(subtree_ids(user.agency_id)) - {user.agency_id}
        if agency is None or agency.id not in below:
            raise TriageError(str(_l("Chỉ đôn đốc được cơ quan cấp dưới.")))
        details["urge_agency_id"] = agency.id
    elif action == ProposedAction.FILE.value:
        if file_reason not in {r.value for r in FileReason}:
            raise TriageError(str(_l("Hãy chọn lý do lưu đơn.")))
        details["file_reason"] = file_reason
    elif action == ProposedAction.MERGE.value:
        target = db.session.get(Petition, merge_target_id) if merge_target_id else None
        if target is None or target.id == petition.id or target.agency_id != petition.agency_id \
                or target.status == PetitionStatus.MERGED.value:
            raise TriageError(str(_l("Hãy chọn đơn trùng hợp lệ trong cơ quan để gộp vào.")))
        details["merge_target_id"] = target.id
    petition.proposed_action = action
    petition.proposal = details
    petition.proposed_by_id = user.id
    petition.handler_id = petition.handler_id or user.id
    workflow.apply(petition, "propose", user, note=note)
    db.session.flush()


def _check_transfer(petition: Petition, user, agency_id: int | None, name: str | None) -> dict:
    """A transfer goes to another agency in the system or to an outside body by name."""
    # Luật Tố cáo 2018 Đ.24.2: a denunciation is transferred only once per content.
    if petition.is_denunciation and _already_transferred(petition):
        raise TriageError(str(_l("Đơn tố cáo này đã được chuyển một lần; không chuyển tiếp lần nữa.")))
    if agency_id:
        agency = db.session.get(Agency, agency_id)
        if agency is None or not agency.active or agency.id == petition.agency_id:
            raise TriageError(str(_l("Hãy chọn một cơ quan khác để chuyển đơn.")))
        return {"transfer_agency_id": agency.id}
    if (name or "").strip():
        return {"transfer_name": name.strip()}
    raise TriageError(str(_l("Hãy chọn cơ quan nhận đơn chuyển hoặc ghi tên cơ quan bên ngoài.")))


def _already_transferred(petition: Petition) -> bool:
    return petition.source_petition_id is not None


def withdraw_proposal(petition: Petition, user, *, version: int, note: str | None = None) -> None:
    """The proposer takes the proposal back."""
    workflow.check(petition, "withdraw_proposal", user)
    check_version(petition, version)
    _clear_proposal(petition)
    workflow.apply(petition, "withdraw_proposal", user, note=note)
    db.session.flush()


def return_proposal(petition: Petition, user, *, version: int, note: str | None) -> None:
    """The leader sends the proposal back with a reason."""
    workflow.check(petition, "return", user)
    check_version(petition, version)
    if not (note or "").strip():
        raise TriageError(str(_l("Hãy ghi lý do trả lại đề xuất.")))
    _clear_proposal(petition)
    workflow.apply(petition, "return", user, note=note)
    db.session.flush()


def _clear_proposal(petition: Petition) -> None:
    petition.proposed_action = None
    petition.proposal = None


PUBLIC_OUTCOME_NOTES = {
    ProposedAction.ACCEPT.value: _l("Đơn đã được thụ lý để giải quyết."),
    ProposedAction.GUIDE.value: _l("Cơ quan đã hướng dẫn bạn gửi đơn đến: %(to)s."),
    ProposedAction.TRANSFER.value: _l("Đơn đã được chuyển đến: %(to)s."),
    ProposedAction.URGE.value: _l("Cơ quan đã đôn đốc %(to)s giải quyết."),
    ProposedAction.FILE.value: _l("Đơn được lưu, không xử lý tiếp."),
    ProposedAction.MERGE.value: _l("Đơn được gộp với đơn cùng nội dung đang được xử lý."),
}


def approve(petition: Petition, user, *, version: int, note: str | None = None,
            now: datetime | None = None) -> Petition | None:
    """Carry out the proposal; return the petition created in another agency by a transfer."""
    workflow.check(petition, "approve", user)
    check_version(petition, version)
    now = now or utcnow()
    action = petition.proposed_action
    details = petition.proposal or {}
    created = None
    target_label = ""
    if action == ProposedAction.ACCEPT.value:
        _open_case(petition, user, now)
    elif action == ProposedAction.GUIDE.value:
        petition.guide_to = target_label = details["guide_to"]
    elif action == ProposedAction.TRANSFER.value:
        if details.get("transfer_agency_id"):
            agency = db.session.get(Agency, details["transfer_agency_id"])
            petition.transfer_to_agency_id = agency.id
            target_label = agency.name
        else:
            petition.transfer_to_name = target_label = details["transfer_name"]
    elif action == ProposedAction.URGE.value:
        agency = db.session.get(Agency, details["urge_agency_id"])
        petition.urged_agency_id = agency.id
        target_label = agency.name
    elif action == ProposedAction.FILE.value:
        petition.file_reason = details["file_reason"]
    elif action == ProposedAction.MERGE.value:
        target = db.session.get(Petition, details["merge_target_id"])
        petition.merged_into_id = target.id
        petition.case_id = target.case_id
    petition.decided_by_id = user.id
    petition.decided_at = now
    petition.due_date = None  # triage is over: no more triage deadline
    workflow.apply(petition, "approve", user, note=note,
                   public_note=str(PUBLIC_OUTCOME_NOTES[action]) % {"to": target_label})
    if action == ProposedAction.FILE.value:
        schedule_retention(petition)  # TT 07/2014 Đ.28: kept a year, then destroyed on the head's decision
    db.session.flush()
    if action == ProposedAction.TRANSFER.value and petition.transfer_to_agency_id:
        created = _copy_to_agency(petition, petition.transfer_to_agency, user, now)
    notify_triage_outcome(petition, created)  # the citizen's e-mail, in this transaction
    return created


CASE_KIND_BY_PETITION = {
    PetitionKind.COMPLAINT.value: (CaseKind.COMPLAINT_FIRST.value, "complaint.first.resolve"),
    PetitionKind.DENUNCIATION.value: (CaseKind.DENUNCIATION.value, "denunciation.resolve"),
    PetitionKind.PROPOSAL.value: (CaseKind.PROPOSAL.value, None),
}


def _open_case(petition: Petition, user, now: datetime) -> Case:
    """Acceptance (thụ lý) opens a case with its acceptance date and legal due date."""
    kind, rule = CASE_KIND_BY_PETITION[petition.kind]
    accepted_on = to_local(now).date()
    case = Case(kind=kind, agency_id=petition.agency_id, title=petition.title, accepted_on=accepted_on,
                due_rule_code=rule, due_date=due_date(rule, accepted_on) if rule else None,
                resolver_id=petition.handler_id)
    db.session.add(case)
    db.session.flush()
    petition.case_id = case.id
    record_event("case", case.id, "opened", actor_user_id=user.id, actor_label=user.full_name,
                 to_status=case.status, note=petition.tracking_code)
    return case


def _copy_to_agency(petition: Petition, agency: Agency, user, now: datetime) -> Petition:
    """The transferred petition lands in the other agency's inbox, linked to its history."""
    local = to_local(now)
    number = next_tracking_number(agency.id, local.year)
    copy = Petition(
        tracking_code=format_tracking_code(agency.code, local.year, number),
        agency_id=agency.id, kind=petition.kind, status=PetitionStatus.RECEIVED.value,
        channel=Channel.FORWARDED.value, received_at=now, title=petition.title, content=petition.content,
        request=petition.request, respondent=petition.respondent, previously_handled=petition.previously_handled,
        prior_handler=petition.prior_handler, prior_date=petition.prior_date,
        prior_decision_number=petition.prior_decision_number, is_group=petition.is_group,
        group_size=petition.group_size, declared_truthful=petition.declared_truthful,
        access_key_hash=petition.access_key_hash,
        forwarded_by_kind=(ForwarderKind.HIGHER_BODY.value if agency.parent_id == petition.agency_id
                           else ForwarderKind.OTHER.value),
        forwarded_by_name=petition.agency.name, source_petition_id=petition.id,
        letter_date=petition.letter_date, search_folded=petition.search_folded,
    )
    copy.due_rule_code = INTAKE_RULE_BY_KIND[copy.kind]
    copy.due_date = due_date(copy.due_rule_code, local.date())
    for person in petition.petitioners:
        clone = Petitioner(position=person.position, role=person.role, is_protected=person.is_protected,
                           full_name=person.full_name, id_number=person.id_number, phone=person.phone,
                           email=person.email, address=person.address, province_id=person.province_id,
                           commune_id=person.commune_id, person_id=person.person_id)
        if person.protected_identity is not None:
            clone.protected_identity = ProtectedIdentity(ciphertext=person.protected_identity.ciphertext)
        copy.petitioners.append(clone)
    for att in petition.attachments:
        key = files.save_bytes(files.read_bytes(att.storage_key))
        copy.attachments.append(Attachment(original_name=att.original_name, content_type=att.content_type,
                                           size=att.size, sha256=att.sha256, storage_key=key))
    db.session.add(copy)
    db.session.flush()
    record_event("petition", copy.id, "received_transfer", actor_user_id=user.id, actor_label=user.full_name,
                 to_status=PetitionStatus.RECEIVED.value, is_public=True,
                 note=str(_l("Nhận đơn chuyển đến từ %(agency)s (%(code)s).", agency=petition.agency.name,
                             code=petition.tracking_code)))
    return copy


# --- split ------------------------------------------------------------------------------------

@dataclass
class SplitPart:
    """One child of a petition that mixes kinds."""

    kind: str
    title: str
    content: str


def split(petition: Petition, user, *, version: int, parts: list[SplitPart], note: str | None = None,
          now: datetime | None = None) -> list[Petition]:
    """A petition mixing kinds becomes one child petition per kind (Luật TCD Đ.25.3)."""
    workflow.check(petition, "split", user)
    check_version(petition, version)
    parts = [p for p in parts if p.title.strip() and p.content.strip()]
    if len(parts) < 2:
        raise TriageError(str(_l("Tách đơn cần ít nhất hai phần, mỗi phần có tiêu đề và nội dung.")))
    if any(p.kind not in ALL_KINDS for p in parts):
        raise TriageError(str(_l("Loại đơn không hợp lệ.")))
    now = now or utcnow()
    children = []
    for part in parts:
        child = _copy_to_agency(petition, petition.agency, user, now)
        child.kind, child.title, child.content = part.kind, part.title.strip(), part.content.strip()
        child.channel, child.source_petition_id, child.split_from_id = petition.channel, None, petition.id
        child.received_at = petition.received_at
        child.due_rule_code = INTAKE_RULE_BY_KIND[child.kind]
        child.due_date = due_date(child.due_rule_code, to_local(petition.received_at).date())
        if child.kind == PetitionKind.DENUNCIATION.value:
            _protect_identities(child)
        child.search_folded = fold(" ".join([child.title, child.content, child.respondent or ""]))
        children.append(child)
    workflow.apply(petition, "split", user, note=note,
                   public_note=str(_l("Đơn được tách thành %(n)s đơn riêng theo từng loại.", n=len(children))))
    db.session.flush()
    return children


# --- identity ---------------------------------------------------------------------------------

def can_reveal_identity(user, petition: Petition) -> bool:
    """Only the resolver (the handler in charge) and a leader of the handling agency."""
    if petition.agency_id != user.agency_id:
        return False
    if user.role == Role.LEADER.value:
        return True
    return user.role == Role.HANDLER.value and petition.handler_id == user.id


def reveal_identity(petition: Petition, user, *, ip_address: str | None) -> list[dict]:
    """Decrypt the protected identities of a petition; every reveal is logged."""
    if not can_reveal_identity(user, petition):
        raise TriageError(str(_l("Bạn không có quyền xem danh tính người tố cáo.")))
    out = []
    for person in petition.petitioners:
        if person.protected_identity is None:
            continue
        db.session.add(IdentityAccess(user_id=user.id, petition_id=petition.id, petitioner_id=person.id,
                                      ip_address=ip_address))
        out.append(decrypt_json(person.protected_identity.ciphertext))
    record_event("petition", petition.id, "identity_revealed", actor_user_id=user.id, actor_label=user.full_name)
    db.session.flush()
    return out

