"""Sổ tiếp công dân (staff screens). Stub: filled in by the reception issue."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("register", __name__, url_prefix="/staff/reception/register")


@bp.get("/")
@staff_required(Permission.VISIT_READ)
def index():
    """Sổ tiếp công dân."""
    return render_template("staff/home.html")
