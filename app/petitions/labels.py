"""Plain-language labels of kinds, statuses, channels and events (translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "complaint": _l("Khiếu nại"),
    "denunciation": _l("Tố cáo"),
    "proposal": _l("Kiến nghị, phản ánh"),
}

# What the citizen reads on the tracking page.
STATUS_LABELS = {
    "received": _l("Đã tiếp nhận, đang chờ xử lý"),
    "classified": _l("Đang được xem xét, phân loại"),
    "proposed": _l("Đang xem xét"),
    "accepted": _l("Đã thụ lý để giải quyết"),
    "guided": _l("Đã hướng dẫn gửi đơn đến cơ quan có thẩm quyền"),
    "transferred": _l("Đã chuyển đến cơ quan có thẩm quyền"),
    "urged": _l("Đã đôn đốc cơ quan cấp dưới giải quyết"),
    "filed": _l("Đã lưu đơn, không xử lý tiếp"),
    "merged": _l("Đã gộp với đơn cùng nội dung"),
    "split": _l("Đã tách thành các đơn riêng"),
}

STATUS_EXPLANATIONS = {
    "received": _l("Đơn của bạn đã đến cơ quan. Cán bộ sẽ phân loại, kiểm tra điều kiện và thẩm quyền, "
                   "rồi thông báo cho bạn trong thời hạn luật định."),
}

CHANNEL_LABELS = {
    "online": _l("Trực tuyến"),
    "walk_in": _l("Trực tiếp tại trụ sở"),
    "post": _l("Qua bưu điện"),
    "hand": _l("Gửi tay"),
    "forwarded": _l("Cơ quan khác chuyển đến"),
}

EVENT_LABELS = {
    "received": _l("Tiếp nhận đơn"),
}

INTAKE_NEXT_STEP = {
    "complaint": _l("Cơ quan xem xét và quyết định thụ lý hoặc không thụ lý đơn khiếu nại, "
                    "thông báo cho bạn bằng văn bản."),
    "denunciation": _l("Cơ quan xử lý ban đầu đơn tố cáo: kiểm tra điều kiện thụ lý và thẩm quyền, "
                       "rồi quyết định thụ lý hoặc chuyển đơn đến nơi có thẩm quyền."),
    "proposal": _l("Cơ quan xử lý đơn và thông báo cho bạn việc giải quyết hoặc chuyển đơn."),
}

UNIT_LABELS = {"working": _l("ngày làm việc"), "calendar": _l("ngày")}


def init_labels(app) -> None:
    """Expose the label tables to every template."""
    app.jinja_env.globals.update(
        KIND_LABELS=KIND_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        STATUS_EXPLANATIONS=STATUS_EXPLANATIONS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        EVENT_LABELS=EVENT_LABELS,
        INTAKE_NEXT_STEP=INTAKE_NEXT_STEP,
        UNIT_LABELS=UNIT_LABELS,
    )
