"""Directives (nhiệm vụ, ý kiến chỉ đạo): assign, follow, complete — and the lists that track them.

Write side: operations that check their rules, change rows, write a "directive" event and flush;
the view commits once. Each refusal raises `DirectiveError`, naming the form field it concerns.
Who may do what is said once, by the `can_*` predicates: the views show buttons and answer 403
by them, the operations refuse by them.

- A directive is recorded by its issuing agency (the manager's own): the chairman's or a vice
  chairman's instruction, a meeting's conclusion, a higher body's request. It is assigned to that
  agency or an active agency below it, optionally to one of its staff.
- The items of a leader's reception-day conclusion notice are directives too (`session_id` set),
  created and changed from the session page (app.reception.sessions); here they are followed,
  noted and completed like any other, never edited or deleted.
- The status is never typed: `directive_status` / `status_expr` compute it from the due date,
  the completion date and the day asked about.

Read side: the list (scoped in SQL to directives assigned to or issued by an agency the user may
see), its filters, the counts of its tabs, the dashboard's summary and the Excel export.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.agencies.models import Agency
from app.audit.models import Event
from app.audit.services import record_event
from app.auth.models import User
from app.auth.permissions import Permission, Role
from app.auth.scope import subtree_ids, visible_agency_ids
from app.extensions import db
from app.formatting import days_phrase, format_date
from app.oversight.labels import DIRECTIVE_STATUS_LABELS, SOURCE_LABELS, TAB_LABELS
from app.oversight.models import (
    Directive,
    DirectiveNote,
    DirectiveSource,
    DirectiveStatus,
    status_expr,
)
from app.petitions.queries import Page
from app.text import fold

PAGE_SIZE = 25
EXPORT_CAP = 20_000  # rows in one workbook
TABS = tuple(TAB_LABELS)  # "all" and the four computed statuses
SORTS = ("due", "due_desc", "issued_desc")
# A directive typed in by hand never claims to come from a reception-day conclusion notice:
# those are the notice's own items, made on the session page.
MANUAL_SOURCES = tuple(s.value for s in DirectiveSource if s != DirectiveSource.RECEPTION_SESSION)
# Sources where "who gave it" must be written: the chairman is one person, the others are not.
NAME_REQUIRED_SOURCES = frozenset(MANUAL_SOURCES) - {DirectiveSource.CHAIRMAN.value}


class DirectiveError(ValueError):
    """A change the rules refuse; the message is for the user, `field` names the form field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def _event(directive: Directive, action: str, actor, note: str | None = None, *,
           from_status: str | None = None, to_status: str | None = None) -> None:
    record_event("directive", directive.id, action, note=note, from_status=from_status, to_status=to_status,
                 actor_user_id=actor.id, actor_label=actor.full_name)


def _changes(obj, values: dict) -> str:
    """`name: old -> new; …` for the fields that change (the note of an "updated" event)."""
    return "; ".join(f"{k}: {getattr(obj, k)!r} -> {v!r}" for k, v in values.items() if getattr(obj, k) != v)


# --- who may do what ----------------------------------------------------------------------------

def can_manage(user, directive: Directive) -> bool:
    """Assign, change, delete, reopen: DIRECTIVE_MANAGE, and only in the issuing agency."""
    return user.can(Permission.DIRECTIVE_MANAGE) and directive.issuer_agency_id == user.agency_id


def can_edit(user, directive: Directive) -> bool:
    """Change the details: the issuer's managers, while open; a notice's item from its session page."""
    return can_manage(user, directive) and directive.session_id is None and not directive.is_done


def can_delete(user, directive: Directive) -> bool:
    """Delete (after a confirmation): the issuer's managers; never a notice's item."""
    return can_manage(user, directive) and directive.session_id is None


def can_work(user, directive: Directive) -> bool:
    """Report progress and completion: the assignee agency's staff, or the issuer's managers."""
    return ((user.can(Permission.DIRECTIVE_WORK) and directive.assignee_agency_id == user.agency_id)
            or can_manage(user, directive))


