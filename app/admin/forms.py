"""Administration forms: input shape only. Uniqueness, cycles and other rules are in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.agencies.models import AgencyKind, UnitLevel
from app.auth.permissions import Role
from app.petitions.labels import KIND_LABELS, ROLE_LABELS
from app.petitions.models import PetitionKind

AGENCY_KIND_LABELS = {
    AgencyKind.PEOPLES_COMMITTEE.value: _l("Ủy ban nhân dân"),
    AgencyKind.INSPECTORATE.value: _l("Thanh tra"),
    AgencyKind.RECEPTION_BOARD.value: _l("Ban Tiếp công dân"),
    AgencyKind.DEPARTMENT.value: _l("Sở, ngành"),
    AgencyKind.OTHER.value: _l("Cơ quan khác"),
}
LEVEL_LABELS = {
    UnitLevel.PROVINCE.value: _l("Cấp tỉnh"),
    UnitLevel.DISTRICT.value: _l("Cấp huyện (đến 30/6/2025)"),
    UnitLevel.COMMUNE.value: _l("Cấp xã"),
}
ROLE_CHOICES = [(r.value, ROLE_LABELS[r.value]) for r in Role]
PETITION_KIND_CHOICES = [(k.value, KIND_LABELS[k.value]) for k in PetitionKind]


def one_of(choices, message):
    """Like AnyOf, with our message (WTForms' own "Not a valid choice" is English)."""
    allowed = {value for value, _label in choices if value}

    def check(form, field):
        if field.data not in allowed:
            raise ValidationError(message)

    return check


class WholeNumberField(IntegerField):
    """An integer field whose parse error is in Vietnamese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Hãy nhập một số nguyên, ví dụ 10.")) from exc


def strip(value):
    return value.strip() if isinstance(value, str) else value


def strip_upper(value):
    return value.strip().upper() if isinstance(value, str) else value


# --- users ------------------------------------------------------------------------------------

class UserFilterForm(FlaskForm):
    """Filters of the user list, read from the query string (the search term from the session:
    app.listsearch); sent by POST with the page's CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm theo họ tên hoặc thư điện tử"), validators=[Optional(), Length(max=100)])
    agency = SelectField(_l("Cơ quan"), validate_choice=False)
    role = SelectField(_l("Vai trò"), choices=[("", _l("Tất cả"))] + ROLE_CHOICES, validate_choice=False)
    active = SelectField(_l("Trạng thái"), choices=[("", _l("Tất cả")), ("yes", _l("Đang hoạt động")),
                                                   ("no", _l("Đã khóa"))], validate_choice=False)


# Made before the other account fields: WTForms orders fields by creation, and the e-mail comes
# first on the page (and so in the error summary).
_EMAIL = StringField(_l("Thư điện tử"), filters=[strip], validators=[
    DataRequired(message=_l("Hãy nhập thư điện tử.")),
    Email(message=_l("Địa chỉ thư điện tử không hợp lệ."), check_deliverability=False),
    Length(max=254, message=_l("Thư điện tử tối đa 254 ký tự."))],
    render_kw={"autocomplete": "off", "inputmode": "email"})


class _UserFields(FlaskForm):
    full_name = StringField(_l("Họ và tên"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập họ và tên.")),
        Length(max=200, message=_l("Họ và tên tối đa 200 ký tự."))], render_kw={"autocomplete": "off"})
    role = SelectField(_l("Vai trò"), choices=[("", _l("— Chọn vai trò —"))] + ROLE_CHOICES, validate_choice=False,
                       validators=[DataRequired(message=_l("Hãy chọn vai trò.")),
                                   one_of(ROLE_CHOICES, _l("Vai trò không hợp lệ."))])
    agency = SelectField(_l("Cơ quan"), validate_choice=False,
                         validators=[DataRequired(message=_l("Hãy chọn cơ quan."))])
    submit = SubmitField(_l("Lưu"))

    def validate_agency(self, field):
        if not str(field.data).isdigit():
            raise ValidationError(_l("Cơ quan không tồn tại."))


class UserCreateForm(_UserFields):
    """A new staff account (the password is generated and shown once)."""

    email = _EMAIL
    submit = SubmitField(_l("Tạo tài khoản"))


class UserEditForm(_UserFields):
    """Name, role and agency of an account."""


class ConfirmForm(FlaskForm):
    """A confirmation step (disable, enable, reset, delete): only the CSRF token and a button."""

    submit = SubmitField(_l("Xác nhận"))


# --- agencies ---------------------------------------------------------------------------------

AGENCY_KIND_CHOICES = list(AGENCY_KIND_LABELS.items())
LEVEL_CHOICES = list(LEVEL_LABELS.items())


class AgencyForm(FlaskForm):
    """An agency of the tree."""

    code = StringField(_l("Mã cơ quan"), filters=[strip_upper], validators=[
        DataRequired(message=_l("Hãy nhập mã cơ quan.")),
        Length(min=2, max=12, message=_l("Mã cơ quan gồm 2 đến 12 ký tự."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": "12"})
    name = StringField(_l("Tên cơ quan"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập tên cơ quan.")), Length(max=200, message=_l("Tên tối đa 200 ký tự."))])
    kind = SelectField(_l("Loại cơ quan"), choices=[("", _l("— Chọn loại —"))] + AGENCY_KIND_CHOICES,
                       validate_choice=False,
                       validators=[DataRequired(message=_l("Hãy chọn loại cơ quan.")),
                                   one_of(AGENCY_KIND_CHOICES, _l("Loại cơ quan không hợp lệ."))])
    level = SelectField(_l("Cấp"), choices=[("", _l("— Chọn cấp —"))] + LEVEL_CHOICES, validate_choice=False,
                        validators=[DataRequired(message=_l("Hãy chọn cấp của cơ quan.")),
                                    one_of(LEVEL_CHOICES, _l("Cấp không hợp lệ."))])
    parent = SelectField(_l("Cơ quan cấp trên"), validate_choice=False)
    province = SelectField(_l("Tỉnh, thành phố"), validate_choice=False)
    commune = SelectField(_l("Xã, phường, đặc khu"), validate_choice=False)
    refresh_communes = SubmitField(_l("Cập nhật danh sách xã, phường"))
    accepts_online = BooleanField(_l("Nhận đơn trực tuyến"), default=True)
    is_default_intake = BooleanField(_l("Cơ quan tiếp nhận mặc định"))
    active = BooleanField(_l("Đang hoạt động"), default=True)
    submit = SubmitField(_l("Lưu"))

    def validate_code(self, field):
        if field.data and not (field.data.isascii() and field.data.isalnum()):
            raise ValidationError(_l("Mã cơ quan chỉ gồm chữ cái in hoa không dấu và chữ số, ví dụ TTLS."))

    def _check_id(self, field):
        if field.data and not str(field.data).isdigit():
            raise ValidationError(_l("Lựa chọn không hợp lệ."))

    validate_parent = validate_province = validate_commune = _check_id


# --- content categories -----------------------------------------------------------------------

class CategoryForm(FlaskForm):
    """A content category of one kind of petition."""

    kind = SelectField(_l("Loại đơn"), choices=[("", _l("— Chọn loại đơn —"))] + PETITION_KIND_CHOICES,
                       validate_choice=False,
                       validators=[DataRequired(message=_l("Hãy chọn loại đơn.")),
                                   one_of(PETITION_KIND_CHOICES, _l("Loại đơn không hợp lệ."))])
    name = StringField(_l("Tên nội dung"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy nhập tên nội dung.")), Length(max=200, message=_l("Tên tối đa 200 ký tự."))])
    code = StringField(_l("Mã"), filters=[strip_upper], validators=[
        DataRequired(message=_l("Hãy nhập mã.")), Length(min=2, max=40, message=_l("Mã gồm 2 đến 40 ký tự."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": "40"})
    position = WholeNumberField(_l("Thứ tự hiển thị"), default=0, validators=[
        InputRequired(message=_l("Hãy nhập thứ tự hiển thị (một số).")),
        NumberRange(min=0, max=9999, message=_l("Thứ tự là số từ 0 đến 9999."))],
        render_kw={"inputmode": "numeric"})
    parent = SelectField(_l("Thuộc nội dung"), validate_choice=False)
    submit = SubmitField(_l("Lưu"))

    def validate_parent(self, field):
        if field.data and not str(field.data).isdigit():
            raise ValidationError(_l("Lựa chọn không hợp lệ."))
