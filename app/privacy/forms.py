"""The export button: a POST with its CSRF token (an export is recorded, so never a GET)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class ExportForm(FlaskForm):
    """Xuất dữ liệu cá nhân."""

    submit = SubmitField(_l("Xuất dữ liệu cá nhân"))
