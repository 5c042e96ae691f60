"""Errors of the API as RFC 9457 problem details (`application/problem+json`), in Vietnamese.

Every error under `/api/` — raised by an API view, by routing (404, 405), by the rate limiter
(429) or by a crash (500) — leaves as one JSON object: type, title, status, detail, and, for
bad input, `errors` mapping each field to its messages.
"""
from __future__ import annotations

import json

from flask import Response
from flask_babel import gettext as _

PROBLEM_MIMETYPE = "application/problem+json"
TYPE_BASE = "/api/v1/docs#problem-"


def _titles() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Chưa xác thực"),
        403: _("Không có quyền"),
        404: _("Không tìm thấy"),
        405: _("Phương thức không được hỗ trợ"),
        406: _("Không có định dạng phù hợp"),
        409: _("Xung đột dữ liệu"),
        412: _("Dữ liệu đã thay đổi"),
        413: _("Yêu cầu quá lớn"),
        415: _("Định dạng nội dung không được hỗ trợ"),
        422: _("Dữ liệu không hợp lệ"),
        428: _("Thiếu điều kiện phiên bản"),
        429: _("Quá nhiều yêu cầu"),
        500: _("Lỗi hệ thống"),
    }


def _details() -> dict[int, str]:
    return {
        400: _("Yêu cầu không đúng định dạng mà API chấp nhận."),
        401: _("Hãy gửi mã truy cập hợp lệ trong tiêu đề Authorization: Bearer <mã>."),
        403: _("Mã truy cập không có quyền thực hiện thao tác này."),
        404: _("Không có tài nguyên này, hoặc nó nằm ngoài phạm vi của bạn."),
        405: _("Đường dẫn này không hỗ trợ phương thức vừa dùng."),
        413: _("Nội dung gửi lên vượt quá giới hạn."),
        415: _("Hãy gửi nội dung dạng application/json."),
        422: _("Dữ liệu gửi lên chưa hợp lệ; xem chi tiết từng trường."),
        429: _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng đợi một lúc rồi thử lại."),
        500: _("Đã có lỗi xảy ra nên yêu cầu chưa được thực hiện. Vui lòng thử lại sau."),
    }


SLUGS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
         406: "not-acceptable", 409: "conflict", 412: "precondition-failed", 413: "too-large",
         415: "unsupported-media-type", 422: "invalid", 428: "precondition-required", 429: "too-many-requests",
         500: "server-error"}


class ApiError(Exception):
    """An API answer other than success: the status, and optionally a detail and per-field errors."""

    def __init__(self, status: int, detail: str | None = None, *, errors: dict[str, list[str]] | None = None,
                 headers: dict | None = None):
        super().__init__(detail or str(status))
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem(status: int, detail: str | None = None, *, errors: dict[str, list[str]] | None = None,
            headers: dict | None = None) -> Response:
    """A problem+json response."""
    body = {
        "type": TYPE_BASE + SLUGS.get(status, "error"),
        "title": _titles().get(status, _("Có lỗi xảy ra")),
        "status": status,
        "detail": str(detail) if detail else _details().get(status, _("Vui lòng thử lại.")),
    }
    if errors:
        body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_api_error(exc: ApiError) -> Response:
    """The response of an ApiError."""
    return problem(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


def is_api_request() -> bool:
    """Whether the current request is for the JSON API (its errors are problems, not pages)."""
    from flask import has_request_context, request

    return has_request_context() and request.path.startswith("/api/")
