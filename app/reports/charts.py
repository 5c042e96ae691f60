"""Charts: the figures behind the dashboard charts and the public statistics page, and the charts
(app.reports.svg) made from them.

Read side only. Every figure is counted by the database (GROUP BY), over the agencies given as a
list of ids (`app.auth.scope.visible_agency_ids` for staff, `subtree_ids` or everything for the
public page), for one calendar year; Python only puts the dozen grouped rows in order.

Months are those of Viet Nam: `received_at` and `visited_at` are UTC instants, so the instant each
local month starts is computed here (Asia/Ho_Chi_Minh) and a CASE expression numbers the month a
row falls in — the same SQL on SQLite and PostgreSQL, and the WHERE on the year's bounds uses the
index. A petition received at 23:30 on 31 January (16:30 UTC) is January's. Quarters of a decision
are bucketed the same way on its (local) date.

What is counted:
- petitions received: every petition of the scope, except a petition split into parts (its parts
  are counted, each with its kind) and a copy transferred in from an agency already in the scope
  (the original is counted once, where it was first received);
- by commune: the commune of the first petitioner. Denunciations are left out altogether: the
  denunciator's identity, address included, is protected (Luật Tố cáo 2018 Đ.9.1.b, Đ.47) and
  their rows carry no commune;
- on time: cases whose decision or conclusion is dated in the quarter, on time when
  decision_date ≤ due_date (the due date after any extension); a case without a due date is
  counted as decided but in neither column of the rate;
- directives: those issued in the year, by their status at the end of the year, or today for the
  current year (`app.oversight.models.status_expr`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from app.agencies.models import AdminUnit
from app.cases.models import Case
from app.extensions import db
from app.formatting import LOCAL_TZ, format_number, to_local
from app.oversight.labels import DIRECTIVE_STATUS_LABELS
from app.oversight.models import Directive, DirectiveStatus, status_expr
from app.petitions.labels import KIND_LABELS
from app.petitions.models import ContentCategory, Petition, Petitioner, PetitionKind, PetitionStatus
from app.reception.models import Visit
from app.reports import svg

KINDS = [k.value for k in PetitionKind]
DIRECTIVE_STATUSES = [s.value for s in DirectiveStatus]
ROMAN = ("I", "II", "III", "IV")
TOP_CATEGORIES = 8
TOP_COMMUNES = 10

AgencyIds = list[int] | None  # agency ids (app.auth.scope); None: every agency


# --- periods ---------------------------------------------------------------------------------

def month_starts(year: int) -> list[datetime]:
    """The 13 instants (aware, Viet Nam time) starting each month of `year` and the next year."""
    return [datetime(year + (m > 12), (m - 1) % 12 + 1, 1, tzinfo=LOCAL_TZ) for m in range(1, 14)]


def quarter_starts(year: int) -> list[date]:
    """The first day of each quarter of `year`, and of the next year."""
    return [date(year, 1, 1), date(year, 4, 1), date(year, 7, 1), date(year, 10, 1), date(year + 1, 1, 1)]


def _bucket(column, starts: list):
    """CASE numbering the interval of `starts` a value falls in: 1 … len(starts) - 1.

    Rows outside [starts[0], starts[-1]) must be filtered out by the caller."""
    return case(*[(column < start, i) for i, start in enumerate(starts[1:-1], start=1)], else_=len(starts) - 1)


def _in(column, agency_ids: AgencyIds):
    return true() if agency_ids is None else column.in_(agency_ids)


# --- aggregates --------------------------------------------------------------------------------

def counted_petitions(agency_ids: AgencyIds):
    """The petitions counted as received in the scope (see the module docstring)."""
    source = aliased(Petition)
    first_receipt = or_(
        Petition.source_petition_id.is_(None),
        ~exists().where(source.id == Petition.source_petition_id, _in(source.agency_id, agency_ids)),
    )
    return and_(_in(Petition.agency_id, agency_ids), Petition.status != PetitionStatus.SPLIT.value, first_receipt)


def _received_in(year: int):
    starts = month_starts(year)
    return and_(Petition.received_at >= starts[0], Petition.received_at < starts[-1])


def petitions_by_month(agency_ids: AgencyIds, year: int) -> dict[str, list[int]]:
    """kind → twelve counts, one per local month of `year`."""
    month = _bucket(Petition.received_at, month_starts(year)).label("month")
    rows = (select(month, Petition.kind.label("kind"))
            .where(_received_in(year), counted_petitions(agency_ids)).subquery())
    out = {k: [0] * 12 for k in KINDS}
    for m, kind, n in db.session.execute(
            select(rows.c.month, rows.c.kind, func.count()).group_by(rows.c.month, rows.c.kind)):
        out.setdefault(kind, [0] * 12)[m - 1] = n
    return out


def petitions_by_category(agency_ids: AgencyIds, year: int) -> list[tuple[str | None, str | None, int]]:
    """(category name, its kind, count), most frequent first; name None for petitions not classified."""
    n = func.count(Petition.id)
    rows = db.session.execute(
        select(ContentCategory.name, ContentCategory.kind, n)
        .select_from(Petition).outerjoin(ContentCategory, ContentCategory.id == Petition.category_id)
        .where(_received_in(year), counted_petitions(agency_ids))
        .group_by(Petition.category_id, ContentCategory.name, ContentCategory.kind)
        .order_by(n.desc(), ContentCategory.name))
    return [(name, kind, count) for name, kind, count in rows]


def petitions_by_commune(agency_ids: AgencyIds, year: int) -> list[tuple[str | None, int]]:
    """(commune name, count) of the first petitioner's commune, most frequent first; None: not known.

    Denunciations are not counted (their petitioner is protected)."""
    first = aliased(Petitioner)
    n = func.count(Petition.id)
    rows = db.session.execute(
        select(AdminUnit.name, n)
        .select_from(Petition)
        .outerjoin(first, and_(first.petition_id == Petition.id, first.position == 0,
                               first.is_protected.is_(False)))
        .outerjoin(AdminUnit, AdminUnit.id == first.commune_id)
        .where(_received_in(year), counted_petitions(agency_ids),
               Petition.kind != PetitionKind.DENUNCIATION.value)
        .group_by(first.commune_id, AdminUnit.name)
        .order_by(n.desc(), AdminUnit.name))
    return [(name, count) for name, count in rows]


@dataclass(frozen=True)
class QuarterCount:
    """Cases decided in a quarter: how many, on time, late (those without a due date are in neither)."""

    quarter: int
    decided: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def judged(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """Percentage on time, or None when no decided case had a due date."""
        return 100 * self.on_time / self.judged if self.judged else None


def on_time_by_quarter(agency_ids: AgencyIds, year: int) -> list[QuarterCount]:
    """The four quarters of `year`: cases decided, on time (decision_date ≤ due_date) and late."""
    starts = quarter_starts(year)
    judged = Case.due_date.is_not(None)
    inner = (select(_bucket(Case.decision_date, starts).label("quarter"),
                    case((and_(judged, Case.decision_date <= Case.due_date), 1), else_=0).label("on_time"),
                    case((and_(judged, Case.decision_date > Case.due_date), 1), else_=0).label("late"))
             .where(_in(Case.agency_id, agency_ids), Case.decision_date >= starts[0],
                    Case.decision_date < starts[-1])
             .subquery())
    found = {q: QuarterCount(q, n, int(on_time or 0), int(late or 0)) for q, n, on_time, late in db.session.execute(
        select(inner.c.quarter, func.count(), func.sum(inner.c.on_time), func.sum(inner.c.late))
        .group_by(inner.c.quarter))}
    return [found.get(q, QuarterCount(q)) for q in range(1, 5)]


def directive_day(year: int, today: date) -> date:
    """The day directives' statuses are taken on: the year's last day, or today in the current year."""
    return min(today, date(year, 12, 31))


def directives_by_status(agency_ids: AgencyIds, year: int, today: date) -> dict[str, int]:
    """status → count of the directives assigned in the scope and issued in `year` (up to the day)."""
    day = directive_day(year, today)
    inner = (select(status_expr(day).label("status"))
             .where(_in(Directive.assignee_agency_id, agency_ids), Directive.issued_on >= date(year, 1, 1),
                    Directive.issued_on <= day)
             .subquery())
    found = dict(db.session.execute(select(inner.c.status, func.count()).group_by(inner.c.status)).all())
    return {s: found.get(s, 0) for s in DIRECTIVE_STATUSES}


def visit_totals(agency_ids: AgencyIds, year: int) -> tuple[int, int]:
    """(visits, people received) in the local year."""
    starts = month_starts(year)
    visits, people = db.session.execute(
        select(func.count(Visit.id), func.sum(Visit.people_count))
        .where(_in(Visit.agency_id, agency_ids), Visit.visited_at >= starts[0], Visit.visited_at < starts[-1])
    ).one()
    return visits or 0, int(people or 0)


def first_year(agency_ids: AgencyIds, this_year: int, span: int = 5) -> int:
    """The earliest year worth offering: the first petition's, or `span` years back, whichever is older."""
    earliest = db.session.scalar(select(func.min(Petition.received_at)).where(_in(Petition.agency_id, agency_ids)))
    floor = this_year - span + 1
    return min(floor, to_local(earliest).year) if earliest else floor


