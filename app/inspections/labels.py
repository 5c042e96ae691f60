"""Plain-language labels of the inspection pages (translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "planned": _l("Theo kế hoạch"),
    "ad_hoc": _l("Đột xuất"),
}

TOPIC_LABELS = {
    "administrative": _l("Thanh tra hành chính, kinh tế - xã hội"),
    "anti_corruption": _l("Thực hiện quy định pháp luật về phòng, chống tham nhũng"),
    "complaints": _l("Trách nhiệm tiếp công dân, giải quyết khiếu nại, tố cáo"),
    "specialised": _l("Thanh tra chuyên ngành"),
}

# The list's "state" filter (app.inspections.queries.STATES).
STATE_LABELS = {
    "in_progress": _l("Đang thanh tra, chưa có kết luận"),
    "concluded": _l("Đã ban hành kết luận"),
    "late": _l("Kết luận chậm so với hạn"),
    "recovery_incomplete": _l("Chưa thu hồi xong"),
}


def template_labels() -> dict:
    """The label tables the inspection templates use."""
    return {"INSPECTION_KIND_LABELS": KIND_LABELS, "INSPECTION_TOPIC_LABELS": TOPIC_LABELS,
            "INSPECTION_STATE_LABELS": STATE_LABELS}
