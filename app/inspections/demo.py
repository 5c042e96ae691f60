"""Demo inspections of the province inspectorate (development only).

Everything goes through the services, so the demo obeys the same rules as the pages. Dates are
counted back from today. Loaded once: nothing is added when the inspectorate already has
inspections. The first one carries the figures of the inspectorate's 2021 nine-month report
(1.391,1 million found, 1.147,0 recommended, 1.018,8 recovered: 88,8%) and, like the conclusions the
chairman complained of, was concluded late.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from app.formatting import local_today
from app.inspections import services as svc
from app.inspections.models import Inspection


def _user(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email)).first()


def load_demo_inspections() -> int:
    """Add the demo inspections of the inspectorate if it has none; return how many were added."""
    leader = _user("lanhdao.thanhtra@demo.vn")
    if leader is None:
        return 0
    if db.session.scalar(select(func.count(Inspection.id)).where(Inspection.agency_id == leader.agency_id)):
        return 0
    today = local_today()

    def ago(days: int):
        return today - timedelta(days=days)

    # 1. Anti-corruption, planned, concluded 20 days late; recovery partly in (88,8%).
    late = svc.create_inspection(svc.InspectionData(
        kind="planned", topic="anti_corruption",
        title="Thanh tra việc thực hiện quy định pháp luật về phòng, chống tham nhũng tại Sở Tài nguyên và Môi trường",
        subject="Sở Tài nguyên và Môi trường tỉnh Lạng Sơn", decision_number="45/QĐ-TTr", decision_date=ago(185),
        started_on=ago(180), ended_on=ago(135), conclusion_due=ago(100)), actor=leader, today=today)
    svc.record_conclusion(late, svc.ConclusionData(
        number="12/KL-TTr", concluded_on=ago(80), money_violation=1_391_100_000, money_recommended=1_147_000_000,
        people_recommended_discipline=3,
        other_recommendations="Kiểm điểm trách nhiệm tập thể, cá nhân có liên quan; rà soát quy trình cấp phép "
                              "khai thác khoáng sản."), actor=leader, today=today)
    svc.add_recovery(late, svc.RecoveryData(recovered_on=ago(60), money=600_000_000,
                                            document="Giấy nộp tiền vào NSNN số 0112"), actor=leader, today=today)
    svc.add_recovery(late, svc.RecoveryData(recovered_on=ago(15), money=418_800_000,
                                            document="Giấy nộp tiền vào NSNN số 0245"), actor=leader, today=today)
    done = svc.add_followup(late, "Tổ chức kiểm điểm trách nhiệm tập thể, cá nhân có liên quan.", ago(50), actor=leader)
    svc.complete_followup(done, ago(55), "Đã tổ chức kiểm điểm, báo cáo kết quả bằng văn bản.", actor=leader,
                          today=today)
    svc.add_followup(late, "Rà soát, sửa đổi quy trình cấp phép khai thác khoáng sản.", today + timedelta(days=20),
                     actor=leader)

    # 2. Land management, planned, concluded on time; land fully recovered, money partly.
    land = svc.create_inspection(svc.InspectionData(
        kind="planned", topic="administrative",
        title="Thanh tra việc quản lý, sử dụng đất tại Ủy ban nhân dân xã Cao Lộc",
        subject="Ủy ban nhân dân xã Cao Lộc", decision_number="52/QĐ-TTr", decision_date=ago(125),
        started_on=ago(120), ended_on=ago(90), conclusion_due=ago(60)), actor=leader, today=today)
    svc.record_conclusion(land, svc.ConclusionData(
        number="15/KL-TTr", concluded_on=ago(62), money_violation=85_400_000, money_recommended=85_400_000,
        land_violation=Decimal("2450.5"), land_recommended=Decimal("1200.0")), actor=leader, today=today)
    svc.add_recovery(land, svc.RecoveryData(recovered_on=ago(30), land=Decimal("1200.0"),
                                            document="Quyết định thu hồi đất số 318/QĐ-UBND"), actor=leader,
                     today=today)
    svc.add_recovery(land, svc.RecoveryData(recovered_on=ago(10), money=40_000_000), actor=leader, today=today)

    # 3. Ad hoc, reception and complaints, still running; conclusion due in a month.
    svc.create_inspection(svc.InspectionData(
        kind="ad_hoc", topic="complaints",
        title="Thanh tra trách nhiệm tiếp công dân, giải quyết khiếu nại, tố cáo của Ủy ban nhân dân phường "
              "Lương Văn Tri",
        subject="Ủy ban nhân dân phường Lương Văn Tri", decision_number="71/QĐ-TTr", decision_date=ago(22),
        started_on=ago(20), conclusion_due=today + timedelta(days=30)), actor=leader, today=today)

    # 4. Planned, direct inspection over, conclusion overdue and not issued (the dashboard warns).
    svc.create_inspection(svc.InspectionData(
        kind="planned", topic="specialised",
        title="Thanh tra việc quản lý, sử dụng kinh phí chương trình mục tiêu quốc gia xây dựng nông thôn mới",
        subject="Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", decision_number="60/QĐ-TTr", decision_date=ago(95),
        started_on=ago(90), ended_on=ago(45), conclusion_due=ago(5)), actor=leader, today=today)
    db.session.flush()
    return 4
