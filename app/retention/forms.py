"""Forms of the retention pages: propose a list, approve it (confirmation), reject, withdraw."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional


class PetitionIdsField(SelectMultipleField):
    """Ticked petition ids; whether each may be proposed is the service's rule, not a choice list."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [int(value) for value in valuelist]
        except ValueError:
            self.data = []
            raise ValueError(_l("Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại.")) from None


class ProposeForm(FlaskForm):
    """The due petitions ticked on the page, and a note for the leader."""

    petitions = PetitionIdsField(_l("Đơn đề xuất tiêu hủy"))
    note = TextAreaField(_l("Ghi chú cho lãnh đạo"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Đề xuất tiêu hủy các đơn đã chọn"))


class ApproveForm(FlaskForm):
    """The leader's confirmation, with an optional note (e.g. the number of the decision)."""

    note = TextAreaField(_l("Ghi chú, số quyết định tiêu hủy (nếu có)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Phê duyệt và tiêu hủy"))


class RejectForm(FlaskForm):
    """The leader refuses the list; the reason is required (the service says so at the field)."""

    note = TextAreaField(_l("Lý do không đồng ý"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Không đồng ý tiêu hủy"))


class WithdrawForm(FlaskForm):
    """The proposer takes the list back."""

    submit = SubmitField(_l("Rút đề xuất"))
