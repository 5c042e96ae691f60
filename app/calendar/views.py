"""`/staff/calendar`: the deadline calculator, the holiday list, installation overrides."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("calendar", __name__, url_prefix="/staff/calendar")


@bp.get("/")
@staff_required(Permission.CALENDAR_READ)
def index():
    """Calculator and holidays."""
    return render_template("staff/home.html")
