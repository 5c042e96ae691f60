"""What the API returns for a petition, a case, a visit and a public timeline, as plain dicts.

A denunciator's identity never appears: a protected petitioner is a role and a mask, whatever
the token may do (revealing an identity is a logged act of the staff pages only).
"""
from __future__ import annotations

from datetime import date, datetime

from app.audit.queries import timeline
from app.cases.labels import CASE_EVENT_LABELS, CASE_KIND_LABELS, CASE_STATE_LABELS
from app.cases.models import Case
from app.petitions import workflow as petition_workflow
from app.petitions.labels import EVENT_LABELS, KIND_LABELS, STATUS_LABELS
from app.petitions.models import Petition
from app.petitions.triage import MASKED_IDENTITY

# The workflow actions the API offers (the others need files or several records: staff pages).
PETITION_ACTIONS = ("classify", "propose", "withdraw_proposal", "return", "approve")
CASE_ACTIONS = ("start_verification", "hold_dialogue", "make_final", "start_enforcement", "handle_conclusion",
                "close", "withdraw", "terminate")


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 (RFC 3339 for times, in UTC), or None."""
    return value.isoformat() if value is not None else None


def _agency(agency) -> dict | None:
    return {"id": agency.id, "code": agency.code, "name": agency.name} if agency is not None else None


def petition_summary(p: Petition) -> dict:
    """A petition in a list."""
    return {
        "id": p.id,
        "tracking_code": p.tracking_code,
        "kind": p.kind,
        "status": p.status,
        "channel": p.channel,
        "title": p.title,
        "agency": _agency(p.agency),
        "received_at": iso(p.received_at),
        "due_date": iso(p.due_date),
        "case_id": p.case_id,
        "version": p.version_id,
    }


def _petitioner(person) -> dict:
    if person.is_protected:
        return {"role": person.role, "protected": True, "full_name": str(MASKED_IDENTITY), "id_number": None,
                "phone": None, "email": None, "address": None}
    return {"role": person.role, "protected": False, "full_name": person.full_name, "id_number": person.id_number,
            "phone": person.phone, "email": person.email, "address": person.address}


def petition_detail(p: Petition, actor) -> dict:
    """One petition, for a staff token within scope."""
    allowed = petition_workflow.allowed_actions(p, actor)
    return {
        **petition_summary(p),
        "kind_label": str(KIND_LABELS.get(p.kind, p.kind)),
        "status_label": str(STATUS_LABELS.get(p.status, p.status)),
        "content": p.content,
        "request": p.request,
        "respondent": p.respondent,
        "is_group": p.is_group,
        "group_size": p.group_size,
        "category_id": p.category_id,
        "is_eligible": p.is_eligible,
        "within_jurisdiction": p.within_jurisdiction,
        "proposed_action": p.proposed_action,
        "handler_id": p.handler_id,
        "petitioners": [_petitioner(person) for person in p.petitioners],
        "attachments": [{"id": a.id, "name": a.original_name, "content_type": a.content_type, "size": a.size}
                        for a in p.attachments],
        "allowed_actions": [a for a in PETITION_ACTIONS if a in allowed],
    }


def case_summary(c: Case) -> dict:
    """A case in a list."""
    return {
        "id": c.id,
        "kind": c.kind,
        "status": c.status,
        "title": c.title,
        "agency": _agency(c.agency),
        "accepted_on": iso(c.accepted_on),
        "due_date": iso(c.due_date),
        "outcome": c.outcome,
        "updated_at": iso(c.updated_at),
    }


def case_detail(c: Case, actor, petitions: list[Petition]) -> dict:
    """One case, for a staff token within scope."""
    from app.cases.page import available

    offered = available(c, actor)
    return {
        **case_summary(c),
        "kind_label": str(CASE_KIND_LABELS.get(c.kind, c.kind)),
        "status_label": str(CASE_STATE_LABELS.get(c.status, c.status)),
        "resolver_id": c.resolver_id,
        "leader_id": c.leader_id,
        "complexity_level": c.complexity_level,
        "decision_number": c.decision_number,
        "decision_date": iso(c.decision_date),
        "parent_case_id": c.parent_case_id,
        "petitions": [{"id": p.id, "tracking_code": p.tracking_code} for p in petitions],
        "allowed_actions": [a for a in CASE_ACTIONS if a in offered],
        "timeline": [{"at": iso(e.created_at), "action": e.action,
                      "label": str(CASE_EVENT_LABELS.get(e.action, e.action)), "to_status": e.to_status,
                      "public": e.is_public}
                     for e in timeline("case", c.id, public_only=False)],
    }


def public_status(p: Petition) -> dict:
    """What the citizen sees on the tracking page: status and the public events only."""
    return {
        "tracking_code": p.tracking_code,
        "kind": p.kind,
        "status": p.status,
        "status_label": str(STATUS_LABELS.get(p.status, p.status)),
        "agency": p.agency.name,
        "title": p.title,
        "received_at": iso(p.received_at),
        "due_date": iso(p.due_date),
        "timeline": [{"at": iso(e.created_at), "action": e.action,
                      "label": str(EVENT_LABELS.get(e.action, e.action)), "note": e.note}
                     for e in timeline("petition", p.id, public_only=True)],
    }


def visit_created(visit, access_key: str | None) -> dict:
    """A visit just logged, and the walk-in petition it created (its access key shown once)."""
    petition = None
    if visit.petition_id:
        from app.extensions import db

        p = db.session.get(Petition, visit.petition_id)
        petition = {"id": p.id, "tracking_code": p.tracking_code, "access_key": access_key}
    return {"id": visit.id, "register_number": visit.register_number, "visited_at": iso(visit.visited_at),
            "kind": visit.kind, "outcome": visit.outcome, "people_count": visit.people_count,
            "reply_due": iso(visit.reply_due), "petition": petition}
