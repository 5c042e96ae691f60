"""Forms of the directive pages: input shape only. The rules (own agency and below, dates, who may
act) are checked in app.oversight.directives."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.oversight import directives as svc
from app.oversight.labels import SORT_LABELS, SOURCE_LABELS
from app.portal.forms import VNDateField


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _id_or_empty(form, field):
    if field.data and not str(field.data).isdigit():
        raise ValidationError(_l("Lựa chọn không hợp lệ."))


def _to_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class DirectiveFilterForm(FlaskForm):
    """Filters of the list, read from the query string (the search term from the session:
    app.listsearch); sent by POST with the page's CSRF token. The tab is a separate argument."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm kiếm"), filters=[strip], validators=[
        Optional(), Length(max=100, message=_l("Tối đa 100 ký tự."))])
    source = SelectField(_l("Nguồn giao"), validate_choice=False, validators=[Optional()])
    assignee = SelectField(_l("Cơ quan thực hiện"), validate_choice=False, validators=[Optional(), _id_or_empty])
    key_only = BooleanField(_l("Chỉ nhiệm vụ trọng tâm"))
    issued_from = VNDateField(_l("Giao từ ngày"), validators=[Optional()])
    issued_to = VNDateField(_l("Giao đến ngày"), validators=[Optional()])
    due_from = VNDateField(_l("Hạn từ ngày"), validators=[Optional()])
    due_to = VNDateField(_l("Hạn đến ngày"), validators=[Optional()])
    sort = SelectField(_l("Sắp xếp"), validate_choice=False, validators=[Optional()])

    def fill_choices(self, agencies) -> None:
        """Choices: the sources, and the agencies that appear as assignee in the user's list."""
        every = [("", _("Tất cả"))]
        self.source.choices = every + [(k, str(v)) for k, v in SOURCE_LABELS.items()]
        self.assignee.choices = every + [(str(a.id), a.name) for a in agencies]
        self.sort.choices = [(k, str(v)) for k, v in SORT_LABELS.items()]

    def validate_source(self, field):
        if field.data and field.data not in SOURCE_LABELS:
            raise ValidationError(_l("Lựa chọn không hợp lệ."))

    def validate_issued_to(self, field):
        if field.data and self.issued_from.data and field.data < self.issued_from.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))

    def validate_due_to(self, field):
        if field.data and self.due_from.data and field.data < self.due_from.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))

    def filters(self, tab: str, page: int = 1) -> svc.DirectiveFilters:
        """The filters from the validated form; a field with an error is ignored."""
        def ok(f):
            return f.data if not f.errors else None

        return svc.DirectiveFilters(
            tab=tab if tab in svc.TABS else "all", source=ok(self.source) or None, key_only=bool(self.key_only.data),
            assignee_agency_id=_to_int(ok(self.assignee)), issued_from=ok(self.issued_from),
            issued_to=ok(self.issued_to), due_from=ok(self.due_from), due_to=ok(self.due_to), q=ok(self.q),
            sort=ok(self.sort) if ok(self.sort) in svc.SORTS else "due", page=max(1, page),
        )


class DirectiveForm(FlaskForm):
    """A directive: who gave it, when, what, to whom, by when."""

    source = SelectField(_l("Nguồn giao"), validate_choice=False, validators=[
        DataRequired(message=_l("Hãy chọn nguồn giao nhiệm vụ."))])
    source_name = StringField(_l("Người, cuộc họp hoặc cơ quan giao"), filters=[strip], validators=[
        Optional(), Length(max=300, message=_l("Tối đa 300 ký tự."))])
    document_number = StringField(_l("Số văn bản giao nhiệm vụ"), filters=[strip], validators=[
        Optional(), Length(max=60, message=_l("Số văn bản tối đa 60 ký tự."))],
        render_kw={"placeholder": "125/TB-UBND", "autocomplete": "off"})
    issued_on = VNDateField(_l("Ngày giao"), validators=[InputRequired(message=_l("Hãy nhập ngày giao nhiệm vụ."))])
    content = TextAreaField(_l("Nội dung nhiệm vụ"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi nội dung nhiệm vụ.")),
        Length(max=5000, message=_l("Tối đa 5.000 ký tự."))], render_kw={"rows": 4})
    is_key_task = BooleanField(_l("Nhiệm vụ trọng tâm"))
    assignee_agency = SelectField(_l("Cơ quan thực hiện"), validate_choice=False, validators=[
        DataRequired(message=_l("Hãy chọn cơ quan thực hiện.")), _id_or_empty])
    assignee_user = SelectField(_l("Cán bộ thực hiện (không bắt buộc)"), validate_choice=False,
                                validators=[_id_or_empty])
    due_on = VNDateField(_l("Hạn hoàn thành"), validators=[InputRequired(message=_l("Hãy nhập hạn hoàn thành."))])
    submit = SubmitField(_l("Lưu nhiệm vụ"))

    def fill_choices(self, agencies, users) -> None:
        """The manual sources, the agencies the user may assign to and their staff."""
        self.source.choices = [("", _("— Chọn nguồn giao —"))] + [
            (s, str(SOURCE_LABELS[s])) for s in svc.MANUAL_SOURCES]
        self.assignee_agency.choices = [("", _("— Chọn cơ quan —"))] + [(str(a.id), a.name) for a in agencies]
        self.assignee_user.choices = [("", _("— Không chỉ định —"))] + [
            (str(u.id), f"{u.full_name} — {u.agency.name}") for u in users]

    def data_for_service(self) -> svc.DirectiveData:
        """The form's values shaped for `create_directive` / `update_directive`."""
        return svc.DirectiveData(
            source=self.source.data, source_name=self.source_name.data, document_number=self.document_number.data,
            issued_on=self.issued_on.data, content=self.content.data, is_key_task=bool(self.is_key_task.data),
            assignee_agency_id=_to_int(self.assignee_agency.data), assignee_user_id=_to_int(self.assignee_user.data),
            due_on=self.due_on.data)


class NoteForm(FlaskForm):
    """A progress note (tiến độ thực hiện), dated today."""

    note = TextAreaField(_l("Tiến độ thực hiện"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi nội dung tiến độ.")), Length(max=5000, message=_l("Tối đa 5.000 ký tự."))],
        render_kw={"rows": 3})
    submit = SubmitField(_l("Ghi tiến độ"))


class CompleteForm(FlaskForm):
    """The completion: when, and what was done."""

    done_on = VNDateField(_l("Ngày hoàn thành"), validators=[InputRequired(message=_l("Hãy nhập ngày hoàn thành."))])
    result_note = TextAreaField(_l("Kết quả thực hiện"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi kết quả thực hiện.")), Length(max=5000, message=_l("Tối đa 5.000 ký tự."))],
        render_kw={"rows": 3})
    submit = SubmitField(_l("Ghi nhận hoàn thành"))


class ReopenForm(FlaskForm):
    """The confirmation page of a reopening, with its reason."""

    reason = StringField(_l("Lý do mở lại"), filters=[strip], validators=[
        DataRequired(message=_l("Hãy ghi lý do mở lại.")), Length(max=500, message=_l("Lý do tối đa 500 ký tự."))])
    submit = SubmitField(_l("Mở lại nhiệm vụ"))


class ConfirmForm(FlaskForm):
    """A confirmation step: only the CSRF token and a button."""

    submit = SubmitField(_l("Xác nhận"))
