"""Calendar forms: the deadline calculator and the year (GET), an override (POST). Shape only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.calendar.models import OverrideKind
from app.portal.forms import VNDateField

OVERRIDE_KIND_LABELS = {
    OverrideKind.DAY_OFF.value: _l("Ngày nghỉ thêm"),
    OverrideKind.WORKING_DAY.value: _l("Ngày làm bù"),
}


class DueDateForm(FlaskForm):
    """Rule, start date, complex and remote: the due date is computed, nothing is stored."""

    class Meta:
        csrf = False

    rule = SelectField(_l("Quy định thời hạn"), validate_choice=False,
                       validators=[DataRequired(message=_l("Hãy chọn quy định thời hạn."))])
    # InputRequired, not DataRequired: a date typed wrongly keeps its own message.
    start = VNDateField(_l("Ngày bắt đầu tính"),
                        validators=[InputRequired(message=_l("Hãy nhập ngày bắt đầu tính (ngày/tháng/năm)."))])
    complex_ = BooleanField(_l("Vụ việc phức tạp"), name="complex")
    remote = BooleanField(_l("Vùng sâu, vùng xa, đi lại khó khăn"))


class YearField(IntegerField):
    """A year; typing something else gets a Vietnamese message (WTForms' own is English)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Năm phải là một số, ví dụ 2027.")) from exc


class YearForm(FlaskForm):
    """Which year's holidays to list."""

    class Meta:
        csrf = False

    year = YearField(_l("Năm"), validators=[
        Optional(), NumberRange(min=2000, max=2100, message=_l("Năm từ 2000 đến 2100."))],
        render_kw={"inputmode": "numeric"})


class OverrideForm(FlaskForm):
    """An extra day off or a make-up working day, with its reason."""

    day = VNDateField(_l("Ngày"), validators=[InputRequired(message=_l("Hãy nhập ngày (ngày/tháng/năm)."))])
    kind = RadioField(_l("Loại điều chỉnh"), choices=list(OVERRIDE_KIND_LABELS.items()),
                      validate_choice=False,  # the service checks it, with our message
                      validators=[InputRequired(message=_l("Hãy chọn ngày nghỉ thêm hoặc ngày làm bù."))])
    reason = StringField(_l("Lý do"), filters=[lambda v: v.strip() if isinstance(v, str) else v], validators=[
        DataRequired(message=_l("Hãy ghi lý do (ví dụ số quyết định, thông báo).")),
        Length(max=300, message=_l("Lý do tối đa 300 ký tự."))])
    submit = SubmitField(_l("Thêm điều chỉnh"))


class ConfirmDeleteForm(FlaskForm):
    """The confirmation step before deleting an override: only the CSRF token and a button."""

    submit = SubmitField(_l("Xác nhận"))
