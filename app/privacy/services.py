"""A citizen's personal data, gathered for them on request (Nghị định 13/2023/NĐ-CP Đ.14).

Staff export, for the person in front of them, everything the system holds about that person
in the agencies the staff member may see: the desk's record of them, their visits, the
petitions they signed (with the contact data written on each), the cases those led to, and
their requests for online reception. Each export is an event (and so an audit line).

A denunciator's identity is never in a plain column (Luật Tố cáo 2018 Đ.9.1.b, Đ.56): a
person's export cannot reach their denunciations. Exporting the identity of a protected
petitioner is a reveal — only those who may reveal it (app.petitions.triage.can_reveal_identity),
and it is logged as one.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.agencies.models import AdminUnit
from app.audit.models import IdentityAccess
from app.audit.services import record_event
from app.auth.scope import visible_agency_ids
from app.cases.models import Case
from app.crypto import decrypt_json
from app.db import utcnow
from app.extensions import db
from app.petitions.models import Petition, Petitioner
from app.petitions.triage import can_reveal_identity
from app.reception.history import known_in_scope
from app.reception.models import OnlineRequest, Person, Visit, VisitVisitor

FORMAT = "don-thu/personal-data/1"
LEGAL_BASIS = ("Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân (Điều 9: quyền của chủ thể dữ liệu; "
               "Điều 14: cung cấp dữ liệu cá nhân)")


class ExportRefused(PermissionError):
    """The user may not export this identity (a protected denunciator)."""


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _unit(unit) -> str | None:
    return unit.name if unit is not None else None


def find_person(user, person_id: int) -> Person | None:
    """A person known to the user's agencies (visited or petitioned there), or None."""
    return db.session.scalars(select(Person).where(Person.id == person_id,
                                                   Person.id.in_(known_in_scope(user)))).first()


def _person_record(person: Person) -> dict:
    return {
        "full_name": person.full_name, "id_number": person.id_number, "phone": person.phone,
        "address": person.address, "province": _unit(person.province), "commune": _unit(person.commune),
        "first_recorded_at": _iso(person.created_at), "updated_at": _iso(person.updated_at),
    }


def _visit_record(visit: Visit, role: str) -> dict:
    return {
        "register_number": visit.register_number, "agency": visit.agency.name,
        "visited_at": _iso(visit.visited_at), "place": visit.place, "channel": visit.channel, "role": role,
        "kind": visit.kind, "summary": visit.summary, "request": visit.request,
        "prior_handling": visit.prior_handling, "respondent": visit.respondent, "outcome": visit.outcome,
        "outcome_note": visit.outcome_note, "guided_to": visit.guided_to,
        "reply_due": _iso(visit.reply_due), "replied_on": _iso(visit.replied_on), "reply_note": visit.reply_note,
        "petition": visit.petition.tracking_code if visit.petition else None,
    }


def _case_record(case: Case | None) -> dict | None:
    if case is None:
        return None
    return {
        "case_id": case.id, "kind": case.kind, "status": case.status, "accepted_on": _iso(case.accepted_on),
        "due_date": _iso(case.due_date), "outcome": case.outcome, "decision_number": case.decision_number,
        "decision_date": _iso(case.decision_date),
    }


def _petition_record(petition: Petition, signer: dict) -> dict:
    return {
        "tracking_code": petition.tracking_code, "agency": petition.agency.name, "kind": petition.kind,
        "channel": petition.channel, "status": petition.status, "received_at": _iso(petition.received_at),
        "letter_date": _iso(petition.letter_date), "title": petition.title, "content": petition.content,
        "request": petition.request, "respondent": petition.respondent,
        "decided_at": _iso(petition.decided_at), "file_reason": petition.file_reason,
        "destroy_after": _iso(petition.destroy_after), "destroyed_at": _iso(petition.destroyed_at),
        "as_written_on_the_petition": signer,
        "attachments": [{"name": a.original_name, "type": a.content_type, "size": a.size,
                         "received_at": _iso(a.created_at)} for a in petition.attachments],
        "case": _case_record(db.session.get(Case, petition.case_id) if petition.case_id else None),
    }


def _signer(row: Petitioner) -> dict:
    return {
        "role": row.role, "full_name": row.full_name, "id_number": row.id_number, "phone": row.phone,
        "email": row.email, "address": row.address, "province": _unit(row.province), "commune": _unit(row.commune),
    }


def _online_record(req: OnlineRequest) -> dict:
    return {
        "code": req.code, "agency": req.agency.name, "status": req.status, "kind": req.kind,
        "summary": req.summary, "full_name": req.full_name, "id_number": req.id_number, "phone": req.phone,
        "email": req.email, "requested_at": _iso(req.created_at),
        "slot_starts_at": _iso(req.slot.starts_at) if req.slot else None,
    }


