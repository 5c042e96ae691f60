"""The minimum frequency of leaders' reception days (DOMAIN.md §4), each row with its article.

Loaded by `flask seed reference`; idempotent on (kind, level, effective_from). Values an
administrator changed are not overwritten.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.reception.models import DutyPeriod, ReceptionDutyRule

TCD_2013 = date(2014, 7, 1)  # Luật Tiếp công dân 2013 in force
REFORM_2025 = date(2025, 7, 1)  # districts abolished (Nghị quyết 203/2025/QH15)
W, M = DutyPeriod.WEEK.value, DutyPeriod.MONTH.value

# agency kind, level, days, period, delegation allowed, from, to, legal source, unverified
DUTY_RULES = [
    ("peoples_committee", "province", 1, M, True, TCD_2013, None,
     "Luật Tiếp công dân 2013, Điều 12 khoản 5 (Chủ tịch UBND cấp tỉnh: ít nhất 01 ngày trong 01 tháng)", False),
    ("peoples_committee", "district", 2, M, True, TCD_2013, date(2025, 6, 30),
     "Luật Tiếp công dân 2013, Điều 13 khoản 5 (cấp huyện, đến 30/6/2025)", False),
    ("peoples_committee", "commune", 1, W, True, TCD_2013, None,
     "Luật Tiếp công dân 2013, Điều 15 khoản 2 điểm d (Chủ tịch UBND cấp xã: ít nhất 01 ngày trong 01 tuần)",
     False),
    (None, None, 1, M, True, TCD_2013, None,
     "Luật Tiếp công dân 2013, Điều 18 khoản 2 (người đứng đầu cơ quan hành chính: ít nhất 01 ngày trong 01 tháng)",
     False),
]


def load_duty_rules() -> int:
    """Insert the rules that are missing; return how many were added."""
    have = set(db.session.execute(select(
        ReceptionDutyRule.agency_kind, ReceptionDutyRule.agency_level, ReceptionDutyRule.effective_from)).all())
    added = 0
    for kind, level, days, period, delegation, start, end, source, unverified in DUTY_RULES:
        if (kind, level, start) in have:
            continue
        db.session.add(ReceptionDutyRule(agency_kind=kind, agency_level=level, days=days, period=period,
                                         delegation_allowed=delegation, effective_from=start, effective_to=end,
                                         legal_source=source, unverified=unverified))
        added += 1
    db.session.flush()
    return added
