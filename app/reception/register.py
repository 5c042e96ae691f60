"""Read side of the reception register (sổ tiếp công dân): filters, rows, the Excel export.

The columns are those of the law: Luật Tiếp công dân 2013 Đ.25.2 (số thứ tự, ngày tiếp, họ
tên, địa chỉ, nội dung, quá trình giải quyết, yêu cầu, việc tiếp nhận và xử lý) and the
register form Mẫu 06-TCD of TT 06/2014/TT-TTCP, with the number of people (Đ.10) and first or
repeated visit. Every query is scoped in SQL to the agencies the user may see. A
denunciator's name and address are never decrypted here: they read as `MASKED`.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app import search
from app.auth.models import User
from app.auth.scope import visible_agency_ids
from app.extensions import db
from app.formatting import LOCAL_TZ, format_date, local_today, to_local
from app.petitions.labels import KIND_LABELS
from app.petitions.queries import Page
from app.reception.labels import MASKED, OUTCOME_LABELS, REFUSAL_GROUND_SHORT
from app.reception.models import Person, Visit, VisitOutcome, VisitVisitor
from app.validators import normalize_cccd, normalize_phone

PAGE_SIZE = 25
PRINT_CAP = 2_000  # rows on one printed register; narrow the period for more
EXPORT_CAP = 20_000  # rows in one workbook

REPEAT_CHOICES = ("first", "repeat")
REPLY_CHOICES = ("awaiting", "overdue", "replied")


@dataclass
class RegisterFilters:
    """What the register is narrowed to (all optional)."""

    date_from: date | None = None
    date_to: date | None = None
    kind: str | None = None
    outcome: str | None = None
    channel: str | None = None
    repeat: str | None = None  # "first" | "repeat"
    group_only: bool = False
    officer_id: int | None = None
    reply: str | None = None  # "awaiting" (not answered yet) | "overdue" | "replied"
    q: str | None = None
    page: int = 1


@dataclass
class RegisterRow:
    """One line of the register, in words, the same for the page, the print and the workbook."""

    visit_id: int
    number: str  # STT: "12/2026"
    visited_at: datetime  # local time
    agency_name: str
    name: str
    address: str
    is_protected: bool
    people_count: int
    is_group: bool
    kind: str
    summary: str
    prior_handling: str
    request: str
    outcome: str
    first_or_repeat: str
    officer: str
    reply_due: date | None
    replied_on: date | None

    @property
    def visited_on(self) -> date:
        return self.visited_at.date()


# --- queries ---------------------------------------------------------------------------------

def scoped(user) -> Select:
    """Visits the user may read: their agency's, or the subtree's for a supervisor."""
    return select(Visit).where(Visit.agency_id.in_(visible_agency_ids(user)))


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _search_clause(q: str):
    """Words of the names, summary or respondent (with or without diacritics), an ID number,
    a phone, or a register number "12/2026". A denunciator is never matched by name: the name
    is not in the search text, and has no Person row."""
    clauses = []
    found = search.match("visit", q)
    if found is not None:
        clauses.append(found.clause)
    cccd, phone = normalize_cccd(q), normalize_phone(q)
    conditions = ([Person.id_number == cccd] if cccd.isdigit() else []) + \
        ([Person.phone == phone] if phone.isdigit() else [])
    if conditions:
        people = select(VisitVisitor.visit_id).join(Person, VisitVisitor.person_id == Person.id)
        clauses.append(Visit.id.in_(people.where(or_(*conditions))))
    number, _sep, year = q.strip().partition("/")
    if number.isdigit() and year.isdigit():
        clauses.append(and_(Visit.number == int(number), Visit.year == int(year)))
    return or_(*clauses) if clauses else Visit.id.is_(None)


def filtered(user, f: RegisterFilters, *, today: date | None = None) -> Select:
    """The scoped SELECT of visits with the filters applied (no order, no limit)."""
    today = today or local_today()
    stmt = scoped(user)
    if f.date_from:
        stmt = stmt.where(Visit.visited_at >= _local_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(Visit.visited_at < _local_start(f.date_to + timedelta(days=1)))
    if f.kind:
        stmt = stmt.where(Visit.kind == f.kind)
    if f.outcome:
        stmt = stmt.where(Visit.outcome == f.outcome)
    if f.channel:
        stmt = stmt.where(Visit.channel == f.channel)
    if f.repeat == "first":
        stmt = stmt.where(Visit.is_repeat.is_(False))
    elif f.repeat == "repeat":
        stmt = stmt.where(Visit.is_repeat.is_(True))
    if f.group_only:
        stmt = stmt.where(Visit.is_group.is_(True))
    if f.officer_id:
        stmt = stmt.where(Visit.officer_id == f.officer_id)
    if f.reply in ("awaiting", "overdue"):
        stmt = stmt.where(Visit.reply_due.is_not(None), Visit.replied_on.is_(None))
        if f.reply == "overdue":
            stmt = stmt.where(Visit.reply_due < today)
    elif f.reply == "replied":
        stmt = stmt.where(Visit.replied_on.is_not(None))
    if f.q and f.q.strip():
        stmt = stmt.where(_search_clause(f.q.strip()))
    return stmt


def _with_rows(stmt: Select) -> Select:
    return stmt.options(
        selectinload(Visit.visitors).selectinload(VisitVisitor.person),
        selectinload(Visit.officer), selectinload(Visit.petition), selectinload(Visit.agency),
    )


def count(user, f: RegisterFilters) -> int:
    """How many visits match."""
    return db.session.scalar(select(func.count()).select_from(filtered(user, f).subquery()))


def register_page(user, f: RegisterFilters) -> Page:
    """One page of the register, newest first, as `RegisterRow`s."""
    stmt = filtered(user, f)
    total = count(user, f)
    page = max(1, f.page)
    found = search.match("visit", f.q.strip()) if f.q and f.q.strip() else None
    rank = [found.rank.desc()] if found is not None else []  # with their diacritics first
    visits = db.session.scalars(
        _with_rows(stmt).order_by(*rank, Visit.visited_at.desc(), Visit.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return Page([to_row(v) for v in visits], total, page, per_page=PAGE_SIZE)


def register_rows(user, f: RegisterFilters, *, cap: int) -> tuple[list[RegisterRow], int]:
    """All matching lines in the register's order (oldest first), at most `cap`; and the total."""
    total = count(user, f)
    visits = db.session.scalars(
        _with_rows(filtered(user, f)).order_by(Visit.visited_at, Visit.id).limit(cap)
    ).all()
    return [to_row(v) for v in visits], total


