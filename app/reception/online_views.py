"""Tiếp công dân trực tuyến (staff screens). Stub: filled in by the reception issue."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("online", __name__, url_prefix="/staff/reception/online")


@bp.get("/")
@staff_required(Permission.ONLINE_MANAGE)
def index():
    """Tiếp công dân trực tuyến."""
    return render_template("staff/home.html")
