"""Reports (staff): pick a period and scope, see the forms, drill down, export. (Being built.)"""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")


@bp.route("/")
@staff_required(Permission.REPORT_READ)
def index():
    return render_template("reports/index.html")
