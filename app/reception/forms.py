"""The desk form: one visit, its visitors, the matter, the outcome; and the reply form."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.formhelpers import BoundedIntegerField
from app.petitions.forms import KIND_CHOICES
from app.portal.forms import ContactChecks, VNDateField
from app.reception.labels import OUTCOME_LABELS, REFUSAL_GROUND_LABELS
from app.reception.models import VisitOutcome
from app.validators import normalize_cccd, normalize_phone

TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:hH.]([0-5]\d)$")
MAX_VISITORS = 5  # the most representatives a group may have (Luật TCD Đ.29); see app.petitions.rules

OUTCOME_CHOICES = [(o.value, OUTCOME_LABELS[o.value]) for o in VisitOutcome]
REFUSAL_CHOICES = [("", _l("— Chọn căn cứ —"))] + [(k, v) for k, v in REFUSAL_GROUND_LABELS.items()]


def parse_time(value: str | None):
    """'8:30', '08h30', '08.30' → (8, 30); None when it is not a time."""
    m = TIME_RE.match((value or "").strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


class VisitorForm(ContactChecks, Form):
    """One person met: a visitor, or a representative of a group."""

    person_id = HiddenField()
    full_name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=200)])
    id_number = StringField(_l("Số CCCD"), validators=[Optional()], filters=[normalize_cccd],
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    phone = StringField(_l("Điện thoại"), validators=[Optional()],
                        filters=[lambda v: normalize_phone(v) if v else v],
                        render_kw={"inputmode": "tel"})
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=300)])
    name_decision = RadioField(_l("Tên khác với hồ sơ đã có"), choices=[
        ("keep", _l("Giữ tên trong hồ sơ")), ("update", _l("Sửa tên trong hồ sơ theo tên vừa nhập"))],
        validators=[Optional()])



class VisitForm(FlaskForm):
    """Logging a reception at the desk."""

    form_token = HiddenField()
    session_id = HiddenField()
    online_request_id = HiddenField()
    lookup_q = StringField(_l("Tra cứu công dân"), validators=[Optional(), Length(max=100)],
                           render_kw={"autocomplete": "off", "autofocus": True})
    do_lookup = SubmitField(_l("Tra cứu"))

    visited_on = VNDateField(_l("Ngày tiếp"), validators=[DataRequired(message=_l("Hãy nhập ngày tiếp."))])
    visited_time = StringField(_l("Giờ tiếp"), validators=[DataRequired(message=_l("Hãy nhập giờ tiếp."))],
                               render_kw={"inputmode": "numeric", "placeholder": "08:30"})
    place = StringField(_l("Địa điểm tiếp"), validators=[DataRequired(message=_l("Hãy nhập địa điểm tiếp.")),
                                                         Length(max=200)])
    people_count = BoundedIntegerField(_l("Số người đến"), default=1, validators=[
        InputRequired(message=_l("Hãy nhập số người đến.")),
        NumberRange(min=1, max=10000, message=_l("Số người đến từ 1 đến 10.000."))])
    visitors = FieldList(FormField(VisitorForm), min_entries=1, max_entries=MAX_VISITORS)
    add_person = SubmitField(_l("Thêm người"))
    meeting_link = StringField(_l("Đường dẫn buổi tiếp trực tuyến"), validators=[Optional(), Length(max=500)])

    kind = RadioField(_l("Loại nội dung"), choices=KIND_CHOICES,
                      validators=[InputRequired(message=_l("Hãy chọn khiếu nại, tố cáo hay kiến nghị, phản ánh."))])
    category = SelectField(_l("Lĩnh vực"), validators=[Optional()])
    respondent = StringField(_l("Người, cơ quan bị khiếu nại, bị tố cáo"), validators=[Optional(), Length(max=300)])
    summary = TextAreaField(_l("Nội dung công dân trình bày"), render_kw={"rows": 4}, validators=[
        DataRequired(message=_l("Hãy ghi tóm tắt nội dung công dân trình bày.")), Length(max=20000)])
    request_text = TextAreaField(_l("Yêu cầu, đề nghị của công dân"), render_kw={"rows": 2},
                                 validators=[Optional(), Length(max=5000)])
    prior_handling = TextAreaField(_l("Quá trình xem xét, giải quyết trước đó (nếu có)"), render_kw={"rows": 2},
                                   validators=[Optional(), Length(max=5000)])
    repeat_ref = StringField(validators=[Optional(), Length(max=40)])

    outcome = RadioField(_l("Kết quả tiếp"), choices=OUTCOME_CHOICES, default=VisitOutcome.PETITION_RECEIVED.value,
                         validators=[InputRequired(message=_l("Hãy chọn kết quả tiếp."))])
    title = StringField(_l("Trích yếu đơn"), validators=[Optional(), Length(max=300)])
    attachments = MultipleFileField(_l("Bản quét đơn và tài liệu công dân nộp"))
    guided_to = StringField(_l("Hướng dẫn đến cơ quan"), validators=[Optional(), Length(max=300)])
    transfer_agency = SelectField(_l("Chuyển đến cơ quan trong hệ thống"), validators=[Optional()])
    transfer_to_name = StringField(_l("hoặc tên cơ quan khác"), validators=[Optional(), Length(max=300)])
    refusal_ground = SelectField(_l("Căn cứ từ chối (Điều 9 Luật Tiếp công dân)"), choices=REFUSAL_CHOICES,
                                 validators=[Optional()])
    outcome_note = TextAreaField(_l("Nội dung đã giải thích, trả lời hoặc lý do"), render_kw={"rows": 2},
                                 validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Ghi sổ lượt tiếp"))

    def validate_visited_time(self, field):
        if field.data and parse_time(field.data) is None:
            raise ValidationError(_l("Giờ tiếp theo dạng giờ:phút, ví dụ 08:30."))

    def validate_meeting_link(self, field):
        if field.data and not re.match(r"^https?://\S+$", field.data.strip()):
            raise ValidationError(_l("Đường dẫn phải bắt đầu bằng http:// hoặc https://."))

    def validate(self, extra_validators=None):
        """The first visitor needs a name (a group: its first representative)."""
        ok = super().validate(extra_validators)
        first = self.visitors.entries[0].form
        if not (first.full_name.data or "").strip():
            first.full_name.errors.append(_l("Hãy nhập họ tên người đến (với đoàn đông người: người đại diện)."))
            ok = False
        for entry in self.visitors.entries:
            f = entry.form
            if not (f.full_name.data or "").strip() and (f.id_number.data or f.phone.data or f.address.data):
                f.full_name.errors.append(_l("Hãy nhập họ tên của người này."))
                ok = False
        return ok


class ReplyForm(FlaskForm):
    """The answer given to the citizen (Luật TCD Đ.28.1)."""

    replied_on = VNDateField(_l("Ngày trả lời"), validators=[DataRequired(message=_l("Hãy nhập ngày trả lời."))])
    note = TextAreaField(_l("Nội dung đã trả lời"), render_kw={"rows": 3},
                         validators=[DataRequired(message=_l("Hãy ghi nội dung đã trả lời.")), Length(max=5000)])
    submit = SubmitField(_l("Ghi nhận đã trả lời"))


class RevealVisitForm(FlaskForm):
    """Show a denunciator's identity on a visit (logged)."""

    submit = SubmitField(_l("Xem danh tính người tố cáo"))
