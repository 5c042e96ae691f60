"""`/staff/`: the dashboard every signed-in staff member lands on.

What it shows follows the permissions: reception figures, duty warnings and upcoming reception
days for those who read visits; open directives (conclusion items included) for those who read
directives; petitions awaiting triage for those who read petitions; links to administration for
administrators. Everything is counted in SQL within the user's scope.
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.formatting import local_today
from app.petitions.queries import tab_counts
from app.reception import labels
from app.reception import sessions

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@staff_required()
def home():
    """The dashboard: what needs attention today, each figure a link to its list."""
    user, today = current_user, local_today()
    context = {"today": today, "SESSION_STATUS_LABELS": labels.SESSION_STATUS_LABELS,
               "SESSION_MODE_LABELS": labels.SESSION_MODE_LABELS, "PERIOD_LABELS": labels.PERIOD_LABELS}
    if user.can(Permission.VISIT_READ):
        context.update(
            warnings=sessions.missing_reception_days(user, today),
            desk=sessions.desk_counts(user, today),
            upcoming=sessions.upcoming_sessions(user, today),
        )
    if user.can(Permission.DIRECTIVE_READ):
        from app.oversight.directives import open_directives

        context["directives"] = open_directives(user, today)
    if user.can(Permission.PETITION_READ):
        context["petitions"] = tab_counts(user)
    if user.can(Permission.CASE_READ):
        from app.cases.queries import tab_counts as case_tab_counts

        context["cases"] = case_tab_counts(user, today=today)
    if user.can(Permission.CASE_APPROVE):
        from app.cases.labels import CASE_KIND_LABELS, CASE_STATE_LABELS
        from app.cases.queries import agency_glance

        context.update(glance=agency_glance(user, today=today), CASE_KIND_LABELS=CASE_KIND_LABELS,
                       CASE_STATE_LABELS=CASE_STATE_LABELS)
    if user.can(Permission.INSPECTION_READ):
        from app.inspections.queries import late_conclusions

        context["late_inspections"] = late_conclusions(user, today)
    if user.can(Permission.REPORT_READ):
        from app.auth.scope import visible_agency_ids
        from app.reports.charts import dashboard_chart

        context["report_chart"] = dashboard_chart(visible_agency_ids(user), today)
    return render_template("staff/home.html", **context)
