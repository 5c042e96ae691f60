"""Helpers of the petition form view: choices, uploads from the request, the draft, rendering."""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _

from app.agencies import queries as agency_queries
from app.petitions import services
from app.petitions.models import StagedUpload
from app.petitions.services import PersonData, PetitionDraft, UploadedFile
from app.validators import parse_id


def _int_or_none(value) -> int | None:
    return parse_id(value)  # None for junk and for numbers no id can be (tests/fuzz)


def fill_choices(form) -> None:
    """Provinces, the communes of the chosen province, and the agencies that take petitions."""
    form.province.choices = [("", _("— Chọn tỉnh, thành phố —"))] + [
        (str(id_), name) for id_, name in agency_queries.province_choices()
    ]
    communes = agency_queries.commune_choices(_int_or_none(form.province.data))
    form.commune.choices = [("", _("— Chọn xã, phường, đặc khu —"))] + [(str(id_), name) for id_, name in communes]
    form.addressed_agency.choices = [("", _("Tôi không biết — gửi đến Ban Tiếp công dân để được chuyển đúng nơi"))] + [
        (str(id_), name) for id_, name in agency_queries.online_agency_choices()
    ]
    # Keep the validators honest: a choice must be one of the lists just built.
    form._valid_communes = {value for value, _label in form.commune.choices if value}
    form._valid_provinces = {value for value, _label in form.province.choices if value}
    form._valid_agencies = {value for value, _label in form.addressed_agency.choices if value}


def check_choices(form) -> bool:
    """Province, commune and agency must be among the offered choices (the commune in the province)."""
    ok = True
    if form.province.data and form.province.data not in form._valid_provinces:
        form.province.errors.append(_("Tỉnh, thành phố không hợp lệ."))
        ok = False
    if form.commune.data and form.commune.data not in form._valid_communes:
        form.commune.errors.append(_("Xã, phường, đặc khu không thuộc tỉnh, thành phố đã chọn."))
        ok = False
    if form.addressed_agency.data and form.addressed_agency.data not in form._valid_agencies:
        form.addressed_agency.errors.append(_("Cơ quan đã chọn không nhận đơn trực tuyến."))
        ok = False
    return ok


def collect_uploads(form_token: str, *, staged: int | None = None):
    """Check the files of this request against the limits and what is already staged (`staged`:
    how many files are kept for this form, when the caller has just counted them)."""
    uploads = [
        UploadedFile(f.filename, f.read())
        for f in request.files.getlist("attachments")
        if f and f.filename
    ]
    if not uploads:
        already = 0  # nothing new: nothing to count
    else:
        already = len(services.staged_uploads(form_token)) if staged is None else staged
    return services.check_files(
        uploads,
        already=already,
        max_count=current_app.config["MAX_ATTACHMENTS"],
        max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
    )


def build_draft(form) -> PetitionDraft:
    """Shape the validated form into what the intake service takes."""
    return PetitionDraft(
        kind=form.kind.data,
        petitioner=PersonData(
            full_name=form.full_name.data.strip(),
            id_number=form.id_number.data,
            phone=form.phone.data,
            email=form.email.data or None,
            email_opt_in=bool(form.email_opt_in.data),
            address=form.address.data.strip(),
            province_id=_int_or_none(form.province.data),
            commune_id=_int_or_none(form.commune.data),
        ),
        title=form.title.data,
        content=form.content.data,
        request=form.request_text.data or "",
        respondent=form.respondent.data or "",
        addressed_agency_id=_int_or_none(form.addressed_agency.data),
        is_group=bool(form.is_group.data),
        group_size=form.group_size.data if form.is_group.data else None,
        representatives=form.representative_names() if form.is_group.data else [],
        previously_handled=form.previously_handled.data == "yes",
        prior_handler=form.prior_handler.data or None,
        prior_date=form.prior_date.data,
        prior_decision_number=form.prior_decision_number.data or None,
        declared_truthful=bool(form.declaration.data),
    )


def render_petition_form(form, staged: list[StagedUpload], extra_errors: list[str], *,
                         status: int = 200, validate: bool = True):
    """Render the form; `extra_errors` (files, form-level) join the summary at the top."""
    if not validate:
        for fld in form:
            fld.errors = []
    return render_template(
        "portal/petition_form.html",
        form=form,
        staged=staged,
        extra_errors=extra_errors,
        max_files=current_app.config["MAX_ATTACHMENTS"],
        max_mb=current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024),
    ), status
