"""Sign-in, second-factor and password forms (the admin's account forms are in app/admin/forms.py)."""
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



class SignInCodeForm(FlaskForm):
    """The second step of sign-in: a one-time code or a recovery code."""

    code = StringField(_l("Mã xác thực hoặc mã khôi phục"),
                       validators=[DataRequired(message=_l("Hãy nhập mã xác thực."))],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                  "spellcheck": "false", "maxlength": 20})
    submit = SubmitField(_l("Xác nhận"))


class EnrolForm(FlaskForm):
    """Confirm the authenticator app with the code it shows."""

    code = StringField(_l("Mã 6 chữ số trong ứng dụng"),
                       validators=[DataRequired(message=_l("Hãy nhập mã 6 chữ số ứng dụng đang hiện."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7})
    submit = SubmitField(_l("Bật xác thực hai lớp"))


class CurrentCodeForm(FlaskForm):
    """A current code, asked before a change to the second factor (new recovery codes, turning it off)."""

    code = StringField(_l("Mã xác thực hiện tại hoặc mã khôi phục"),
                       validators=[DataRequired(message=_l("Hãy nhập mã xác thực."))],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                  "spellcheck": "false", "maxlength": 20})
    submit = SubmitField(_l("Xác nhận"))


class AcknowledgeForm(FlaskForm):
    """"I have kept the recovery codes": they are then no longer shown."""

    submit = SubmitField(_l("Tôi đã cất giữ các mã, tiếp tục"))
