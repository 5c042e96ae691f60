"""Public statistics page: aggregate figures only, no personal data. (Being built.)"""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("stats_public", __name__, url_prefix="/thong-ke")


@bp.route("/")
def index():
    return render_template("portal/statistics.html")
