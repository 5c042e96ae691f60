"""Plain-language labels of the reception desk (translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

OUTCOME_LABELS = {
    "petition_received": _l("Tiếp nhận đơn"),
    "guided": _l("Hướng dẫn đến cơ quan có thẩm quyền"),
    "settled": _l("Giải thích, trả lời ngay"),
    "transferred": _l("Chuyển đơn, chuyển nội dung"),
    "refused": _l("Từ chối tiếp"),
}

REFUSAL_GROUND_LABELS = {
    "incapacitated": _l("Người say do dùng chất kích thích, mắc bệnh tâm thần hoặc bệnh khác làm mất khả năng "
                        "nhận thức, điều khiển hành vi (Điều 9 khoản 1)"),
    "disruptive": _l("Có hành vi đe dọa, xúc phạm cơ quan, người tiếp công dân hoặc vi phạm nội quy nơi tiếp "
                     "(Điều 9 khoản 2)"),
    "persistent": _l("Khiếu nại, tố cáo vụ việc đã giải quyết đúng chính sách, pháp luật, đã được kiểm tra, rà soát, "
                     "thông báo bằng văn bản nhưng vẫn cố tình kéo dài (Điều 9 khoản 3)"),
    "other_law": _l("Trường hợp khác theo quy định của pháp luật (Điều 9 khoản 4)"),
}

# Short forms for lists and the register.
REFUSAL_GROUND_SHORT = {
    "incapacitated": _l("Điều 9 khoản 1"),
    "disruptive": _l("Điều 9 khoản 2"),
    "persistent": _l("Điều 9 khoản 3"),
    "other_law": _l("Điều 9 khoản 4"),
}

CHANNEL_LABELS = {
    "in_person": _l("Trực tiếp"),
    "online": _l("Trực tuyến"),
}

VISITOR_ROLE_LABELS = {
    "visitor": _l("Người đến"),
    "representative": _l("Người đại diện"),
}

SESSION_STATUS_LABELS = {
    "scheduled": _l("Đã lên lịch"),
    "held": _l("Đã tiếp"),
    "cancelled": _l("Đã hủy"),
}

SESSION_MODE_LABELS = {
    "in_person": _l("Lãnh đạo trực tiếp tiếp"),
    "delegated": _l("Ủy quyền cấp phó tiếp"),
}

PERIOD_LABELS = {
    "week": _l("tuần"),
    "month": _l("tháng"),
}

ONLINE_STATUS_LABELS = {
    "requested": _l("Đã gửi yêu cầu, chờ xác nhận"),
    "proposed": _l("Cơ quan đề nghị thời gian khác"),
    "confirmed": _l("Đã xác nhận lịch tiếp"),
    "declined": _l("Không bố trí được"),
    "cancelled": _l("Đã hủy"),
    "held": _l("Đã tiếp"),
}

HISTORY_TYPE_LABELS = {
    "visit": _l("Lượt tiếp"),
    "petition": _l("Đơn"),
    "case": _l("Vụ việc"),
}

VISIT_EVENT_LABELS = {
    "logged": _l("Đã ghi sổ tiếp công dân"),
    "replied": _l("Đã trả lời công dân"),
    "identity_revealed": _l("Đã xem danh tính người tố cáo"),
    "document_issued": _l("Đã in văn bản"),
    "recording_attached": _l("Đã đính kèm bản ghi buổi tiếp"),
    "recording_replaced": _l("Đã thay bản ghi buổi tiếp"),
}

# What a masked denunciator reads as in lists, registers and exports.
MASKED = _l("Người tố cáo (được bảo mật)")


def init_labels(app) -> None:
    """Expose the reception label tables to every template (prefixed to avoid clashes)."""
    from app.i18n import expose_label_tables

    app.jinja_env.globals.update(MASKED_VISITOR=MASKED)
    expose_label_tables(
        app,
        OUTCOME_LABELS=OUTCOME_LABELS,
        REFUSAL_GROUND_LABELS=REFUSAL_GROUND_LABELS,
        REFUSAL_GROUND_SHORT=REFUSAL_GROUND_SHORT,
        VISIT_CHANNEL_LABELS=CHANNEL_LABELS,
        VISITOR_ROLE_LABELS=VISITOR_ROLE_LABELS,
        SESSION_STATUS_LABELS=SESSION_STATUS_LABELS,
        SESSION_MODE_LABELS=SESSION_MODE_LABELS,
        PERIOD_LABELS=PERIOD_LABELS,
        ONLINE_STATUS_LABELS=ONLINE_STATUS_LABELS,
        HISTORY_TYPE_LABELS=HISTORY_TYPE_LABELS,
        VISIT_EVENT_LABELS=VISIT_EVENT_LABELS,
    )
