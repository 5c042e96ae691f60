"""Rules of intake that are the law's, in one place (each with its article).

Time limits are not here: they are data (app.calendar). What is here is which rule governs
the first step of each kind, and the representation rule for groups.
"""
from __future__ import annotations

from app.petitions.models import PetitionKind

# The first legal time limit after receipt, by kind (rule codes of app.calendar):
# - complaint: acceptance (thụ lý), TT 07/2013/TT-TTCP Đ.5 as amended by TT 02/2016/TT-TTCP;
# - denunciation: initial processing (xử lý ban đầu), Luật Tố cáo 2018 Đ.24.1;
# - proposal: petition processing (xử lý đơn), TT 05/2021/TT-TTCP ⚠.
INTAKE_RULE_BY_KIND = {
    PetitionKind.COMPLAINT.value: "complaint.accept",
    PetitionKind.DENUNCIATION.value: "denunciation.initial",
    PetitionKind.PROPOSAL.value: "petition.triage",
}

# Representatives of a group (Luật Tiếp công dân 2013 Đ.29; NĐ 124/2020/NĐ-CP Đ.7):
# from 5 people a group must choose representatives: 1–2 for 5–10 people, at most 5 above 10.
GROUP_THRESHOLD = 5


def max_representatives(group_size: int) -> int | None:
    """How many representatives a group of this size may have (None: no legal limit)."""
    if group_size < GROUP_THRESHOLD:
        return None
    return 2 if group_size <= 10 else 5
