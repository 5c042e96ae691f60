"""Forms of the inspection pages: input shape only. The rules (dates in order, recommended not above
found, recovered not above recommended) are checked in app.inspections.services.

Money is typed in đồng the Vietnamese way (`1.391.100.000`, or `1391100000`); land in m² with a
decimal comma (`1.200,5`). What cannot be read keeps what was typed, with a message at the field.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.cases.forms import NumberField
from app.formatting import format_number
from app.inspections.labels import KIND_LABELS, STATE_LABELS, TOPIC_LABELS
from app.portal.forms import VNDateField

KIND_CHOICES = list(KIND_LABELS.items())
TOPIC_CHOICES = list(TOPIC_LABELS.items())
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 1.391.100.000: dots group thousands
_PLAIN = re.compile(r"^\d+$")
_DOT_DECIMAL = re.compile(r"^\d+\.\d+$")  # 12.5 — a dot that cannot be a thousands separator
_MONEY_UNIT = re.compile(r"(đồng|đ|vnđ|vnd)$", re.IGNORECASE)
_LAND_UNIT = re.compile(r"(m2|m²)$", re.IGNORECASE)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _compact(text: str) -> tuple[bool, str]:
    """Remove spaces (also non-breaking) and a leading minus sign: (negative, rest)."""
    text = re.sub(r"[\s\u00a0]", "", text)
    negative = text.startswith("-")
    return negative, text.lstrip("-")


def parse_dong(text: str) -> int:
    """`1.391.100.000`, `1391100000`, `1 391 100 000 đồng` → 1391100000. Raises ValueError otherwise
    (a comma — a decimal mark in Vietnamese — has no place in an amount of đồng)."""
    negative, text = _compact(text)
    text = _MONEY_UNIT.sub("", text)
    if _PLAIN.match(text):
        value = int(text)
    elif _GROUPED.match(text):
        value = int(text.replace(".", ""))
    else:
        raise ValueError(text)
    return -value if negative else value


def parse_area(text: str) -> Decimal:
    """`1.200,5`, `1200,5`, `1200.5`, `1.200` (one thousand two hundred) → Decimal. ValueError otherwise."""
    negative, text = _compact(text)
    text = _LAND_UNIT.sub("", text)
    try:
        if "," in text:
            whole, _, decimals = text.partition(",")
            if not (_PLAIN.match(whole) or _GROUPED.match(whole)) or not _PLAIN.match(decimals):
                raise ValueError(text)
            value = Decimal(f"{whole.replace('.', '')}.{decimals}")
        elif _PLAIN.match(text) or _GROUPED.match(text):
            value = Decimal(text.replace(".", ""))
        elif _DOT_DECIMAL.match(text):
            value = Decimal(text)
        else:
            raise ValueError(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    return -value if negative else value


class MoneyField(NumberField):
    """An amount in đồng (the case pages' NumberField, read strictly: no decimal part)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, decimals=False, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_number(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_dong(valuelist[0])
        except ValueError as exc:
            raise ValueError(str(_l("Số tiền tính bằng đồng, không có phần lẻ; dấu chấm tách hàng nghìn, "
                                    "ví dụ 1.391.100.000."))) from exc


class AreaField(NumberField):
    """An area in m², decimal comma (`1.200,5`)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, decimals=True, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_number(self.data, 1)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_area(valuelist[0])
        except ValueError as exc:
            raise ValueError(str(_l("Diện tích tính bằng m², dấu phẩy trước phần thập phân, ví dụ 1.200,5."))) from exc


class CountField(NumberField):
    """A whole number of people or cases."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_dong(valuelist[0])
        except ValueError as exc:
            raise ValueError(str(_l("Hãy nhập một số nguyên, ví dụ 2."))) from exc


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (the search term from the session:
    app.listsearch); sent by POST with the page's CSRF token. Unknown values are ignored by the view."""

    class Meta:
        csrf = False

    year = SelectField(_l("Năm"), validate_choice=False, validators=[Optional()])
    kind = SelectField(_l("Hình thức"), validate_choice=False, validators=[Optional()],
                       choices=[("", _l("Tất cả"))] + KIND_CHOICES)
    topic = SelectField(_l("Nội dung"), validate_choice=False, validators=[Optional()],
                        choices=[("", _l("Tất cả"))] + TOPIC_CHOICES)
    state = SelectField(_l("Tình trạng"), validate_choice=False, validators=[Optional()],
                        choices=[("", _l("Tất cả"))] + list(STATE_LABELS.items()))
    q = StringField(_l("Tìm theo tên, đối tượng, số quyết định"), filters=[strip],
                    validators=[Optional(), Length(max=200)], render_kw={"type": "search"})


class InspectionForm(FlaskForm):
    """An inspection: planned or ad hoc, what and whom, the decision, the dates."""

    kind = RadioField(_l("Hình thức thanh tra"), choices=KIND_CHOICES, default="planned", validate_choice=False,
                      validators=[InputRequired(message=_l("Hãy chọn thanh tra theo kế hoạch hay đột xuất."))])
    topic = SelectField(_l("Nội dung thanh tra"), choices=[("", _l("— Chọn nội dung —"))] + TOPIC_CHOICES,
                        validate_choice=False, validators=[DataRequired(message=_l("Hãy chọn nội dung thanh tra."))])
    title = StringField(_l("Tên cuộc thanh tra"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập tên cuộc thanh tra.")), Length(max=300, message=_l("Tối đa 300 ký tự."))])
    subject = StringField(_l("Đối tượng thanh tra"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập đối tượng thanh tra.")), Length(max=300, message=_l("Tối đa 300 ký tự."))])
    decision_number = StringField(_l("Số quyết định thanh tra"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập số quyết định thanh tra.")), Length(max=60, message=_l("Tối đa 60 ký tự."))],
        render_kw={"placeholder": "125/QĐ-TTr", "autocomplete": "off"})
    decision_date = VNDateField(_l("Ngày ký quyết định"), validators=[Optional()])
    started_on = VNDateField(_l("Ngày bắt đầu (công bố quyết định)"), validators=[
        InputRequired(message=_l("Hãy nhập ngày bắt đầu thanh tra."))])
    ended_on = VNDateField(_l("Ngày kết thúc thanh tra trực tiếp"), validators=[Optional()])
    conclusion_due = VNDateField(_l("Hạn ban hành kết luận"), validators=[Optional()])
    submit = SubmitField(_l("Lưu cuộc thanh tra"))


class ConclusionForm(FlaskForm):
    """The conclusion (kết luận thanh tra) and the figures it found."""

    number = StringField(_l("Số kết luận"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập số kết luận thanh tra.")), Length(max=60, message=_l("Tối đa 60 ký tự."))],
        render_kw={"placeholder": "08/KL-TTr", "autocomplete": "off"})
    concluded_on = VNDateField(_l("Ngày ban hành kết luận"), validators=[
        InputRequired(message=_l("Hãy nhập ngày ban hành kết luận."))])
    money_violation = MoneyField(_l("Tiền phát hiện sai phạm (đồng)"))
    money_recommended = MoneyField(_l("Tiền kiến nghị thu hồi về Nhà nước (đồng)"))
    land_violation = AreaField(_l("Đất phát hiện sai phạm (m²)"))
    land_recommended = AreaField(_l("Đất kiến nghị thu hồi (m²)"))
    people_recommended_discipline = CountField(_l("Số người kiến nghị xử lý kỷ luật"))
    cases_to_investigation = CountField(_l("Số vụ chuyển cơ quan điều tra"))
    other_recommendations = TextAreaField(_l("Kiến nghị khác"), filters=[strip], validators=[
        Optional(), Length(max=10000, message=_l("Tối đa 10.000 ký tự."))], render_kw={"rows": 3})
    submit = SubmitField(_l("Lưu kết luận"))


class RecoveryForm(FlaskForm):
    """Money and/or land recovered on a day."""

    recovered_on = VNDateField(_l("Ngày thu hồi"), validators=[InputRequired(message=_l("Hãy nhập ngày thu hồi."))])
    money = MoneyField(_l("Số tiền đã thu hồi (đồng)"))
    land = AreaField(_l("Diện tích đất đã thu hồi (m²)"))
    document = StringField(_l("Chứng từ (giấy nộp tiền, quyết định thu hồi đất)"), filters=[strip], validators=[
        Optional(), Length(max=200, message=_l("Tối đa 200 ký tự."))])
    note = TextAreaField(_l("Ghi chú"), filters=[strip], validators=[
        Optional(), Length(max=2000, message=_l("Tối đa 2.000 ký tự."))], render_kw={"rows": 2})
    submit = SubmitField(_l("Ghi kết quả thu hồi"))


class FollowUpForm(FlaskForm):
    """Another recommendation of the conclusion, to follow until it is carried out."""

    recommendation = TextAreaField(_l("Nội dung kiến nghị"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi nội dung kiến nghị.")), Length(max=5000, message=_l("Tối đa 5.000 ký tự."))],
        render_kw={"rows": 2})
    due_on = VNDateField(_l("Hạn thực hiện"), validators=[Optional()])
    submit = SubmitField(_l("Thêm kiến nghị"))


class FollowUpDoneForm(FlaskForm):
    """A recommendation carried out: when, and what was done."""

    done_on = VNDateField(_l("Ngày thực hiện xong"), validators=[
        InputRequired(message=_l("Hãy nhập ngày thực hiện xong."))])
    result_note = TextAreaField(_l("Kết quả thực hiện"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi kết quả thực hiện.")), Length(max=5000, message=_l("Tối đa 5.000 ký tự."))],
        render_kw={"rows": 3})
    submit = SubmitField(_l("Ghi nhận đã thực hiện"))


class ConfirmForm(FlaskForm):
    """A confirmation step: only the CSRF token and a button."""

    submit = SubmitField(_l("Xác nhận"))
