"""The audit viewer's filters (read from the query string; the typed actor from the session, see
app.listsearch) and the form of the chain check (POST)."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.audit.labels import subject_label
from app.audit.queries import AuditFilters, audit_subject_types
from app.formatting import LOCAL_TZ
from app.portal.forms import VNDateField

ACTION_RE = re.compile(r"[a-z_.]+")


class WholeNumber(IntegerField):
    """An integer whose parse error is in Vietnamese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Hãy nhập một số nguyên, ví dụ 15.")) from exc


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string (the typed actor from the session:
    app.listsearch); sent by POST with the page's CSRF token."""

    class Meta:
        csrf = False

    date_from = VNDateField(_l("Từ ngày"), validators=[Optional()])
    date_to = VNDateField(_l("Đến ngày"), validators=[Optional()])
    actor = StringField(_l("Người thực hiện"), validators=[Optional(), Length(max=100, message=_l(
        "Tối đa 100 ký tự."))])
    action = StringField(_l("Hành động"), validators=[Optional(), Length(max=80, message=_l("Tối đa 80 ký tự."))],
                         render_kw={"list": "audit-action-groups", "autocomplete": "off"})
    subject_type = SelectField(_l("Loại đối tượng"), validators=[Optional()], validate_choice=False)
    subject_id = WholeNumber(_l("Số hiệu đối tượng"), validators=[Optional(), NumberRange(
        min=1, message=_l("Số hiệu là số nguyên dương."))], render_kw={"inputmode": "numeric"})

    def fill_choices(self) -> None:
        """The kinds of record the log has lines about."""
        self.subject_type.choices = [("", _("Tất cả"))] + [(t, subject_label(t)) for t in audit_subject_types()]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))

    def validate_action(self, field):
        if field.data and not ACTION_RE.fullmatch(field.data.strip()):
            raise ValidationError(_l("Hành động gồm chữ thường không dấu, dấu chấm và gạch dưới, ví dụ auth. "
                                     "hoặc export.xlsx."))

    def filters(self, page: int = 1) -> AuditFilters:
        """The filters of the validated form; a field with an error is left out. Days are local."""
        def ok(f):
            return f.data if not f.errors and f.data not in ("", None) else None

        since = until = None
        if ok(self.date_from):
            since = datetime.combine(self.date_from.data, time.min, LOCAL_TZ)
        if ok(self.date_to):
            until = datetime.combine(self.date_to.data + timedelta(days=1), time.min, LOCAL_TZ)
        return AuditFilters(since=since, until=until, actor_text=(ok(self.actor) or "").strip() or None,
                            action_prefix=(ok(self.action) or "").strip() or None,
                            subject_type=ok(self.subject_type), subject_id=ok(self.subject_id), page=max(1, page))

    def summary(self) -> dict:
        """The filters in use, for the audit line of an export: codes, ids and dates — not the typed
        actor text, which could be anything."""
        f = self.filters()
        out = {"from": self.date_from.data.isoformat() if f.since else None,
               "to": self.date_to.data.isoformat() if f.until else None,
               "actor_filtered": True if f.actor_text else None, "action": f.action_prefix,
               "subject_type": f.subject_type, "subject_id": f.subject_id}
        return {k: v for k, v in out.items() if v is not None}


class VerifyForm(FlaskForm):
    """The "Kiểm tra chuỗi" button (a POST with its CSRF token)."""
