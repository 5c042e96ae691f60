"""Import of registers (staff upload page). (Being built.)"""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("imports", __name__, url_prefix="/staff/imports")


@bp.route("/")
@staff_required(Permission.IMPORT_RUN)
def index():
    return render_template("imports/index.html")