@dataclass(frozen=True)
class Figures:
    """Everything the charts of one scope and year are drawn from."""

    year: int
    by_month: dict[str, list[int]]
    by_category: list[tuple[str | None, str | None, int]]
    by_commune: list[tuple[str | None, int]]
    quarters: list[QuarterCount]
    visits: int
    visitors: int
    directives: dict[str, int] | None = None
    directive_day: date | None = None

    @property
    def received(self) -> int:
        return sum(sum(v) for v in self.by_month.values())

    def received_of(self, kind: str) -> int:
        return sum(self.by_month.get(kind, ()))

    @property
    def decided(self) -> int:
        return sum(q.decided for q in self.quarters)

    @property
    def year_on_time(self) -> QuarterCount:
        """The whole year as one QuarterCount (quarter 0)."""
        return QuarterCount(0, self.decided, sum(q.on_time for q in self.quarters),
                            sum(q.late for q in self.quarters))


def collect(agency_ids: AgencyIds, year: int, today: date, *, directives: bool = True) -> Figures:
    """All the aggregates for `year` in the scope (a handful of GROUP BY queries)."""
    visits, visitors = visit_totals(agency_ids, year)
    return Figures(
        year=year,
        by_month=petitions_by_month(agency_ids, year),
        by_category=petitions_by_category(agency_ids, year),
        by_commune=petitions_by_commune(agency_ids, year),
        quarters=on_time_by_quarter(agency_ids, year),
        visits=visits, visitors=visitors,
        directives=directives_by_status(agency_ids, year, today) if directives else None,
        directive_day=directive_day(year, today) if directives else None,
    )


