"""Forms of the leaders' reception days: input shape only. The rules (working day, delegation,
own agency, dates after the conclusion) are checked in app.reception.sessions."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.portal.forms import VNDateField
from app.reception.labels import PERIOD_LABELS, SESSION_MODE_LABELS
from app.reception.models import DutyPeriod, SessionMode
from app.reception.sessions import normalize_time

MODE_CHOICES = [(m.value, SESSION_MODE_LABELS[m.value]) for m in SessionMode]
PERIOD_CHOICES = [(p.value, PERIOD_LABELS[p.value]) for p in DutyPeriod]
MONTH_RE = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4}))\s*$")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_month(value: str | None) -> tuple[int, int] | None:
    """`2026-04` or `04/2026` → (2026, 4); anything else → None."""
    match = MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    year, month = int(year), int(month)
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return year, month


def _id_or_empty(form, field):
    if field.data and not str(field.data).isdigit():
        raise ValidationError(_l("Lựa chọn không hợp lệ."))


class ScheduleFilterForm(FlaskForm):
    """GET filters of the schedule (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    month = StringField(_l("Tháng"), validators=[Optional()], render_kw={"type": "month", "placeholder": "yyyy-mm"})
    agency = SelectField(_l("Cơ quan"), validate_choice=False, validators=[Optional(), _id_or_empty])

    def validate_month(self, field):
        if field.data and parse_month(field.data) is None:
            raise ValidationError(_l("Tháng có dạng năm-tháng, ví dụ 2026-04."))


class SessionForm(FlaskForm):
    """A reception day: who, when, where, in person or delegated, regular or ad hoc."""

    leader = SelectField(_l("Lãnh đạo tiếp"), validate_choice=False, validators=[_id_or_empty])
    leader_name = StringField(_l("Hoặc họ tên người đứng đầu"), filters=[strip],
                              validators=[Optional(), Length(max=200, message=_l("Họ tên tối đa 200 ký tự."))])
    # InputRequired, not DataRequired: a date typed wrongly keeps its own message.
    held_on = VNDateField(_l("Ngày tiếp"), validators=[InputRequired(message=_l("Hãy nhập ngày tiếp."))])
    start_time = StringField(_l("Giờ bắt đầu"), filters=[strip], validators=[Optional()],
                             render_kw={"placeholder": "07:30", "inputmode": "numeric", "autocomplete": "off",
                                        "maxlength": "5"})
    place = StringField(_l("Địa điểm"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập địa điểm tiếp.")), Length(max=200, message=_l("Địa điểm tối đa 200 ký tự."))])
    mode = RadioField(_l("Hình thức"), choices=MODE_CHOICES, default=SessionMode.IN_PERSON.value,
                      validate_choice=False, validators=[InputRequired(message=_l("Hãy chọn hình thức tiếp."))])
    delegate_name = StringField(_l("Cấp phó được ủy quyền"), filters=[strip], validators=[
        Optional(), Length(max=200, message=_l("Tối đa 200 ký tự."))])
    is_ad_hoc = BooleanField(_l("Tiếp đột xuất"))
    submit = SubmitField(_l("Lưu lịch tiếp"))

    def validate_start_time(self, field):
        try:
            field.data = normalize_time(field.data)
        except ValueError:
            raise ValidationError(_l("Giờ bắt đầu có dạng giờ:phút, ví dụ 07:30.")) from None


class CancelForm(FlaskForm):
    """The confirmation page of a cancellation, with its reason."""

    reason = StringField(_l("Lý do hủy"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi lý do hủy.")), Length(max=300, message=_l("Lý do tối đa 300 ký tự."))])
    submit = SubmitField(_l("Hủy buổi tiếp"))


class ConfirmForm(FlaskForm):
    """A confirmation step: only the CSRF token and a button."""

    submit = SubmitField(_l("Xác nhận"))


class ConclusionForm(FlaskForm):
    """The conclusion notice (thông báo kết luận) of a held day."""

    number = StringField(_l("Số thông báo"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập số thông báo.")), Length(max=50, message=_l("Tối đa 50 ký tự."))],
        render_kw={"placeholder": "15/TB-UBND", "autocomplete": "off"})
    issued_on = VNDateField(_l("Ngày ban hành"), validators=[InputRequired(message=_l("Hãy nhập ngày ban hành."))])
    summary = TextAreaField(_l("Tóm tắt nội dung kết luận"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy tóm tắt nội dung kết luận.")),
        Length(max=10000, message=_l("Tối đa 10.000 ký tự."))], render_kw={"rows": 4})
    submit = SubmitField(_l("Lưu thông báo kết luận"))


class TaskForm(FlaskForm):
    """One item of the conclusion notice: what a body must do, by when."""

    content = TextAreaField(_l("Việc phải làm"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi nội dung việc phải làm.")),
        Length(max=5000, message=_l("Tối đa 5.000 ký tự."))], render_kw={"rows": 3})
    assignee_agency = SelectField(_l("Cơ quan thực hiện"), validate_choice=False, validators=[
        DataRequired(message=_l("Hãy chọn cơ quan thực hiện.")), _id_or_empty])
    assignee_user = SelectField(_l("Cán bộ thực hiện (không bắt buộc)"), validate_choice=False,
                                validators=[_id_or_empty])
    due_on = VNDateField(_l("Hạn hoàn thành"), validators=[InputRequired(message=_l("Hãy nhập hạn hoàn thành."))])
    submit = SubmitField(_l("Lưu việc"))


class TaskDoneForm(FlaskForm):
    """Mark an item done: when, and what was done."""

    done_on = VNDateField(_l("Ngày hoàn thành"), validators=[
        InputRequired(message=_l("Hãy nhập ngày hoàn thành."))])
    result_note = TextAreaField(_l("Kết quả thực hiện"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi kết quả thực hiện.")), Length(max=5000, message=_l("Tối đa 5.000 ký tự."))],
        render_kw={"rows": 3})
    submit = SubmitField(_l("Ghi nhận hoàn thành"))


class DaysField(IntegerField):
    """A number of days; typing something else gets a Vietnamese message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Hãy nhập một số nguyên, ví dụ 1.")) from exc


class RuleForm(FlaskForm):
    """A duty rule's frequency, delegation and the unverified flag."""

    days = DaysField(_l("Số ngày tiếp tối thiểu"), validators=[
        InputRequired(message=_l("Hãy nhập số ngày.")),
        NumberRange(min=1, max=31, message=_l("Số ngày từ 1 đến 31."))], render_kw={"inputmode": "numeric"})
    period = RadioField(_l("Trong mỗi"), choices=PERIOD_CHOICES, validate_choice=False,
                        validators=[InputRequired(message=_l("Hãy chọn tuần hoặc tháng."))])
    delegation_allowed = BooleanField(_l("Được ủy quyền cấp phó tiếp thay"))
    unverified = BooleanField(_l("Chưa kiểm chứng căn cứ pháp lý"))
    submit = SubmitField(_l("Lưu quy định"))
