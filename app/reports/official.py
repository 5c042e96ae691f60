"""The official statistical forms (DOMAIN.md §7; TT 02/2021/TT-TTCP as implemented by the GO.API
reporting system): 01/TCD reception, 01/XLD petition processing, 01/KQGQ complaint results, the
denunciation results (KQGQ-TC) and 02/KQGQ enforcement — each column a condition in SQL.

Conventions (docs/reports.md):
- A petition transferred in from an agency that is itself in the scope is not counted again.
- A petition merged as a duplicate counts as a petition (lượt đơn) but not as a separate case.
- Carried over (kỳ trước chuyển sang): received / accepted before the period and not yet
  processed / decided at its start.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from app.audit.models import Event
from app.cases.models import Case, CaseKind, CaseOutcome
from app.formatting import format_date, to_local
from app.petitions.models import Petition, PetitionKind, PetitionStatus
from app.reception.models import ReceptionSession, SessionMode, SessionStatus, Visit, VisitOutcome
from app.reports.engine import Column, Entity, Form

K = PetitionKind
CLOSED = [s.value for s in (PetitionStatus.ACCEPTED, PetitionStatus.GUIDED, PetitionStatus.TRANSFERRED,
                            PetitionStatus.URGED, PetitionStatus.FILED, PetitionStatus.MERGED,
                            PetitionStatus.SPLIT)]


# --- entities -----------------------------------------------------------------------------------

def _describe_visit(v: Visit) -> dict:
    from app.reception.labels import OUTCOME_LABELS
    from app.petitions.labels import KIND_LABELS
    return {"url": f"/staff/reception/visits/{v.id}", "code": f"{v.number}/{v.year}",
            "date": format_date(to_local(v.visited_at)),
            "text": f"{KIND_LABELS.get(v.kind, v.kind)} · {v.people_count} · {OUTCOME_LABELS.get(v.outcome, '')}"}


def _describe_session(s: ReceptionSession) -> dict:
    return {"url": f"/staff/reception/sessions/{s.id}", "code": s.leader_name, "date": format_date(s.held_on),
            "text": s.place}


def _describe_petition(p: Petition) -> dict:
    from app.petitions.labels import KIND_LABELS, STATUS_LABELS
    return {"url": f"/staff/petitions/{p.id}", "code": p.tracking_code,
            "date": format_date(to_local(p.received_at)),
            "text": f"{KIND_LABELS.get(p.kind, p.kind)} · {STATUS_LABELS.get(p.status, p.status)} · {p.title}"}


def _describe_case(c: Case) -> dict:
    from app.cases.labels import CASE_KIND_LABELS, CASE_STATE_LABELS
    return {"url": f"/staff/cases/{c.id}", "code": c.decision_number or f"#{c.id}",
            "date": format_date(c.decision_date or c.accepted_on),
            "text": f"{CASE_KIND_LABELS.get(c.kind, c.kind)} · {CASE_STATE_LABELS.get(c.status, c.status)} · {c.title}"}


_Session = aliased(ReceptionSession)

VISITS = Entity("visits", Visit, Visit.agency_id, (Visit.visited_at.desc(), Visit.id.desc()), _describe_visit,
                joins=((_Session, _Session.id == Visit.session_id),))
SESSIONS = Entity("sessions", ReceptionSession, ReceptionSession.agency_id,
                  (ReceptionSession.held_on.desc(), ReceptionSession.id.desc()), _describe_session)
PETITIONS = Entity("petitions", Petition, Petition.agency_id, (Petition.received_at.desc(), Petition.id.desc()),
                   _describe_petition)
_PetitionCase = aliased(Case)
PETITIONS_WITH_CASE = Entity("petitions_case", Petition, Petition.agency_id,
                             (Petition.received_at.desc(), Petition.id.desc()), _describe_petition,
                             joins=((_PetitionCase, _PetitionCase.id == Petition.case_id),))
CASES = Entity("cases", Case, Case.agency_id, (Case.accepted_on.desc(), Case.id.desc()), _describe_case)


# --- 01/TCD: citizen reception --------------------------------------------------------------------

def _visit_in(ctx):
    start, end = ctx.period.bounds()
    return and_(Visit.visited_at >= start, Visit.visited_at < end)


def _v(extra=None):
    return lambda ctx: and_(_visit_in(ctx), *(extra() if extra else ()))


_REGULAR = lambda: (Visit.session_id.is_(None),)  # noqa: E731
_DIRECT = lambda: (Visit.session_id.is_not(None), _Session.mode == SessionMode.IN_PERSON.value)  # noqa: E731
_DELEGATED = lambda: (Visit.session_id.is_not(None), _Session.mode == SessionMode.DELEGATED.value)  # noqa: E731


def _with(base, *more):
    return lambda: tuple(base()) + more if base else more


def _reception_block(prefix: str, group: tuple, base, *, group_visits: bool = True) -> list[Column]:
    people = lambda: Visit.people_count  # noqa: E731
    cols = [
        Column(f"{prefix}_visits", _l("Lượt"), VISITS, _v(base), groups=group),
        Column(f"{prefix}_people", _l("Người"), VISITS, _v(base), value=people, unit="people", groups=group),
        Column(f"{prefix}_old", _l("Vụ việc cũ"), VISITS,
               _v(lambda: tuple(base() if base else ()) + (Visit.is_repeat.is_(True),)), groups=group),
        Column(f"{prefix}_new", _l("Vụ việc mới phát sinh"), VISITS,
               _v(lambda: tuple(base() if base else ()) + (Visit.is_repeat.is_(False),)), groups=group),
    ]
    if group_visits:
        g = group + (_l("Đoàn đông người"),)
        grouped = lambda: tuple(base() if base else ()) + (Visit.is_group.is_(True),)  # noqa: E731
        cols += [
            Column(f"{prefix}_groups", _l("Số đoàn"), VISITS, _v(grouped), groups=g),
            Column(f"{prefix}_group_people", _l("Người"), VISITS, _v(grouped), value=people, unit="people",
                   groups=g),
            Column(f"{prefix}_group_old", _l("Vụ việc cũ"), VISITS,
                   _v(lambda: grouped() + (Visit.is_repeat.is_(True),)), groups=g),
            Column(f"{prefix}_group_new", _l("Vụ việc mới phát sinh"), VISITS,
                   _v(lambda: grouped() + (Visit.is_repeat.is_(False),)), groups=g),
        ]
    return cols


def _sessions_held(mode: str):
    return lambda ctx: and_(ReceptionSession.status == SessionStatus.HELD.value, ReceptionSession.mode == mode,
                            ReceptionSession.held_on >= ctx.period.start, ReceptionSession.held_on <= ctx.period.end)


def _tcd_columns() -> tuple[Column, ...]:
    total = (_l("Tổng số"),)
    regular = (_l("Tiếp thường xuyên"),)
    direct = (_l("Lãnh đạo tiếp trực tiếp"),)
    delegated = (_l("Lãnh đạo ủy quyền tiếp"),)
    content = (_l("Nội dung tiếp (lượt)"),)
    result = (_l("Kết quả tiếp (lượt)"),)
    cols = _reception_block("total", total, None, group_visits=False)
    cols += _reception_block("regular", regular, _REGULAR)
    cols += [Column("direct_sessions", _l("Kỳ tiếp"), SESSIONS, _sessions_held(SessionMode.IN_PERSON.value),
                    groups=direct)]
    cols += _reception_block("direct", direct, _DIRECT)
    cols += [Column("delegated_sessions", _l("Kỳ tiếp"), SESSIONS, _sessions_held(SessionMode.DELEGATED.value),
                    groups=delegated)]
    cols += _reception_block("delegated", delegated, _DELEGATED)
    for kind, label in ((K.COMPLAINT, _l("Khiếu nại")), (K.DENUNCIATION, _l("Tố cáo")),
                        (K.PROPOSAL, _l("Kiến nghị, phản ánh"))):
        cols.append(Column(f"content_{kind.value}", label, VISITS,
                           _v(lambda kind=kind: (Visit.kind == kind.value,)), groups=content))
    for outcome, label in ((VisitOutcome.PETITION_RECEIVED, _l("Tiếp nhận đơn")),
                           (VisitOutcome.GUIDED, _l("Hướng dẫn")),
                           (VisitOutcome.SETTLED, _l("Giải thích, trả lời")),
                           (VisitOutcome.TRANSFERRED, _l("Chuyển đơn, chuyển nội dung")),
                           (VisitOutcome.REFUSED, _l("Từ chối tiếp"))):
        cols.append(Column(f"result_{outcome.value}", label, VISITS,
                           _v(lambda outcome=outcome: (Visit.outcome == outcome.value,)), groups=result))
    return tuple(cols)


# --- 01/XLD: petition processing ------------------------------------------------------------------

_Source = aliased(Petition)


def _not_counted_twice(ctx):
    """A copy transferred in from an agency of the same scope was counted where it arrived first."""
    return or_(Petition.source_petition_id.is_(None),
               not_(exists(select(_Source.id).where(_Source.id == Petition.source_petition_id,
                                                    _Source.agency_id.in_(ctx.scope_ids)))))


def _received(ctx):
    start, end = ctx.period.bounds()
    return and_(Petition.received_at >= start, Petition.received_at < end, _not_counted_twice(ctx))


def _carried(ctx):
    start, _end = ctx.period.bounds()
    return and_(Petition.received_at < start, or_(Petition.decided_at.is_(None), Petition.decided_at >= start),
                _not_counted_twice(ctx))


def _in_hand(ctx):
    return or_(_received(ctx), _carried(ctx))


def _processed(ctx):
    _start, end = ctx.period.bounds()
    return and_(_in_hand(ctx), Petition.status.in_(CLOSED), Petition.decided_at.is_not(None),
                Petition.decided_at < end)


def _eligible(ctx):
    return and_(_processed(ctx), Petition.status != PetitionStatus.FILED.value)


def _accepted(ctx, *more):
    return and_(_processed(ctx), Petition.status == PetitionStatus.ACCEPTED.value, *more)


def _resolved_case(ctx):
    return and_(_PetitionCase.decision_date.is_not(None), _PetitionCase.decision_date <= ctx.period.end)


def _multi():
    return or_(Petition.multi_signer.is_(True), Petition.is_group.is_(True))


def _anonymous():
    return Petition.file_reason == "anonymous"


def _transfer_answered(ctx):
    _start, end = ctx.period.bounds()
    copy = aliased(Petition)
    return and_(_processed(ctx), Petition.status == PetitionStatus.TRANSFERRED.value,
                exists(select(copy.id).where(copy.source_petition_id == Petition.id, copy.decided_at.is_not(None),
                                             copy.decided_at < end)))


def _xld_columns() -> tuple[Column, ...]:
    P = PETITIONS
    total = (_l("Tổng số đơn"),)
    received = total + (_l("Tiếp nhận trong kỳ"),)
    processed = (_l("Đã xử lý"),)
    by_kind = (_l("Phân loại theo nội dung (đơn đủ điều kiện xử lý)"),)
    own = (_l("Đơn thuộc thẩm quyền"),)
    state = own + (_l("Tình trạng giải quyết"),)
    other = (_l("Đơn không thuộc thẩm quyền"),)
    cols = [
        Column("total", _l("Tổng số"), P, _in_hand, groups=total),
        Column("carried", _l("Kỳ trước chuyển sang"), P, _carried, groups=total),
        Column("received_multi", _l("Nhiều người đứng tên"), P, lambda c: and_(_received(c), _multi()),
               groups=received),
        Column("received_single", _l("Một người đứng tên"), P,
               lambda c: and_(_received(c), not_(_multi()), or_(Petition.file_reason.is_(None), not_(_anonymous()))),
               groups=received),
        Column("received_other", _l("Đơn khác (không rõ họ tên, địa chỉ)"), P,
               lambda c: and_(_received(c), not_(_multi()), _anonymous()), groups=received),
        Column("processed", _l("Tổng số đã xử lý"), P, _processed, groups=processed),
        Column("eligible", _l("Đơn đủ điều kiện xử lý"), P, _eligible, groups=processed),
        Column("eligible_cases", _l("Số vụ việc"), P,
               lambda c: and_(_eligible(c), Petition.status != PetitionStatus.MERGED.value), groups=processed),
    ]
    for kind, label in ((K.COMPLAINT, _l("Khiếu nại")), (K.DENUNCIATION, _l("Tố cáo")),
                        (K.PROPOSAL, _l("Kiến nghị, phản ánh"))):
        cols.append(Column(f"eligible_{kind.value}", label, P,
                           lambda c, kind=kind: and_(_eligible(c), Petition.kind == kind.value), groups=by_kind))
    for kind, label in ((K.COMPLAINT, _l("Khiếu nại")), (K.DENUNCIATION, _l("Tố cáo")),
                        (K.PROPOSAL, _l("Kiến nghị, phản ánh"))):
        cols.append(Column(f"own_{kind.value}", label, P,
                           lambda c, kind=kind: _accepted(c, Petition.kind == kind.value), groups=own))
    PC = PETITIONS_WITH_CASE
    cols += [
        Column("own_resolved_first", _l("Đã giải quyết lần đầu"), PC,
               lambda c: _accepted(c, _resolved_case(c), _PetitionCase.kind != CaseKind.COMPLAINT_SECOND.value),
               groups=state),
        Column("own_resolved_repeat", _l("Đã giải quyết lần hai"), PC,
               lambda c: _accepted(c, _resolved_case(c), _PetitionCase.kind == CaseKind.COMPLAINT_SECOND.value),
               groups=state),
        Column("own_in_progress", _l("Đang giải quyết"), PC,
               lambda c: _accepted(c, not_(_resolved_case(c))), groups=state),
        Column("guided", _l("Hướng dẫn"), P,
               lambda c: and_(_processed(c), Petition.status == PetitionStatus.GUIDED.value), groups=other),
        Column("transferred", _l("Chuyển đơn"), P,
               lambda c: and_(_processed(c), Petition.status == PetitionStatus.TRANSFERRED.value), groups=other),
        Column("urged", _l("Đôn đốc giải quyết"), P,
               lambda c: and_(_processed(c), Petition.status == PetitionStatus.URGED.value), groups=other),
        Column("filed", _l("Lưu đơn, không đủ điều kiện"), P,
               lambda c: and_(_processed(c), Petition.status == PetitionStatus.FILED.value), groups=other),
        Column("not_processed", _l("Đơn chưa xử lý"), P,
               lambda c: and_(_in_hand(c), not_(_processed(c))), groups=(_l("Chưa xử lý"),)),
        Column("transfer_replies", _l("Văn bản phúc đáp nhận được do chuyển đơn"), P, _transfer_answered,
               groups=(_l("Phúc đáp"),)),
    ]
    return tuple(cols)


# --- 01/KQGQ and the denunciation results ---------------------------------------------------------

def _ended_event(to_status: str, before=None, within=None):
    """The case reached `to_status` (withdrawn, terminated) before a time / within the bounds."""
    cond = [Event.subject_type == "case", Event.subject_id == Case.id, Event.to_status == to_status]
    if before is not None:
        cond.append(Event.created_at < before)
    if within is not None:
        cond += [Event.created_at >= within[0], Event.created_at < within[1]]
    return exists(select(Event.id).where(*cond))


def _case_kinds(kinds):
    return Case.kind.in_([k.value for k in kinds])


def _case_new(kinds):
    return lambda c: and_(_case_kinds(kinds), Case.accepted_on >= c.period.start, Case.accepted_on <= c.period.end)


def _case_carried(kinds):
    def cond(c):
        start, _end = c.period.bounds()
        return and_(_case_kinds(kinds), Case.accepted_on < c.period.start,
                    or_(Case.decision_date.is_(None), Case.decision_date >= c.period.start),
                    not_(_ended_event("withdrawn", before=start)), not_(_ended_event("terminated", before=start)))
    return cond


def _case_in_hand(kinds):
    return lambda c: or_(_case_new(kinds)(c), _case_carried(kinds)(c))


def _decided(kinds, *more):
    return lambda c: and_(_case_in_hand(kinds)(c), Case.decision_date >= c.period.start,
                          Case.decision_date <= c.period.end, *more)


def _withdrawn(kinds):
    return lambda c: and_(_case_in_hand(kinds)(c), Case.decision_date.is_(None),
                          _ended_event("withdrawn", within=c.period.bounds()))


def _petition_count():
    return (select(func.count(Petition.id)).where(Petition.case_id == Case.id).correlate(Case)
            .scalar_subquery())


def _results_columns(kinds, outcomes: list[tuple], second_level: bool) -> tuple[Column, ...]:
    C = CASES
    in_hand = (_l("Thuộc thẩm quyền"),)
    resolved = (_l("Đã giải quyết"),)
    results = (_l("Kết quả giải quyết lần đầu"),) if second_level else (_l("Kết quả giải quyết"),)
    money = (_l("Kiến nghị thu hồi cho Nhà nước"),)
    returned = (_l("Trả lại cho tổ chức, cá nhân"),)
    discipline = (_l("Kiến nghị xử lý"),)
    time = (_l("Thời hạn giải quyết"),)
    cols = [
        Column("petitions", _l("Số đơn"), C, _case_in_hand(kinds), value=_petition_count, groups=in_hand),
        Column("cases", _l("Số vụ việc"), C, _case_in_hand(kinds), groups=in_hand),
        Column("carried", _l("Kỳ trước chuyển sang"), C, _case_carried(kinds), groups=in_hand),
        Column("new", _l("Tiếp nhận trong kỳ"), C, _case_new(kinds), groups=in_hand),
        Column("resolved", _l("Tổng số"), C, lambda c: or_(_decided(kinds)(c), _withdrawn(kinds)(c)),
               groups=resolved),
        Column("by_decision", _l("Bằng quyết định, kết luận"), C, _decided(kinds), groups=resolved),
        Column("withdrawn", _l("Rút đơn"), C, _withdrawn(kinds), groups=resolved),
    ]
    first_kinds = [k for k in kinds if k != CaseKind.COMPLAINT_SECOND]
    for outcome, label in outcomes:
        cols.append(Column(f"outcome_{outcome.value}", label, C,
                           _decided(first_kinds, Case.outcome == outcome.value), groups=results))
    if second_level:
        g2 = (_l("Kết quả giải quyết lần hai"),)
        second = [CaseKind.COMPLAINT_SECOND]
        cols += [
            Column("second_upheld", _l("Công nhận quyết định lần đầu"), C,
                   _decided(second, Case.outcome == CaseOutcome.INCORRECT.value), groups=g2),
            Column("second_changed", _l("Hủy, sửa quyết định lần đầu"), C,
                   _decided(second, Case.outcome.in_([CaseOutcome.CORRECT.value,
                                                      CaseOutcome.PARTLY_CORRECT.value])), groups=g2),
        ]
    cols += [
        Column("money_recommended", _l("Tiền (triệu đồng)"), C, _decided(kinds), value=lambda: Case.money_recommended,
               unit="money", groups=money),
        Column("land_recommended", _l("Đất (m²)"), C, _decided(kinds), value=lambda: Case.land_recommended,
               unit="land", groups=money),
        Column("money_returned", _l("Tiền (triệu đồng)"), C, _decided(kinds), value=lambda: Case.money_returned,
               unit="money", groups=returned),
        Column("land_returned", _l("Đất (m²)"), C, _decided(kinds), value=lambda: Case.land_returned,
               unit="land", groups=returned),
        Column("people_disciplined", _l("Số người kiến nghị xử lý kỷ luật"), C, _decided(kinds),
               value=lambda: Case.people_disciplined, unit="people", groups=discipline),
        Column("officials_disciplined", _l("Trong đó cán bộ, công chức"), C, _decided(kinds),
               value=lambda: Case.officials_disciplined, unit="people", groups=discipline),
        Column("to_investigation", _l("Chuyển cơ quan điều tra (vụ)"), C, _decided(kinds),
               value=lambda: Case.referred_to_investigation, unit="people", groups=discipline),
        Column("on_time", _l("Đúng hạn"), C, _decided(kinds, Case.due_date.is_not(None),
                                                     Case.decision_date <= Case.due_date), groups=time),
        Column("late", _l("Quá hạn"), C, _decided(kinds, Case.due_date.is_not(None),
                                                 Case.decision_date > Case.due_date), groups=time),
    ]
    return tuple(cols)


# --- 02/KQGQ: enforcement ---------------------------------------------------------------------------

_ENFORCED_KINDS = [CaseKind.COMPLAINT_FIRST, CaseKind.COMPLAINT_SECOND, CaseKind.DENUNCIATION]


def _to_enforce(c):
    return and_(_case_kinds(_ENFORCED_KINDS), Case.decision_date.is_not(None), Case.decision_date <= c.period.end,
                or_(Case.enforced_on.is_(None), Case.enforced_on >= c.period.start))


def _enforced(c):
    return and_(_to_enforce(c), Case.enforced_on.is_not(None), Case.enforced_on <= c.period.end)


def _enforcement_columns() -> tuple[Column, ...]:
    C = CASES
    decisions = (_l("Quyết định, kết luận"),)
    money_state = (_l("Tiền (triệu đồng)"), _l("Thu hồi cho Nhà nước"))
    money_back = (_l("Tiền (triệu đồng)"), _l("Trả lại cho tổ chức, cá nhân"))
    land_state = (_l("Đất (m²)"), _l("Thu hồi cho Nhà nước"))
    land_back = (_l("Đất (m²)"), _l("Trả lại cho tổ chức, cá nhân"))
    handled = (_l("Xử lý"),)
    return (
        Column("due", _l("Phải thực hiện"), C, _to_enforce, groups=decisions),
        Column("done", _l("Đã thực hiện xong"), C, _enforced, groups=decisions),
        Column("overdue", _l("Quá hạn thực hiện"), C,
               lambda c: and_(_to_enforce(c), Case.enforcement_due.is_not(None), Case.enforcement_due <= c.period.end,
                              or_(Case.enforced_on.is_(None), Case.enforced_on > Case.enforcement_due)),
               groups=decisions),
        Column("money_to_recover", _l("Phải thu"), C, _to_enforce, value=lambda: Case.money_recommended,
               unit="money", groups=money_state),
        Column("money_recovered", _l("Đã thu"), C, _enforced, value=lambda: Case.money_recovered,
               unit="money", groups=money_state),
        Column("money_to_return", _l("Phải trả"), C, _to_enforce, value=lambda: Case.money_returned,
               unit="money", groups=money_back),
        Column("money_given_back", _l("Đã trả"), C, _enforced, value=lambda: Case.money_returned,
               unit="money", groups=money_back),
        Column("land_to_recover", _l("Phải thu"), C, _to_enforce, value=lambda: Case.land_recommended,
               unit="land", groups=land_state),
        Column("land_recovered", _l("Đã thu"), C, _enforced, value=lambda: Case.land_recovered,
               unit="land", groups=land_state),
        Column("land_to_return", _l("Phải trả"), C, _to_enforce, value=lambda: Case.land_returned,
               unit="land", groups=land_back),
        Column("land_given_back", _l("Đã trả"), C, _enforced, value=lambda: Case.land_returned,
               unit="land", groups=land_back),
        Column("people_disciplined", _l("Số người đã bị xử lý kỷ luật"), C, _enforced,
               value=lambda: Case.people_disciplined, unit="people", groups=handled),
        Column("prosecuted", _l("Số vụ đã khởi tố"), C, _enforced,
               value=lambda: Case.referred_to_investigation, unit="people", groups=handled),
    )


COMPLAINTS = [CaseKind.COMPLAINT_FIRST, CaseKind.COMPLAINT_SECOND]
DENUNCIATIONS = [CaseKind.DENUNCIATION]

FORMS = {
    "01-tcd": Form("01/TCD", _l("Tổng hợp kết quả tiếp công dân"), _l("Tiếp công dân"), _tcd_columns()),
    "01-xld": Form("01/XLD", _l("Tổng hợp kết quả xử lý đơn"), _l("Xử lý đơn"), _xld_columns()),
    "01-kqgq": Form("01/KQGQ", _l("Tổng hợp kết quả giải quyết khiếu nại"), _l("Giải quyết khiếu nại"),
                    _results_columns(COMPLAINTS, [(CaseOutcome.CORRECT, _l("Khiếu nại đúng")),
                                                  (CaseOutcome.PARTLY_CORRECT, _l("Khiếu nại đúng một phần")),
                                                  (CaseOutcome.INCORRECT, _l("Khiếu nại sai"))], True)),
    "kqgq-tc": Form("KQGQ-TC", _l("Tổng hợp kết quả giải quyết tố cáo"), _l("Giải quyết tố cáo"),
                    _results_columns(DENUNCIATIONS, [(CaseOutcome.TRUE, _l("Tố cáo đúng")),
                                                     (CaseOutcome.PARTLY_TRUE, _l("Tố cáo đúng một phần")),
                                                     (CaseOutcome.UNTRUE, _l("Tố cáo sai"))], False)),
    "02-kqgq": Form("02/KQGQ", _l("Tổng hợp kết quả thực hiện quyết định giải quyết khiếu nại, kết luận nội dung "
                                  "tố cáo"), _l("Thi hành"), _enforcement_columns()),
}