# --- charts ------------------------------------------------------------------------------------

def _small(n: int, threshold: int | None) -> bool:
    return bool(threshold) and 0 < n < threshold


def cell(n: int, threshold: int | None = None) -> svg.Value:
    """A count, or "dưới N" when it is published and below the threshold."""
    if _small(n, threshold):
        return svg.hidden(_("dưới %(n)s", n=threshold))
    return svg.count(n)


def _fold(rows: list[tuple[str | None, int]], top: int, threshold: int | None, other: str,
          unknown: str) -> list[tuple[str, int]]:
    """The `top` largest named groups (each at least `threshold` when one is given), the rest in
    `other`, the unnamed in `unknown`."""
    named = [(label, n) for label, n in rows if label is not None]
    shown = [(label, n) for label, n in named[:top] if not threshold or n >= threshold]
    rest = sum(n for _label, n in named) - sum(n for _label, n in shown)
    unnamed = sum(n for label, n in rows if label is None)
    out = list(shown)
    if rest:
        out.append((other, rest))
    if unnamed:
        out.append((unknown, unnamed))
    return out


def _month_labels() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(_("Tháng %(m)s", m=m) for m in range(1, 13)),
            tuple(_("T%(m)s", m=m) for m in range(1, 13)))


def kind_month_chart(fig: Figures, chart_id: str = "chart-kind-month") -> svg.Chart:
    """Petitions received per month, stacked by kind, with a total column and the year's row."""
    months, short = _month_labels()
    series = tuple(svg.Series(k, str(KIND_LABELS[k]), tuple(svg.count(n) for n in fig.by_month[k])) for k in KINDS)
    totals = tuple(svg.count(sum(fig.by_month[k][i] for k in KINDS)) for i in range(12))
    busiest = max(range(12), key=lambda i: totals[i].number)
    description = _("Biểu đồ cột chồng: số đơn tiếp nhận mỗi tháng năm %(year)s, chia theo loại đơn "
                    "(khiếu nại, tố cáo, kiến nghị phản ánh). Cả năm %(total)s đơn.",
                    year=fig.year, total=format_number(fig.received))
    if fig.received:
        description += " " + _("Nhiều nhất tháng %(m)s: %(n)s đơn.", m=busiest + 1, n=totals[busiest].text)
    return svg.Chart(
        id=chart_id, title=_("Đơn tiếp nhận theo tháng và loại đơn, năm %(year)s", year=fig.year),
        description=description, categories=months, axis_labels=short, series=series,
        category_header=_("Tháng"), totals=totals, totals_label=_("Tổng"),
        footer_label=_("Cả năm"),
        footer=tuple(svg.count(fig.received_of(k)) for k in KINDS) + (svg.count(fig.received),),
        empty_text=_("Không có đơn nào được tiếp nhận trong năm %(year)s.", year=fig.year))


