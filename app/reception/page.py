"""Helpers of the desk views: choices, prefill, form → draft, the history panel, rendering."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from app.agencies.models import Agency
from app.extensions import db
from app.formatting import LOCAL_TZ, to_local
from app.petitions.labels import KIND_LABELS
from app.petitions.models import ContentCategory
from app.petitions.services import staged_uploads
from app.reception import history as history_queries
from app.reception.forms import MAX_VISITORS, parse_time
from app.reception.models import Person, ReceptionSession, VisitChannel
from app.reception.sessions import session_for_visit
from app.reception.services import VisitDraft, VisitorInput
from app.db import utcnow


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def fill_choices(form, user) -> None:
    """Categories grouped by kind, and the agencies a visit can be transferred to."""
    rows = db.session.scalars(select(ContentCategory).where(ContentCategory.active.is_(True))
                              .order_by(ContentCategory.position)).all()
    groups: dict = {"": [("", _("— Chưa chọn —"))]}
    for kind, label in KIND_LABELS.items():
        groups[str(label)] = [(str(c.id), c.name) for c in rows if c.kind == kind]
    form.category.choices = groups
    form._category_kind = {str(c.id): c.kind for c in rows}
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True), Agency.id != user.agency_id)
                                  .order_by(Agency.id))
    form.transfer_agency.choices = [("", _("— Không —"))] + [(str(a.id), a.name) for a in agencies]


def check_choices(form) -> bool:
    """A category must belong to the chosen kind."""
    if form.category.data and form._category_kind.get(form.category.data) not in (None, form.kind.data):
        form.category.errors.append(_("Lĩnh vực đã chọn không thuộc loại nội dung này."))
        return False
    return True


def session_for(user, session_id) -> ReceptionSession | None:
    """A reception day of the user's agency, not cancelled (visits are logged in one's own agency)."""
    return session_for_visit(user, _int(session_id))


def prefill(form, user, *, last_place: str | None, session_id=None, online_request_id=None) -> dict:
    """Defaults of a new visit: now, the last place used, a session's or an online request's data."""
    now = to_local(utcnow())
    form.visited_on.data = now.date()
    form.visited_time.data = now.strftime("%H:%M")
    form.place.data = last_place or user.agency.name
    context = {}
    rs = session_for(user, session_id)
    if rs is not None:
        form.session_id.data = str(rs.id)
        form.place.data = rs.place
        context["reception_session"] = rs
    if online_request_id:
        request_row = _online_request(user, online_request_id)
        if request_row is not None:
            from app.reception import online

            values = online.prefill_for_visit(request_row, user=user)
            form.online_request_id.data = str(request_row.id)
            form.kind.data = values.get("kind")
            form.summary.data = values.get("summary")
            form.meeting_link.data = values.get("meeting_link")
            visitor = form.visitors.entries[0].form
            for key in ("full_name", "id_number", "phone"):
                getattr(visitor, key).data = values.get(key)
            if values.get("visited_at"):
                local = to_local(values["visited_at"])
                form.visited_on.data, form.visited_time.data = local.date(), local.strftime("%H:%M")
            form.place.data = _("Trực tuyến")
            context["online_request"] = request_row
    return context


def _online_request(user, request_id):
    from app.reception.models import OnlineRequest

    rid = _int(request_id)
    if not rid:
        return None
    return db.session.scalars(select(OnlineRequest).where(OnlineRequest.id == rid,
                                                          OnlineRequest.agency_id == user.agency_id)).first()


def apply_pick(form, person_id) -> bool:
    """Put a person chosen from the look-up into the first empty visitor row (or a new one)."""
    person = db.session.get(Person, _int(person_id)) if _int(person_id) else None
    if person is None:
        return False
    rows = form.visitors.entries
    target = next((e.form for e in rows if not (e.form.full_name.data or "").strip()), None)
    if target is None:
        if len(rows) >= MAX_VISITORS:
            return False
        target = form.visitors.append_entry().form
    target.person_id.data = str(person.id)
    target.full_name.data = person.full_name
    target.id_number.data = person.id_number
    target.phone.data = person.phone
    target.address.data = person.address
    return True


def build_draft(form, user) -> VisitDraft:
    """Service input from the validated desk form."""
    hour, minute = parse_time(form.visited_time.data)
    visited_at = datetime.combine(form.visited_on.data, datetime.min.time(), tzinfo=LOCAL_TZ).replace(
        hour=hour, minute=minute)
    visitors = [VisitorInput(full_name=e.form.full_name.data or "", id_number=e.form.id_number.data or None,
                             phone=e.form.phone.data or None, address=e.form.address.data or None,
                             person_id=_int(e.form.person_id.data), name_decision=e.form.name_decision.data or None)
                for e in form.visitors.entries]
    online_request_id = _int(form.online_request_id.data)
    rs = session_for(user, form.session_id.data)
    return VisitDraft(
        visited_at=visited_at, place=form.place.data, kind=form.kind.data, summary=form.summary.data or "",
        outcome=form.outcome.data, visitors=visitors, people_count=form.people_count.data or 1,
        request=form.request_text.data or "", prior_handling=form.prior_handling.data,
        respondent=form.respondent.data, category_id=_int(form.category.data), title=form.title.data,
        outcome_note=form.outcome_note.data, guided_to=form.guided_to.data,
        transfer_agency_id=_int(form.transfer_agency.data), transfer_to_name=form.transfer_to_name.data,
        refusal_ground=form.refusal_ground.data or None, repeat_ref=form.repeat_ref.data or None,
        channel=VisitChannel.ONLINE.value if online_request_id else VisitChannel.IN_PERSON.value,
        session_id=rs.id if rs else None, online_request_id=online_request_id,
        meeting_link=(form.meeting_link.data or "").strip() or None,
    )


def history_for_form(form, user) -> history_queries.History:
    """The history panel of the people typed so far."""
    entries = [e.form for e in form.visitors.entries]
    return history_queries.person_history(
        user, id_numbers=[f.id_number.data for f in entries if f.id_number.data and not f.id_number.errors],
        phones=[f.phone.data for f in entries if f.phone.data and not f.phone.errors],
        person_ids=[f.person_id.data for f in entries if _int(f.person_id.data)],
    )


def render_desk(form, user, *, extra_errors=(), status: int = 200, validate: bool = True, people=None,
                clashes=None, context=None, focus: str | None = None):
    """The desk page; `focus` is the id of the field the cursor should be in (after adding a person)."""
    if not validate:
        for fld in form:
            fld.errors = []
            if fld.type == "FieldList":
                for entry in fld.entries:
                    for sub in entry.form:
                        sub.errors = []
    token = form.form_token.data
    context = dict(context or {})
    if form.session_id.data and "reception_session" not in context:
        rs = session_for(user, form.session_id.data)
        if rs is not None:
            context["reception_session"] = rs
    if form.online_request_id.data and "online_request" not in context:
        context["online_request"] = _online_request(user, form.online_request_id.data)
    return render_template(
        "reception/desk.html", form=form, staged=staged_uploads(token) if token else [],
        extra_errors=list(extra_errors), history=history_for_form(form, user), people=people,
        clashes={c.position: c for c in (clashes or [])}, selected_ref=form.repeat_ref.data or "", focus=focus,
        max_files=current_app.config["MAX_ATTACHMENTS"], max_visitors=MAX_VISITORS,
        max_mb=current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024), **context,
    ), status
