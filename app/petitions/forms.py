"""Staff forms for petitions: inbox filters, paper intake, and one form per triage action."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.formhelpers import BoundedIntegerField
from app.petitions.models import Channel, FileReason, ForwarderKind, PetitionKind, ProposedAction
from app.portal.forms import ContactChecks, VNDateField
from app.validators import normalize_cccd, normalize_phone

KIND_CHOICES = [
    (PetitionKind.COMPLAINT.value, _l("Khiếu nại")),
    (PetitionKind.DENUNCIATION.value, _l("Tố cáo")),
    (PetitionKind.PROPOSAL.value, _l("Kiến nghị, phản ánh")),
]
CHANNEL_CHOICES = [
    (Channel.POST.value, _l("Qua bưu điện")),
    (Channel.HAND.value, _l("Gửi tay, nộp trực tiếp")),
    (Channel.FORWARDED.value, _l("Cơ quan khác chuyển đến")),
]
FORWARDER_CHOICES = [
    ("", _l("— Không —")),
    (ForwarderKind.NATIONAL_ASSEMBLY.value, _l("Đoàn đại biểu Quốc hội")),
    (ForwarderKind.PEOPLES_COUNCIL.value, _l("Hội đồng nhân dân")),
    (ForwarderKind.FATHERLAND_FRONT.value, _l("Ủy ban Mặt trận Tổ quốc")),
    (ForwarderKind.PRESS.value, _l("Cơ quan báo chí")),
    (ForwarderKind.HIGHER_BODY.value, _l("Cơ quan cấp trên")),
    (ForwarderKind.OTHER.value, _l("Cơ quan khác")),
]
FILE_REASON_CHOICES = [
    ("", _l("— Chọn lý do —")),
    (FileReason.INELIGIBLE.value, _l("Không đủ điều kiện xử lý")),
    (FileReason.TIME_BARRED.value, _l("Hết thời hiệu")),
    (FileReason.FINALLY_DECIDED.value, _l("Đã có quyết định giải quyết cuối cùng")),
    (FileReason.ILLEGIBLE.value, _l("Không đọc được nội dung")),
    (FileReason.SENT_TO_MANY.value, _l("Gửi nhiều nơi, trong đó có cơ quan có thẩm quyền")),
    (FileReason.ALREADY_GUIDED.value, _l("Đã được hướng dẫn về cùng nội dung")),
    (FileReason.ANONYMOUS.value, _l("Tố cáo nặc danh (dùng làm thông tin thanh tra, kiểm tra)")),
]
ACTION_CHOICES = [
    (ProposedAction.ACCEPT.value, _l("Thụ lý giải quyết")),
    (ProposedAction.GUIDE.value, _l("Hướng dẫn công dân gửi đến cơ quan có thẩm quyền")),
    (ProposedAction.TRANSFER.value, _l("Chuyển đơn")),
    (ProposedAction.URGE.value, _l("Đôn đốc cơ quan cấp dưới")),
    (ProposedAction.FILE.value, _l("Lưu đơn")),
    (ProposedAction.MERGE.value, _l("Gộp vào đơn trùng")),
]


class InboxFilterForm(FlaskForm):
    """Filters of the inbox, read from the query string (the search term from the session:
    app.listsearch). The form is sent by POST with the page's CSRF token (CSRFProtect checks it)."""

    class Meta:
        csrf = False

    tab = HiddenField(default="open")
    q = StringField(_l("Tìm kiếm"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Loại đơn"), choices=[("", _l("Tất cả"))] + KIND_CHOICES, validators=[Optional()])
    category = SelectField(_l("Phân loại nội dung"), validators=[Optional()])
    channel = SelectField(_l("Nguồn đơn"), validators=[Optional()])
    status = SelectField(_l("Trạng thái"), validators=[Optional()])
    received_from = VNDateField(_l("Nhận từ ngày"), validators=[Optional()])
    received_to = VNDateField(_l("Đến ngày"), validators=[Optional()])
    due_within = BoundedIntegerField(_l("Đến hạn trong (ngày)"),
                              validators=[Optional(), NumberRange(min=0, max=365, message=_l("Từ 0 đến 365 ngày."))])
    overdue = BooleanField(_l("Chỉ đơn quá hạn"))
    handler = SelectField(_l("Chuyên viên"), validators=[Optional()])
    sort = SelectField(_l("Sắp xếp"), choices=[
        ("received_desc", _l("Mới nhận trước")), ("received_asc", _l("Nhận sớm trước")),
        ("due_asc", _l("Hạn gần trước"))], default="received_desc", validators=[Optional()])


class PersonForm(ContactChecks, Form):
    """One petitioner of a paper petition (the first is required)."""

    full_name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=200)])
    id_number = StringField(_l("Số căn cước công dân"), validators=[Optional()], filters=[normalize_cccd])
    phone = StringField(_l("Số điện thoại"), validators=[Optional()],
                        filters=[lambda v: normalize_phone(v) if v else v])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=300)])



