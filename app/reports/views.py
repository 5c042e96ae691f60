"""Reports (staff): pick a period and a scope, read the narrative summary and the official forms,
open the records behind any figure, export the workbook or print.

Reads only (GET): the picker is a query string, so every view is a link that can be shared.
Scope: the agency must be one the user may read (404 otherwise); its subtree only for users who
read subtrees (supervisors).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from app.agencies.models import Agency
from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.auth.scope import visible_agency_ids
from app.extensions import db
from app.formatting import local_today
from app.reports import cache as report_cache
from app.reports import engine
from app.reports.official import FORMS
from app.reports.period import PERIOD_KINDS, PeriodError, make_period, period_from_args
from app.reports.summary import SUMMARY, narrative, summarise
from app.reports.xlsx import build_workbook, cell_number

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")

ALL_FORMS = {**FORMS, "tom-tat": SUMMARY}


@bp.app_template_filter("report_cell")
def report_cell(value, column) -> str:
    """A cell as shown: counts as integers, money in millions, land in m² (Vietnamese style)."""
    from app.formatting import format_number
    number = cell_number(column, value)
    return format_number(number, 1) if column.unit in ("money", "land") else format_number(number)


def _agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(visible_agency_ids(current_user)))
                                   .order_by(Agency.level, Agency.name)))


def _scope(args) -> engine.Scope:
    try:
        agency_id = int(args.get("agency") or current_user.agency_id)
    except ValueError:
        abort(404)
    agency = db.session.scalars(select(Agency).where(
        Agency.id == agency_id, Agency.id.in_(visible_agency_ids(current_user)))).first()
    if agency is None:
        abort(404)
    subtree = args.get("subtree") == "1" and current_user.can(Permission.SUBTREE_READ)
    return engine.Scope(agency, subtree)


def _context(args):
    """(period or None, errors by field, scope, the query arguments to rebuild it)."""
    scope = _scope(args)
    errors = {}
    period = None
    if args.get("period"):
        try:
            period = period_from_args(args)
        except PeriodError as exc:
            errors[exc.field_name or "period"] = str(exc)
    keep = {"agency": scope.agency.id}
    if scope.subtree:
        keep["subtree"] = "1"
    if period is not None:
        keep.update(period.args())
    return period, errors, scope, keep


class _BackToPicker(Exception):
    pass


def _require_period(args):
    """The period of a form, cell or export link; a broken one sends the user back to the picker,
    which says what is wrong."""
    period, _errors, scope, keep = _context(args)
    if period is None:
        raise _BackToPicker()
    return period, scope, keep


@bp.errorhandler(_BackToPicker)
def _back_to_picker(_exc):
    return redirect(url_for("reports.index", **request.args.to_dict()))


def _linked_narrative(summary, keep) -> Markup:
    """The paragraph with every figure a link to the records behind it."""
    links = []

    def fig(key, text):
        links.append((key, text))
        return f"\x01{len(links) - 1}\x02"

    html = str(escape(narrative(summary, fig)))
    for i, (key, text) in enumerate(links):
        url = url_for("reports.cell", form_code="tom-tat", col=key, row="total", **keep)
        title = escape(str(SUMMARY.column(key).label))
        html = html.replace(f"\x01{i}\x02", f'<a href="{escape(url)}" title="{title}">{escape(text)}</a>')
    return Markup(html)


@bp.route("/")
@staff_required(Permission.REPORT_READ)
def index():
    """The picker, then the narrative summary and the list of forms for the chosen period."""
    period, errors, scope, keep = _context(request.args)
    today = local_today()
    summary = summarise(scope, period) if period is not None else None
    if period is None and not request.args.get("period"):
        # A sensible default shown in the picker: the current year's first months.
        defaults = {"period": "quarter", "year": today.year, "number": (today.month - 1) // 3 + 1}
    else:
        defaults = request.args.to_dict()
    return render_template(
        "reports/index.html", period=period, errors=errors, scope=scope, keep=keep, summary=summary,
        narrative=_linked_narrative(summary, keep) if summary else None, forms=FORMS, agencies=_agencies(),
        period_kinds=PERIOD_KINDS, values=defaults, can_subtree=current_user.can(Permission.SUBTREE_READ),
        summary_form=SUMMARY)


@bp.post("/refresh")
@staff_required(Permission.REPORT_READ)
def refresh():
    """Recompute the figures of this scope and period now instead of showing the kept ones."""
    period, scope, keep = _require_period(request.args)
    report_cache.forget(engine.cache_key(scope, period))
    flash(_("Đã tính lại số liệu với dữ liệu mới nhất."), "success")
    back = request.form.get("back", "")
    if back in FORMS:
        return redirect(url_for("reports.form", form_code=back, **keep))
    return redirect(url_for("reports.index", **keep))


@bp.route("/forms/<form_code>")
@staff_required(Permission.REPORT_READ)
def form(form_code: str):
    """One official form on screen: every cell a link to its records."""
    code = form_code
    if code not in FORMS:
        abort(404)
    period, scope, keep = _require_period(request.args)
    table = engine.compute(FORMS[code], scope, period)
    return render_template("reports/form.html", code=code, table=table, header=engine.header_rows(table.form.columns),
                           keep=keep)


@bp.route("/forms/<form_code>/cell")
@staff_required(Permission.REPORT_READ)
def cell(form_code: str):
    """The records one figure counts."""
    code = form_code
    form_spec = ALL_FORMS.get(code)
    if form_spec is None:
        abort(404)
    column = form_spec.column(request.args.get("col", ""))
    if column is None:  # a link without its column: the whole form (or the summary) instead
        args = {k: v for k, v in request.args.items() if k not in ("col", "row", "page")}
        if code in FORMS:
            return redirect(url_for("reports.form", form_code=code, **args))
        return redirect(url_for("reports.index", **args))
    period, scope, keep = _require_period(request.args)
    row_key = request.args.get("row", "total")
    try:
        page_no = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page_no = 1
    try:
        page, value = engine.drill(column, scope, period, row_key, page_no)
    except LookupError:
        abort(404)
    row_label = next((r.label for r in scope.rows() if r.key == row_key), _("Tổng cộng"))
    args = dict(keep, form_code=code, col=column.key, row=row_key)
    return render_template("reports/cell.html", code=code, form=form_spec, column=column, period=period,
                           scope=scope, page=page, value=value, row_label=row_label, keep=keep, args=args)


@bp.route("/export.xlsx")
@staff_required(Permission.REPORT_READ)
def export():
    """The whole report as one workbook: the summary and every form."""
    period, scope, _keep = _require_period(request.args)
    only = request.args.get("form")
    codes = [only] if only in FORMS else list(FORMS)
    tables = [engine.compute(FORMS[c], scope, period) for c in codes]
    data = build_workbook(tables, summarise(scope, period) if only is None else None)
    audit_now("export.xlsx", subject_type="agency", subject_id=scope.agency.id,
              detail={"what": "report", "forms": ",".join(codes), "from": period.start.isoformat(),
                      "to": period.end.isoformat(), "subtree": bool(scope.subtree)})
    name = f"bao-cao-{scope.agency.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/print")
@staff_required(Permission.REPORT_READ)
def printable():
    """The summary and every form laid out for printing (landscape)."""
    period, scope, keep = _require_period(request.args)
    tables = [engine.compute(f, scope, period) for f in FORMS.values()]
    return render_template("reports/print.html", period=period, scope=scope, summary=summarise(scope, period),
                           tables=[(t, engine.header_rows(t.form.columns)) for t in tables], keep=keep)


__all__ = ["bp", "make_period"]
