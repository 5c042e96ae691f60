"""`/staff/`: where a signed-in staff member lands."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@staff_required()
def home():
    """Send each role to its main screen."""
    if current_user.can(Permission.PETITION_READ):
        return redirect(url_for("petitions.inbox"))
    if current_user.can(Permission.USER_MANAGE):
        return redirect(url_for("admin.users"))
    return render_template("staff/home.html")
