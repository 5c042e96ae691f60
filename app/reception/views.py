"""The reception desk (bàn tiếp công dân): log a visit, look a person up, the visit page."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("reception", __name__, url_prefix="/staff/reception")


@bp.get("/")
@staff_required(Permission.VISIT_READ)
def index():
    """The desk's start: the visit form for those who log visits, the register for others."""
    return redirect(url_for("reception.new_visit"))


@bp.get("/visits/new")
@staff_required(Permission.VISIT_LOG)
def new_visit():
    """Placeholder until the desk form lands."""
    from flask import render_template

    return render_template("staff/home.html")