def can_note(user, directive: Directive) -> bool:
    """Add a progress note: while the directive is open."""
    return can_work(user, directive) and not directive.is_done


def can_complete(user, directive: Directive) -> bool:
    """Record the completion: while the directive is open."""
    return can_work(user, directive) and not directive.is_done


def can_reopen(user, directive: Directive) -> bool:
    """Reopen a completed directive (with the reason): the issuer's managers."""
    return can_manage(user, directive) and directive.is_done


def _require(allowed: bool) -> None:
    if not allowed:
        raise DirectiveError(_l("Bạn không có quyền thực hiện thao tác này với nhiệm vụ này."))


# --- write side ---------------------------------------------------------------------------------

@dataclass
class DirectiveData:
    """What the directive form gives (shaped by the form)."""

    source: str
    issued_on: date | None
    content: str
    assignee_agency_id: int | None
    due_on: date | None
    source_name: str | None = None
    document_number: str | None = None
    is_key_task: bool = False
    assignee_user_id: int | None = None


def assignee_agencies(agency_id: int) -> list[Agency]:
    """Bodies an agency may assign to: itself and the active agencies below it."""
    return list(db.session.scalars(select(Agency).where(
        Agency.id.in_(subtree_ids(agency_id)), Agency.active.is_(True)).order_by(Agency.name)))


def assignee_users(agency_id: int) -> list[User]:
    """Active staff of those bodies (a directive may name one person)."""
    return list(db.session.scalars(select(User).join(Agency, User.agency_id == Agency.id).where(
        User.agency_id.in_(subtree_ids(agency_id)), User.active.is_(True), Agency.active.is_(True),
        User.role != Role.ADMIN.value).order_by(Agency.name, User.full_name)))


def _check(data: DirectiveData, *, issuer_agency_id: int, today: date) -> dict:
    """Check the form against the rules; return the column values to set."""
    if data.source not in MANUAL_SOURCES:
        raise DirectiveError(_l("Hãy chọn nguồn giao nhiệm vụ."), "source")
    source_name = (data.source_name or "").strip() or None
    if source_name is None and data.source in NAME_REQUIRED_SOURCES:
        raise DirectiveError(_l("Hãy ghi người, cuộc họp hoặc cơ quan đã giao nhiệm vụ."), "source_name")
    if source_name and len(source_name) > 300:
        raise DirectiveError(_l("Tối đa 300 ký tự."), "source_name")
    number = (data.document_number or "").strip() or None
    if number and len(number) > 60:
        raise DirectiveError(_l("Số văn bản tối đa 60 ký tự."), "document_number")
    if data.issued_on is None:
        raise DirectiveError(_l("Hãy nhập ngày giao nhiệm vụ."), "issued_on")
    if data.issued_on > today:
        raise DirectiveError(_l("Ngày giao không thể ở tương lai."), "issued_on")
    content = (data.content or "").strip()
    if not content:
        raise DirectiveError(_l("Hãy ghi nội dung nhiệm vụ."), "content")
    if len(content) > 5000:
        raise DirectiveError(_l("Tối đa 5.000 ký tự."), "content")
    if data.assignee_agency_id not in {a.id for a in assignee_agencies(issuer_agency_id)}:
        raise DirectiveError(_l("Cơ quan thực hiện phải là cơ quan này hoặc một cơ quan trực thuộc đang hoạt động."),
                             "assignee_agency")
    if data.assignee_user_id is not None:
        user = db.session.get(User, data.assignee_user_id)
        if user is None or not user.active or user.agency_id != data.assignee_agency_id:
            raise DirectiveError(_l("Người thực hiện phải là cán bộ của cơ quan thực hiện."), "assignee_user")
    if data.due_on is None:
        raise DirectiveError(_l("Hãy nhập hạn hoàn thành."), "due_on")
    if data.due_on < data.issued_on:
        raise DirectiveError(_l("Hạn hoàn thành không thể trước ngày giao (%(day)s).",
                                day=format_date(data.issued_on)), "due_on")
    return {"source": data.source, "source_name": source_name, "document_number": number,
            "issued_on": data.issued_on, "content": content, "is_key_task": bool(data.is_key_task),
            "assignee_agency_id": data.assignee_agency_id, "assignee_user_id": data.assignee_user_id,
            "due_on": data.due_on}


