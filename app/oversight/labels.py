"""Plain-language labels of directives (translatable): sources, the computed statuses, the tabs."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SOURCE_LABELS = {
    "chairman": _l("Chủ tịch UBND"),
    "vice_chairman": _l("Phó Chủ tịch UBND"),
    "meeting": _l("Kết luận cuộc họp"),
    "reception_session": _l("Thông báo kết luận tiếp công dân"),
    "higher_body": _l("Cơ quan cấp trên"),
    "other": _l("Nguồn khác"),
}

# The four figures of a report, in the report's order.
DIRECTIVE_STATUS_LABELS = {
    "done_on_time": _l("Hoàn thành đúng hạn"),
    "done_late": _l("Hoàn thành quá hạn"),
    "in_progress": _l("Đang thực hiện trong hạn"),
    "overdue": _l("Quá hạn chưa hoàn thành"),
}

# The list's tabs: every directive, then one tab per computed status.
TAB_LABELS = {
    "all": _l("Tất cả"),
    "overdue": _l("Quá hạn"),
    "in_progress": _l("Đang thực hiện"),
    "done_on_time": _l("Hoàn thành đúng hạn"),
    "done_late": _l("Hoàn thành quá hạn"),
}

SORT_LABELS = {
    "due": _l("Hạn gần nhất trước"),
    "due_desc": _l("Hạn xa nhất trước"),
    "issued_desc": _l("Giao gần đây nhất trước"),
}

EVENT_LABELS = {
    "created": _l("Giao nhiệm vụ"),
    "updated": _l("Sửa nhiệm vụ"),
    "note_added": _l("Ghi tiến độ"),
    "completed": _l("Ghi nhận hoàn thành"),
    "reopened": _l("Mở lại nhiệm vụ"),
}
