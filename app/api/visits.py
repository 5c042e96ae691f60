"""A visit posted as JSON, shaped into the desk's VisitDraft with the desk form's own checks.

Each visitor goes through the desk's VisitorForm (CCCD and phone rules); the category must be
of the visit's kind and the transfer agency an active one other than the user's, as on the page.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.agencies.models import Agency
from app.api.inputs import Fields
from app.db import utcnow
from app.extensions import db
from app.petitions.models import ContentCategory, PetitionKind
from app.reception.forms import MAX_VISITORS, VisitorForm
from app.reception.models import RefusalGround, VisitOutcome
from app.reception.services import VisitDraft, VisitorInput

MAX_ID = 2**31 - 1


def draft_from_json(data: dict, user) -> VisitDraft:
    """The VisitDraft of a JSON body, or a 422 problem naming each bad field."""
    f = Fields(data)
    visited_at = f.moment("visited_at")
    place = f.string("place", max_length=200)
    kind = f.choice("kind", [k.value for k in PetitionKind], required=True)
    outcome = f.choice("outcome", [o.value for o in VisitOutcome], required=True)
    summary = f.string("summary", max_length=20000)
    people_count = f.integer("people_count", minimum=1, maximum=100000)
    refusal_ground = f.choice("refusal_ground", [g.value for g in RefusalGround])
    category_id = f.integer("category_id", minimum=1, maximum=MAX_ID)
    transfer_agency_id = f.integer("transfer_agency_id", minimum=1, maximum=MAX_ID)
    texts = {name: f.string(name, max_length=size) for name, size in (
        ("request", 5000), ("prior_handling", 5000), ("respondent", 300), ("title", 300),
        ("outcome_note", 5000), ("guided_to", 300), ("transfer_to_name", 300))}
    raw_visitors = data.get("visitors")
    visitors: list[VisitorInput] = []
    if not isinstance(raw_visitors, list) or not raw_visitors or len(raw_visitors) > MAX_VISITORS:
        f.error("visitors", _("Hãy gửi danh sách người đến (1 đến %(n)s người).", n=MAX_VISITORS))
    else:
        for i, raw in enumerate(raw_visitors):
            visitors.append(_visitor(f, i, raw))
    if not (place or "").strip():
        f.error("place", _("Hãy nhập địa điểm tiếp."))
    if not (summary or "").strip():
        f.error("summary", _("Hãy ghi tóm tắt nội dung công dân trình bày."))
    if visited_at is not None and visited_at > utcnow() + timedelta(minutes=5):
        f.error("visited_at", _("Thời gian tiếp không thể ở tương lai."))
    if category_id is not None:
        category = db.session.get(ContentCategory, category_id)
        if category is None or not category.active or category.kind != kind:
            f.error("category_id", _("Lĩnh vực đã chọn không thuộc loại nội dung này."))
    if transfer_agency_id is not None:
        agency = db.session.scalars(select(Agency).where(Agency.id == transfer_agency_id,
                                                         Agency.active.is_(True))).first()
        if agency is None or agency.id == user.agency_id:
            f.error("transfer_agency_id", _("Hãy chọn một cơ quan khác đang hoạt động."))
    f.check()
    return VisitDraft(
        visited_at=visited_at or utcnow(), place=place.strip(), kind=kind, summary=summary, outcome=outcome,
        visitors=visitors, people_count=people_count or 1, request=texts["request"] or "",
        prior_handling=texts["prior_handling"], respondent=texts["respondent"], category_id=category_id,
        title=texts["title"], outcome_note=texts["outcome_note"], guided_to=texts["guided_to"],
        transfer_agency_id=transfer_agency_id, transfer_to_name=texts["transfer_to_name"],
        refusal_ground=refusal_ground,
    )


def _visitor(f: Fields, position: int, raw) -> VisitorInput:
    """One visitor through the desk's VisitorForm; errors named `visitors[i].field`."""
    name = f"visitors[{position}]"
    if not isinstance(raw, dict):
        f.error(name, _("Mỗi người đến phải là một đối tượng JSON."))
        return VisitorInput(full_name="")
    sub = Fields(raw)
    values = {key: sub.string(key, max_length=300) for key in ("full_name", "id_number", "phone", "address")}
    decision = sub.choice("name_decision", ["keep", "update"])
    for key, messages in sub.errors.items():
        for message in messages:
            f.error(f"{name}.{key}", message)
    form = VisitorForm(formdata=MultiDict({k: v for k, v in values.items() if v is not None}), meta={"csrf": False})
    if not form.validate():
        for fld in form:
            for message in fld.errors:
                f.error(f"{name}.{fld.name}", message)
    if not (values["full_name"] or "").strip():
        f.error(f"{name}.full_name", _("Hãy nhập họ và tên."))
    return VisitorInput(full_name=form.full_name.data or "", id_number=form.id_number.data or None,
                        phone=form.phone.data or None, address=form.address.data or None, name_decision=decision)