def month_total_chart(fig: Figures, chart_id: str = "chart-month") -> svg.Chart:
    """Petitions received per month, all kinds together (the public page)."""
    months, short = _month_labels()
    totals = [sum(fig.by_month[k][i] for k in KINDS) for i in range(12)]
    return svg.Chart(
        id=chart_id, title=_("Đơn tiếp nhận theo tháng, năm %(year)s", year=fig.year),
        description=_("Biểu đồ cột: số đơn tiếp nhận mỗi tháng năm %(year)s. Cả năm %(total)s đơn.",
                      year=fig.year, total=format_number(fig.received)),
        categories=months, axis_labels=short, category_header=_("Tháng"),
        series=(svg.Series("received", _("Số đơn"), tuple(svg.count(n) for n in totals)),),
        footer_label=_("Cả năm"), footer=(svg.count(fig.received),),
        empty_text=_("Không có đơn nào được tiếp nhận trong năm %(year)s.", year=fig.year))


def kind_chart(fig: Figures, chart_id: str = "chart-kind") -> svg.Chart:
    """Petitions received in the year by kind."""
    values = tuple(svg.count(fig.received_of(k)) for k in KINDS)
    return svg.Chart(
        id=chart_id, shape="bars", title=_("Đơn tiếp nhận theo loại đơn, năm %(year)s", year=fig.year),
        description=_("Biểu đồ thanh: số đơn tiếp nhận năm %(year)s theo loại: ", year=fig.year)
        + "; ".join(f"{KIND_LABELS[k]} {v.text}" for k, v in zip(KINDS, values)) + ".",
        categories=tuple(str(KIND_LABELS[k]) for k in KINDS), category_header=_("Loại đơn"),
        series=(svg.Series("received", _("Số đơn"), values),),
        footer_label=_("Tổng"), footer=(svg.count(fig.received),),
        empty_text=_("Không có đơn nào được tiếp nhận trong năm %(year)s.", year=fig.year))