def create_directive(data: DirectiveData, *, actor, today: date) -> Directive:
    """Assign a directive from the actor's agency (DIRECTIVE_MANAGE)."""
    if not actor.can(Permission.DIRECTIVE_MANAGE):
        raise DirectiveError(_l("Bạn không có quyền giao nhiệm vụ."))
    values = _check(data, issuer_agency_id=actor.agency_id, today=today)
    directive = Directive(issuer_agency_id=actor.agency_id, created_by_id=actor.id, **values)
    db.session.add(directive)
    db.session.flush()
    _event(directive, "created", actor, note=f"{format_date(directive.due_on)}: {directive.content[:200]}")
    return directive


def update_directive(directive: Directive, data: DirectiveData, *, actor, today: date) -> Directive:
    """Change an open directive's details (its issuer's managers; not a notice's item)."""
    if directive.session_id is not None:
        raise DirectiveError(_l("Việc theo thông báo kết luận tiếp công dân được sửa tại trang buổi tiếp."))
    if directive.is_done:
        raise DirectiveError(_l("Nhiệm vụ đã hoàn thành, không sửa được. Hãy mở lại nhiệm vụ nếu cần sửa."))
    _require(can_edit(actor, directive))
    values = _check(data, issuer_agency_id=directive.issuer_agency_id, today=today)
    note = _changes(directive, values)
    for key, value in values.items():
        setattr(directive, key, value)
    db.session.flush()
    _event(directive, "updated", actor, note=note or None)
    return directive


def delete_directive(directive: Directive, *, actor) -> None:
    """Delete a directive and its notes (after the confirmation page); the event stays."""
    if directive.session_id is not None:
        raise DirectiveError(_l("Việc theo thông báo kết luận tiếp công dân được quản lý tại trang buổi tiếp."))
    _require(can_delete(actor, directive))
    _event(directive, "deleted", actor, note=f"{format_date(directive.due_on)}: {directive.content[:200]}")
    db.session.delete(directive)
    db.session.flush()


def add_note(directive: Directive, content: str, *, actor, today: date) -> DirectiveNote:
    """Add a progress note, dated today (the assignee's staff or the issuer's managers)."""
    if directive.is_done:
        raise DirectiveError(_l("Nhiệm vụ đã hoàn thành, không ghi thêm tiến độ."))
    _require(can_note(actor, directive))
    text = (content or "").strip()
    if not text:
        raise DirectiveError(_l("Hãy ghi nội dung tiến độ."), "note")
    if len(text) > 5000:
        raise DirectiveError(_l("Tối đa 5.000 ký tự."), "note")
    note = DirectiveNote(directive=directive, noted_on=today, content=text, author_id=actor.id)
    db.session.add(note)
    db.session.flush()
    _event(directive, "note_added", actor, note=text[:200])
    return note


def complete_directive(directive: Directive, done_on: date | None, result_note: str, *, actor,
                       today: date) -> Directive:
    """Record the completion: the date (not in the future, not before the directive) and the result."""
    if directive.is_done:
        raise DirectiveError(_l("Nhiệm vụ này đã được ghi nhận hoàn thành."))
    _require(can_complete(actor, directive))
    if done_on is None:
        raise DirectiveError(_l("Hãy nhập ngày hoàn thành."), "done_on")
    if done_on > today:
        raise DirectiveError(_l("Ngày hoàn thành không thể ở tương lai."), "done_on")
    if done_on < directive.issued_on:
        raise DirectiveError(_l("Ngày hoàn thành không thể trước ngày giao (%(day)s).",
                                day=format_date(directive.issued_on)), "done_on")
    note = (result_note or "").strip()
    if not note:
        raise DirectiveError(_l("Hãy ghi kết quả thực hiện."), "result_note")
    if len(note) > 5000:
        raise DirectiveError(_l("Tối đa 5.000 ký tự."), "result_note")
    before = directive.status_on(today).value
    directive.done_on = done_on
    directive.result_note = note
    db.session.flush()
    _event(directive, "completed", actor, note=f"{format_date(done_on)}: {note[:200]}",
           from_status=before, to_status=directive.status_on(today).value)
    return directive


