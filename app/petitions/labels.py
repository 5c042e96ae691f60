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
    "received_transfer": _l("Đã nhận đơn do cơ quan khác chuyển đến"),
    "classify": _l("Đã phân loại đơn"),
    "propose": _l("Đã đề xuất xử lý"),
    "withdraw_proposal": _l("Đã rút đề xuất"),
    "return": _l("Đã trả lại đề xuất"),
    "approved_accept": _l("Đã thụ lý đơn"),
    "approved_guide": _l("Đã hướng dẫn công dân"),
    "approved_transfer": _l("Đã chuyển đơn"),
    "approved_urge": _l("Đã đôn đốc cơ quan cấp dưới"),
    "approved_file": _l("Đã lưu đơn"),
    "approved_merge": _l("Đã gộp đơn trùng"),
    "split": _l("Đã tách đơn"),
    "note": _l("Ghi chú"),
    "identity_revealed": _l("Đã xem danh tính người tố cáo"),
    "destruction_proposed": _l("Đã đề xuất tiêu hủy đơn"),
    "destroyed": _l("Đã tiêu hủy đơn"),
    "personal_data_exported": _l("Đã xuất dữ liệu cá nhân cho công dân"),
}

PROPOSAL_LABELS = {
    "accept": _l("Thụ lý giải quyết"),
    "guide": _l("Hướng dẫn công dân"),
    "transfer": _l("Chuyển đơn"),
    "urge": _l("Đôn đốc cơ quan cấp dưới"),
    "file": _l("Lưu đơn"),
    "merge": _l("Gộp vào đơn trùng"),
}

DUPLICATE_REASONS = {
    "id_number": _l("cùng số CCCD"),
    "phone": _l("cùng số điện thoại"),
    "respondent": _l("cùng người bị khiếu nại, tố cáo"),
    "content": _l("nội dung tương tự"),
}

INTAKE_NEXT_STEP = {
    "complaint": _l("Cơ quan xem xét và quyết định thụ lý hoặc không thụ lý đơn khiếu nại, "
                    "thông báo cho bạn bằng văn bản."),
    "denunciation": _l("Cơ quan xử lý ban đầu đơn tố cáo: kiểm tra điều kiện thụ lý và thẩm quyền, "
                       "rồi quyết định thụ lý hoặc chuyển đơn đến nơi có thẩm quyền."),
    "proposal": _l("Cơ quan xử lý đơn và thông báo cho bạn việc giải quyết hoặc chuyển đơn."),
}

UNIT_LABELS = {"working": _l("ngày làm việc"), "calendar": _l("ngày")}


ROLE_LABELS = {
    "receptionist": _l("Cán bộ tiếp công dân"),
    "handler": _l("Chuyên viên"),
    "leader": _l("Lãnh đạo"),
    "supervisor": _l("Giám sát cấp trên"),
    "admin": _l("Quản trị hệ thống"),
}


def init_labels(app) -> None:
    """Expose the label tables to every template."""
    from app.auth.permissions import Permission

    from app.i18n import expose_label_tables

    app.jinja_env.globals.update(Permission=Permission)
    expose_label_tables(
        app,
        KIND_LABELS=KIND_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        STATUS_EXPLANATIONS=STATUS_EXPLANATIONS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        EVENT_LABELS=EVENT_LABELS,
        INTAKE_NEXT_STEP=INTAKE_NEXT_STEP,
        UNIT_LABELS=UNIT_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        PROPOSAL_LABELS=PROPOSAL_LABELS,
        DUPLICATE_REASONS=DUPLICATE_REASONS,
    )