def _bars_chart(chart_id: str, title: str, lead: str, header: str, rows: list[tuple[str, int]],
                threshold: int | None, empty_text: str, note: str = "") -> svg.Chart:
    values = tuple(cell(n, threshold) for _label, n in rows)
    description = lead + " " + "; ".join(f"{label}: {v.text}" for (label, _n), v in zip(rows, values)) + "."
    return svg.Chart(id=chart_id, shape="bars", title=title, description=description,
                     categories=tuple(label for label, _n in rows), category_header=header,
                     series=(svg.Series("received", _("Số đơn"), values),),
                     empty_text=empty_text, note=note)


def category_chart(fig: Figures, *, top: int = TOP_CATEGORIES, threshold: int | None = None,
                   chart_id: str = "chart-category") -> svg.Chart:
    """The most frequent content categories, the others together, and the unclassified."""
    rows = [(f"{name} ({KIND_LABELS[kind]})" if name else None, n) for name, kind, n in fig.by_category]
    folded = _fold(rows, top, threshold, _("Nội dung khác"), _("Chưa phân loại nội dung"))
    note = _("Nhóm dưới %(n)s đơn được gộp vào “Nội dung khác”.", n=threshold) if threshold else ""
    return _bars_chart(chart_id, _("Đơn tiếp nhận theo nội dung, năm %(year)s", year=fig.year),
                       _("Biểu đồ thanh: số đơn tiếp nhận năm %(year)s theo nội dung.", year=fig.year),
                       _("Nội dung"), folded, threshold,
                       _("Không có đơn nào được tiếp nhận trong năm %(year)s.", year=fig.year), note)


def commune_chart(fig: Figures, *, top: int = TOP_COMMUNES, threshold: int | None = None,
                  chart_id: str = "chart-commune") -> svg.Chart:
    """The communes most petitions come from (denunciations not counted), the others together."""
    folded = _fold(fig.by_commune, top, threshold, _("Các xã, phường khác"), _("Không rõ địa bàn"))
    note = _("Không tính đơn tố cáo: danh tính, địa chỉ người tố cáo được giữ bí mật.")
    if threshold:
        note += " " + _("Xã, phường có dưới %(n)s đơn được gộp vào “Các xã, phường khác”.", n=threshold)
    return _bars_chart(chart_id, _("Đơn khiếu nại, kiến nghị theo địa bàn người gửi, năm %(year)s", year=fig.year),
                       _("Biểu đồ thanh: số đơn khiếu nại, kiến nghị phản ánh năm %(year)s theo xã, phường "
                         "của người gửi.", year=fig.year),
                       _("Xã, phường"), folded, threshold,
                       _("Không có đơn khiếu nại, kiến nghị nào trong năm %(year)s.", year=fig.year), note)


def rate_value(q: QuarterCount, threshold: int | None = None) -> svg.Value:
    """The on-time rate, "—" when nothing was judged, "không công bố" when too few were (public)."""
    if threshold and 0 < q.judged < threshold:
        return svg.hidden(_("không công bố"))
    return svg.percent(q.rate)