def reopen_directive(directive: Directive, reason: str, *, actor, today: date) -> Directive:
    """Reopen a completed directive, with the reason (the issuer's managers)."""
    if not directive.is_done:
        raise DirectiveError(_l("Nhiệm vụ chưa hoàn thành, không cần mở lại."))
    _require(can_reopen(actor, directive))
    reason = (reason or "").strip()
    if not reason:
        raise DirectiveError(_l("Hãy ghi lý do mở lại."), "reason")
    if len(reason) > 500:
        raise DirectiveError(_l("Lý do tối đa 500 ký tự."), "reason")
    before = directive.status_on(today).value
    previous = f"{format_date(directive.done_on)}: {(directive.result_note or '')[:150]}"
    directive.done_on = None
    directive.result_note = None
    db.session.flush()
    _event(directive, "reopened", actor, note=f"{reason} ({previous})", from_status=before,
           to_status=directive.status_on(today).value)
    return directive


# --- read side ----------------------------------------------------------------------------------

def scoped(user) -> Select:
    """Directives the user may see: assigned to, or issued by, an agency of their scope."""
    scope = visible_agency_ids(user)
    return select(Directive).where(or_(Directive.assignee_agency_id.in_(scope),
                                       Directive.issuer_agency_id.in_(scope)))


def get_for_user(user, directive_id: int) -> Directive | None:
    """A directive the user may see, or None (404)."""
    return db.session.scalars(scoped(user).where(Directive.id == directive_id)).first()


def directive_events(directive: Directive) -> list[Event]:
    """What happened to the directive, oldest first (its page's history).

    Only events since the row was made: SQLite may hand a deleted directive's id to a new one.
    """
    return list(db.session.scalars(select(Event).where(
        Event.subject_type == "directive", Event.subject_id == directive.id,
        Event.created_at >= directive.created_at).order_by(Event.id)))


@dataclass
class DirectiveFilters:
    """What the list is narrowed to (all optional)."""

    tab: str = "all"  # "all" or a DirectiveStatus value
    source: str | None = None
    key_only: bool = False
    assignee_agency_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    due_from: date | None = None
    due_to: date | None = None
    q: str | None = None
    sort: str = "due"
    page: int = 1


def _like_words(q: str):
    words = [w for w in fold(q).split(" ") if w]
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    return and_(*[Directive.search_folded.like(f"%{w}%", escape="\\") for w in escaped]) if words else None


def filtered(user, f: DirectiveFilters, today: date, *, with_tab: bool = True) -> Select:
    """The scoped SELECT of directives with the filters applied (no order, no limit).

    The status is `status_expr(today)` in SQL, so a filter by status is never done in Python.
    """
    stmt = scoped(user)
    if with_tab and f.tab in TABS and f.tab != "all":
        stmt = stmt.where(status_expr(today) == f.tab)
    if f.source:
        stmt = stmt.where(Directive.source == f.source)
    if f.key_only:
        stmt = stmt.where(Directive.is_key_task.is_(True))
    if f.assignee_agency_id:
        stmt = stmt.where(Directive.assignee_agency_id == f.assignee_agency_id)
    if f.issued_from:
        stmt = stmt.where(Directive.issued_on >= f.issued_from)
    if f.issued_to:
        stmt = stmt.where(Directive.issued_on <= f.issued_to)
    if f.due_from:
        stmt = stmt.where(Directive.due_on >= f.due_from)
    if f.due_to:
        stmt = stmt.where(Directive.due_on <= f.due_to)
    if f.q and f.q.strip():
        clause = _like_words(f.q)
        if clause is not None:
            stmt = stmt.where(clause)
    return stmt


