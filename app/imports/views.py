"""Nhập dữ liệu từ sổ sách (`/staff/imports`): a leader of an agency uploads its registers kept in
Excel. Two steps: the upload is checked and reported on (errors row by row, or what would be
created and skipped) and kept staged by its SHA-256; the confirmation imports it, all or nothing.
Past imports of the agency are listed. Everything is the user's own agency (IMPORT_RUN).
"""
from __future__ import annotations

import io
import os

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.imports import services as svc
from app.imports.forms import ConfirmForm, UploadForm
from app.imports.reader import MAX_BYTES, XLSX_MIMETYPE
from app.imports.spec import KIND_LABELS, SPECS, format_value
from app.imports.workbook import build_template, template_filename
from app.petitions.triage import MASKED_IDENTITY
from app.storage.inspect import UploadRejected, scan_for_malware

bp = Blueprint("imports", __name__, url_prefix="/staff/imports")

# The page of a record each kind creates (linked from a batch when the page exists).
RECORD_PAGES = {"visits": ("reception.visit", "visit_id"), "petitions": ("petitions.detail", "petition_id"),
                "cases": ("cases.detail", "case_id"), "directives": ("directives.show", "directive_id"),
                "inspections": ("inspections.show", "inspection_id")}
# What the preview of the rows to import shows, per kind.
PREVIEW_COLUMNS = {
    "visits": ("visited_on", "full_names", "kind", "summary", "outcome"),
    "petitions": ("received_on", "channel", "kind", "full_names", "content", "status"),
    "cases": ("kind", "title", "accepted_on", "status", "outcome", "decision_date"),
    "directives": ("issued_on", "source", "content", "due_on", "done_on"),
    "inspections": ("decision_number", "title", "started_on", "concluded_on", "recovered_on", "money_recovered"),
}
IDENTITY_KEYS = frozenset({"full_names", "id_numbers", "phone", "address"})
MAX_ERRORS_SHOWN = 300


@bp.context_processor
def _labels():
    return {"IMPORT_KIND_LABELS": KIND_LABELS}


def _record_url(kind: str, record_id: int) -> str | None:
    endpoint, arg = RECORD_PAGES[kind]
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **{arg: record_id})


def _index(form: UploadForm, status: int = 200):
    page = svc.batches_page(current_user.agency_id, request.args.get("page", 1, type=int))
    return render_template("imports/index.html", form=form, page=page, kinds=list(SPECS),
                           authors=svc.author_names(page.items), max_mb=MAX_BYTES // (1024 * 1024)), status


def _report(result: svc.ImportResult, status: int):
    spec = SPECS[result.kind]
    columns = [spec.column(key) for key in PREVIEW_COLUMNS[result.kind]]

    def shown(column, values):
        # A denunciator's identity is masked here too (Luật Tố cáo 2018 Đ.9), even to the one importing it.
        if column.key in IDENTITY_KEYS and values.get("kind") == "denunciation":
            return str(MASKED_IDENTITY)
        return format_value(column, values.get(column.key))

    preview = [(number, [shown(c, values) for c in columns]) for number, values in result.preview]
    return render_template("imports/check.html", result=result, columns=columns, preview=preview,
                           errors=result.errors[:MAX_ERRORS_SHOWN], confirm=ConfirmForm(formdata=None)), status


@bp.get("/")
@staff_required(Permission.IMPORT_RUN)
def index():
    """Choose a kind, download its template, upload a file; the agency's past imports."""
    return _index(UploadForm(formdata=None, kind=request.args.get("kind", "")))


@bp.get("/template/<kind>.xlsx")
@staff_required(Permission.IMPORT_RUN)
def template(kind: str):
    """The template of a kind: header, one example row, and the guide sheet."""
    if kind not in SPECS:
        abort(404)
    data = build_template(kind, current_user.agency)
    audit_now("export.xlsx", detail={"what": "import_template", "kind": kind})
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=template_filename(kind))


@bp.post("/check")
@staff_required(Permission.IMPORT_RUN)
def check():
    """Step one: read and validate the upload (nothing written); stage it when it can be imported."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    data = form.file.data.read(MAX_BYTES + 1)
    file_name = os.path.basename((form.file.data.filename or "tep").replace("\\", "/"))[:255]
    try:
        scan_for_malware(data, file_name)  # docs/security.md: every upload, when a scanner is set
    except UploadRejected as exc:
        form.file.errors = [str(exc)]
        return _index(form, 422)
    result = svc.run_import(data, kind=form.kind.data, file_name=file_name, agency=current_user.agency,
                            user=current_user, dry_run=True)
    db.session.rollback()
    if result.errors and result.errors[0].row == 0:  # the file itself is not a register we can read
        form.file.errors = [result.errors[0].message]
        return _index(form, 422)
    if result.ok and result.to_create:
        svc.stage_file(current_user.agency_id, data)
    return _report(result, 200 if result.ok else 422)


@bp.post("/confirm")
@staff_required(Permission.IMPORT_RUN)
def confirm():
    """Step two: import the staged file — all its new rows, or nothing if anything is wrong now."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    agency_id = current_user.agency_id
    data = svc.load_staged(agency_id, form.sha256.data)
    if data is None:
        flash(_("Không còn tệp đã kiểm tra (đã nhập hoặc đã quá hạn): hãy tải tệp lên lại."), "warning")
        return redirect(url_for("imports.index"))
    try:
        result = svc.run_import(data, kind=form.kind.data, file_name=form.file_name.data or "tep",
                                agency=current_user.agency, user=current_user)
        if not result.ok:
            db.session.rollback()
            return _report(result, 422)
        db.session.commit()
    except IntegrityError:  # the same rows confirmed at the same moment in another request
        db.session.rollback()
        flash(_("Tệp này vừa được nhập trong một lượt khác."), "warning")
        return redirect(url_for("imports.index"))
    svc.discard_staged(agency_id, form.sha256.data)
    if result.batch is None:
        flash(_("Không có dòng mới: tất cả đã được nhập trước đây."), "info")
        return redirect(url_for("imports.index"))
    flash(_("Đã nhập %(n)s dòng; %(m)s dòng đã nhập trước đây được bỏ qua.", n=result.to_create, m=result.skipped),
          "success")
    return redirect(url_for("imports.batch", batch_id=result.batch.id))


@bp.post("/cancel")
@staff_required(Permission.IMPORT_RUN)
def cancel():
    """Drop the staged file without importing it."""
    form = ConfirmForm()
    if form.validate_on_submit():
        svc.discard_staged(current_user.agency_id, form.sha256.data)
    flash(_("Đã hủy, không nhập gì."), "info")
    return redirect(url_for("imports.index"))


@bp.get("/<int:batch_id>")
@staff_required(Permission.IMPORT_RUN)
def batch(batch_id: int):
    """One past import: the file, who, when, the counts, and the records it created."""
    found = svc.get_batch(current_user.agency_id, batch_id)
    if found is None:
        abort(404)
    page = svc.batch_rows_page(found, request.args.get("page", 1, type=int))
    links = {row.id: _record_url(found.kind, row.record_id) for row in page.items}
    return render_template("imports/batch.html", batch=found, page=page, links=links,
                           authors=svc.author_names([found]))
