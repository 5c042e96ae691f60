"""Documents of a visit as print-ready HTML and as DOCX, numbered when first printed."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.auth.scope import visible_agency_ids
from app.documents import builders
from app.documents.docx import DOCX_MIMETYPE, render_docx
from app.documents.qr import qr_svg
from app.extensions import db
from app.reception import services as reception
from app.reception.models import Visit

bp = Blueprint("documents", __name__, url_prefix="/staff/documents")


def _load(visit_id: int, doc_type: str) -> Visit:
    """The visit within the user's scope and a document it has (404), whose identity the user may read (403)."""
    visit = db.session.scalars(
        select(Visit).where(Visit.id == visit_id, Visit.agency_id.in_(visible_agency_ids(current_user)))
    ).first()
    if visit is None or doc_type not in dict(builders.available_documents(visit)):
        abort(404)
    # A denunciation: the documents carry the denunciator's name (Luật Tố cáo Đ.9, Đ.56).
    if not builders.can_print(current_user, visit):
        abort(403)
    return visit


def _prepare(visit_id: int, doc_type: str) -> tuple[Visit, builders.Document]:
    """Load, number on first print, read the identity (logged), commit once."""
    for attempt in (1, 2):
        visit = _load(visit_id, doc_type)
        try:
            doc = builders.prepare_document(visit, doc_type, user=current_user, ip_address=request.remote_addr)
            db.session.commit()
            return visit, doc
        except IntegrityError:
            # Printed for the first time by someone else at this very moment: use their number.
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@bp.get("/visits/<int:visit_id>/<doc_type>.docx")
@staff_required(Permission.VISIT_READ)
def docx(visit_id: int, doc_type: str):
    """The document as a DOCX the office can edit."""
    _visit, doc = _prepare(visit_id, doc_type)
    audit_now("export.docx", subject_type="visit", subject_id=visit_id, detail={"doc_type": doc_type})
    return send_file(io.BytesIO(render_docx(doc)), mimetype=DOCX_MIMETYPE, as_attachment=True,
                     download_name=doc.filename)


@bp.get("/visits/<int:visit_id>/<doc_type>")
@staff_required(Permission.VISIT_READ)
def html(visit_id: int, doc_type: str):
    """The document, ready to print; on a fresh receipt also the access key and the tracking QR."""
    visit, doc = _prepare(visit_id, doc_type)
    access_key = qr = None
    if doc.tracking_code and doc_type == "receipt":
        token = session.get("desk_receipt_token")
        if token and reception.find_by_form_token(token) is visit:
            from app.petitions.tracking import derive_access_key

            access_key = derive_access_key(token)
        qr = qr_svg(url_for("portal.track", code=doc.tracking_code, _external=True),
                    _("Mã QR dẫn đến trang tra cứu hồ sơ"))
    return render_template("documents/document.html", doc=doc, visit=visit, access_key=access_key, qr=qr,
                           back=_back_link(visit))


def _back_link(visit: Visit) -> tuple[str, str]:
    """Where the toolbar leads back to: the visit page (once the desk has it), else the register."""
    if "reception.visit" in current_app.view_functions:
        return url_for("reception.visit", visit_id=visit.id), _("Quay lại lượt tiếp")
    return url_for("register.index"), _("Sổ tiếp công dân")
