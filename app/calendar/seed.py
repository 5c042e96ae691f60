"""The deadline rules of DOMAIN.md §3 (with its corrections), each with its legal source.

Loaded by `flask seed reference`; idempotent on (code, variant, effective_from). Values an
administrator changed are not overwritten.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.calendar.models import DayUnit, DeadlineRule, RuleVariant
from app.extensions import db

W, C = DayUnit.WORKING.value, DayUnit.CALENDAR.value
S, CX, R, RC, EXT = (RuleVariant.STANDARD.value, RuleVariant.COMPLEX.value, RuleVariant.REMOTE.value,
                     RuleVariant.REMOTE_COMPLEX.value, RuleVariant.EXTENDED.value)
KN_2011 = date(2012, 7, 1)  # Luật Khiếu nại 2011 in force
TC_2018 = date(2019, 1, 1)  # Luật Tố cáo 2018 in force
TCD_2013 = date(2014, 7, 1)  # Luật Tiếp công dân 2013 in force
TT_02_2016 = date(2016, 12, 1)  # ⚠ effective date of TT 02/2016/TT-TTCP as understood
TT_05_2021 = date(2021, 11, 15)
LAW_136_2025 = date(2026, 7, 1)  # Luật 136/2025/QH15 in force (online reception)
TT_07_2014 = date(2014, 12, 15)  # Thông tư 07/2014/TT-TTCP in force (xử lý đơn)

# code, variant, name, days, unit, counts from, effective from, legal source, unverified
RULES = [
    ("petition.triage", S, "Xử lý đơn", 10, W, "receipt", TT_05_2021,
     "Thông tư 05/2021/TT-TTCP (thời hạn xử lý đơn; văn bản chưa đối chiếu)", True),
    ("reception.reply", S, "Thông báo cho công dân sau khi tiếp nhận", 10, W, "receipt", TCD_2013,
     "Luật Tiếp công dân 2013, Điều 28 khoản 1", False),
    ("reception.online.notice", S, "Công bố lịch tiếp công dân trực tuyến trước ngày tiếp", 5, W, "announcement",
     LAW_136_2025, "Luật 136/2025/QH15 (Điều 3a); văn bản hướng dẫn chưa đối chiếu (DOMAIN.md §8)", True),
    ("complaint.accept", S, "Thụ lý khiếu nại", 10, W, "receipt", TT_02_2016,
     "Thông tư 07/2013/TT-TTCP Điều 5, sửa đổi bởi Thông tư 02/2016/TT-TTCP (10 ngày làm việc)", False),
    ("complaint.limitation", S, "Thời hiệu khiếu nại", 90, C, "decision_known", KN_2011,
     "Luật Khiếu nại 2011, Điều 9", False),
    ("complaint.first.resolve", S, "Giải quyết khiếu nại lần đầu", 30, C, "acceptance", KN_2011,
     "Luật Khiếu nại 2011, Điều 28", False),
    ("complaint.first.resolve", CX, "Giải quyết khiếu nại lần đầu (phức tạp)", 45, C, "acceptance", KN_2011,
     "Luật Khiếu nại 2011, Điều 28", False),
    ("complaint.first.resolve", R, "Giải quyết khiếu nại lần đầu (vùng sâu, vùng xa)", 45, C, "acceptance", KN_2011,
     "Luật Khiếu nại 2011, Điều 28", False),
    ("complaint.first.resolve", RC, "Giải quyết khiếu nại lần đầu (vùng sâu, vùng xa, phức tạp)", 60, C, "acceptance",
     KN_2011, "Luật Khiếu nại 2011, Điều 28", False),
    ("complaint.second.window", S, "Thời hạn khiếu nại lần hai", 30, C, "first_decision_or_deadline", KN_2011,
     "Luật Khiếu nại 2011, Điều 33", False),
    ("complaint.second.window", R, "Thời hạn khiếu nại lần hai (vùng sâu, vùng xa)", 45, C,
     "first_decision_or_deadline", KN_2011, "Luật Khiếu nại 2011, Điều 33", False),
    ("complaint.second.resolve", S, "Giải quyết khiếu nại lần hai", 45, C, "acceptance", KN_2011,
     "Luật Khiếu nại 2011, Điều 37", False),
    ("complaint.second.resolve", CX, "Giải quyết khiếu nại lần hai (phức tạp)", 60, C, "acceptance", KN_2011,
     "Luật Khiếu nại 2011, Điều 37", False),
    ("complaint.second.resolve", R, "Giải quyết khiếu nại lần hai (vùng sâu, vùng xa)", 60, C, "acceptance", KN_2011,
     "Luật Khiếu nại 2011, Điều 37", False),
    ("complaint.second.resolve", RC, "Giải quyết khiếu nại lần hai (vùng sâu, vùng xa, phức tạp)", 70, C,
     "acceptance", KN_2011, "Luật Khiếu nại 2011, Điều 37", False),
    ("denunciation.initial", S, "Xử lý ban đầu đơn tố cáo", 7, W, "receipt", TC_2018,
     "Luật Tố cáo 2018, Điều 24 khoản 1", False),
    ("denunciation.initial", EXT, "Xử lý ban đầu đơn tố cáo (xác minh nhiều địa điểm)", 10, W, "receipt", TC_2018,
     "Luật Tố cáo 2018, Điều 24 khoản 1", False),
    ("denunciation.transfer", S, "Chuyển đơn tố cáo không thuộc thẩm quyền", 5, W, "receipt", TC_2018,
     "Luật Tố cáo 2018, Điều 24 khoản 2", False),
    ("denunciation.notify", S, "Thông báo thụ lý tố cáo cho các bên", 5, W, "acceptance", TC_2018,
     "Luật Tố cáo 2018, Điều 29 khoản 3; Nghị định 31/2019/NĐ-CP Điều 9", False),
    ("denunciation.resolve", S, "Giải quyết tố cáo", 30, C, "acceptance", TC_2018,
     "Luật Tố cáo 2018, Điều 30", False),
    ("denunciation.extension", S, "Gia hạn giải quyết tố cáo (mỗi lần)", 30, C, "previous_due", TC_2018,
     "Luật Tố cáo 2018, Điều 30; Nghị định 31/2019/NĐ-CP Điều 3", False),
    ("denunciation.followup.review", S, "Xem xét tố cáo tiếp", 20, C, "receipt", TC_2018,
     "Luật Tố cáo 2018, Điều 37 khoản 2", False),
    ("denunciation.overdue.request", S, "Yêu cầu báo cáo khi tố cáo quá hạn giải quyết", 5, W, "followup_receipt",
     TC_2018, "Luật Tố cáo 2018, Điều 38 khoản 2", False),
    ("denunciation.overdue.report", S, "Báo cáo khi tố cáo quá hạn giải quyết", 5, W, "request", TC_2018,
     "Luật Tố cáo 2018, Điều 38", False),
    # "Một năm" counted as 365 days; a petition becomes due for destruction the day *after* the
    # computed date (app.retention), so a leap year never shortens the year the law asks for.
    ("petition.retention", S, "Lưu đơn đã xếp lưu trước khi tiêu hủy", 365, C, "filed", TT_07_2014,
     "Thông tư 07/2014/TT-TTCP Điều 28 khoản 2 (thời hạn lưu trữ một năm; tiêu hủy do thủ trưởng cơ quan "
     "quyết định); chưa đối chiếu Thông tư 05/2021/TT-TTCP", True),
]


def load_rules() -> int:
    """Insert the rules that are missing; return how many were added."""
    have = set(db.session.execute(
        select(DeadlineRule.code, DeadlineRule.variant, DeadlineRule.effective_from)
    ).all())
    added = 0
    for code, variant, name, days, unit, counts_from, effective_from, source, unverified in RULES:
        if (code, variant, effective_from) in have:
            continue
        db.session.add(DeadlineRule(code=code, variant=variant, name=name, days=days, unit=unit,
                                    counts_from=counts_from, effective_from=effective_from,
                                    legal_source=source, unverified=unverified))
        added += 1
    db.session.flush()
    return added
