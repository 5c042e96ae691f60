"""Forms of the token pages: input shape only (the rules are in app/api/tokens.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


class TokenForm(FlaskForm):
    """Name, permissions and lifetime of a new personal access token."""

    name = StringField(_l("Tên mã truy cập"),
                       validators=[DataRequired(message=_l("Hãy đặt tên cho mã truy cập (ví dụ tên chương trình dùng nó).")),
                                   Length(max=100, message=_l("Tối đa 100 ký tự."))])
    scopes = SelectMultipleField(_l("Quyền của mã"), choices=[], validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    expires = SelectField(_l("Thời hạn"), choices=[
        ("30", _l("30 ngày")), ("90", _l("90 ngày")), ("365", _l("1 năm")), ("never", _l("Không hết hạn")),
    ], default="90")
    submit = SubmitField(_l("Tạo mã truy cập"))


class RevokeForm(FlaskForm):
    """The confirmation of a revocation."""

    submit = SubmitField(_l("Thu hồi mã này"))
