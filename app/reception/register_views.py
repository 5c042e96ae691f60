"""Sổ tiếp công dân (staff screens): the filtered list, its Excel export, its print view."""
from __future__ import annotations

import io

from flask import Blueprint, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from app import listsearch
from app.audit.services import audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.petitions.labels import KIND_LABELS
from app.portal.forms import VNDateField
from app.reception import register
from app.reception.labels import CHANNEL_LABELS, OUTCOME_LABELS

bp = Blueprint("register", __name__, url_prefix="/staff/reception/register")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RegisterFilterForm(FlaskForm):
    """Filters of the register, read from the query string (the search term from the session:
    app.listsearch). The form is sent by POST with the page's CSRF token (CSRFProtect checks it)."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm kiếm"), validators=[Optional(), Length(max=100)])
    date_from = VNDateField(_l("Tiếp từ ngày"), validators=[Optional()])
    date_to = VNDateField(_l("Đến ngày"), validators=[Optional()])
    kind = SelectField(_l("Loại"), validators=[Optional()])
    outcome = SelectField(_l("Kết quả tiếp"), validators=[Optional()])
    channel = SelectField(_l("Hình thức"), validators=[Optional()])
    repeat = SelectField(_l("Lần đầu / tái diễn"), validators=[Optional()])
    officer = SelectField(_l("Người tiếp"), validators=[Optional()])
    reply = SelectField(_l("Trả lời công dân"), validators=[Optional()])
    group_only = BooleanField(_l("Chỉ đoàn đông người"))

    def fill_choices(self, user) -> None:
        """Choices, some from the database (the officers of the user's register)."""
        every = [("", _("Tất cả"))]
        self.kind.choices = every + [(k, str(v)) for k, v in KIND_LABELS.items()]
        self.outcome.choices = every + [(k, str(v)) for k, v in OUTCOME_LABELS.items()]
        self.channel.choices = every + [(k, str(v)) for k, v in CHANNEL_LABELS.items()]
        self.repeat.choices = every + [("first", _("Lần đầu")), ("repeat", _("Tái diễn"))]
        self.officer.choices = every + [(str(i), name) for i, name in register.officer_choices(user)]
        self.reply.choices = every + [("awaiting", _("Chưa trả lời")), ("overdue", _("Quá hạn trả lời")),
                                      ("replied", _("Đã trả lời"))]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))

    def filters(self, page: int = 1) -> register.RegisterFilters:
        """The filters from the validated form; a field with an error is ignored."""
        def ok(f):
            return f.data if not f.errors else None

        return register.RegisterFilters(
            date_from=ok(self.date_from), date_to=ok(self.date_to), kind=ok(self.kind) or None,
            outcome=ok(self.outcome) or None, channel=ok(self.channel) or None, repeat=ok(self.repeat) or None,
            group_only=bool(self.group_only.data), officer_id=int(self.officer.data) if ok(self.officer) else None,
            reply=ok(self.reply) or None, q=ok(self.q), page=max(1, page),
        )


def _form() -> RegisterFilterForm:
    args = listsearch.args()
    if not args.get("reply"):  # the dashboard's links: ?awaiting=1, ?awaiting=1&overdue=1
        if args.get("overdue"):
            args["reply"] = "overdue"
        elif args.get("awaiting"):
            args["reply"] = "awaiting"
    form = RegisterFilterForm(args)
    form.fill_choices(current_user)
    form.validate()
    return form


def _filter_args() -> dict:
    """The query string without the page (the search as its handle `s`): for the export and print links."""
    return {k: v for k, v in request.args.items() if k != "page"}


def _multi_agency() -> bool:
    return current_user.can(Permission.SUBTREE_READ)


@bp.route("/", methods=["GET", "POST"])
@staff_required(Permission.VISIT_READ)
@listsearch.searchable()
def index():
    """Sổ tiếp công dân: filters, 25 visits a page (newest first), export and print links."""
    form = _form()
    page = register.register_page(current_user, form.filters(request.args.get("page", 1, type=int)))
    return render_template("register/index.html", form=form, page=page, filter_args=_filter_args(),
                           multi_agency=_multi_agency(), export_cap=register.EXPORT_CAP,
                           has_visit_page="reception.visit" in current_app.view_functions)


@bp.get("/export.xlsx")
@staff_required(Permission.VISIT_READ)
@listsearch.searchable(list_endpoint="register.index")
def export():
    """The filtered register as an Excel workbook (at most EXPORT_CAP rows, said in the file)."""
    f = _form().filters()
    rows, total = register.register_rows(current_user, f, cap=register.EXPORT_CAP)
    audit_now("export.xlsx", detail={"what": "reception_register", "rows": len(rows), "total": total})
    data = register.build_workbook(rows, agency_name=current_user.agency.name, f=f, total=total,
                                   multi_agency=_multi_agency())
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=register.export_filename(f))


@bp.get("/print")
@staff_required(Permission.VISIT_READ)
@listsearch.searchable(list_endpoint="register.index")
def printable():
    """The filtered register on landscape A4, every row up to PRINT_CAP."""
    f = _form().filters()
    rows, total = register.register_rows(current_user, f, cap=register.PRINT_CAP)
    return render_template("register/print.html", rows=rows, total=total, period=register.period_label(f),
                           columns=register.columns(_multi_agency()), filter_args=_filter_args(),
                           multi_agency=_multi_agency())
