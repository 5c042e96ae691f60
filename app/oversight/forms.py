"""Forms of the oversight pages: input shape only; the rules are in app.cases.urging."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.portal.forms import VNDateField


class UrgeForm(FlaskForm):
    """The superior body's written request for a report (Luật Tố cáo Đ.38.2)."""

    followup_received_on = VNDateField(_l("Ngày nhận tố cáo tiếp hoặc ngày phát hiện quá hạn"),
                                       validators=[DataRequired(_l("Hãy nhập ngày."))])
    request_sent_on = VNDateField(_l("Ngày gửi văn bản yêu cầu báo cáo"),
                                  validators=[DataRequired(_l("Hãy nhập ngày."))])
    note = TextAreaField(_l("Nội dung đôn đốc"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Gửi đôn đốc"))


class ReportForm(FlaskForm):
    """The resolving body's report on an urge (Luật Tố cáo Đ.38.3)."""

    received_on = VNDateField(_l("Ngày báo cáo"), validators=[DataRequired(_l("Hãy nhập ngày."))])
    note = TextAreaField(_l("Nội dung báo cáo"),
                         validators=[DataRequired(_l("Hãy ghi nội dung báo cáo.")), Length(max=4000)])
    submit = SubmitField(_l("Ghi nhận báo cáo"))