def officer_choices(user) -> list[tuple[int, str]]:
    """The officers who appear in the user's register (including those who have left)."""
    officers = select(Visit.officer_id).where(Visit.agency_id.in_(visible_agency_ids(user)))
    return [(u.id, u.full_name) for u in
            db.session.scalars(select(User).where(User.id.in_(officers)).order_by(User.full_name))]


# --- rows ------------------------------------------------------------------------------------

def outcome_text(visit: Visit) -> str:
    """`Hướng dẫn đến cơ quan có thẩm quyền: UBND xã Cao Lộc` and the like."""
    label = str(OUTCOME_LABELS.get(visit.outcome, visit.outcome))
    detail = ""
    if visit.outcome == VisitOutcome.GUIDED.value:
        detail = visit.guided_to or ""
    elif visit.outcome == VisitOutcome.TRANSFERRED.value:
        detail = visit.transfer_to_name or ""
    elif visit.outcome == VisitOutcome.REFUSED.value:
        detail = str(REFUSAL_GROUND_SHORT.get(visit.refusal_ground or "", ""))
    elif visit.outcome == VisitOutcome.PETITION_RECEIVED.value and visit.petition is not None:
        detail = _("mã hồ sơ %(code)s", code=visit.petition.tracking_code)
    elif visit.outcome == VisitOutcome.SETTLED.value:
        detail = visit.outcome_note or ""
    text = f"{label}: {detail}" if detail else label
    if visit.replied_on:
        text += " " + _("(đã trả lời ngày %(day)s)", day=format_date(visit.replied_on))
    return text


