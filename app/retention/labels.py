"""Plain-language labels of the retention pages (translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.petitions.forms import FILE_REASON_CHOICES
from app.retention.models import DestructionStatus

FILE_REASON_LABELS = {value: label for value, label in FILE_REASON_CHOICES if value}

DESTRUCTION_STATUS_LABELS = {
    DestructionStatus.PROPOSED.value: _l("Chờ lãnh đạo quyết định"),
    DestructionStatus.APPROVED.value: _l("Đã phê duyệt, đã tiêu hủy"),
    DestructionStatus.REJECTED.value: _l("Lãnh đạo không đồng ý"),
    DestructionStatus.WITHDRAWN.value: _l("Đã rút đề xuất"),
}
