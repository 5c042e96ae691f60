"""Forms of online reception (staff and public): input shape only; the rules live in app.reception.online."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from app.formhelpers import BoundedIntegerField
from app.petitions.models import PetitionKind
from app.portal.forms import ContactChecks, VNDateField
from app.reception.online import MAX_CAPACITY
from app.validators import normalize_cccd, normalize_phone

_TIME_RE = re.compile(r"^(\d{1,2})[:hH.](\d{2})$")


class VNTimeField(StringField):
    """A time of day typed as hh:mm (24 hours) in a text box; `data` is a datetime.time."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "hh:mm", "inputmode": "numeric", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        match = _TIME_RE.match(text)
        try:
            if not match:
                raise ValueError
            self.data = datetime.strptime(f"{match.group(1)}:{match.group(2)}", "%H:%M").time()
        except ValueError:
            self.data = None
            raise ValueError(_l("Giờ phải có dạng giờ:phút (24 giờ), ví dụ 08:30 hoặc 14:00.")) from None


KIND_CHOICES = [
    SelectChoice(PetitionKind.COMPLAINT.value, _l("Khiếu nại")),
    SelectChoice(PetitionKind.DENUNCIATION.value, _l("Tố cáo")),
    SelectChoice(PetitionKind.PROPOSAL.value, _l("Kiến nghị, phản ánh")),
]


# --- staff ------------------------------------------------------------------------------------

class SlotForm(FlaskForm):
    """Publish a slot: a day, a start and end time, how many citizens."""

    day = VNDateField(_l("Ngày tiếp (ngày/tháng/năm)"),
                      validators=[InputRequired(message=_l("Hãy nhập ngày tiếp."))])
    start_time = VNTimeField(_l("Giờ bắt đầu"), validators=[InputRequired(message=_l("Hãy nhập giờ bắt đầu."))])
    end_time = VNTimeField(_l("Giờ kết thúc"), validators=[InputRequired(message=_l("Hãy nhập giờ kết thúc."))])
    capacity = BoundedIntegerField(
        _l("Số công dân được tiếp"), default=1,
        validators=[InputRequired(message=_l("Hãy nhập số công dân được tiếp.")),
                    NumberRange(min=1, max=MAX_CAPACITY,
                                message=_l("Số công dân được tiếp phải từ 1 đến %(n)s.", n=MAX_CAPACITY))],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Công bố khung giờ"))

    def validate_end_time(self, field):
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("Giờ kết thúc phải sau giờ bắt đầu."))


