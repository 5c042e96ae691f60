"""Helpers of the case views: the forms a user gets on a case, how each posted form calls its service,
the clock's steps for the page, and rendering the page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.queries import timeline
from app.auth.permissions import Permission
from app.calendar.services import UnknownRule
from app.cases import clock, queries, services
from app.cases.forms import (
    AssessmentEndForm,
    AssignForm,
    DecisionFileForm,
    AssessmentStartForm,
    ComplexityForm,
    DecideForm,
    ExtendForm,
    FiguresForm,
    PlanEnforcementForm,
    RecordEnforcedForm,
    ResumeForm,
    SecondLevelForm,
    SuspendForm,
    TransitionForm,
)
from app.cases.labels import CASE_EVENT_LABELS, OUTCOME_LABELS, template_labels
from app.cases.models import OUTCOMES_BY_KIND, Case, CaseKind
from app.cases.workflow import END_STATES, CaseState, allowed_actions
from app.extensions import db
from app.petitions.models import Petition

# Plain changes of state: one button (and a note) each.
PLAIN_ACTIONS = ("start_verification", "hold_dialogue", "make_final", "start_enforcement", "handle_conclusion",
                 "close", "withdraw", "terminate")
WORKING = {CaseState.ACCEPTED.value, CaseState.VERIFYING.value}  # a denunciation's clock runs
# Shown in the "Theo dõi thi hành" section rather than in the actions panel.
ENFORCEMENT_ACTIONS = ("plan_enforcement", "record_enforced")
ENFORCEMENT_EVENT_LABELS = {
    "enforcement_planned": _l("Đặt hạn thi hành"),
    "enforced": _l("Ghi nhận thi hành xong"),
}


def _no_open_pause(case: Case) -> bool:
    return queries.open_pause(case) is None


def available(case: Case, user) -> list[str]:
    """The forms the user gets on this case now, in the order the page shows them."""
    out: list[str] = []
    own = case.agency_id == user.agency_id
    allowed = allowed_actions(case.kind, case.status, user) if own else []
    decide_action = services.DECIDING_ACTION[case.kind]
    if decide_action in allowed:
        out.append("decide")
    out += [a for a in PLAIN_ACTIONS if a in allowed]
    denunciation = case.kind == CaseKind.DENUNCIATION.value
    if own and denunciation and case.status in WORKING:
        if user.can(Permission.CASE_WORK):
            out.append("complexity")
        if user.can(Permission.CASE_APPROVE) and _no_open_pause(case):
            out.append("extend")
        if user.can(Permission.CASE_WORK):
            pause = queries.open_pause(case)
            if pause is None:
                out.append("assessment_start")
            elif pause.kind == "assessment":
                out.append("assessment_end")
    if "suspend" in allowed and _no_open_pause(case):
        out.append("suspend")
    if "resume" in allowed:
        out.append("resume")
    if own and user.can(Permission.CASE_WORK) and case.outcome and case.status not in (
            CaseState.WITHDRAWN.value, CaseState.TERMINATED.value):
        out.append("figures")
    if (own and user.can(Permission.CASE_WORK) and services.can_follow_enforcement(case)
            and case.enforced_on is None):
        out += list(ENFORCEMENT_ACTIONS)
    if own and user.can(Permission.CASE_APPROVE) and CaseState(case.status) not in END_STATES:
        out.append("assign")
    if own and user.can(Permission.CASE_WORK) and case.decision_number:
        out.append("decision_file")
    if (case.kind == CaseKind.COMPLAINT_FIRST.value and case.status == CaseState.DECIDED.value
            and user.can(Permission.CASE_APPROVE) and case.agency.parent_id == user.agency_id):
        out.append("second_level")
    return out


@dataclass(frozen=True)
class Spec:
    """How one form is built and what it calls."""

    form: type
    run: Callable  # (case, user, form) -> Case | None (a new case to go to)


def _transition(action):
    return lambda case, user, form: services.apply(case, action, user, note=(form.note.data or "").strip() or None)


def _decide(case, user, form):
    received = form.received_on.data if "received_on" in form else None
    services.decide(case, user, services.Decision(outcome=form.outcome.data or "", number=form.number.data or "",
                                                  decided_on=form.decided_on.data, signer=form.signer.data or "",
                                                  received_on=received))


def _decision_file(case, user, form):
    """Store the upload; the old file (if replaced) goes once the change is committed."""
    from flask import g

    upload = form.signed_file.data
    data = upload.read() if upload else b""
    g.case_written_keys = written = []
    g.case_replaced_key = services.attach_decision_file(
        case, user, filename=getattr(upload, "filename", "") or "", data=data, written_keys=written)


def _figures(case, user, form):
    services.record_figures(case, user, **{name: form[name].data for name in services.FIGURES})


SPECS: dict[str, Spec] = {
    **{a: Spec(TransitionForm, _transition(a)) for a in PLAIN_ACTIONS},
    "decide": Spec(DecideForm, _decide),
    "suspend": Spec(SuspendForm, lambda c, u, f: services.suspend(
        c, u, started_on=f.started_on.data, reason=f.reason.data or "", decision_number=f.decision_number.data)),
    "resume": Spec(ResumeForm, lambda c, u, f: services.resume(c, u, ended_on=f.ended_on.data)),
    "assessment_start": Spec(AssessmentStartForm, lambda c, u, f: services.start_assessment(
        c, u, started_on=f.started_on.data, reason=f.reason.data or "")),
    "assessment_end": Spec(AssessmentEndForm, lambda c, u, f: services.end_assessment(c, u, ended_on=f.ended_on.data)),
    "complexity": Spec(ComplexityForm, lambda c, u, f: services.set_complexity(c, f.criteria.data or [], u)),
    "extend": Spec(ExtendForm, lambda c, u, f: services.extend(
        c, u, decided_on=f.decided_on.data, decision_number=f.decision_number.data or "", reason=f.reason.data or "")),
    "figures": Spec(FiguresForm, _figures),
    "plan_enforcement": Spec(PlanEnforcementForm, lambda c, u, f: services.plan_enforcement(
        c, u, due=f.due.data, note=f.note.data or "")),
    "record_enforced": Spec(RecordEnforcedForm, lambda c, u, f: services.record_enforced(
        c, u, done_on=f.done_on.data, note=f.note.data or "")),
    "assign": Spec(AssignForm, lambda c, u, f: services.assign(
        c, u, resolver_id=int(f.resolver.data) if f.resolver.data else None,
        leader_id=int(f.leader.data) if f.leader.data else None,
        verification_team=f.verification_team.data or "", is_remote=bool(f.is_remote.data))),
    "decision_file": Spec(DecisionFileForm, _decision_file),
    "second_level": Spec(SecondLevelForm, lambda c, u, f: services.open_second_level(c, u, received_on=f.received_on.data)),
}


def make_form(name: str, case: Case, *, posted: bool = False):
    """The form of an action: from the request when `posted`, else prefilled from the case."""
    spec = SPECS[name]
    kwargs = {} if posted else {"formdata": None}
    if not posted and name == "complexity":
        kwargs["criteria"] = list(case.complexity_criteria or [])
    if not posted and name == "figures":
        kwargs.update({n: getattr(case, n) for n in services.FIGURES})
    if not posted and name == "assign":
        kwargs.update(resolver=str(case.resolver_id or ""), leader=str(case.leader_id or ""),
                      verification_team=case.verification_team, is_remote=case.is_remote)
    if not posted and name == "plan_enforcement":
        kwargs.update(due=case.enforcement_due, note=case.enforcement_note)
    form = spec.form(prefix=name, meta={"csrf": False}, **kwargs)  # CSRFProtect guards every POST
    if name == "assign":
        from app.auth.models import User

        staff = db.session.scalars(select(User).where(User.agency_id == case.agency_id, User.active.is_(True))
                                   .order_by(User.full_name)).all()
        form.resolver.choices = [("", str(_l("— Chưa phân công —")))] + [
            (str(u.id), u.full_name) for u in staff if u.role in ("handler", "leader")]
        form.leader.choices = [("", str(_l("— Chưa phân công —")))] + [(str(u.id), u.full_name) for u in staff
                                                                  if u.role == "leader"]
    if name == "decide":
        form.outcome.choices = [(o.value, str(OUTCOME_LABELS[o.value])) for o in OUTCOMES_BY_KIND[case.kind]]
        if case.kind != CaseKind.COMPLAINT_FIRST.value:
            del form.received_on
    return form


def action_forms(case: Case, user, **given) -> dict:
    """One form per available action; `given` holds the one just posted (with its input and errors)."""
    return {name: given.get(name) or make_form(name, case) for name in available(case, user)}


def attach_error(form, exc: services.CaseError) -> None:
    """Show a service's refusal next to its field, or at the top of the form."""
    if exc.field_name and exc.field_name in form:
        form[exc.field_name].errors = list(form[exc.field_name].errors or []) + [str(exc)]
    else:
        form.form_errors.append(str(exc))


