"""Helpers of the staff petition views: choices, form ↔ service shapes, rendering the pages."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from app.agencies.models import Agency
from app.auth.models import User
from app.auth.scope import subtree_ids
from app.extensions import db
from app.petitions import queries, triage, workflow
from app.petitions.forms import (
    ClassifyForm,
    DecisionForm,
    ProposeForm,
    RevealForm,
    SplitForm,
)
from app.petitions.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS
from app.petitions.models import ContentCategory, Petition, PetitionStatus
from app.petitions.services import PaperDraft, PersonData
from app.refcache import cached


def _categories(kind: str | None = None) -> list[tuple[str, str]]:
    """(id, name) of the active content categories, of one kind or all; kept per process (refcache)."""
    def load():
        stmt = select(ContentCategory.id, ContentCategory.name).where(ContentCategory.active.is_(True)) \
            .order_by(ContentCategory.position)
        if kind:
            stmt = stmt.where(ContentCategory.kind == kind)
        return [(str(id_), name) for id_, name in db.session.execute(stmt)]
    return list(cached(("categories", kind), (ContentCategory.__tablename__,), load))


def _handlers(agency_id: int) -> list[tuple[str, str]]:
    """(id, name) of the agency's active staff, by name; kept per process (a new colleague shows in
    another worker's filter within REFDATA_CACHE_SECONDS)."""
    def load():
        return [(str(id_), name) for id_, name in db.session.execute(
            select(User.id, User.full_name).where(User.agency_id == agency_id, User.active.is_(True))
            .order_by(User.full_name))]
    return list(cached(("handlers", agency_id), (User.__tablename__,), load))


def fill_filter_choices(form, user) -> None:
    """Choices of the inbox filters."""
    form.category.choices = [("", _("Tất cả"))] + _categories()
    form.channel.choices = [("", _("Tất cả"))] + [(k, str(v)) for k, v in CHANNEL_LABELS.items()]
    form.status.choices = [("", _("Tất cả"))] + [(s.value, str(STATUS_LABELS[s.value])) for s in PetitionStatus]
    form.handler.choices = [("", _("Tất cả"))] + _handlers(user.agency_id)


def filters_from_form(form, page: int) -> queries.InboxFilters:
    """The inbox filters from the (validated) filter form; invalid values are ignored."""
    def ok(field):
        return field.data if not field.errors else None

    return queries.InboxFilters(
        tab=form.tab.data if form.tab.data in queries.TABS else "open",
        kind=ok(form.kind) or None, category_id=int(form.category.data) if ok(form.category) else None,
        channel=ok(form.channel) or None, status=ok(form.status) or None,
        received_from=ok(form.received_from), received_to=ok(form.received_to),
        due_within=ok(form.due_within), overdue=bool(form.overdue.data),
        handler_id=int(form.handler.data) if ok(form.handler) else None,
        q=ok(form.q), sort=form.sort.data if form.sort.data in queries.SORTS else "received_desc",
        page=max(1, page),
    )


def _agency_choices(ids=None, exclude: int | None = None) -> list[tuple[str, str]]:
    stmt = select(Agency).where(Agency.active.is_(True)).order_by(Agency.id)
    if ids is not None:
        stmt = stmt.where(Agency.id.in_(ids))
    return [(str(a.id), a.name) for a in db.session.scalars(stmt) if a.id != exclude]


