"""Forms of the import page: input shape only (the file's content is checked by app.imports.services)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from app.imports.spec import KIND_LABELS, KINDS


def kind_choices():
    return [("", _l("— Chọn loại dữ liệu —"))] + [(k, KIND_LABELS[k]) for k in KINDS]


class UploadForm(FlaskForm):
    """Choose what the file holds and pick it."""

    kind = SelectField(_l("Loại dữ liệu"), choices=kind_choices,
                       validators=[DataRequired(message=_l("Hãy chọn loại dữ liệu của tệp."))])
    file = FileField(_l("Tệp bảng tính (.xlsx hoặc .csv)"))
    submit = SubmitField(_l("Kiểm tra tệp"))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Hãy chọn tệp cần nhập."))


def _sha(form, field):
    if not re.fullmatch(r"[0-9a-f]{64}", field.data or ""):
        raise ValidationError("invalid")


class ConfirmForm(FlaskForm):
    """The second step: the staged file (by its SHA-256), its kind and name, nothing else."""

    kind = HiddenField(validators=[DataRequired()])
    sha256 = HiddenField(validators=[DataRequired(), _sha])
    file_name = HiddenField()

    def validate_kind(self, field):
        if field.data not in KINDS:
            raise ValidationError("invalid")
