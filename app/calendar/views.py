"""`/staff/calendar`: the deadline calculator, the holiday list, installation overrides, the rules."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.calendar import labels, queries, services
from app.calendar.forms import OVERRIDE_KIND_LABELS, ConfirmDeleteForm, DueDateForm, OverrideForm, YearForm
from app.extensions import db
from app.formatting import format_date, local_today

bp = Blueprint("calendar", __name__, url_prefix="/staff/calendar")


@bp.context_processor
def _labels():
    """Label tables of the calendar templates."""
    return {"VARIANT_LABELS": labels.VARIANT_LABELS, "COUNTS_FROM_LABELS": labels.COUNTS_FROM_LABELS,
            "DAY_KIND_LABELS": labels.DAY_KIND_LABELS, "OVERRIDE_KIND_LABELS": OVERRIDE_KIND_LABELS,
            "WEEKDAY_LABELS": labels.WEEKDAY_LABELS}


def _calculate(form: DueDateForm):
    """The calculator's answer, when it was asked (rule or start in the query string)."""
    form.rule.choices = [("", _("— Chọn quy định —"))] + [(code, f"{name} ({code})")
                                                           for code, name in queries.rule_choices()]
    if "rule" not in request.args and "start" not in request.args:
        return None
    if not form.validate():
        return None
    if form.rule.data not in {code for code, _name in form.rule.choices if code}:
        form.rule.errors.append(_("Không có quy định thời hạn với mã này."))
        return None
    try:
        return services.explain_due_date(form.rule.data, form.start.data, complex_=form.complex_.data,
                                         remote=form.remote.data)
    except services.UnknownRule:
        form.start.errors.append(_("Quy định này chưa có hiệu lực vào ngày %(day)s.", day=format_date(form.start.data)))
        return None


def _render_index(override_form: OverrideForm, status: int = 200):
    """The page: calculator and year from the query string, the override form as given."""
    calc = DueDateForm(request.args)
    result = _calculate(calc)
    year_form = YearForm(request.args)
    year_form.validate()
    year = year_form.year.data if year_form.year.data and not year_form.year.errors else local_today().year
    if not year_form.year.raw_data or not year_form.year.raw_data[0]:
        year_form.year.data = year  # show which year is listed
    return render_template(
        "calendar/index.html", calc=calc, result=result, year_form=year_form, year=year,
        days=queries.year_days(year, str(get_locale() or "vi")), rules=queries.all_rules(),
        override_form=override_form,
    ), status


@bp.get("/")
@staff_required(Permission.CALENDAR_READ)
def index():
    """Calculator, the holidays of a year, the overrides, the rules."""
    return _render_index(OverrideForm(formdata=None))


@bp.post("/overrides")
@staff_required(Permission.CALENDAR_MANAGE)
def override_add():
    """Add an extra day off or a make-up working day."""
    form = OverrideForm()
    if not form.validate():
        return _render_index(form, 422)
    try:
        services.add_override(form.day.data, form.kind.data, form.reason.data, actor=current_user)
        db.session.commit()
    except services.CalendarError as exc:
        db.session.rollback()
        field = getattr(form, exc.field, None) if exc.field else None
        (field.errors if field is not None else form.form_errors).append(str(exc))
        return _render_index(form, 422)
    except IntegrityError:  # the same date added at the same moment by someone else
        db.session.rollback()
        form.day.errors.append(_("Ngày %(day)s đã có điều chỉnh.", day=format_date(form.day.data)))
        return _render_index(form, 422)
    flash(_("Đã thêm điều chỉnh ngày %(day)s.", day=format_date(form.day.data)), "success")
    return redirect(url_for("calendar.index", year=form.day.data.year, _anchor="holidays"))


@bp.route("/overrides/<int:override_id>/delete", methods=["GET", "POST"])
@staff_required(Permission.CALENDAR_MANAGE)
def override_delete(override_id: int):
    """Delete an override, after a confirmation page."""
    row = queries.get_override(override_id)
    if row is None:
        abort(404)
    form = ConfirmDeleteForm()
    if not form.validate_on_submit():
        message = _("Xóa điều chỉnh ngày %(day)s (%(kind)s: %(reason)s)? Các hạn tính từ nay sẽ theo lịch nghỉ "
                    "chung của Nhà nước cho ngày này.", day=format_date(row.day),
                    kind=OVERRIDE_KIND_LABELS[row.kind], reason=row.reason)
        return render_template("staff/confirm.html", form=form, title=_("Xóa điều chỉnh lịch"), message=message,
                               button=_("Xóa điều chỉnh"), danger=True,
                               action=url_for("calendar.override_delete", override_id=row.id),
                               cancel=url_for("calendar.index", year=row.day.year), errors=[]), \
            400 if request.method == "POST" else 200
    day = row.day
    services.delete_override(row, actor=current_user)
    db.session.commit()
    flash(_("Đã xóa điều chỉnh ngày %(day)s.", day=format_date(day)), "success")
    return redirect(url_for("calendar.index", year=day.year, _anchor="holidays"))
