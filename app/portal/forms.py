"""Public forms: input shape only. Rules that need the database live in the services."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import TextInput
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.formhelpers import BoundedIntegerField
from app.petitions.models import PetitionKind
from app.petitions.rules import max_representatives
from app.validators import is_valid_cccd, is_valid_phone, normalize_cccd, normalize_phone



class ContactChecks:
    """The checks of a citizen ID number (CCCD) and a phone number, for any form with those fields.

    WTForms calls `validate_<field>` methods of the form class, so a form gets them by inheriting.
    """

    def validate_id_number(self, field):
        if field.data and not is_valid_cccd(field.data):
            if not field.data.isdigit() or len(field.data) != 12:
                raise ValidationError(_l("Số căn cước công dân gồm đúng 12 chữ số."))
            raise ValidationError(_l("Ba chữ số đầu của số căn cước công dân không phải mã tỉnh hợp lệ."))

    def validate_phone(self, field):
        if field.data and not is_valid_phone(field.data):
            raise ValidationError(_l("Số điện thoại không đúng định dạng Việt Nam (ví dụ 0912 345 678)."))

class VNDateField(DateField):
    """A date typed as dd/mm/yyyy in a text box (also accepts yyyy-mm-dd).

    A text box, not the browser's date picker, whose format follows the browser's locale
    (mm/dd/yyyy on many machines): Vietnamese dates are day first.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, format=["%d/%m/%Y", "%Y-%m-%d"], render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d/%m/%Y") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        for fmt in self.strptime_format:
            try:
                self.data = datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Ngày phải có dạng ngày/tháng/năm, ví dụ 05/03/2026."))


def _required(message):
    return DataRequired(message=message)


