"""E-mails to citizens when the triage of their petition is approved (the public outcome).

`notify_triage_outcome(petition)` is called once, at the end of `app.petitions.triage.approve`,
in the approval's transaction: the notice is an outbox row (`services.enqueue`, flush only),
so a rolled-back approval sends nothing and a committed one is delivered by `flask outbox
deliver`. One e-mail per outcome and petition (dedupe_key `petition:{id}:{outcome}`):

- accepted (thụ lý): the case's due date and the legal source of its deadline rule;
- guided (hướng dẫn): the body the citizen should send the petition to;
- transferred (chuyển đơn): the body that received it (and the new tracking code when it went
  to another agency of the system, which the same access key opens);
- filed (lưu đơn): the reason;
- merged (gộp đơn).

An "urge" outcome (đôn đốc cơ quan cấp dưới) and a split are not e-mailed: the /track page
shows them.

The message goes to the first petitioner, only if they gave an e-mail address. It is always in
Vietnamese (`force_locale("vi")`), whatever the language of the staff member who approved, in
plain text from the templates in templates/emails/. It carries the tracking code and points to
the site's /track page, never the access key.

A denunciator (tố cáo; `Petitioner.is_protected`) is e-mailed only if they ticked the opt-in on
the public form: the address and the consent sit inside the encrypted identity (Luật Tố cáo 2018
Đ.9.1.b, Đ.56) and are decrypted here by the system only to address the message; no staff member
sees them. Without the consent they follow the petition on /track with their code and key.

`notify_case_event(case, event)` tells the same person of an extension and of the decision or
conclusion of the case their petition opened (app.cases.services.extend / decide).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.formatting import format_date
from app.notifications.services import InvalidAddress, enqueue
from app.petitions.labels import KIND_LABELS, UNIT_LABELS
from app.petitions.models import Petition, PetitionStatus

log = logging.getLogger(__name__)

CITIZEN_LOCALE = "vi"


@dataclass(frozen=True)
class Notice:
    """How one outcome is told: the outbox kind, the template, the subject."""

    kind: str
    template: str
    subject: object  # lazy string with %(code)s


NOTICES: dict[str, Notice] = {
    PetitionStatus.ACCEPTED.value: Notice("petition.accepted", "emails/petition_accepted.txt",
                                          _l("Thông báo thụ lý đơn %(code)s")),
    PetitionStatus.GUIDED.value: Notice("petition.guided", "emails/petition_guided.txt",
                                        _l("Hướng dẫn gửi đơn %(code)s đến cơ quan có thẩm quyền")),
    PetitionStatus.TRANSFERRED.value: Notice("petition.transferred", "emails/petition_transferred.txt",
                                             _l("Thông báo chuyển đơn %(code)s")),
    PetitionStatus.FILED.value: Notice("petition.filed", "emails/petition_filed.txt",
                                       _l("Thông báo lưu đơn %(code)s")),
    PetitionStatus.MERGED.value: Notice("petition.merged", "emails/petition_merged.txt",
                                        _l("Thông báo gộp đơn %(code)s")),
}


def dedupe_key(petition: Petition, outcome: str) -> str:
    """At most one notice per petition and outcome, ever."""
    return f"petition:{petition.id}:{outcome}"


def notify_triage_outcome(petition: Petition, created: Petition | None = None):
    """Queue the e-mail telling the first petitioner the approved outcome; flush, never commit.

    `created` is the petition a transfer created in another agency of the system (its tracking
    code is given to the citizen). Returns the outbox row, or None when nothing was queued: an
    outcome that is not e-mailed, no petitioner or no address, a protected denunciator, or the
    notice already queued. A malformed stored address is logged and skipped: it must never
    undo the approval.
    """
    notice = NOTICES.get(petition.status)
    if notice is None:
        return None
    recipient = _recipient(petition)
    if recipient is None:
        return None
    full_name, address = recipient
    with force_locale(CITIZEN_LOCALE):
        context = _context(petition, full_name, created)
        subject = str(notice.subject) % {"code": petition.tracking_code}
        body = render_text(notice.template, **context)
    try:
        return enqueue(notice.kind, address, subject, body, subject_type="petition", subject_id=petition.id,
                       dedupe_key=dedupe_key(petition, petition.status))
    except InvalidAddress as exc:
        log.warning("citizen notice for petition %s not queued: %s", petition.id, exc)
        return None


def render_text(template: str, **context) -> str:
    """A plain-text e-mail body from a template: no trailing spaces, at most one blank line in a row."""
    text = render_template(template, **context)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def track_url(code: str | None = None) -> str:
    """The public /track page with the code filled in, as an absolute URL.

    Built from the current request (the approval), or from SERVER_NAME outside a request; with
    neither, just the path.
    """
    try:
        return url_for("portal.track", code=code, _external=True)
    except RuntimeError:  # no request and no SERVER_NAME (a command-line run)
        return "/track"


def _recipient(petition: Petition) -> tuple[str | None, str] | None:
    """(name, address) of the first petitioner who may be e-mailed, or None.

    A non-protected petitioner consents by giving an address; a denunciator only by the opt-in
    kept with their encrypted identity."""
    person = petition.petitioners[0] if petition.petitioners else None
    if person is None:
        return None
    if person.is_protected:
        if person.protected_identity is None:
            return None
        from app.crypto import decrypt_json

        identity = decrypt_json(person.protected_identity.ciphertext)
        address = (identity.get("email") or "").strip()
        if not identity.get("email_opt_in") or not address:
            return None
        return identity.get("full_name"), address
    address = (person.email or "").strip()
    return (person.full_name, address) if address else None


CASE_NOTICES = {
    "extended": Notice("case.extended", "emails/case_extended.txt", _l("Thông báo gia hạn giải quyết đơn %(code)s")),
    "decided": Notice("case.decided", "emails/case_decided.txt", _l("Thông báo kết quả giải quyết đơn %(code)s")),
}


def notify_case_event(case, event: str):
    """Queue the e-mail about an extension or the decision of a case to the petitioner of the petition
    that opened it (the same consent rules as above); flush, never commit. Returns the row or None."""
    from sqlalchemy import select

    from app.cases.models import CaseOutcome
    from app.extensions import db

    notice = CASE_NOTICES[event]
    petition = db.session.scalars(select(Petition).where(Petition.case_id == case.id)
                                  .order_by(Petition.received_at, Petition.id)).first()
    if petition is None:
        return None
    recipient = _recipient(petition)
    if recipient is None:
        return None
    full_name, address = recipient
    outcome_labels = {
        CaseOutcome.CORRECT.value: "đúng", CaseOutcome.PARTLY_CORRECT.value: "đúng một phần",
        CaseOutcome.INCORRECT.value: "sai", CaseOutcome.TRUE.value: "đúng",
        CaseOutcome.PARTLY_TRUE.value: "đúng một phần", CaseOutcome.UNTRUE.value: "sai",
        CaseOutcome.ANSWERED.value: "đã được trả lời",
    }
    with force_locale(CITIZEN_LOCALE):
        context = _context(petition, full_name, None)
        last = case.extensions[-1] if case.extensions else None
        context.update({
            "due_date": format_date(case.due_date) if case.due_date else None,
            "extension_number": last.decision_number if last else None,
            "extension_reason": last.reason if last else None,
            "decision_number": case.decision_number, "decision_date": format_date(case.decision_date),
            "outcome": outcome_labels.get(case.outcome or ""), "is_complaint": case.kind.startswith("complaint"),
            "appeal_window_closes": format_date(case.appeal_window_closes) if case.appeal_window_closes else None,
        })
        subject = str(notice.subject) % {"code": petition.tracking_code}
        body = render_text(notice.template, **context)
    key = f"case:{case.id}:{event}:{len(case.extensions)}" if event == "extended" else f"case:{case.id}:{event}"
    try:
        return enqueue(notice.kind, address, subject, body, subject_type="case", subject_id=case.id, dedupe_key=key)
    except InvalidAddress as exc:
        log.warning("citizen notice for case %s not queued: %s", case.id, exc)
        return None


def _context(petition: Petition, full_name: str | None, created: Petition | None) -> dict:
    """What the templates show; every label rendered now, in Vietnamese."""
    context = {
        "petition": petition,
        "full_name": full_name,
        "code": petition.tracking_code,
        "title": petition.title,
        "kind_label": str(KIND_LABELS.get(petition.kind, "")),
        "agency_name": petition.agency.name,
        "decided_on": format_date(petition.decided_at),
        "track_url": track_url(petition.tracking_code),
    }
    if petition.status == PetitionStatus.ACCEPTED.value:
        context.update(_acceptance(petition))
    elif petition.status == PetitionStatus.TRANSFERRED.value:
        context["transfer_to"] = (petition.transfer_to_agency.name if petition.transfer_to_agency is not None
                                  else petition.transfer_to_name)
        context["new_code"] = created.tracking_code if created is not None else None
        context["new_track_url"] = track_url(created.tracking_code) if created is not None else None
    elif petition.status == PetitionStatus.GUIDED.value:
        context["guide_to"] = petition.guide_to
    elif petition.status == PetitionStatus.FILED.value:
        from app.petitions.forms import FILE_REASON_CHOICES

        reasons = {value: label for value, label in FILE_REASON_CHOICES if value}
        label = reasons.get(petition.file_reason)
        context["file_reason"] = str(label) if label is not None else None
    return context


def _acceptance(petition: Petition) -> dict:
    """The case's due date and the rule it comes from (period, unit, legal source)."""
    from app.calendar.services import UnknownRule, find_rule
    from app.cases.models import Case
    from app.extensions import db

    case = db.session.get(Case, petition.case_id) if petition.case_id else None
    out = {"due_date": None, "period": None, "legal_source": None, "accepted_on": None}
    if case is None:
        return out
    out["accepted_on"] = format_date(case.accepted_on)
    out["due_date"] = format_date(case.due_date) if case.due_date else None
    if case.due_rule_code:
        try:
            rule = find_rule(case.due_rule_code, case.accepted_on, complex_=bool(case.is_complex),
                             remote=bool(case.is_remote))
        except UnknownRule:
            rule = None
        if rule is not None:
            out["period"] = f"{rule.days} {UNIT_LABELS.get(rule.unit, '')}".strip()
            out["legal_source"] = rule.legal_source
    return out