def _ordered(stmt: Select, sort: str) -> Select:
    if sort == "due_desc":
        return stmt.order_by(Directive.due_on.desc(), Directive.id.desc())
    if sort == "issued_desc":
        return stmt.order_by(Directive.issued_on.desc(), Directive.id.desc())
    return stmt.order_by(Directive.due_on, Directive.id)


def _with_rows(stmt: Select) -> Select:
    return stmt.options(selectinload(Directive.assignee_agency), selectinload(Directive.assignee_user),
                        selectinload(Directive.issuer_agency), selectinload(Directive.session),
                        selectinload(Directive.notes))


def tab_counts(user, f: DirectiveFilters, today: date) -> dict[str, int]:
    """How many directives each tab holds, with the other filters applied (one GROUP BY in SQL)."""
    # Grouped over a subquery: PostgreSQL does not see two renderings of a CASE with bound
    # parameters as the same expression in SELECT and GROUP BY.
    sub = filtered(user, f, today, with_tab=False).with_only_columns(status_expr(today).label("st")).subquery()
    rows = db.session.execute(select(sub.c.st, func.count()).group_by(sub.c.st)).all()
    counts = {tab: 0 for tab in TABS}
    for status, n in rows:
        counts[status] = n
    counts["all"] = sum(n for _status, n in rows)
    return counts


def directive_page(user, f: DirectiveFilters, today: date) -> Page:
    """One page of the list, by due date unless asked otherwise."""
    stmt = filtered(user, f, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, f.page)
    items = db.session.scalars(_with_rows(_ordered(stmt, f.sort)).limit(PAGE_SIZE)
                               .offset((page - 1) * PAGE_SIZE)).all()
    return Page(list(items), total, page, per_page=PAGE_SIZE)


def directive_rows(user, f: DirectiveFilters, today: date, *, cap: int = EXPORT_CAP) -> tuple[list[Directive], int]:
    """Every matching directive in the list's order, at most `cap`; and the total."""
    stmt = filtered(user, f, today)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return list(db.session.scalars(_with_rows(_ordered(stmt, f.sort)).limit(cap))), total


def assignee_filter_choices(user) -> list[Agency]:
    """The agencies that appear as assignee in the user's list (for its filter)."""
    ids = scoped(user).with_only_columns(Directive.assignee_agency_id)
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.name)))


@dataclass
class DirectiveSummary:
    """Open directives for the dashboard: the first ones by due date, and the counts."""

    items: list[Directive]
    total: int
    overdue: int


def open_directives(user, today: date, limit: int = 10) -> DirectiveSummary:
    """Directives not yet done, assigned to or issued by the user's scope, nearest due first."""
    status = status_expr(today)
    stmt = scoped(user).where(status.in_([DirectiveStatus.IN_PROGRESS.value, DirectiveStatus.OVERDUE.value]))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    overdue = db.session.scalar(select(func.count()).select_from(
        stmt.where(status == DirectiveStatus.OVERDUE.value).subquery())) or 0
    items = db.session.scalars(stmt.options(
        selectinload(Directive.session), selectinload(Directive.assignee_agency),
        selectinload(Directive.issuer_agency)).order_by(Directive.due_on, Directive.id).limit(limit)).all()
    return DirectiveSummary(list(items), total, overdue)


def status_phrase(directive: Directive, today: date) -> str:
    """`còn 3 ngày`, `hạn cuối hôm nay`, `quá hạn 2 ngày`, `hoàn thành ngày 05/03/2026, trễ 4 ngày`."""
    status = directive.status_on(today)
    if status in (DirectiveStatus.IN_PROGRESS, DirectiveStatus.OVERDUE):
        return days_phrase(directive.due_on, today)
    done = _("hoàn thành ngày %(day)s", day=format_date(directive.done_on))
    if status == DirectiveStatus.DONE_LATE:
        late = (directive.done_on - directive.due_on).days
        return done + ", " + ngettext("trễ %(num)s ngày", "trễ %(num)s ngày", late)
    return done


