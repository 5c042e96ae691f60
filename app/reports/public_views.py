"""Public statistics (`/thong-ke/`): aggregate figures of a year, for every agency or for one
province-level agency and the bodies under it — petitions received by kind and month, cases
resolved and the on-time rate, reception visits, and the charts with their tables.

No personal data and no record is ever shown: no name, no tracking code, no content. Counts are
one-dimensional (month, kind, content, place) — never crossed — and a content group or a commune
with fewer petitions than STATS_SMALL_CELL is folded into "other" (shown as "dưới N" when even
that is small); a rate over fewer cases than that is not published (docs/charts.md).

Cache-friendly: the figures of an (agency, year) are kept for STATS_CACHE_SECONDS in the process,
and the page may be kept as long by the visitor's browser (`private`: it carries the language
switch's CSRF token, so shared caches must not keep it).
"""
from __future__ import annotations

import time

from flask import Blueprint, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional

from app.agencies.models import Agency, UnitLevel
from app.auth.scope import subtree_ids
from app.extensions import db
from app.formatting import local_today
from app.reports import charts
from app.reports.chart_views import chosen_year, offer_years, one_of_choices

bp = Blueprint("stats_public", __name__, url_prefix="/thong-ke")

CACHE_KEY = "public_stats_cache"
CACHE_MAX_ENTRIES = 128


class StatsFilterForm(FlaskForm):
    """Which year, and optionally which province-level agency. Shape only."""

    class Meta:
        csrf = False  # a GET form: nothing changes

    year = SelectField(_l("Năm"), validate_choice=False,
                       validators=[Optional(), one_of_choices(_l("Hãy chọn một năm trong danh sách."))])
    agency = SelectField(_l("Cơ quan"), validate_choice=False,
                         validators=[Optional(), one_of_choices(_l("Hãy chọn một cơ quan trong danh sách."))])


def province_agencies() -> list[Agency]:
    """The active province-level agencies a visitor may pick, the top of the tree first."""
    return list(db.session.scalars(
        select(Agency).where(Agency.level == UnitLevel.PROVINCE.value, Agency.active.is_(True))
        .order_by(Agency.parent_id.is_not(None), Agency.name)))


def figures_for(agency_id: int | None, year: int) -> charts.Figures:
    """The figures of the agency's subtree (or of every agency), kept for STATS_CACHE_SECONDS."""
    today = local_today()
    ttl = current_app.config["STATS_CACHE_SECONDS"]
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (agency_id, year, today)
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    scope = subtree_ids(agency_id) if agency_id else None
    figures = charts.collect(scope, year, today, directives=False)
    if ttl > 0:
        if len(cache) >= CACHE_MAX_ENTRIES:
            cache.clear()
        cache[key] = (now, figures)
    return figures


@bp.route("/")
def index():
    """The statistics of the chosen year and agency."""
    this_year = local_today().year
    form = StatsFilterForm(request.args)
    agencies = province_agencies()
    form.agency.choices = [SelectChoice("", _("Tất cả cơ quan"))] + [SelectChoice(str(a.id), a.name) for a in agencies]
    offer_years(form.year, None, this_year)
    form.validate()
    year = chosen_year(form.year, this_year)
    agency = None
    if form.agency.data and not form.agency.errors:
        agency = next(a for a in agencies if str(a.id) == form.agency.data)
    figures = figures_for(agency.id if agency else None, year)
    threshold = current_app.config["STATS_SMALL_CELL"]
    response = make_response(render_template(
        "portal/statistics.html", form=form, year=year, agency=agency, figures=figures, threshold=threshold,
        charts=charts.public_charts(figures, threshold),
        year_rate=charts.rate_value(figures.year_on_time, threshold)))
    response.headers["Cache-Control"] = f"private, max-age={current_app.config['STATS_CACHE_SECONDS']}"
    response.vary.add("Cookie")
    return response