def on_time_chart(fig: Figures, *, threshold: int | None = None, chart_id: str = "chart-on-time") -> svg.Chart:
    """The share of cases decided on time, per quarter (a line), with the counts in the table."""
    quarters = fig.quarters
    year = fig.year_on_time
    rates = tuple(rate_value(q, threshold) for q in quarters)
    series = [svg.Series("rate", _("Tỷ lệ đúng hạn"), rates),
              svg.Series("decided", _("Vụ việc đã giải quyết"), tuple(svg.count(q.decided) for q in quarters),
                         plotted=False)]
    footer = [rate_value(year, threshold), svg.count(year.decided)]
    if not threshold:  # staff: the counts behind the rate
        series += [svg.Series("on_time", _("Đúng hạn"), tuple(svg.count(q.on_time) for q in quarters), plotted=False),
                   svg.Series("late", _("Quá hạn"), tuple(svg.count(q.late) for q in quarters), plotted=False)]
        footer += [svg.count(year.on_time), svg.count(year.late)]
    description = _("Biểu đồ đường: tỷ lệ vụ việc giải quyết đúng hạn theo quý năm %(year)s: ", year=fig.year) \
        + "; ".join(f"{_('Quý %(q)s', q=ROMAN[i])} {v.text}" for i, v in enumerate(rates)) + ". " \
        + _("Cả năm: %(rate)s.", rate=footer[0].text)
    note = _("Vụ việc có quyết định giải quyết, kết luận trong quý; đúng hạn khi ngày quyết định không muộn "
             "hơn hạn giải quyết (kể cả gia hạn).")
    if threshold:
        note += " " + _("Quý có dưới %(n)s vụ việc được xét thì không công bố tỷ lệ.", n=threshold)
    return svg.Chart(
        id=chart_id, shape="line", percent=True,
        title=_("Tỷ lệ giải quyết đúng hạn theo quý, năm %(year)s", year=fig.year), description=description,
        categories=tuple(_("Quý %(q)s", q=r) for r in ROMAN), category_header=_("Quý"),
        series=tuple(series), footer_label=_("Cả năm"), footer=tuple(footer), note=note, empty=not year.decided,
        empty_text=_("Không có vụ việc nào được giải quyết trong năm %(year)s.", year=fig.year))


def directive_chart(fig: Figures, chart_id: str = "chart-directives") -> svg.Chart:
    """Directives issued in the year by their status on the day they are taken on."""
    counts = fig.directives or {}
    rows = [(str(DIRECTIVE_STATUS_LABELS[s]), counts.get(s, 0)) for s in DIRECTIVE_STATUSES]
    values = tuple(svg.count(n) for _label, n in rows)
    total = sum(n for _label, n in rows)
    on = fig.directive_day
    return svg.Chart(
        id=chart_id, shape="bars", title=_("Nhiệm vụ giao năm %(year)s theo tình trạng", year=fig.year),
        description=_("Biểu đồ thanh: %(total)s nhiệm vụ giao năm %(year)s, tình trạng đến ngày %(day)s: ",
                      total=format_number(total), year=fig.year, day=on.strftime("%d/%m/%Y") if on else "")
        + "; ".join(f"{label} {v.text}" for (label, _n), v in zip(rows, values)) + ".",
        categories=tuple(label for label, _n in rows), category_header=_("Tình trạng"),
        series=(svg.Series("directives", _("Số nhiệm vụ"), values),),
        footer_label=_("Tổng"), footer=(svg.count(total),),
        note=_("Tình trạng tính đến ngày %(day)s.", day=on.strftime("%d/%m/%Y")) if on else "",
        empty_text=_("Không có nhiệm vụ nào được giao trong năm %(year)s.", year=fig.year))


def staff_charts(fig: Figures) -> list[svg.Chart]:
    """The staff chart page: every chart, exact figures."""
    charts = [kind_month_chart(fig), category_chart(fig), commune_chart(fig), on_time_chart(fig)]
    if fig.directives is not None:
        charts.append(directive_chart(fig))
    return charts


def public_charts(fig: Figures, threshold: int) -> list[svg.Chart]:
    """The public page: no cross-tabulation, and small groups of content or place hidden."""
    return [month_total_chart(fig, "stats-month"), kind_chart(fig, "stats-kind"),
            category_chart(fig, threshold=threshold, chart_id="stats-category"),
            commune_chart(fig, threshold=threshold, chart_id="stats-commune"),
            on_time_chart(fig, threshold=threshold, chart_id="stats-on-time")]


def dashboard_chart(agency_ids: AgencyIds, today: date) -> svg.Chart:
    """The staff dashboard's chart: this year's petitions per month by kind (one GROUP BY)."""
    fig = Figures(year=today.year, by_month=petitions_by_month(agency_ids, today.year), by_category=[],
                  by_commune=[], quarters=[], visits=0, visitors=0)
    return kind_month_chart(fig, chart_id="dashboard-kind-month")