def source_text(directive: Directive) -> str:
    """`Chủ tịch UBND: Hồ Tiến Chủ`; a notice's item names its number."""
    label = str(SOURCE_LABELS.get(directive.source, directive.source))
    if directive.source == DirectiveSource.RECEPTION_SESSION.value and directive.document_number:
        label = _("Thông báo kết luận tiếp công dân số %(number)s", number=directive.document_number)
        return f"{label} ({directive.source_name})" if directive.source_name else label
    return f"{label}: {directive.source_name}" if directive.source_name else label


# --- export ---------------------------------------------------------------------------------------

def export_filename(today: date) -> str:
    """ASCII file name: `nhiem-vu-2026-11-28.xlsx`."""
    return f"nhiem-vu-{today.isoformat()}.xlsx"


def _columns(multi_agency: bool) -> list[tuple[str, str, int]]:
    cols = [
        ("number", _("STT"), 6),
        ("issued_on", _("Ngày giao"), 12),
        ("source", _("Nguồn giao"), 28),
        ("document_number", _("Số văn bản"), 14),
        ("content", _("Nội dung nhiệm vụ"), 50),
        ("key", _("Trọng tâm"), 10),
        ("assignee", _("Cơ quan thực hiện"), 26),
        ("person", _("Người thực hiện"), 20),
        ("due_on", _("Hạn hoàn thành"), 12),
        ("done_on", _("Ngày hoàn thành"), 12),
        ("status", _("Tình trạng"), 22),
        ("result", _("Kết quả, tiến độ"), 45),
    ]
    if multi_agency:
        cols.insert(2, ("issuer", _("Cơ quan giao"), 26))
    return cols


def _values(number: int, d: Directive, today: date) -> dict:
    latest = d.notes[-1] if d.notes else None
    result = d.result_note or (f"{format_date(latest.noted_on)}: {latest.content}" if latest else "")
    return {
        "number": number, "issued_on": d.issued_on, "source": source_text(d),
        "document_number": d.document_number or "",
        "content": d.content, "key": "x" if d.is_key_task else "", "assignee": d.assignee_agency.name,
        "person": d.assignee_user.full_name if d.assignee_user else "", "due_on": d.due_on, "done_on": d.done_on,
        "status": str(DIRECTIVE_STATUS_LABELS[d.status_on(today).value]), "result": result,
        "issuer": d.issuer_agency.name if d.issuer_agency else "",
    }


def build_workbook(rows: list[Directive], *, agency_name: str, today: date, f: DirectiveFilters, total: int,
                   multi_agency: bool) -> bytes:
    """The list as an .xlsx: title rows, a frozen header, real dates shown dd/mm/yyyy.

    Typed text is always a string cell: a content starting with "=" is never a formula.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from app.xlsx import data_cell, header_cell, landscape_a4, write_titles

    cols = _columns(multi_agency)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Nhiệm vụ")[:31]
    last = get_column_letter(len(cols))
    scope = str(TAB_LABELS.get(f.tab, TAB_LABELS["all"]))
    titles = [(agency_name.upper(), Font(bold=True, size=12)),
              (_("DANH SÁCH NHIỆM VỤ, Ý KIẾN CHỈ ĐẠO"), Font(bold=True, size=14)),
              (_("%(tab)s — tình hình đến ngày %(day)s", tab=scope, day=format_date(today)),
               Font(italic=True, size=12))]
    if total > len(rows):
        titles.append((_("Chỉ xuất %(n)s trên tổng số %(total)s nhiệm vụ; hãy lọc hẹp hơn.", n=len(rows), total=total),
                       Font(bold=True, color="C00000")))
    header_row = write_titles(ws, titles, last) + 1
    for c, (_key, label, width) in enumerate(cols, start=1):
        header_cell(ws, header_row, c, label)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, directive in enumerate(rows, start=header_row + 1):
        values = _values(r - header_row, directive, today)
        for c, (key, _label, _width) in enumerate(cols, start=1):
            data_cell(ws, r, c, values[key])
    landscape_a4(ws, header_rows=f"{header_row}:{header_row}", freeze=ws.cell(row=header_row + 1, column=1))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