def action_forms(petition: Petition, user, **given) -> dict:
    """One form per allowed action, prefilled; `given` replaces the one that was just posted."""
    allowed = workflow.allowed_actions(petition, user)
    forms = {}
    if "classify" in allowed:
        form = given.get("classify") or ClassifyForm(
            formdata=None, prefix="classify", kind=petition.kind, multi_signer=petition.multi_signer,
            category=str(petition.category_id or ""), note="",
            within_jurisdiction=None if petition.within_jurisdiction is None
            else ("yes" if petition.within_jurisdiction else "no"))
        form.category.choices = {"": [("", _("— Chưa chọn —"))]}
        for kind, label in KIND_LABELS.items():
            form.category.choices[str(label)] = _categories(kind)
        forms["classify"] = form
    if "propose" in allowed:
        form = given.get("propose") or ProposeForm(formdata=None, prefix="propose")
        form.transfer_agency.choices = [("", _("— Không —"))] + _agency_choices(exclude=petition.agency_id)
        below = subtree_ids(user.agency_id)
        form.urge_agency.choices = [("", _("— Không —"))] + _agency_choices(below, exclude=user.agency_id)
        forms["propose"] = form
    for action in ("approve", "return", "withdraw_proposal"):
        if action in allowed:
            forms[action] = given.get(action) or DecisionForm(formdata=None, prefix=action)
    if "split" in allowed:
        forms["split"] = given.get("split") or SplitForm(formdata=None, prefix="split")
    for name, form in forms.items():
        if name not in given:  # the posted form keeps the version the user saw
            form.version.data = petition.version_id
    return forms


def propose_kwargs(form, user) -> dict:
    """Service arguments from the proposal form."""
    merge_target_id = None
    if form.merge_target.data:
        target = db.session.scalars(queries.scoped(user).where(
            Petition.tracking_code == form.merge_target.data.strip().upper())).first()
        merge_target_id = target.id if target else -1
    return dict(
        action=form.action.data, note=form.note.data, guide_to=form.guide_to.data,
        transfer_agency_id=int(form.transfer_agency.data) if form.transfer_agency.data else None,
        transfer_name=form.transfer_name.data,
        urge_agency_id=int(form.urge_agency.data) if form.urge_agency.data else None,
        file_reason=form.file_reason.data or None, merge_target_id=merge_target_id,
    )


def split_parts(form) -> list[triage.SplitPart]:
    """The filled parts of the split form."""
    return [triage.SplitPart(kind=e.form.kind.data or "", title=e.form.title.data or "", content=e.form.content.data or "")
            for e in form.parts.entries if (e.form.title.data or "").strip()]


def render_detail(petition: Petition, *, forms: dict | None = None, errors: list[str] | None = None,
                  revealed: list[dict] | None = None, status: int = 200, active: str | None = None):
    """The petition page."""
    from flask_login import current_user

    forms = forms if forms is not None else action_forms(petition, current_user)
    return render_template(
        "petitions/detail.html", petition=petition, forms=forms, errors=errors or [],
        timeline=queries.staff_timeline(petition),
        duplicates=[] if petition.destroyed_at else queries.find_duplicates(petition, current_user),
        eligibility_items=triage.ELIGIBILITY_ITEMS, masked=str(triage.MASKED_IDENTITY),
        can_reveal=triage.can_reveal_identity(current_user, petition) and any(p.is_protected for p in petition.petitioners),
        reveal_form=RevealForm(prefix="reveal"), revealed=revealed, active=active,
        action_labels=workflow.ACTION_LABELS,
    ), status


def build_paper_draft(form) -> PaperDraft:
    """Service input from the paper intake form."""
    people = [PersonData(full_name=e.form.full_name.data.strip(), id_number=e.form.id_number.data or None,
                         phone=e.form.phone.data or None, address=(e.form.address.data or "").strip() or None)
              for e in form.people.entries if (e.form.full_name.data or "").strip()]
    return PaperDraft(
        kind=form.kind.data, petitioner=None, title=form.title.data, content=form.content.data,
        request=form.request_text.data or "", respondent=form.respondent.data or "",
        is_group=bool(form.is_group.data), group_size=form.group_size.data if form.is_group.data else None,
        declared_truthful=True, channel=form.channel.data, people=people, letter_date=form.letter_date.data,
        received_on=form.received_on.data, forwarded_by_kind=form.forwarded_by_kind.data or None,
        forwarded_by_name=form.forwarded_by_name.data,
    )


def render_paper_form(form, staged, extra_errors, *, status: int = 200, validate: bool = True):
    """The paper intake form."""
    if not validate:
        for fld in form:
            fld.errors = []
    return render_template("petitions/register.html", form=form, staged=staged, extra_errors=extra_errors,
                           max_files=current_app.config["MAX_ATTACHMENTS"],
                           max_mb=current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024)), status
