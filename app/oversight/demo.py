"""Demo directives (development only): what the chairman and a vice chairman of Lạng Sơn asked
the provincial inspectorate to do, one of each computed status.

Everything goes through the services, so the demo obeys the same rules as the pages. Loaded
once: nothing is added when the province already assigned a directive to the inspectorate.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.agencies.models import Agency
from app.auth.models import User
from app.extensions import db
from app.formatting import local_today
from app.oversight import directives as svc
from app.oversight.models import Directive


def _user(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email)).first()


def load_demo_directives() -> int:
    """Add the demo directives if the province has none for the inspectorate; return how many."""
    chairman = _user("chutich@demo.vn")  # leader of the province (LS)
    worker = _user("chuyenvien.thanhtra@demo.vn")  # handler of the inspectorate (TTLS)
    inspectorate = db.session.scalars(select(Agency).where(Agency.code == "TTLS")).first()
    if chairman is None or worker is None or inspectorate is None:
        return 0
    if db.session.scalar(select(func.count(Directive.id)).where(
            Directive.issuer_agency_id == chairman.agency_id, Directive.assignee_agency_id == inspectorate.id,
            Directive.session_id.is_(None))):
        return 0
    today = local_today()

    def day(offset: int):
        return today + timedelta(days=offset)

    def assign(source, name, number, issued, due, content, *, key=False, person=None):
        return svc.create_directive(svc.DirectiveData(
            source=source, source_name=name, document_number=number, issued_on=day(issued), due_on=day(due),
            content=content, is_key_task=key, assignee_agency_id=inspectorate.id,
            assignee_user_id=person.id if person else None), actor=chairman, today=today)

    chair = "Hồ Tiến Chủ, Chủ tịch UBND tỉnh"
    vice = "Phó Chủ tịch UBND tỉnh phụ trách khối nội chính"
    on_time = assign("chairman", chair, "112/TB-UBND", -75, -45,
                     "Rà soát các vụ khiếu nại đông người về bồi thường, giải phóng mặt bằng đường tỉnh 235; báo cáo "
                     "UBND tỉnh trước ngày đến hạn.", key=True)
    svc.add_note(on_time, "Đã lập tổ công tác, làm việc với UBND xã Cao Lộc và các hộ dân thôn Bản Làn.",
                 actor=worker, today=today)
    svc.complete_directive(on_time, day(-50), "Đã báo cáo UBND tỉnh bằng Báo cáo số 45/BC-TTr.", actor=worker,
                           today=today)
    late = assign("vice_chairman", vice, "130/TB-UBND", -60, -30,
                  "Tham mưu văn bản chỉ đạo các sở, ngành nâng cao chất lượng tiếp công dân định kỳ.")
    svc.complete_directive(late, day(-22), "Đã trình dự thảo Chỉ thị về công tác tiếp công dân (Tờ trình số "
                           "18/TTr-TTr).", actor=worker, today=today)
    overdue = assign("chairman", chair, "141/TB-UBND", -40, -5,
                     "Kiểm tra, xác minh nội dung tố cáo liên quan đến việc cấp giấy chứng nhận quyền sử dụng đất "
                     "tại phường Lương Văn Tri.", key=True, person=worker)
    svc.add_note(overdue, "Đang thu thập hồ sơ cấp giấy chứng nhận từ Văn phòng đăng ký đất đai.", actor=worker,
                 today=today)
    assign("meeting", "Hội nghị giao ban công tác nội chính quý", None, -10, 20,
           "Tổng hợp tình hình khiếu nại, tố cáo trong quý, đề xuất giải pháp giảm đơn thư vượt cấp.")
    assign("vice_chairman", vice, "152/TB-UBND", -3, 30,
           "Xây dựng kế hoạch thanh tra trách nhiệm thực hiện pháp luật về tiếp công dân năm sau.", key=True)
    db.session.flush()
    return 5
