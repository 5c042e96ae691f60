"""Sign-in and password forms (the admin's account forms are in app/admin/forms.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = StringField(_l("Thư điện tử"), validators=[DataRequired(message=_l("Hãy nhập thư điện tử."))],
                        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(message=_l("Hãy nhập mật khẩu."))],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField(_l("Đăng nhập"))


class ChangePasswordForm(FlaskForm):
    """The user changes their own password."""

    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(message=_l("Hãy nhập mật khẩu hiện tại."))],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(message=_l("Hãy nhập mật khẩu mới."))],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"),
                            validators=[EqualTo("new", message=_l("Hai lần nhập mật khẩu mới không khớp."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Đổi mật khẩu"))