def to_row(visit: Visit) -> RegisterRow:
    """The register line of a visit; a denunciator stays masked."""
    if visit.is_protected:
        name = address = str(MASKED)
    else:
        people = [v.person for v in visit.visitors if v.person is not None]
        name = ", ".join(p.full_name for p in people)
        address = people[0].address or "" if people else ""
    return RegisterRow(
        visit_id=visit.id, number=visit.register_number, visited_at=to_local(visit.visited_at),
        agency_name=visit.agency.name, name=name, address=address, is_protected=visit.is_protected,
        people_count=visit.people_count, is_group=visit.is_group, kind=str(KIND_LABELS.get(visit.kind, visit.kind)),
        summary=visit.summary, prior_handling=visit.prior_handling or "", request=visit.request or "",
        outcome=outcome_text(visit), first_or_repeat=_("Tái diễn") if visit.is_repeat else _("Lần đầu"),
        officer=visit.officer.full_name if visit.officer else "", reply_due=visit.reply_due,
        replied_on=visit.replied_on,
    )


# --- export ----------------------------------------------------------------------------------

def period_label(f: RegisterFilters) -> str:
    """`Từ ngày 01/11/2026 đến ngày 30/11/2026`, or the one bound given, or all time."""
    if f.date_from and f.date_to:
        return _("Từ ngày %(a)s đến ngày %(b)s", a=format_date(f.date_from), b=format_date(f.date_to))
    if f.date_from:
        return _("Từ ngày %(a)s", a=format_date(f.date_from))
    if f.date_to:
        return _("Đến ngày %(b)s", b=format_date(f.date_to))
    return _("Toàn bộ thời gian")


def export_filename(f: RegisterFilters) -> str:
    """ASCII file name: `so-tiep-cong-dan-2026-11-01-2026-11-30.xlsx`."""
    start = f.date_from.isoformat() if f.date_from else "dau-ky"
    end = (f.date_to or local_today()).isoformat()
    return f"so-tiep-cong-dan-{start}-{end}.xlsx"


def columns(multi_agency: bool) -> list[tuple[str, str, int]]:
    """The register's columns as (key, header, Excel width), in the order of Mẫu 06-TCD."""
    cols = [
        ("number", _("STT"), 10),
        ("visited_on", _("Ngày tiếp"), 12),
        ("name", _("Họ tên"), 24),
        ("address", _("Địa chỉ"), 28),
        ("people_count", _("Số người"), 8),
        ("kind", _("Loại"), 14),
        ("summary", _("Nội dung vụ việc"), 45),
        ("prior_handling", _("Quá trình xem xét, giải quyết"), 30),
        ("request", _("Yêu cầu, đề nghị"), 30),
        ("outcome", _("Hướng xử lý, kết quả"), 34),
        ("first_or_repeat", _("Lần đầu / tái diễn"), 11),
        ("officer", _("Người tiếp"), 20),
    ]
    if multi_agency:
        cols.insert(1, ("agency_name", _("Cơ quan"), 24))
    return cols


def build_workbook(rows: list[RegisterRow], *, agency_name: str, f: RegisterFilters, total: int,
                   multi_agency: bool) -> bytes:
    """The register as an .xlsx: title rows, a frozen header, real dates shown dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from app.xlsx import data_cell, header_cell, landscape_a4, write_titles

    cols = columns(multi_agency)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Sổ tiếp công dân")[:31]
    last = get_column_letter(len(cols))
    titles = [(agency_name.upper(), Font(bold=True, size=12)),
              (_("SỔ TIẾP CÔNG DÂN"), Font(bold=True, size=14)),
              (period_label(f), Font(italic=True, size=12))]
    if total > len(rows):
        titles.append((_("Chỉ xuất %(n)s trên tổng số %(total)s lượt tiếp; hãy chọn khoảng thời gian ngắn hơn.",
                         n=len(rows), total=total), Font(bold=True, color="C00000")))
    header_row = write_titles(ws, titles, last) + 1
    for c, (_key, label, width) in enumerate(cols, start=1):
        header_cell(ws, header_row, c, label)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, row in enumerate(rows, start=header_row + 1):
        for c, (key, _label, _width) in enumerate(cols, start=1):
            cell = data_cell(ws, r, c, getattr(row, key))  # a citizen's text is never a formula
            if key == "visited_on":
                cell.number_format = "dd/mm/yyyy"
    landscape_a4(ws, header_rows=f"{header_row}:{header_row}", freeze=ws.cell(row=header_row + 1, column=1))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