class _Versioned(FlaskForm):
    """An action on a request, bound to the version the page showed (someone may have acted since)."""

    version = HiddenField()

    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class ConfirmForm(_Versioned):
    """Confirm the slot and give the meeting link."""

    meeting_link = StringField(
        _l("Đường dẫn phòng họp trực tuyến"),
        validators=[DataRequired(message=_l("Hãy nhập đường dẫn phòng họp trực tuyến.")), Length(max=500)],
        filters=[lambda v: v.strip() if v else v],
        render_kw={"inputmode": "url", "autocomplete": "off", "placeholder": "https://"},
    )
    note = TextAreaField(_l("Lời nhắn cho công dân (không bắt buộc; công dân đọc được)"),
                         validators=[Length(max=1000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Xác nhận lịch tiếp"))


class ProposeForm(_Versioned):
    """Offer another slot."""

    slot = SelectField(_l("Khung giờ đề nghị"), coerce=str, validate_choice=False,
                       validators=[DataRequired(message=_l("Hãy chọn khung giờ đề nghị."))])
    note = TextAreaField(_l("Lời nhắn cho công dân (không bắt buộc; công dân đọc được)"),
                         validators=[Length(max=1000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Đề nghị thời gian này"))


class DeclineForm(_Versioned):
    """Decline, with a reason the citizen reads."""

    reason = TextAreaField(_l("Lý do (công dân đọc được)"),
                           validators=[DataRequired(message=_l("Hãy ghi lý do để công dân được biết.")),
                                       Length(max=2000)],
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Từ chối yêu cầu"))


class RevealForm(FlaskForm):
    """A leader asks to see the denunciator's identity (the read is logged)."""

    submit = SubmitField(_l("Xem danh tính (được ghi nhật ký)"))


class RecordingForm(FlaskForm):
    """Attach the recording of an online reception."""

    recording = FileField(_l("Tệp ghi âm, ghi hình"))
    replace = BooleanField(_l("Tôi muốn thay bản ghi hiện có (bản cũ sẽ bị xóa)"))
    submit = SubmitField(_l("Tải lên bản ghi"))


# --- public -----------------------------------------------------------------------------------

class OnlineRequestForm(ContactChecks, FlaskForm):
    """A citizen asks to be received online."""

    form_token = HiddenField()
    agency = SelectField(_l("Cơ quan tiếp công dân"), coerce=str, validate_choice=False,
                         validators=[DataRequired(message=_l("Hãy chọn cơ quan."))])
    slot = SelectField(_l("Thời gian tiếp"), coerce=str, validate_choice=False,
                       validators=[DataRequired(message=_l("Hãy chọn thời gian tiếp."))])
    kind = RadioField(_l("Nội dung cần trình bày thuộc loại"), choices=KIND_CHOICES,
                      validators=[InputRequired(message=_l("Hãy chọn loại nội dung."))])
    summary = TextAreaField(
        _l("Tóm tắt nội dung bạn muốn trình bày"),
        validators=[DataRequired(message=_l("Hãy tóm tắt nội dung bạn muốn trình bày.")),
                    Length(min=20, max=5000, message=_l("Phần tóm tắt cần từ 20 đến 5.000 ký tự."))],
        render_kw={"rows": 5},
    )
    full_name = StringField(
        _l("Họ và tên"),
        validators=[DataRequired(message=_l("Hãy nhập họ và tên.")),
                    Length(max=200, message=_l("Họ và tên quá dài (tối đa 200 ký tự)."))],
        render_kw={"autocomplete": "name"},
    )
    id_number = StringField(
        _l("Số căn cước công dân"),
        validators=[DataRequired(message=_l("Hãy nhập số căn cước công dân (12 chữ số)."))],
        filters=[normalize_cccd],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "14"},
    )
    phone = StringField(
        _l("Số điện thoại"),
        validators=[DataRequired(message=_l("Hãy nhập số điện thoại."))],
        filters=[lambda v: normalize_phone(v) if v else v],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    email = StringField(
        _l("Thư điện tử (không bắt buộc)"),
        validators=[Optional(), Email(message=_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False),
                    Length(max=254)],
        filters=[lambda v: v.strip() if v else v],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    consent = BooleanField(
        _l("Tôi đồng ý để cơ quan dùng thông tin trên để bố trí, thực hiện và ghi âm, ghi hình buổi tiếp "
           "công dân trực tuyến, và cam đoan nội dung trình bày là đúng sự thật."),
        validators=[DataRequired(message=_l("Hãy đánh dấu ô đồng ý để gửi yêu cầu."))],
    )
    # Honeypot: hidden from people by CSS; a bot that fills it is refused.
    website = StringField(_l("Để trống ô này"))
    submit = SubmitField(_l("Gửi yêu cầu"))



class OnlineTrackForm(FlaskForm):
    """Request code and access key, sent by POST only."""

    code = StringField(
        _l("Mã yêu cầu"),
        validators=[DataRequired(message=_l("Hãy nhập mã yêu cầu.")), Length(max=40)],
        filters=[lambda v: v.strip().upper() if v else v],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    key = StringField(
        _l("Mã truy cập"),
        validators=[DataRequired(message=_l("Hãy nhập mã truy cập.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    submit = SubmitField(_l("Xem yêu cầu"))


class CitizenActionForm(_Versioned):
    """Accept the proposed time, or cancel (after the confirmation step)."""

    submit = SubmitField(_l("Đồng ý"))


class ChangeSlotForm(_Versioned):
    """Pick another of the agency's open slots."""

    slot = SelectField(_l("Chọn thời gian khác"), coerce=str, validate_choice=False,
                       validators=[DataRequired(message=_l("Hãy chọn thời gian tiếp."))])
    submit = SubmitField(_l("Đổi sang thời gian này"))
