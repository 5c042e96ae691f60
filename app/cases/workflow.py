"""The case workflows (DESIGN.md §4): one transition table per kind of case.

Each action lists the states it may start from, the state it leads to, the permission it
needs, and whether the citizen sees the event. Resuming a suspended case returns it to the
state it was suspended in (`RESUME`). Side exits: withdrawal (rút), suspension (tạm đình chỉ)
and resumption, termination (đình chỉ). Extensions and expert assessments do not change the
state: they move or stop the clock (app.cases.clock).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.auth.permissions import Permission


class CaseState(str, enum.Enum):
    """Every state a case can be in, across the kinds."""

    ACCEPTED = "accepted"  # thụ lý
    VERIFYING = "verifying"  # xác minh
    DIALOGUE = "dialogue"  # đối thoại (complaints)
    DECIDED = "decided"  # quyết định giải quyết (complaints)
    APPEALED = "appealed"  # khiếu nại lần hai (first-level complaints)
    FINAL = "final"  # quyết định có hiệu lực pháp luật
    ENFORCING = "enforcing"  # tổ chức thi hành
    CONCLUDED = "concluded"  # kết luận nội dung tố cáo
    HANDLED = "handled"  # xử lý kết luận
    ANSWERED = "answered"  # trả lời kiến nghị, phản ánh
    SUSPENDED = "suspended"  # tạm đình chỉ
    WITHDRAWN = "withdrawn"  # rút
    TERMINATED = "terminated"  # đình chỉ
    CLOSED = "closed"  # kết thúc hồ sơ


S = CaseState
END_STATES = frozenset({S.WITHDRAWN, S.TERMINATED, S.CLOSED, S.APPEALED})
RESUME = None  # the target of "resume": the state the case was suspended in


@dataclass(frozen=True)
class Transition:
    """One row of a table."""

    sources: frozenset[CaseState]
    target: CaseState | None
    permission: Permission
    public: bool


def _t(sources, target, permission=Permission.CASE_WORK, public=False) -> Transition:
    return Transition(frozenset(sources), target, permission, public)


def _side_exits(working: set[CaseState]) -> dict[str, Transition]:
    """Suspension, resumption, withdrawal and termination while the matter is being resolved."""
    return {
        "suspend": _t(working, S.SUSPENDED, Permission.CASE_APPROVE, True),
        "resume": _t({S.SUSPENDED}, RESUME, Permission.CASE_APPROVE, True),
        "withdraw": _t(working | {S.SUSPENDED}, S.WITHDRAWN, Permission.CASE_APPROVE, True),
        "terminate": _t(working | {S.SUSPENDED}, S.TERMINATED, Permission.CASE_APPROVE, True),
    }


_COMPLAINT_WORKING = {S.ACCEPTED, S.VERIFYING, S.DIALOGUE}

TABLES: dict[str, dict[str, Transition]] = {
    # Luật Khiếu nại 2011 Đ.27–31: verify, dialogue, decide; then final or appealed (Đ.33).
    "complaint_first": {
        "start_verification": _t({S.ACCEPTED}, S.VERIFYING),
        "hold_dialogue": _t({S.VERIFYING}, S.DIALOGUE),
        "decide": _t({S.VERIFYING, S.DIALOGUE}, S.DECIDED, Permission.CASE_APPROVE, True),
        "appeal": _t({S.DECIDED}, S.APPEALED, Permission.CASE_WORK, True),
        "make_final": _t({S.DECIDED}, S.FINAL, Permission.CASE_WORK, True),
        "start_enforcement": _t({S.FINAL}, S.ENFORCING),
        "close": _t({S.FINAL, S.ENFORCING}, S.CLOSED, Permission.CASE_APPROVE, True),
        **_side_exits(_COMPLAINT_WORKING),
    },
    # Luật Khiếu nại 2011 Đ.36–41: the second-level decision is final (the citizen may sue).
    "complaint_second": {
        "start_verification": _t({S.ACCEPTED}, S.VERIFYING),
        "hold_dialogue": _t({S.VERIFYING}, S.DIALOGUE),
        "decide": _t({S.VERIFYING, S.DIALOGUE}, S.FINAL, Permission.CASE_APPROVE, True),
        "start_enforcement": _t({S.FINAL}, S.ENFORCING),
        "close": _t({S.FINAL, S.ENFORCING}, S.CLOSED, Permission.CASE_APPROVE, True),
        **_side_exits(_COMPLAINT_WORKING),
    },
    # Luật Tố cáo 2018 Đ.31–35: verify, conclude, handle the conclusion.
    "denunciation": {
        "start_verification": _t({S.ACCEPTED}, S.VERIFYING),
        "conclude": _t({S.VERIFYING}, S.CONCLUDED, Permission.CASE_APPROVE, True),
        "handle_conclusion": _t({S.CONCLUDED}, S.HANDLED, Permission.CASE_WORK, True),
        "close": _t({S.HANDLED}, S.CLOSED, Permission.CASE_APPROVE, True),
        **_side_exits({S.ACCEPTED, S.VERIFYING}),
    },
    # Kiến nghị, phản ánh: answered by a letter, then closed.
    "proposal": {
        "answer": _t({S.ACCEPTED}, S.ANSWERED, Permission.CASE_APPROVE, True),
        "close": _t({S.ANSWERED}, S.CLOSED, Permission.CASE_WORK, False),
        "withdraw": _t({S.ACCEPTED}, S.WITHDRAWN, Permission.CASE_WORK, True),
    },
}

ACTION_LABELS = {
    "start_verification": _l("Bắt đầu xác minh"),
    "hold_dialogue": _l("Tổ chức đối thoại"),
    "decide": _l("Ban hành quyết định giải quyết"),
    "appeal": _l("Ghi nhận khiếu nại lần hai"),
    "make_final": _l("Quyết định có hiệu lực pháp luật"),
    "start_enforcement": _l("Tổ chức thi hành"),
    "conclude": _l("Ban hành kết luận"),
    "handle_conclusion": _l("Xử lý kết luận"),
    "answer": _l("Trả lời kiến nghị, phản ánh"),
    "close": _l("Kết thúc hồ sơ"),
    "suspend": _l("Tạm đình chỉ"),
    "resume": _l("Tiếp tục giải quyết"),
    "withdraw": _l("Ghi nhận rút đơn"),
    "terminate": _l("Đình chỉ giải quyết"),
}


class InvalidTransition(Exception):
    """An action that the case's kind, state or the user's rights do not allow."""


def table(kind: str) -> dict[str, Transition]:
    """The transition table of a kind of case."""
    return TABLES[kind]


def target_state(kind: str, state: str, action: str, suspended_from: str | None = None) -> str:
    """The state the action leads to from `state` (for resume: the state it was suspended in)."""
    transition = TABLES[kind][action]
    if transition.target is RESUME:
        if not suspended_from:
            raise InvalidTransition(str(_l("Không rõ trạng thái trước khi tạm đình chỉ.")))
        return suspended_from
    return transition.target.value


def check(kind: str, state: str, action: str, user=None) -> Transition:
    """The transition, or InvalidTransition when the kind, the state or the user's role forbids it."""
    transition = TABLES.get(kind, {}).get(action)
    if transition is None:
        raise InvalidTransition(str(_l("Thao tác không áp dụng cho loại vụ việc này.")))
    if CaseState(state) not in transition.sources:
        raise InvalidTransition(str(_l("Không thể thực hiện “%(action)s” khi vụ việc đang ở trạng thái này.",
                                       action=ACTION_LABELS[action])))
    if user is not None and not user.can(transition.permission):
        raise InvalidTransition(str(_l("Bạn không có quyền thực hiện “%(action)s”.", action=ACTION_LABELS[action])))
    return transition


def allowed_actions(kind: str, state: str, user=None) -> list[str]:
    """Actions possible now (for the user, when given): the page offers exactly these."""
    out = []
    for action in TABLES.get(kind, {}):
        try:
            check(kind, state, action, user)
        except InvalidTransition:
            continue
        out.append(action)
    return out
