"""`/staff/personal-data`: a person's page at the desk, and the export of a citizen's data for them."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.formatting import local_today
from app.petitions import queries as petition_queries
from app.petitions.models import Petitioner
from app.privacy import services
from app.privacy.forms import ExportForm
from app.reception.history import person_history

bp = Blueprint("privacy", __name__, url_prefix="/staff/personal-data")


def _download(data: dict, ref: str) -> Response:
    """The export as a JSON file (UTF-8, readable), never cached."""
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"du-lieu-ca-nhan-{ref}-{local_today().isoformat()}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def _load_person(person_id: int):
    person = services.find_person(current_user, person_id)
    if person is None:
        abort(404)
    return person


@bp.get("/people/<int:person_id>")
@staff_required(Permission.PETITION_READ)
def person(person_id: int):
    """A citizen known to the desk: their record, their matters, and the export for them."""
    row = _load_person(person_id)
    return render_template("privacy/person.html", person=row, history=person_history(current_user, person_ids=[row.id]),
                           form=ExportForm(formdata=None))


@bp.post("/people/<int:person_id>/export")
@staff_required(Permission.PETITION_READ)
def export_person(person_id: int):
    """Everything the system holds about the person, as a file to hand over (the export is recorded)."""
    row = _load_person(person_id)
    if not ExportForm().validate():
        abort(400)
    data = services.export_person(row, current_user)
    db.session.commit()
    return _download(data, f"nguoi-{row.id}")


@bp.post("/petitions/<int:petition_id>/petitioners/<int:petitioner_id>/export")
@staff_required(Permission.PETITION_READ)
def export_petitioner(petition_id: int, petitioner_id: int):
    """The data of one signer of a petition; a denunciator's only for those who may reveal it."""
    petition = petition_queries.get_for_user(current_user, petition_id)
    signer = db.session.get(Petitioner, petitioner_id)
    if petition is None or signer is None or signer.petition_id != petition.id:
        abort(404)
    if not ExportForm().validate():
        abort(400)
    try:
        data = services.export_petitioner(petition, signer, current_user, ip_address=request.remote_addr)
    except services.ExportRefused:
        abort(403)
    db.session.commit()
    return _download(data, f"{petition.tracking_code}-{signer.position + 1}")
