"""Administration screens (users, agencies, categories)."""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")


@bp.get("/users")
@staff_required(Permission.USER_MANAGE)
def users():
    """List of staff accounts."""
    return render_template("staff/home.html")
