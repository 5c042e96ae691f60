"""The triage transition table and the one function that changes a petition's status.

Each action lists the states it may start from, the state it leads to (for `approve`, the
outcome of the proposal), the permission it needs, and whether the citizen sees the event.
`allowed_actions` feeds the buttons, so the page never offers what the server would refuse.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.audit.services import record_event
from app.auth.permissions import Permission
from app.petitions.models import PROPOSAL_OUTCOME, Petition
from app.petitions.models import PetitionStatus as S


class InvalidTransition(Exception):
    """An action that the petition's state or the user's rights do not allow."""


@dataclass(frozen=True)
class Transition:
    """One row of the table."""

    sources: frozenset[S]
    target: S | None  # None: decided by the proposal (approve)
    permission: Permission
    public: bool


TRANSITIONS: dict[str, Transition] = {
    "classify": Transition(frozenset({S.RECEIVED, S.CLASSIFIED}), S.CLASSIFIED, Permission.PETITION_TRIAGE, False),
    "propose": Transition(frozenset({S.CLASSIFIED}), S.PROPOSED, Permission.PETITION_TRIAGE, False),
    "withdraw_proposal": Transition(frozenset({S.PROPOSED}), S.CLASSIFIED, Permission.PETITION_TRIAGE, False),
    "return": Transition(frozenset({S.PROPOSED}), S.CLASSIFIED, Permission.PETITION_APPROVE, False),
    "approve": Transition(frozenset({S.PROPOSED}), None, Permission.PETITION_APPROVE, True),
    "split": Transition(frozenset({S.RECEIVED, S.CLASSIFIED}), S.SPLIT, Permission.PETITION_TRIAGE, True),
}

ACTION_LABELS = {
    "classify": _l("Phân loại"),
    "propose": _l("Đề xuất xử lý"),
    "withdraw_proposal": _l("Rút đề xuất"),
    "return": _l("Trả lại đề xuất"),
    "approve": _l("Phê duyệt"),
    "split": _l("Tách đơn"),
}


def target_state(petition: Petition, action: str) -> str:
    """The state the action would lead to."""
    transition = TRANSITIONS[action]
    if transition.target is not None:
        return transition.target.value
    return PROPOSAL_OUTCOME[petition.proposed_action]


def check(petition: Petition, action: str, user) -> Transition:
    """The transition, or InvalidTransition if the state or the user's role forbids it."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise InvalidTransition(str(_l("Thao tác không tồn tại.")))
    if S(petition.status) not in transition.sources:
        raise InvalidTransition(str(_l("Không thể thực hiện “%(action)s” khi đơn đang ở trạng thái này.",
                                       action=ACTION_LABELS[action])))
    if not user.can(transition.permission):
        raise InvalidTransition(str(_l("Bạn không có quyền thực hiện “%(action)s”.", action=ACTION_LABELS[action])))
    if petition.agency_id != user.agency_id:
        raise InvalidTransition(str(_l("Đơn không thuộc cơ quan của bạn.")))
    return transition


def allowed_actions(petition: Petition, user) -> list[str]:
    """Actions the user may take on the petition now."""
    out = []
    for action in TRANSITIONS:
        try:
            check(petition, action, user)
        except InvalidTransition:
            continue
        out.append(action)
    return out


def apply(petition: Petition, action: str, user, *, note: str | None = None,
          public_note: str | None = None) -> str:
    """Change the status (the only place that does) and write the event; return the new state."""
    transition = check(petition, action, user)
    before = petition.status
    after = target_state(petition, action)
    petition.status = after
    record_event(
        "petition", petition.id, action if action != "approve" else f"approved_{petition.proposed_action}",
        actor_user_id=user.id, actor_label=user.full_name,
        from_status=before, to_status=after,
        note=public_note if transition.public else note,
        is_public=transition.public,
    )
    if transition.public and note and note != public_note:
        # The internal reasoning stays internal, next to the public event.
        record_event("petition", petition.id, "note", actor_user_id=user.id, actor_label=user.full_name,
                     note=note, is_public=False)
    return after
