"""Plain-language labels of rule variants, starting points and day kinds (translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

VARIANT_LABELS = {
    "standard": _l("Thông thường"),
    "complex": _l("Phức tạp"),
    "remote": _l("Vùng sâu, vùng xa"),
    "remote_complex": _l("Vùng sâu, vùng xa, phức tạp"),
    "extended": _l("Kéo dài (xác minh nhiều nơi)"),
}

COUNTS_FROM_LABELS = {
    "receipt": _l("ngày nhận đơn"),
    "acceptance": _l("ngày thụ lý"),
    "decision_known": _l("ngày biết quyết định, hành vi"),
    "first_decision_or_deadline": _l("ngày nhận quyết định lần đầu hoặc hết hạn giải quyết"),
    "previous_due": _l("hạn giải quyết trước đó"),
    "request": _l("ngày có yêu cầu"),
    "filed": _l("ngày lãnh đạo duyệt xếp lưu đơn"),
}

DAY_KIND_LABELS = {
    "holiday": _l("Nghỉ lễ, Tết"),
    "day_off": _l("Nghỉ thêm (cơ quan điều chỉnh)"),
    "working_day": _l("Làm bù (cơ quan điều chỉnh)"),
}

# date.weekday() → name (Monday is 0).
WEEKDAY_LABELS = [_l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"), _l("Thứ Bảy"),
                  _l("Chủ nhật")]