@dataclass
class Step:
    """A row of the clock's history."""

    what: str  # suspension / assessment / extension
    on: date
    until: date | None
    number: str | None
    reason: str
    due_after: date | None


def clock_view(case: Case):
    """(base due date, steps) from the case's records and the clock; None when there is no rule."""
    if not case.due_rule_code:
        return None
    try:
        state = clock.compute(
            case.due_rule_code, case.accepted_on, complex_=case.is_complex, remote=case.is_remote,
            pauses=[clock.Pause(p.started_on, p.ended_on) for p in case.pauses],
            extensions=[clock.Extension(e.decided_on) for e in case.extensions], level=case.complexity_level)
    except (clock.ClockError, UnknownRule):
        return None
    # The same order as clock.compute: by date, a pause before an extension on the same day.
    events = sorted([(p.started_on, 0, p) for p in case.pauses] + [(e.decided_on, 1, e) for e in case.extensions],
                    key=lambda t: (t[0], t[1]))
    steps = []
    for (on, order, rec), (_what, _on, due_after) in zip(events, state.steps):
        if order == 0:
            steps.append(Step(rec.kind, rec.started_on, rec.ended_on, rec.decision_number, rec.reason, due_after))
        else:
            steps.append(Step("extension", rec.decided_on, None, rec.decision_number, rec.reason, due_after))
    return state.base_due, steps


