"""Friendly error pages in the visitor's language: never a stack trace."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.problems import is_api_request, problem
from app.audit.services import record_denial
from app.extensions import db


def _messages(code: int) -> tuple[str, str]:
    """Title and explanation for an HTTP status."""
    mb = None
    try:
        from flask import current_app

        mb = current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024)
        n = current_app.config["MAX_ATTACHMENTS"]
    except Exception:  # pragma: no cover - outside an app context
        mb, n = 10, 10
    table = {
        400: (_("Yêu cầu không hợp lệ"), _("Trình duyệt đã gửi một yêu cầu mà hệ thống không hiểu. Vui lòng thử lại.")),
        403: (_("Không có quyền truy cập"), _("Bạn không có quyền xem trang này.")),
        404: (_("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi.")),
        405: (_("Thao tác không được phép"), _("Trang này không hỗ trợ thao tác bạn vừa thực hiện. Hãy quay lại trang trước.")),
        413: (
            _("Tệp gửi kèm quá lớn"),
            _("Tổng dung lượng gửi lên vượt quá giới hạn. Mỗi tệp tối đa %(mb)s MB, tối đa %(n)s tệp. "
              "Hãy quay lại, chọn tệp nhỏ hơn (ví dụ chụp ảnh với độ phân giải thấp hơn) rồi gửi lại.", mb=mb, n=n),
        ),
        429: (
            _("Quá nhiều yêu cầu"),
            _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng đợi một lúc rồi thử lại."),
        ),
        500: (_("Lỗi hệ thống"), _("Đã có lỗi xảy ra nên yêu cầu của bạn chưa được thực hiện. Vui lòng thử lại sau.")),
    }
    return table.get(code, (_("Có lỗi xảy ra"), _("Vui lòng thử lại.")))


def _render(code: int):
    title, message = _messages(code)
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_errors(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error):
        title = _("Phiên làm việc đã hết hạn")
        message = _("Biểu mẫu đã quá thời gian chờ hoặc thiếu mã bảo mật. Hãy quay lại trang trước, "
                    "tải lại trang và gửi lại.")
        return render_template("errors/error.html", code=400, title=title, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request.path.startswith("/static/"):
            return error
        if error.code == 403:
            record_denial()  # app.audit: who was refused what
        if is_api_request():  # the JSON API answers with problem+json (app/api/problems.py)
            allow = error.get_headers() if error.code == 405 else []
            return problem(error.code, headers={k: v for k, v in allow if k == "Allow"})
        return _render(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()  # a failed flush leaves the session unusable, and the page reads the site's name
        if is_api_request():
            return problem(500)
        return _render(500)
