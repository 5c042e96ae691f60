"""The narrative summary: a paragraph of Vietnamese prose built from the same engine as the forms
(like the second paragraph of the seed report), each figure a column that can be drilled into.

Conventions (docs/reports.md): inspections "carried out" in a period are those started by its
end and not concluded before its start; "concluded" have their conclusion issued in it; money
found and recommended is that of the conclusions issued in the period, money recovered that of
the recoveries dated in it, and the rate is recovered / recommended. Anti-corruption inspections
are reported in their own clause. Directives are those assigned in the period, their status as
at its last day; key tasks are reported apart from the four status figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from app.formatting import format_date, format_million_vnd, format_number
from app.inspections.models import Inspection, InspectionRecovery, InspectionTopic
from app.oversight.models import LEADER_SOURCES, Directive, DirectiveStatus, status_expr
from app.petitions.models import Petition
from app.reception.models import Visit
from app.reports import official
from app.reports.engine import Column, Entity, Form, Scope, compute
from app.reports.period import Period


def _describe_inspection(i: Inspection) -> dict:
    return {"url": f"/staff/inspections/{i.id}", "code": i.decision_number,
            "date": format_date(i.concluded_on or i.started_on), "text": i.title}


def _describe_recovery(r: InspectionRecovery) -> dict:
    return {"url": f"/staff/inspections/{r.inspection_id}", "code": r.document or f"#{r.id}",
            "date": format_date(r.recovered_on), "text": r.inspection.title}


def _describe_directive(d: Directive) -> dict:
    return {"url": f"/staff/directives/{d.id}", "code": d.document_number or f"#{d.id}",
            "date": format_date(d.issued_on), "text": d.content[:200]}


INSPECTIONS = Entity("inspections", Inspection, Inspection.agency_id,
                     (Inspection.started_on.desc(), Inspection.id.desc()), _describe_inspection)
RECOVERIES = Entity("recoveries", InspectionRecovery, Inspection.agency_id,
                    (InspectionRecovery.recovered_on.desc(), InspectionRecovery.id.desc()), _describe_recovery,
                    joins=((Inspection, Inspection.id == InspectionRecovery.inspection_id),))
DIRECTIVES = Entity("directives", Directive, Directive.assignee_agency_id,
                    (Directive.issued_on.desc(), Directive.id.desc()), _describe_directive)

AC = InspectionTopic.ANTI_CORRUPTION.value


def _topic(anti_corruption: bool):
    return Inspection.topic == AC if anti_corruption else Inspection.topic != AC


def _active(anti_corruption: bool):
    return lambda c: and_(_topic(anti_corruption), Inspection.started_on <= c.period.end,
                          or_(Inspection.concluded_on.is_(None), Inspection.concluded_on >= c.period.start))


def _concluded(anti_corruption: bool | None = None):
    def cond(c):
        within = and_(Inspection.concluded_on >= c.period.start, Inspection.concluded_on <= c.period.end)
        return within if anti_corruption is None else and_(within, _topic(anti_corruption))
    return cond


def _recovered(c):
    return and_(InspectionRecovery.recovered_on >= c.period.start, InspectionRecovery.recovered_on <= c.period.end)


def _assigned(*more):
    return lambda c: and_(Directive.issued_on >= c.period.start, Directive.issued_on <= c.period.end, *more)


def _status(*statuses: DirectiveStatus):
    return lambda c: and_(_assigned(Directive.is_key_task.is_(False))(c),
                          status_expr(c.period.end).in_([s.value for s in statuses]))


def _visits_in(c):
    start, end = c.period.bounds()
    return and_(Visit.visited_at >= start, Visit.visited_at < end)


def _received_in_period(c):
    start, end = c.period.bounds()
    return and_(Petition.received_at >= start, Petition.received_at < end)


def _petitions_in(c):
    return and_(_received_in_period(c), official._not_counted_twice(c))


S = DirectiveStatus
I, R, D = INSPECTIONS, RECOVERIES, DIRECTIVES
SUMMARY = Form("TOM-TAT", _l("Tóm tắt kết quả công tác"), _l("Tóm tắt"), (
    Column("inspections", _l("Cuộc thanh tra triển khai"), I, _active(False), groups=(_l("Thanh tra"),)),
    Column("inspections_concluded", _l("Đã kết thúc"), I, _concluded(False), groups=(_l("Thanh tra"),)),
    Column("money_violation", _l("Tiền sai phạm (triệu đồng)"), I, _concluded(), unit="money",
           value=lambda: Inspection.money_violation, groups=(_l("Thanh tra"),)),
    Column("money_recommended", _l("Kiến nghị thu hồi (triệu đồng)"), I, _concluded(), unit="money",
           value=lambda: Inspection.money_recommended, groups=(_l("Thanh tra"),)),
    Column("money_recovered", _l("Đã thu hồi (triệu đồng)"), R, _recovered, unit="money",
           value=lambda: InspectionRecovery.money, groups=(_l("Thanh tra"),)),
    Column("land_violation", _l("Đất sai phạm (m²)"), I, _concluded(), unit="land",
           value=lambda: Inspection.land_violation, groups=(_l("Thanh tra"),)),
    Column("land_recommended", _l("Đất kiến nghị thu hồi (m²)"), I, _concluded(), unit="land",
           value=lambda: Inspection.land_recommended, groups=(_l("Thanh tra"),)),
    Column("land_recovered", _l("Đất đã thu hồi (m²)"), R, _recovered, unit="land",
           value=lambda: InspectionRecovery.land, groups=(_l("Thanh tra"),)),
    Column("ac_inspections", _l("Thanh tra phòng, chống tham nhũng"), I, _active(True),
           groups=(_l("Phòng, chống tham nhũng"),)),
    Column("ac_concluded", _l("Đã kết thúc"), I, _concluded(True), groups=(_l("Phòng, chống tham nhũng"),)),
    Column("visits", _l("Lượt tiếp công dân"), official.VISITS, _visits_in, groups=(_l("Tiếp công dân, đơn thư"),)),
    Column("petitions", _l("Lượt đơn tiếp nhận"), official.PETITIONS, _petitions_in,
           groups=(_l("Tiếp công dân, đơn thư"),), bounds=_received_in_period),
    Column("directives", _l("Nhiệm vụ được giao"), D, _assigned(), groups=(_l("Nhiệm vụ"),)),
    Column("key_tasks", _l("Nhiệm vụ trọng tâm"), D, _assigned(Directive.is_key_task.is_(True)),
           groups=(_l("Nhiệm vụ"),)),
    Column("key_tasks_done", _l("Trọng tâm đã hoàn thành"), D,
           lambda c: and_(_assigned(Directive.is_key_task.is_(True))(c), Directive.done_on.is_not(None),
                          Directive.done_on <= c.period.end), groups=(_l("Nhiệm vụ"),)),
    Column("by_leaders", _l("Do Chủ tịch, Phó Chủ tịch giao"), D, _assigned(Directive.source.in_(LEADER_SOURCES)),
           groups=(_l("Nhiệm vụ"),)),
    Column("done", _l("Đã hoàn thành"), D, _status(S.DONE_ON_TIME, S.DONE_LATE), groups=(_l("Nhiệm vụ"),)),
    Column("done_on_time", _l("Hoàn thành đúng hạn"), D, _status(S.DONE_ON_TIME), groups=(_l("Nhiệm vụ"),)),
    Column("done_late", _l("Hoàn thành quá hạn"), D, _status(S.DONE_LATE), groups=(_l("Nhiệm vụ"),)),
    Column("in_progress", _l("Đang thực hiện trong hạn"), D, _status(S.IN_PROGRESS), groups=(_l("Nhiệm vụ"),)),
    Column("overdue", _l("Quá hạn chưa hoàn thành"), D, _status(S.OVERDUE), groups=(_l("Nhiệm vụ"),)),
))


@dataclass
class Summary:
    period: Period
    scope: Scope
    figures: dict
    rate: Decimal | None  # recovered / recommended, in %
    computed_at: datetime | None = None

    @property
    def text(self) -> str:
        return narrative(self)


def summarise(scope: Scope, period: Period) -> Summary:
    """The summary figures over the whole scope."""
    table = compute(SUMMARY, scope, period)
    figures = table.total
    rate = None
    if figures["money_recommended"]:
        rate = (Decimal(figures["money_recovered"]) * 100 / Decimal(figures["money_recommended"]))
    return Summary(period, scope, figures, rate, table.computed_at)


def percent(value: Decimal) -> str:
    """88.82… → `88,8%`."""
    return f"{format_number(value, 1)}%"


def narrative(s: Summary, fig=None) -> str:
    """The paragraph, in the words of the province's reports. `fig(key, text)` may dress each figure
    (the page makes it a link to the records behind it)."""
    f = s.figures
    fig = fig or (lambda key, text: text)

    def n(key):
        return fig(key, str(f[key]))

    def money(key):
        return fig(key, format_million_vnd(f[key]))

    def land(key):
        return fig(key, format_number(f[key], 1))

    who = s.scope.agency.name
    parts = [_("%(period)s, %(who)s triển khai %(n)s cuộc thanh tra và đã kết thúc %(done)s cuộc",
               period=s.period.phrase, who=who, n=n("inspections"), done=n("inspections_concluded"))]
    if f["money_violation"] or f["money_recommended"] or f["money_recovered"]:
        text = _("phát hiện số tiền sai phạm là %(found)s, kiến nghị thu hồi %(rec)s, đã thu hồi được %(got)s",
                 found=money("money_violation"), rec=money("money_recommended"), got=money("money_recovered"))
        if s.rate is not None:
            text += _(", đạt tỷ lệ %(rate)s", rate=percent(s.rate))
        parts.append(text)
    if f["land_violation"] or f["land_recommended"] or f["land_recovered"]:
        parts.append(_("phát hiện sai phạm %(found)s m² đất, kiến nghị thu hồi %(rec)s m², đã thu hồi %(got)s m²",
                       found=land("land_violation"), rec=land("land_recommended"), got=land("land_recovered")))
    first = ", ".join(parts)
    first += _("; tiếp %(v)s lượt công dân, tiếp nhận %(p)s lượt đơn thư", v=n("visits"), p=n("petitions"))
    if f["ac_inspections"]:
        first += _("; triển khai thực hiện %(n)s cuộc thanh tra việc thực hiện các quy định của pháp luật về phòng "
                   "chống tham nhũng, đã kết thúc %(done)s/%(total)s cuộc", n=n("ac_inspections"),
                   done=n("ac_concluded"), total=f["ac_inspections"])
    sentences = [first + "."]
    if f["directives"]:
        given = _("%(who)s được giao %(n)s nhiệm vụ", who=who, n=n("directives"))
        detail = []
        if f["key_tasks"]:
            detail.append(_("%(k)s nhiệm vụ trọng tâm", k=n("key_tasks")))
        if f["by_leaders"]:
            detail.append(_("%(c)s nhiệm vụ do Chủ tịch và các Phó Chủ tịch giao", c=n("by_leaders")))
        if detail:
            given += _(", trong đó có %(detail)s", detail=", ".join(detail))
        sentences.append(given + ".")
        status = []
        if f["key_tasks"]:
            if f["key_tasks_done"] == f["key_tasks"]:
                status.append(_("%(k)s nhiệm vụ trọng tâm đã hoàn thành", k=n("key_tasks_done")))
            else:
                status.append(_("%(d)s/%(k)s nhiệm vụ trọng tâm đã hoàn thành", d=n("key_tasks_done"),
                                k=f["key_tasks"]))
        status.append(_("đã hoàn thành %(d)s nhiệm vụ, trong đó có %(o)s nhiệm vụ hoàn thành đúng hạn, "
                        "%(l)s nhiệm vụ quá hạn", d=n("done"), o=n("done_on_time"), l=n("done_late")))
        tail = _("%(p)s nhiệm vụ đang thực hiện trong thời hạn quy định", p=n("in_progress"))
        if f["overdue"]:
            tail += _(", %(o)s nhiệm vụ chưa hoàn thành đã quá hạn", o=n("overdue"))
        status.append(tail)
        sentences.append(_("Đến nay, %(status)s.", status=", ".join(status)))
    return " ".join(sentences)