class PetitionForm(ContactChecks, FlaskForm):
    """The one public form for a complaint, a denunciation or a proposal."""

    form_token = HiddenField()
    kind = RadioField(
        _l("Loại đơn"),
        choices=[
            (PetitionKind.COMPLAINT.value, _l("Khiếu nại")),
            (PetitionKind.DENUNCIATION.value, _l("Tố cáo")),
            (PetitionKind.PROPOSAL.value, _l("Kiến nghị, phản ánh")),
        ],
        validators=[InputRequired(message=_l("Hãy chọn loại đơn."))],
    )

    full_name = StringField(
        _l("Họ và tên"),
        validators=[_required(_l("Hãy nhập họ và tên.")), Length(max=200, message=_l("Họ và tên quá dài (tối đa 200 ký tự)."))],
        render_kw={"autocomplete": "name"},
    )
    id_number = StringField(
        _l("Số căn cước công dân"),
        validators=[_required(_l("Hãy nhập số căn cước công dân (12 chữ số)."))],
        filters=[normalize_cccd],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "14"},
    )
    phone = StringField(
        _l("Số điện thoại"),
        validators=[_required(_l("Hãy nhập số điện thoại."))],
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
    # A denunciator is e-mailed only when they ask for it (their identity is protected).
    email_opt_in = BooleanField(_l("Nếu là đơn tố cáo: tôi đồng ý nhận thông báo về việc giải quyết qua thư điện tử "
                                   "ở địa chỉ trên"))
    province = SelectField(
        _l("Tỉnh, thành phố"), coerce=str, validate_choice=False,
        validators=[_required(_l("Hãy chọn tỉnh, thành phố."))],
    )
    commune = SelectField(
        _l("Xã, phường, đặc khu"), coerce=str, validate_choice=False,
        validators=[_required(_l("Hãy chọn xã, phường, đặc khu."))],
    )
    address = StringField(
        _l("Số nhà, đường, thôn, tổ dân phố"),
        validators=[_required(_l("Hãy nhập địa chỉ (số nhà, đường, thôn, tổ dân phố).")), Length(max=300)],
        render_kw={"autocomplete": "street-address"},
    )
    is_group = BooleanField(_l("Tôi đứng đơn thay mặt cho một nhóm người"))
    group_size = BoundedIntegerField(
        _l("Số người trong nhóm"),
        validators=[Optional(), NumberRange(min=2, max=100000, message=_l("Số người trong nhóm phải từ 2 trở lên."))],
        render_kw={"inputmode": "numeric"},
    )
    representatives = TextAreaField(
        _l("Những người đại diện khác (mỗi dòng một họ tên)"),
        validators=[Optional(), Length(max=2000)],
    )

    addressed_agency = SelectField(_l("Gửi đến cơ quan"), coerce=str, validate_choice=False)
    respondent = StringField(
        _l("Người hoặc cơ quan bị khiếu nại, bị tố cáo"),
        validators=[Length(max=300, message=_l("Tối đa 300 ký tự."))],
    )
    title = StringField(
        _l("Tiêu đề"),
        validators=[_required(_l("Hãy nhập tiêu đề ngắn gọn.")), Length(max=300, message=_l("Tiêu đề tối đa 300 ký tự."))],
    )
    content = TextAreaField(
        _l("Nội dung"),
        validators=[
            _required(_l("Hãy trình bày nội dung.")),
            Length(min=20, max=20000, message=_l("Nội dung cần từ 20 đến 20.000 ký tự.")),
        ],
        render_kw={"rows": 8},
    )
    request_text = TextAreaField(
        _l("Yêu cầu, đề nghị của bạn"),
        validators=[Length(max=5000, message=_l("Tối đa 5.000 ký tự."))],
        render_kw={"rows": 3},
    )
    previously_handled = RadioField(
        _l("Vụ việc đã được cơ quan nào giải quyết chưa?"),
        choices=[("no", _l("Chưa")), ("yes", _l("Đã được giải quyết hoặc đang giải quyết"))],
        default="no",
        validators=[InputRequired(message=_l("Hãy cho biết vụ việc đã được giải quyết chưa."))],
    )
    prior_handler = StringField(_l("Cơ quan, người đã giải quyết"), validators=[Length(max=300)])
    prior_date = VNDateField(_l("Ngày giải quyết (ngày/tháng/năm)"), validators=[Optional()])
    prior_decision_number = StringField(_l("Số quyết định, văn bản (nếu có)"), validators=[Length(max=100)])

    attachments = MultipleFileField(_l("Tài liệu kèm theo (không bắt buộc)"))
    declaration = BooleanField(
        _l("Tôi cam đoan những nội dung trên là đúng sự thật và chịu trách nhiệm trước pháp luật."),
        validators=[DataRequired(message=_l("Hãy đánh dấu lời cam đoan để gửi đơn."))],
    )
    # Honeypot: hidden from people by CSS; a bot that fills it is refused.
    website = StringField(_l("Để trống ô này"))
    refresh_communes = SubmitField(_l("Cập nhật danh sách xã, phường"))
    submit = SubmitField(_l("Gửi đơn"))

    def validate_respondent(self, field):
        if self.kind.data in (PetitionKind.COMPLAINT.value, PetitionKind.DENUNCIATION.value) and not (field.data or "").strip():
            if self.kind.data == PetitionKind.DENUNCIATION.value:
                raise ValidationError(_l("Hãy cho biết người hoặc cơ quan bị tố cáo."))
            raise ValidationError(_l("Hãy cho biết người hoặc cơ quan bị khiếu nại."))

    def validate_request_text(self, field):
        # Luật Khiếu nại 2011 Đ.8: a complaint states what the complainant asks for.
        if self.kind.data == PetitionKind.COMPLAINT.value and not (field.data or "").strip():
            raise ValidationError(_l("Hãy nêu yêu cầu của bạn đối với việc khiếu nại."))

    def validate(self, extra_validators=None):
        """Field checks, then the ones that span fields (Optional() stops a field's own chain)."""
        ok = super().validate(extra_validators)
        if self.is_group.data and self.group_size.data is None and not self.group_size.errors:
            self.group_size.errors.append(_l("Hãy nhập số người trong nhóm."))
            ok = False
        return ok

    def validate_representatives(self, field):
        if not self.is_group.data or not self.group_size.data:
            return
        limit = max_representatives(self.group_size.data)
        if limit is None:
            return
        count = 1 + len(self.representative_names())  # the filer represents the group too
        if count > limit:
            raise ValidationError(
                _l("Nhóm %(size)s người chỉ được cử tối đa %(limit)s người đại diện (kể cả người đứng đơn).",
                   size=self.group_size.data, limit=limit)
            )

    def validate_prior_handler(self, field):
        if self.previously_handled.data == "yes" and not (field.data or "").strip():
            raise ValidationError(_l("Hãy cho biết cơ quan hoặc người đã giải quyết."))

    def validate_prior_date(self, field):
        from app.formatting import local_today

        if field.data and field.data > local_today():
            raise ValidationError(_l("Ngày giải quyết không thể ở tương lai."))

    def representative_names(self) -> list[str]:
        """The other representatives typed one per line, blank lines ignored."""
        return [line.strip() for line in (self.representatives.data or "").splitlines() if line.strip()]




class TrackForm(FlaskForm):
    """Tracking code and access key, sent by POST only."""

    code = StringField(
        _l("Mã hồ sơ"),
        validators=[_required(_l("Hãy nhập mã hồ sơ.")), Length(max=40)],
        filters=[lambda v: v.strip().upper() if v else v],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    key = StringField(
        _l("Mã truy cập"),
        validators=[_required(_l("Hãy nhập mã truy cập.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    submit = SubmitField(_l("Tra cứu"))


class LanguageForm(FlaskForm):
    """The language switcher in the header."""

    lang = HiddenField()