def render_detail(case: Case, user, *, forms: dict | None = None, status: int = 200, active: str | None = None):
    """The case page."""
    forms = forms if forms is not None else action_forms(case, user)
    parent = queries.get_for_user(user, case.parent_case_id) if case.parent_case_id else None
    children = db.session.scalars(select(Case).where(Case.parent_case_id == case.id).order_by(Case.id)).all()
    petitions = db.session.scalars(select(Petition).where(Petition.case_id == case.id).order_by(Petition.id)).all()
    return render_template(
        "cases/detail.html", case=case, forms=forms, active=active, clock=clock_view(case),
        pause=queries.open_pause(case), parent=parent, children=children,
        visible_children={c.id for c in children if queries.get_for_user(user, c.id) is not None},
        petitions=petitions, timeline=timeline("case", case.id, public_only=False),
        is_open=case.status in queries.RESOLVING_VALUES, ended=CaseState(case.status) in END_STATES,
        enforcement_actions=ENFORCEMENT_ACTIONS,
        show_enforcement=bool(case.enforcement_due or case.enforced_on
                              or any(a in forms for a in ENFORCEMENT_ACTIONS)),
        **{**template_labels(), "CASE_EVENT_LABELS": {**CASE_EVENT_LABELS, **ENFORCEMENT_EVENT_LABELS}},
    ), status
