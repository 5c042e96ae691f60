"""The audit viewer's exports: the filtered lines as CSV (UTF-8 with BOM, for Excel) or XLSX.

Both carry every field of a line, its prev_hash and hash, so that a copy kept elsewhere can be
checked against the database later. Times are shown in Asia/Ho_Chi_Minh, and in UTC as hashed.
"""
from __future__ import annotations

import csv
import io
from datetime import timezone

from flask_babel import gettext as _

from app.audit.labels import action_label, subject_label
from app.audit.models import AuditEntry
from app.formatting import format_datetime

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _columns():
    return [
        (_("Số"), 8, lambda e: e.id),
        (_("Thời điểm"), 18, lambda e: format_datetime(e.at)),
        (_("Thời điểm (UTC)"), 28, lambda e: e.at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")),
        (_("Số hiệu người thực hiện"), 10, lambda e: e.actor_user_id),
        (_("Người thực hiện"), 26, lambda e: e.actor_label),
        (_("Địa chỉ IP"), 16, lambda e: e.ip),
        (_("Hành động"), 26, lambda e: e.action),
        (_("Diễn giải"), 30, lambda e: action_label(e.action)),
        (_("Loại đối tượng"), 16, lambda e: subject_label(e.subject_type)),
        (_("Số hiệu đối tượng"), 10, lambda e: e.subject_id),
        (_("Chi tiết"), 40, lambda e: e.detail),
        (_("Mã băm dòng trước"), 30, lambda e: e.prev_hash),
        (_("Mã băm"), 30, lambda e: e.hash),
    ]


def _safe(value):
    """A text that a spreadsheet would take for a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[AuditEntry]) -> bytes:
    """The lines as CSV, UTF-8 with a byte-order mark so that Excel reads Vietnamese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    cols = _columns()
    writer.writerow([label for label, _w, _get in cols])
    for entry in rows:
        writer.writerow(["" if (v := get(entry)) is None else _safe(v) for _label, _w, get in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[AuditEntry], *, total: int, filters_text: str) -> bytes:
    """The lines as a workbook: title rows, a frozen header, one row per line."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from app.xlsx import data_cell, header_cell, landscape_a4, write_titles

    cols = _columns()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Nhật ký hệ thống")[:31]
    titles = [(_("NHẬT KÝ HỆ THỐNG"), Font(bold=True, size=14)), (filters_text, Font(italic=True, size=12))]
    if total > len(rows):
        titles.append((_("Chỉ xuất %(n)s trên tổng số %(total)s dòng; hãy lọc hẹp hơn.", n=len(rows), total=total),
                       Font(bold=True, color="C00000")))
    header_row = write_titles(ws, titles, get_column_letter(len(cols))) + 1
    for c, (label, width, _get) in enumerate(cols, start=1):
        header_cell(ws, header_row, c, label)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, entry in enumerate(rows, start=header_row + 1):
        for c, (_label, _width, get) in enumerate(cols, start=1):
            data_cell(ws, r, c, get(entry))
    landscape_a4(ws, header_rows=f"{header_row}:{header_row}", freeze=ws.cell(row=header_row + 1, column=1))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
