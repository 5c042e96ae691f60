"""Inspections (staff): list, record, conclude, follow recovery. (Being built.)"""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("inspections", __name__, url_prefix="/staff/inspections")


@bp.route("/")
@staff_required(Permission.INSPECTION_READ)
def index():
    return render_template("inspections/index.html")
