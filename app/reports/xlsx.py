"""The forms as an .xlsx workbook (openpyxl): per form a sheet with the title block, the official
multi-row header (merged cells), the column numbers row, one row per agency and the total; and a
first sheet with the narrative summary. Money in millions of đồng, land in m²."""
from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import gettext as _

from app.reports.engine import Table, header_rows
from app.reports.summary import Summary


def cell_number(column, value):
    """The number written to a cell: money in millions (one decimal), land with one decimal."""
    if column.unit == "money":
        return float((Decimal(value) / Decimal(1_000_000)).quantize(Decimal("0.1")))
    if column.unit == "land":
        return float(Decimal(value).quantize(Decimal("0.1")))
    return int(value)


def build_workbook(tables: list[Table], summary: Summary | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from app.xlsx import BORDER as border, HEADER_ALIGNMENT as centre, landscape_a4, write_titles

    wb = Workbook()
    first = True
    if summary is not None:
        ws = wb.active
        first = False
        ws.title = _("Tóm tắt")[:31]
        ws["A1"] = summary.scope.agency.name.upper()
        ws["A1"].font = Font(bold=True)
        ws["A2"] = _("TÓM TẮT KẾT QUẢ %(period)s", period=summary.period.label.upper())
        ws["A2"].font = Font(bold=True, size=13)
        ws["A4"] = summary.text
        ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells("A4:H14")
        ws.column_dimensions["A"].width = 20
    for table in tables:
        form = table.form
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = form.code.replace("/", "-")[:31]
        columns = list(form.columns)
        width = len(columns) + 2
        last = get_column_letter(width)
        titles = [(table.scope.agency.name.upper(), Font(bold=True)),
                  (_("Biểu số %(code)s", code=form.code), Font(italic=True)),
                  (str(form.title).upper(), Font(bold=True, size=13)),
                  (_("Kỳ báo cáo: %(period)s (từ %(start)s đến %(end)s)", period=table.period.label,
                     start=table.period.start.strftime("%d/%m/%Y"), end=table.period.end.strftime("%d/%m/%Y")),
                   Font(italic=True)),
                  (_("Đơn vị tính: tiền — triệu đồng; đất — m²; còn lại — lượt, người, đơn, vụ việc"),
                   Font(italic=True, size=9))]
        top = write_titles(ws, titles, last) + 1
        rows = header_rows(columns)
        depth = len(rows)
        for label, col in ((_("STT"), 1), (_("Đơn vị"), 2)):
            ws.cell(row=top, column=col, value=label)
            ws.merge_cells(start_row=top, start_column=col, end_row=top + depth - 1, end_column=col)
        for level, cells in enumerate(rows):
            for cell in cells:
                r, c = top + level, cell["first"] + 3
                ws.cell(row=r, column=c, value=str(cell["label"]))
                if cell["colspan"] > 1 or cell["rowspan"] > 1:
                    ws.merge_cells(start_row=r, start_column=c, end_row=r + cell["rowspan"] - 1,
                                   end_column=c + cell["colspan"] - 1)
        numbers = top + depth
        for c in range(1, width + 1):
            ws.cell(row=numbers, column=c, value=c if c > 2 else ("A" if c == 1 else "B"))
        for r in range(top, numbers + 1):
            for c in range(1, width + 1):
                cell = ws.cell(row=r, column=c)
                cell.font = Font(bold=r < numbers, italic=r == numbers)
                cell.alignment = centre
                cell.border = border
        r = numbers + 1
        body = [(str(i), row.label, table.values[row.key]) for i, row in enumerate(table.rows, start=1)]
        if len(table.rows) > 1:
            body.append(("", _("Tổng cộng"), table.total))
        for stt, label, values in body:
            ws.cell(row=r, column=1, value=stt)
            ws.cell(row=r, column=2, value=label)
            for i, column in enumerate(columns, start=3):
                cell = ws.cell(row=r, column=i, value=cell_number(column, values[column.key]))
                if column.unit in ("money", "land"):
                    cell.number_format = "#,##0.0"
            for c in range(1, width + 1):
                ws.cell(row=r, column=c).border = border
                if not stt:
                    ws.cell(row=r, column=c).font = Font(bold=True)
            r += 1
        ws.column_dimensions["A"].width = 5
        ws.column_dimensions["B"].width = 30
        for c in range(3, width + 1):
            ws.column_dimensions[get_column_letter(c)].width = 11
        for level in range(depth):
            ws.row_dimensions[top + level].height = 45
        landscape_a4(ws, header_rows=f"{top}:{numbers}", freeze=ws.cell(row=numbers + 1, column=3))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