def _envelope(user, subject: dict) -> dict:
    return {
        "format": FORMAT, "generated_at": _iso(utcnow()), "generated_by": user.full_name,
        "controller": user.agency.name, "legal_basis": LEGAL_BASIS,
        "note": _("Dữ liệu cá nhân mà hệ thống của %(agency)s và các cơ quan thuộc phạm vi của cán bộ lập đang "
                  "lưu về người này.", agency=user.agency.name),
        "subject": subject, "visits": [], "petitions": [], "online_requests": [],
    }


def export_person(person: Person, user) -> dict:
    """Everything about a person known to the desk, within the user's scope; the export is an event."""
    scope = visible_agency_ids(user)
    data = _envelope(user, _person_record(person))
    rows = db.session.execute(
        select(Visit, VisitVisitor.role).join(VisitVisitor)
        .where(VisitVisitor.person_id == person.id, Visit.agency_id.in_(scope), Visit.is_protected.is_(False))
        .order_by(Visit.visited_at, Visit.id)).all()
    data["visits"] = [_visit_record(visit, role) for visit, role in rows]
    match = [Petitioner.person_id == person.id]
    if person.id_number:
        match.append(Petitioner.id_number == person.id_number)
    signed = db.session.execute(
        select(Petitioner, Petition).join(Petition)
        .where(or_(*match), Petition.agency_id.in_(scope), Petitioner.is_protected.is_(False))
        .order_by(Petition.received_at, Petition.id, Petitioner.position)).all()
    data["petitions"] = [_petition_record(petition, _signer(row)) for row, petition in signed]
    if person.id_number:
        requests = db.session.scalars(
            select(OnlineRequest).where(OnlineRequest.id_number == person.id_number,
                                        OnlineRequest.agency_id.in_(scope),
                                        OnlineRequest.protected_identity.is_(None))
            .order_by(OnlineRequest.created_at, OnlineRequest.id))
        data["online_requests"] = [_online_record(r) for r in requests]
    record_event("person", person.id, "personal_data_exported", actor_user_id=user.id, actor_label=user.full_name,
                 note=f"visits={len(data['visits'])} petitions={len(data['petitions'])} "
                      f"online_requests={len(data['online_requests'])}")
    return data


def export_petitioner(petition: Petition, petitioner: Petitioner, user, *, ip_address: str | None) -> dict:
    """The data of one signer of a petition: as the desk knows them when linked to a person,
    otherwise what this petition (and others with the same ID number) hold about them.

    A protected signer (denunciator): only for those who may reveal the identity, logged as a reveal;
    the export then holds this petition only.
    """
    if petitioner.petition_id != petition.id:
        raise LookupError("petitioner of another petition")
    if petitioner.is_protected:
        if not can_reveal_identity(user, petition) or petitioner.protected_identity is None:
            raise ExportRefused("identity of a denunciator")
        identity = decrypt_json(petitioner.protected_identity.ciphertext)
        identity.pop("person_id", None)
        identity.pop("email_opt_in", None)
        for key, name in (("province_id", "province"), ("commune_id", "commune")):
            unit_id = identity.pop(key, None)
            identity[name] = _unit(db.session.get(AdminUnit, unit_id)) if unit_id else None
        db.session.add(IdentityAccess(user_id=user.id, petition_id=petition.id, petitioner_id=petitioner.id,
                                      ip_address=ip_address))
        record_event("petition", petition.id, "identity_revealed", actor_user_id=user.id,
                     actor_label=user.full_name, note=_("Xuất dữ liệu cá nhân của người tố cáo"))
        data = _envelope(user, {**identity, "protected": True})
        data["petitions"] = [_petition_record(petition, {**identity, "role": petitioner.role})]
    else:
        person = db.session.get(Person, petitioner.person_id) if petitioner.person_id else None
        if person is not None:
            data = export_person(person, user)
            if not any(p["tracking_code"] == petition.tracking_code for p in data["petitions"]):
                data["petitions"].append(_petition_record(petition, _signer(petitioner)))
        else:
            data = _envelope(user, {key: value for key, value in _signer(petitioner).items() if key != "role"})
            rows = [(petitioner, petition)]
            if petitioner.id_number:
                rows = db.session.execute(
                    select(Petitioner, Petition).join(Petition)
                    .where(Petitioner.id_number == petitioner.id_number, Petitioner.is_protected.is_(False),
                           Petition.agency_id.in_(visible_agency_ids(user)))
                    .order_by(Petition.received_at, Petition.id)).all()
            data["petitions"] = [_petition_record(p, _signer(row)) for row, p in rows]
    record_event("petition", petition.id, "personal_data_exported", actor_user_id=user.id,
                 actor_label=user.full_name, note=f"petitioner={petitioner.position + 1}")
    db.session.flush()
    return data