class PaperPetitionForm(FlaskForm):
    """Registering a petition received on paper."""

    form_token = HiddenField()
    channel = RadioField(_l("Đơn nhận qua"), choices=CHANNEL_CHOICES, default=Channel.POST.value,
                         validators=[InputRequired(message=_l("Hãy chọn nguồn đơn."))])
    forwarded_by_kind = SelectField(_l("Cơ quan chuyển đơn là"), choices=FORWARDER_CHOICES, validators=[Optional()])
    forwarded_by_name = StringField(_l("Tên cơ quan chuyển đơn"), validators=[Optional(), Length(max=300)])
    letter_date = VNDateField(_l("Ngày ghi trên đơn"), validators=[Optional()])
    received_on = VNDateField(_l("Ngày nhận đơn"), validators=[DataRequired(message=_l("Hãy nhập ngày nhận đơn."))])
    kind = RadioField(_l("Loại đơn"), choices=KIND_CHOICES,
                      validators=[InputRequired(message=_l("Hãy chọn loại đơn."))])
    people = FieldList(FormField(PersonForm), min_entries=1, max_entries=20)
    add_person = SubmitField(_l("Thêm người đứng đơn"))
    is_group = BooleanField(_l("Đơn của nhiều người"))
    group_size = BoundedIntegerField(_l("Số người ký đơn"), validators=[Optional(), NumberRange(min=2, max=100000)])
    respondent = StringField(_l("Người, cơ quan bị khiếu nại, bị tố cáo"), validators=[Optional(), Length(max=300)])
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(message=_l("Hãy nhập tiêu đề.")), Length(max=300)])
    content = TextAreaField(_l("Nội dung"), validators=[DataRequired(message=_l("Hãy nhập nội dung tóm tắt.")),
                                                        Length(max=20000)], render_kw={"rows": 6})
    request_text = TextAreaField(_l("Yêu cầu của người gửi"), validators=[Optional(), Length(max=5000)],
                                 render_kw={"rows": 2})
    attachments = MultipleFileField(_l("Bản quét đơn và tài liệu"))
    submit = SubmitField(_l("Vào sổ đơn"))

    def validate(self, extra_validators=None):
        """The first petitioner needs a name; a forwarded petition needs its forwarder."""
        ok = super().validate(extra_validators)
        first = self.people.entries[0].form
        if not (first.full_name.data or "").strip():
            first.full_name.errors.append(_l("Hãy nhập họ tên người đứng đơn."))
            ok = False
        if self.channel.data == Channel.FORWARDED.value and not (self.forwarded_by_name.data or "").strip():
            self.forwarded_by_name.errors.append(_l("Hãy ghi tên cơ quan đã chuyển đơn đến."))
            ok = False
        if self.is_group.data and not self.group_size.data:
            self.group_size.errors.append(_l("Hãy nhập số người ký đơn."))
            ok = False
        return ok


class VersionedForm(FlaskForm):
    """Every triage action carries the version of the petition it was prepared on.

    Several action forms share one page under prefixes; CSRFProtect checks every POST globally.
    """

    class Meta:
        csrf = False

    version = HiddenField()
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class ClassifyForm(VersionedForm):
    """Kind, category, signers, eligibility checklist, jurisdiction."""

    kind = RadioField(_l("Loại đơn"), choices=KIND_CHOICES, validators=[InputRequired(message=_l("Hãy chọn loại đơn."))])
    category = SelectField(_l("Phân loại nội dung"), validators=[Optional()])
    multi_signer = BooleanField(_l("Đơn có từ 5 người ký trở lên"))
    within_jurisdiction = RadioField(_l("Thẩm quyền"), choices=[
        ("yes", _l("Thuộc thẩm quyền giải quyết của cơ quan")), ("no", _l("Không thuộc thẩm quyền"))],
        validators=[InputRequired(message=_l("Hãy cho biết đơn có thuộc thẩm quyền không."))])
    submit = SubmitField(_l("Lưu phân loại"))


class ProposeForm(VersionedForm):
    """The proposal and its details."""

    action = RadioField(_l("Đề xuất"), choices=ACTION_CHOICES,
                        validators=[InputRequired(message=_l("Hãy chọn cách xử lý."))])
    guide_to = StringField(_l("Hướng dẫn gửi đến"), validators=[Optional(), Length(max=300)])
    transfer_agency = SelectField(_l("Chuyển đến cơ quan trong hệ thống"), validators=[Optional()])
    transfer_name = StringField(_l("hoặc tên cơ quan bên ngoài"), validators=[Optional(), Length(max=300)])
    urge_agency = SelectField(_l("Cơ quan cấp dưới được đôn đốc"), validators=[Optional()])
    file_reason = SelectField(_l("Lý do lưu đơn"), choices=FILE_REASON_CHOICES, validators=[Optional()])
    merge_target = StringField(_l("Mã hồ sơ của đơn trùng"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Gửi đề xuất"))


class DecisionForm(VersionedForm):
    """Approve, return or withdraw a proposal."""

    submit = SubmitField(_l("Xác nhận"))


class SplitPartForm(Form):
    """One part of a split petition."""

    kind = SelectField(_l("Loại đơn"), choices=[("", _l("— Chọn —"))] + KIND_CHOICES, validators=[Optional()])
    title = StringField(_l("Tiêu đề"), validators=[Optional(), Length(max=300)])
    content = TextAreaField(_l("Nội dung"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 2})


class SplitForm(VersionedForm):
    """Split a petition that mixes kinds."""

    parts = FieldList(FormField(SplitPartForm), min_entries=3, max_entries=3)
    submit = SubmitField(_l("Tách đơn"))


class RevealForm(FlaskForm):
    """Reveal the protected identity (CSRF checked globally by CSRFProtect)."""

    class Meta:
        csrf = False

    submit = SubmitField(_l("Xem danh tính người tố cáo"))


