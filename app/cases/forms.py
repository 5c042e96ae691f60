"""Forms of the case pages: the list's filter, and one form per action on a case."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, FileField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.cases.labels import COMPLEXITY_CRITERIA
from app.portal.forms import VNDateField

DATE_HELP = _l("ngày/tháng/năm")


class NumberField(Field):
    """A number typed the Vietnamese way: `1.391.100.000` (dots group thousands), `12,5` (comma decimals).

    Keeps what was typed when it cannot be read; a negative number is read (the service refuses it)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, decimals: bool = False, **kwargs):
        render_kw = {"inputmode": "decimal" if decimals else "numeric", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.decimals = decimals

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(self.data).replace(".", ",") if self.decimals else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        text = valuelist[0].strip().replace(" ", "")
        try:
            if self.decimals:
                value = Decimal(text.replace(".", "").replace(",", ".") if "," in text else text)
                self.data = float(value)
            else:
                self.data = int(text.replace(".", "").replace(",", ""))
        except (ValueError, InvalidOperation) as exc:
            raise ValueError(str(_l("Hãy nhập một số."))) from exc


class CaseFilterForm(FlaskForm):
    """The list's tab and kind (GET, no CSRF)."""

    class Meta:
        csrf = False

    kind = RadioField(_l("Loại vụ việc"), choices=[], validators=[Optional()])


class TransitionForm(FlaskForm):
    """A plain change of state, with an optional note."""

    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class SuspendForm(FlaskForm):
    """Tạm đình chỉ: date, reason, decision number."""

    started_on = VNDateField(_l("Ngày tạm đình chỉ"), validators=[InputRequired(_l("Hãy nhập ngày tạm đình chỉ."))])
    decision_number = StringField(_l("Số quyết định tạm đình chỉ"), validators=[Optional(), Length(max=50)])
    reason = TextAreaField(_l("Lý do tạm đình chỉ"), validators=[Length(max=2000)], render_kw={"rows": 2})


class ResumeForm(FlaskForm):
    """Tiếp tục giải quyết."""

    ended_on = VNDateField(_l("Ngày tiếp tục giải quyết"),
                           validators=[InputRequired(_l("Hãy nhập ngày tiếp tục giải quyết."))])


class AssessmentStartForm(FlaskForm):
    """Trưng cầu giám định: the clock stops."""

    started_on = VNDateField(_l("Ngày trưng cầu giám định"), validators=[InputRequired(_l("Hãy nhập ngày."))])
    reason = TextAreaField(_l("Nội dung cần giám định"), validators=[Length(max=2000)], render_kw={"rows": 2})


class AssessmentEndForm(FlaskForm):
    """The assessment's result is in."""

    ended_on = VNDateField(_l("Ngày nhận kết quả giám định"), validators=[InputRequired(_l("Hãy nhập ngày."))])


class ComplexityForm(FlaskForm):
    """The Nghị định 31/2019 Đ.3 criteria the case meets."""

    criteria = SelectMultipleField(_l("Tiêu chí vụ việc phức tạp (Nghị định 31/2019/NĐ-CP, Điều 3)"),
                                   choices=COMPLEXITY_CRITERIA, validators=[Optional()],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class ExtendForm(FlaskForm):
    """Gia hạn giải quyết tố cáo: a leader's decision."""

    decision_number = StringField(_l("Số quyết định gia hạn"), validators=[Length(max=50)])
    decided_on = VNDateField(_l("Ngày quyết định gia hạn"), validators=[InputRequired(_l("Hãy nhập ngày quyết định."))])
    reason = TextAreaField(_l("Lý do gia hạn"), validators=[Length(max=2000)], render_kw={"rows": 2})


class DecideForm(FlaskForm):
    """The decision, conclusion or answer."""

    outcome = RadioField(_l("Kết quả giải quyết"), choices=[], validate_choice=False)
    number = StringField(_l("Số văn bản"), validators=[Length(max=50)])
    decided_on = VNDateField(_l("Ngày ban hành"), validators=[InputRequired(_l("Hãy nhập ngày ban hành."))])
    signer = StringField(_l("Người ký"), validators=[Length(max=200)])
    received_on = VNDateField(_l("Ngày người khiếu nại nhận quyết định"), validators=[Optional()])


class FiguresForm(FlaskForm):
    """The figures of the decision or its enforcement."""

    money_recommended = NumberField(_l("Tiền kiến nghị thu hồi về Nhà nước (đồng)"))
    money_recovered = NumberField(_l("Tiền đã thu hồi về Nhà nước (đồng)"))
    money_returned = NumberField(_l("Tiền trả lại cho tổ chức, cá nhân (đồng)"))
    land_recommended = NumberField(_l("Đất kiến nghị thu hồi (m²)"), decimals=True)
    land_recovered = NumberField(_l("Đất đã thu hồi (m²)"), decimals=True)
    land_returned = NumberField(_l("Đất trả lại cho tổ chức, cá nhân (m²)"), decimals=True)
    people_disciplined = NumberField(_l("Số người kiến nghị xử lý hành chính"))
    officials_disciplined = NumberField(_l("Trong đó cán bộ, công chức"))
    referred_to_investigation = NumberField(_l("Số vụ chuyển cơ quan điều tra"))


class SecondLevelForm(FlaskForm):
    """The superior body records the second-level complaint."""

    received_on = VNDateField(_l("Ngày nhận đơn khiếu nại lần hai"),
                              validators=[InputRequired(_l("Hãy nhập ngày nhận đơn."))])




class PlanEnforcementForm(FlaskForm):
    """Theo dõi thi hành: the date by which the decision or conclusion is to be carried out."""

    due = VNDateField(_l("Hạn thi hành"), validators=[InputRequired(_l("Hãy nhập hạn thi hành."))])
    note = TextAreaField(_l("Nội dung cần thi hành"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class RecordEnforcedForm(FlaskForm):
    """The decision or conclusion has been carried out."""

    done_on = VNDateField(_l("Ngày thi hành xong"), validators=[InputRequired(_l("Hãy nhập ngày thi hành xong."))])
    note = TextAreaField(_l("Kết quả thi hành"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class AssignForm(FlaskForm):
    """Who resolves and who approves; the verification team; the remote-area flag."""

    resolver = SelectField(_l("Người giải quyết"), validators=[Optional()])
    leader = SelectField(_l("Lãnh đạo phê duyệt"), validators=[Optional()])
    verification_team = TextAreaField(_l("Tổ xác minh"), validators=[Length(max=2000)], render_kw={"rows": 2})
    is_remote = BooleanField(_l("Vùng sâu, vùng xa, đi lại khó khăn (thời hạn dài hơn)"))


class DecisionFileForm(FlaskForm):
    """The signed decision or conclusion, scanned or as a file."""

    signed_file = FileField(_l("Tệp quyết định, kết luận đã ký (PDF, JPEG, PNG hoặc DOCX)"))
