"""The case transition tables, exhaustively: every (kind, state, action) is allowed exactly when the
table says so, every state is reachable from acceptance, and every state can reach an end."""
from __future__ import annotations

import itertools

import pytest

from app.auth.permissions import Permission, role_has
from app.cases.workflow import (
    END_STATES,
    RESUME,
    TABLES,
    CaseState,
    InvalidTransition,
    allowed_actions,
    check,
    target_state,
)


@pytest.fixture(scope="module")
def app():
    """An application context for the translated messages (no database: the tables are pure)."""
    from app import create_app
    from tests.conftest import make_config

    application = create_app(make_config())
    with application.app_context():
        yield application


class FakeUser:
    def __init__(self, role):
        self.role = role

    def can(self, permission):
        return role_has(self.role, permission)


ALL_ACTIONS = sorted({a for t in TABLES.values() for a in t})


@pytest.mark.parametrize("kind, state, action", list(itertools.product(TABLES, [s.value for s in CaseState],
                                                                       ALL_ACTIONS)))
def test_each_action_is_allowed_exactly_from_its_sources(app, kind, state, action):
    transition = TABLES[kind].get(action)
    allowed = transition is not None and CaseState(state) in transition.sources
    if allowed:
        assert check(kind, state, action).sources == transition.sources
        assert action in allowed_actions(kind, state)
    else:
        with pytest.raises(InvalidTransition):
            check(kind, state, action)
        assert action not in allowed_actions(kind, state)


def _graph(kind):
    edges = {}
    for action, t in TABLES[kind].items():
        for source in t.sources:
            targets = set(t.sources) - {CaseState.SUSPENDED} if t.target is RESUME else {t.target}
            edges.setdefault(source, set()).update(targets)
    return edges


@pytest.mark.parametrize("kind", list(TABLES))
def test_every_state_is_reachable_and_every_state_can_end(kind):
    edges = _graph(kind)
    states = set(edges) | {t for ts in edges.values() for t in ts}
    seen, todo = {CaseState.ACCEPTED}, [CaseState.ACCEPTED]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == states
    for state in states - END_STATES:
        reach, todo = set(), [state]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in reach:
                    reach.add(nxt)
                    todo.append(nxt)
        assert reach & END_STATES, (kind, state)
    assert not any(edges.get(s) for s in END_STATES), "an end state has a way out"


def test_resume_returns_to_the_state_it_was_suspended_in(app):
    assert target_state("denunciation", "suspended", "resume", suspended_from="verifying") == "verifying"
    with pytest.raises(InvalidTransition):
        target_state("denunciation", "suspended", "resume", suspended_from=None)


def test_decisions_and_side_exits_need_a_leader(app):
    handler, leader = FakeUser("handler"), FakeUser("leader")
    assert "decide" not in allowed_actions("complaint_first", "verifying", handler)
    assert "decide" in allowed_actions("complaint_first", "verifying", leader)
    assert "start_verification" in allowed_actions("denunciation", "accepted", handler)
    with pytest.raises(InvalidTransition):
        check("denunciation", "verifying", "suspend", handler)
    assert not role_has("supervisor", Permission.CASE_WORK) and role_has("supervisor", Permission.CASE_READ)
    # A second-level decision is final; only a first-level one can be appealed.
    assert target_state("complaint_second", "verifying", "decide") == "final"
    assert "appeal" not in TABLES["complaint_second"]
