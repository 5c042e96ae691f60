"""Lịch tiếp công dân của lãnh đạo (staff screens). Stub: filled in by the reception issue."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("sessions", __name__, url_prefix="/staff/reception/sessions")


@bp.get("/")
@staff_required(Permission.VISIT_READ)
def index():
    """Lịch tiếp công dân của lãnh đạo."""
    return render_template("staff/home.html")
