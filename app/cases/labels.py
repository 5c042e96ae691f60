"""Vietnamese labels of the case pages: kinds, states, outcomes, complexity criteria, clock steps, events."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cases.services import LEVEL_LABELS  # noqa: F401  (re-exported for the templates)
from app.cases.workflow import ACTION_LABELS

CASE_KIND_LABELS = {
    "complaint_first": _l("Khiếu nại lần đầu"),
    "complaint_second": _l("Khiếu nại lần hai"),
    "denunciation": _l("Tố cáo"),
    "proposal": _l("Kiến nghị, phản ánh"),
}

CASE_STATE_LABELS = {
    "accepted": _l("Đã thụ lý"),
    "verifying": _l("Đang xác minh"),
    "dialogue": _l("Đang đối thoại"),
    "decided": _l("Đã có quyết định giải quyết"),
    "appealed": _l("Đã bị khiếu nại lần hai"),
    "final": _l("Quyết định có hiệu lực pháp luật"),
    "enforcing": _l("Đang tổ chức thi hành"),
    "concluded": _l("Đã có kết luận"),
    "handled": _l("Đã xử lý kết luận"),
    "answered": _l("Đã trả lời"),
    "suspended": _l("Tạm đình chỉ"),
    "withdrawn": _l("Đã rút đơn"),
    "terminated": _l("Đình chỉ giải quyết"),
    "closed": _l("Đã kết thúc hồ sơ"),
}

OUTCOME_LABELS = {
    "correct": _l("Khiếu nại đúng"),
    "partly_correct": _l("Khiếu nại đúng một phần"),
    "incorrect": _l("Khiếu nại sai"),
    "true": _l("Tố cáo đúng"),
    "partly_true": _l("Tố cáo đúng một phần"),
    "untrue": _l("Tố cáo sai"),
    "answered": _l("Đã trả lời kiến nghị, phản ánh"),
}

# Nghị định 31/2019/NĐ-CP Điều 3 khoản 2 (a–g): one criterion → complex, two or more → especially complex.
# ⚠ To verify against the decree text (/work/shared/law/to-cao.md, "Vụ việc phức tạp là vụ việc có một trong
# các tiêu chí sau đây"): the wording below is condensed from it; the codes are ours.
COMPLEXITY_CRITERIA = [
    ("many_places", _l("a) Một nội dung nhưng phải xác minh từ 02 địa điểm trở lên")),
    ("many_contents", _l("b) Có từ 02 nội dung phải xác minh trở lên")),
    ("many_people", _l("c) Nhiều người tố cáo về cùng một nội dung, hoặc liên quan đến quyền và lợi ích của "
                       "nhiều người")),
    ("foreign", _l("d) Có yếu tố nước ngoài")),
    ("many_agencies", _l("đ) Liên quan đến trách nhiệm quản lý của nhiều cơ quan, tổ chức")),
    ("differing_views", _l("e) Các cơ quan, tổ chức có liên quan còn ý kiến khác nhau")),
    ("conflicting_evidence", _l("g) Tài liệu, chứng cứ mâu thuẫn nhau, cần thời gian kiểm tra, đánh giá hoặc "
                                "tham khảo ý kiến cơ quan chuyên môn")),
]
CRITERIA_LABELS = dict(COMPLEXITY_CRITERIA)

PAUSE_KIND_LABELS = {
    "suspension": _l("Tạm đình chỉ"),
    "assessment": _l("Trưng cầu giám định"),
}

CASE_EVENT_LABELS = {
    "assigned": _l("Đã phân công giải quyết"),
    "decision_file": _l("Đã đính kèm quyết định đã ký"),
    **ACTION_LABELS,
    "opened": _l("Thụ lý, mở vụ việc"),
    "complexity": _l("Xác định mức độ phức tạp"),
    "assessment_started": _l("Trưng cầu giám định (tạm dừng thời hạn)"),
    "assessment_ended": _l("Có kết quả giám định (tiếp tục tính thời hạn)"),
    "extended": _l("Gia hạn giải quyết"),
    "figures": _l("Cập nhật số liệu kết quả"),
}

FIGURE_LABELS = {
    "money_recommended": _l("Tiền kiến nghị thu hồi về Nhà nước (đồng)"),
    "money_recovered": _l("Tiền đã thu hồi về Nhà nước (đồng)"),
    "land_recommended": _l("Đất kiến nghị thu hồi (m²)"),
    "land_recovered": _l("Đất đã thu hồi (m²)"),
    "money_returned": _l("Tiền trả lại cho tổ chức, cá nhân (đồng)"),
    "land_returned": _l("Đất trả lại cho tổ chức, cá nhân (m²)"),
    "people_disciplined": _l("Số người kiến nghị xử lý hành chính"),
    "officials_disciplined": _l("Trong đó cán bộ, công chức"),
    "referred_to_investigation": _l("Số vụ chuyển cơ quan điều tra"),
}
MONEY_FIGURES = ("money_recommended", "money_recovered", "money_returned")
LAND_FIGURES = ("land_recommended", "land_recovered", "land_returned")

DECIDE_HEADINGS = {
    "complaint_first": _l("Ban hành quyết định giải quyết khiếu nại"),
    "complaint_second": _l("Ban hành quyết định giải quyết khiếu nại lần hai"),
    "denunciation": _l("Ban hành kết luận nội dung tố cáo"),
    "proposal": _l("Trả lời kiến nghị, phản ánh"),
}

TAB_LABELS = {
    "mine": _l("Tôi giải quyết"),
    "week": _l("Đến hạn trong tuần"),
    "overdue": _l("Quá hạn"),
    "approval": _l("Chờ lãnh đạo quyết định"),
    "all": _l("Tất cả"),
}


def template_labels() -> dict:
    """The label tables the case templates use."""
    return dict(CASE_KIND_LABELS=CASE_KIND_LABELS, CASE_STATE_LABELS=CASE_STATE_LABELS, OUTCOME_LABELS=OUTCOME_LABELS,
                CRITERIA_LABELS=CRITERIA_LABELS, COMPLEXITY_CRITERIA=COMPLEXITY_CRITERIA, LEVEL_LABELS=LEVEL_LABELS,
                PAUSE_KIND_LABELS=PAUSE_KIND_LABELS, CASE_EVENT_LABELS=CASE_EVENT_LABELS, FIGURE_LABELS=FIGURE_LABELS,
                MONEY_FIGURES=MONEY_FIGURES, LAND_FIGURES=LAND_FIGURES, ACTION_LABELS=ACTION_LABELS,
                DECIDE_HEADINGS=DECIDE_HEADINGS, TAB_LABELS=TAB_LABELS)
