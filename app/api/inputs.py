"""Reading JSON bodies and query parameters: the shape and types only, with Vietnamese messages.

Rules that need the database stay in the services (and, for a petition, in the same form the
public site uses); this module only refuses what is not even the right type.
"""
from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime

from flask import request
from flask_babel import gettext as _

from app.api.problems import ApiError


def json_body() -> dict:
    """The request's JSON object, or a 400/415 problem."""
    if not request.mimetype or not (request.mimetype == "application/json" or request.mimetype.endswith("+json")):
        raise ApiError(415)
    try:
        data = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, _("Nội dung gửi lên không phải JSON hợp lệ.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, _("Nội dung gửi lên phải là một đối tượng JSON."))
    return data


class Fields:
    """Typed getters over a JSON object that collect every error before refusing (422)."""

    def __init__(self, data: dict):
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def error(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(str(message))

    def check(self) -> None:
        """Raise the 422 problem if any getter found an error."""
        if self.errors:
            raise ApiError(422, errors=self.errors)

    def string(self, name: str, *, max_length: int | None = None, default: str | None = None) -> str | None:
        value = self.data.get(name, default)
        if value is None:
            return default
        if not isinstance(value, str):
            self.error(name, _("Phải là một chuỗi ký tự."))
            return default
        if not clean_text(value):
            self.error(name, _("Có ký tự không hợp lệ."))
            return default
        if max_length is not None and len(value) > max_length:
            self.error(name, _("Tối đa %(n)s ký tự.", n=max_length))
            return default
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(name, _("Phải là true hoặc false."))
            return default
        return value

    def integer(self, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, _("Phải là một số nguyên."))
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(name, _("Giá trị nằm ngoài khoảng cho phép."))
            return None
        return value

    def choice(self, name: str, choices, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.error(name, _("Trường này là bắt buộc."))
            return None
        if not isinstance(value, str) or value not in choices:
            self.error(name, _("Giá trị không hợp lệ; chọn một trong: %(values)s.", values=", ".join(choices)))
            return None
        return value

    def day(self, name: str) -> date | None:
        value = self.string(name, max_length=10)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(name, _("Ngày phải có dạng YYYY-MM-DD."))
            return None

    def moment(self, name: str) -> datetime | None:
        value = self.string(name, max_length=40)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.error(name, _("Thời điểm phải theo RFC 3339, có múi giờ (ví dụ 2026-11-20T08:30:00+07:00)."))
            return None
        return parsed

    def string_list(self, name: str, *, max_items: int, max_length: int) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or len(value) > max_items or not all(
                isinstance(v, str) and clean_text(v) and len(v) <= max_length for v in value):
            self.error(name, _("Phải là danh sách tối đa %(n)s chuỗi, mỗi chuỗi tối đa %(m)s ký tự.",
                               n=max_items, m=max_length))
            return []
        return value

    def object(self, name: str) -> dict:
        value = self.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(name, _("Phải là một đối tượng JSON."))
            return {}
        return value


def clean_text(value: str) -> bool:
    """No NUL or other C0 control character but tab and newlines, and encodable as UTF-8
    (PostgreSQL refuses a NUL in text, and a lone surrogate cannot be stored)."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- query parameters -------------------------------------------------------------------------

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def limit_param() -> int:
    """`limit`: 1 to 100, 25 by default."""
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise ApiError(400, errors={"limit": [_("limit phải là số nguyên từ 1 đến %(n)s.", n=MAX_LIMIT)]})
    return value


def choice_param(name: str, choices) -> str | None:
    """An optional filter that must be one of `choices`."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise ApiError(400, errors={name: [_("Giá trị không hợp lệ; chọn một trong: %(values)s.",
                                              values=", ".join(choices))]})
    return raw


def encode_cursor(key: str, row_id: int) -> str:
    """An opaque cursor for the position after (key, id)."""
    raw = json.dumps([key, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_param() -> tuple[str, int] | None:
    """The decoded `cursor`, or None; a malformed one is a 400 problem."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        key, row_id = data
        if not isinstance(key, str) or isinstance(row_id, bool) or not isinstance(row_id, int):
            raise ValueError
        return key, row_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, errors={"cursor": [_("cursor không hợp lệ; hãy dùng đúng liên kết next của trang trước.")]}) from None
