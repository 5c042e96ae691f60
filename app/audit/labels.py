"""Vietnamese labels of the audit viewer: action groups, actions, kinds of record, check results."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The prefixes offered by the action filter, in the order shown, and the named groups of
# app.audit.queries.ACTION_SETS ("auth.failed": every failed sign-in, wrong two-factor codes included).
ACTION_GROUPS = [
    ("auth.", _l("Đăng nhập, đăng xuất")),
    ("auth.failed", _l("Đăng nhập không thành công (sai mật khẩu hoặc sai mã xác thực hai lớp)")),
    ("access.", _l("Truy cập bị từ chối")),
    ("identity.", _l("Xem danh tính được bảo mật")),
    ("export.", _l("Xuất tệp")),
    ("download.", _l("Tải tệp")),
    ("user.", _l("Tài khoản cán bộ")),
    ("workflow.", _l("Xử lý hồ sơ, thay đổi dữ liệu")),
    ("audit.", _l("Nhật ký hệ thống")),
]

ACTION_LABELS = {
    "auth.sign_in": _l("Đăng nhập"),
    "auth.sign_in_failed": _l("Đăng nhập không thành công"),
    "auth.lockout": _l("Tạm khóa tài khoản do đăng nhập sai nhiều lần"),
    "auth.second_factor_failed": _l("Nhập sai mã xác thực hai lớp"),
    "auth.sign_out": _l("Đăng xuất"),
    "access.denied": _l("Bị từ chối truy cập"),
    "identity.reveal": _l("Xem danh tính được bảo mật"),
    "export.xlsx": _l("Xuất tệp Excel"),
    "export.csv": _l("Xuất tệp CSV"),
    "export.docx": _l("Xuất văn bản Word"),
    "download.attachment": _l("Tải tài liệu đính kèm"),
    "download.recording": _l("Tải bản ghi buổi tiếp trực tuyến"),
    "download.decision_file": _l("Tải quyết định giải quyết"),
    "user.created": _l("Tạo tài khoản"),
    "user.updated": _l("Sửa tài khoản"),
    "user.role_changed": _l("Đổi vai trò"),
    "user.disabled": _l("Khóa tài khoản"),
    "user.enabled": _l("Mở lại tài khoản"),
    "user.password_reset": _l("Đặt lại mật khẩu"),
    "user.password_changed": _l("Tự đổi mật khẩu"),
    "user.sessions_ended": _l("Kết thúc mọi phiên làm việc"),
    "user.two_factor_enabled": _l("Bật xác thực hai lớp"),
    "user.two_factor_disabled": _l("Tắt xác thực hai lớp"),
    "user.two_factor_reset": _l("Đặt lại xác thực hai lớp"),
    "user.recovery_code_used": _l("Dùng mã khôi phục để đăng nhập"),
    "user.recovery_codes_regenerated": _l("Tạo lại mã khôi phục"),
    "audit.verified": _l("Kiểm tra chuỗi nhật ký"),
}

SUBJECT_LABELS = {
    "petition": _l("Đơn"),
    "case": _l("Vụ việc"),
    "visit": _l("Lượt tiếp"),
    "online_request": _l("Yêu cầu tiếp trực tuyến"),
    "online_slot": _l("Lịch tiếp trực tuyến"),
    "session": _l("Buổi tiếp định kỳ"),
    "duty_rule": _l("Quy định lịch tiếp"),
    "directive": _l("Nhiệm vụ, chỉ đạo"),
    "inspection": _l("Cuộc thanh tra"),
    "import_batch": _l("Lần nhập dữ liệu"),
    "calendar_override": _l("Ngày nghỉ, ngày làm bù"),
    "user": _l("Tài khoản"),
    "agency": _l("Cơ quan"),
    "category": _l("Nội dung đơn"),
}


def action_label(action: str) -> str:
    """A known action's label; a workflow step as "Xử lý hồ sơ"; anything else as written."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action.startswith("workflow."):
        return str(_l("Xử lý hồ sơ"))
    return action


def subject_label(subject_type: str | None) -> str:
    """The kind of record in Vietnamese (or as written when unknown)."""
    if not subject_type:
        return ""
    return str(SUBJECT_LABELS.get(subject_type, subject_type))
