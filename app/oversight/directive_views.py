"""Directives (staff): list, assign, follow and complete. (Being built.)"""
from __future__ import annotations

from flask import Blueprint, render_template

from app.auth.access import staff_required
from app.auth.permissions import Permission

bp = Blueprint("directives", __name__, url_prefix="/staff/directives")


@bp.route("/")
@staff_required(Permission.DIRECTIVE_READ)
def index():
    return render_template("directives/index.html")
