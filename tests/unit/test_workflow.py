"""The triage transition table, exhaustively: every state × action × role is allowed or refused."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.auth.permissions import Permission, Role, role_has
from app.petitions import workflow
from app.petitions.models import PetitionStatus

EXPECTED_SOURCES = {
    "classify": {"received", "classified"},
    "propose": {"classified"},
    "withdraw_proposal": {"proposed"},
    "return": {"proposed"},
    "approve": {"proposed"},
    "split": {"received", "classified"},
}


def user(role: str, agency_id: int = 1):
    return SimpleNamespace(role=role, agency_id=agency_id, can=lambda p: role_has(role, p))


@pytest.mark.parametrize("status", [s.value for s in PetitionStatus])
@pytest.mark.parametrize("action", list(workflow.TRANSITIONS))
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_state_action_role(status, action, role):
    petition = SimpleNamespace(status=status, agency_id=1, proposed_action="accept")
    actor = user(role)
    allowed = status in EXPECTED_SOURCES[action] and role_has(role, workflow.TRANSITIONS[action].permission)
    if allowed:
        assert workflow.check(petition, action, actor) is workflow.TRANSITIONS[action]
        assert action in workflow.allowed_actions(petition, actor)
    else:
        with pytest.raises(workflow.InvalidTransition):
            workflow.check(petition, action, actor)
        assert action not in workflow.allowed_actions(petition, actor)


@pytest.mark.parametrize("action", list(workflow.TRANSITIONS))
def test_other_agency_always_refused(action):
    status = sorted(EXPECTED_SOURCES[action])[0]
    petition = SimpleNamespace(status=status, agency_id=2, proposed_action="accept")
    with pytest.raises(workflow.InvalidTransition):
        workflow.check(petition, action, user("leader", agency_id=1))


def test_unknown_action_refused():
    with pytest.raises(workflow.InvalidTransition):
        workflow.check(SimpleNamespace(status="received", agency_id=1), "delete", user("leader"))


@pytest.mark.parametrize("proposal,state", [("accept", "accepted"), ("guide", "guided"), ("transfer", "transferred"),
                                            ("urge", "urged"), ("file", "filed"), ("merge", "merged")])
def test_approve_leads_to_the_proposed_outcome(proposal, state):
    petition = SimpleNamespace(status="proposed", agency_id=1, proposed_action=proposal)
    assert workflow.target_state(petition, "approve") == state


def test_roles_and_permissions():
    assert role_has("leader", Permission.PETITION_APPROVE)
    assert not role_has("handler", Permission.PETITION_APPROVE)
    assert not role_has("admin", Permission.IDENTITY_REVEAL)
    assert not role_has("supervisor", Permission.IDENTITY_REVEAL)
    assert not role_has("nobody", Permission.PETITION_READ)
