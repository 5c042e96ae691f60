"""Staff charts (`/staff/reports/charts/`): petitions per month by kind, by content, by commune,
the on-time rate per quarter and directives by status, for a chosen year, each with its table.

Needs REPORT_READ; everything is counted within the user's scope (`visible_agency_ids`), and a
supervisor may narrow it to one agency of the subtree. The year and agency come from the query
string (a GET form, so a chart page can be bookmarked); a value that is not offered gets a message
at its field and the page shows the default instead.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional, ValidationError

from app.agencies.models import Agency
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.auth.scope import subtree_ids, visible_agency_ids
from app.extensions import db
from app.formatting import local_today
from app.reports import charts

bp = Blueprint("charts", __name__, url_prefix="/staff/reports/charts")


def one_of_choices(message):
    """A validator: the value must be one of the field's choices (WTForms' own message is English)."""

    def check(form, field):
        if field.data not in {str(choice.value) for choice in field.choices}:
            raise ValidationError(message)

    return check


class ChartFilterForm(FlaskForm):
    """Which year, and (for a supervisor) which agency of the subtree. Shape only."""

    class Meta:
        csrf = False  # a GET form: nothing changes

    year = SelectField(_l("Năm"), validate_choice=False,
                       validators=[Optional(), one_of_choices(_l("Hãy chọn một năm trong danh sách."))])
    agency = SelectField(_l("Cơ quan"), validate_choice=False,
                         validators=[Optional(), one_of_choices(_l("Hãy chọn một cơ quan trong danh sách."))])


def offer_years(field, agency_ids, this_year: int) -> None:
    """Offer the years from the first with data (or five years back) to this one, newest first."""
    first = charts.first_year(agency_ids, this_year)
    field.choices = [SelectChoice(str(y)) for y in range(this_year, first - 1, -1)]


def chosen_year(field, this_year: int) -> int:
    """The year chosen in a validated form, or this year (then shown as chosen)."""
    if field.data and not field.errors:
        return int(field.data)
    field.data = str(this_year)
    return this_year


@bp.get("/")
@staff_required(Permission.REPORT_READ)
def index():
    """The chart page for the chosen year and scope."""
    today, scope = local_today(), visible_agency_ids(current_user)
    form = ChartFilterForm(request.args)
    agencies = db.session.scalars(select(Agency).where(Agency.id.in_(scope)).order_by(Agency.name)).all()
    form.agency.choices = [SelectChoice("", _("Tất cả cơ quan trong phạm vi"))] + [
        SelectChoice(str(a.id), a.name) for a in agencies]
    offer_years(form.year, scope, today.year)
    form.validate()
    year = chosen_year(form.year, today.year)
    agency = None
    if form.agency.data and not form.agency.errors:
        agency = next(a for a in agencies if str(a.id) == form.agency.data)
        # Within the scope already: a supervisor reads the agency's subtree, anyone else the agency.
        scope = subtree_ids(agency.id) if current_user.can(Permission.SUBTREE_READ) else [agency.id]
    figures = charts.collect(scope, year, today)
    return render_template("reports/charts.html", form=form, year=year, agency=agency, figures=figures,
                           charts=charts.staff_charts(figures), many_agencies=len(agencies) > 1)
