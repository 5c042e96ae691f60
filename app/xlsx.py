"""What every exported workbook shares: the centred title rows, the bordered header cells, text that
is never a formula, dates shown dd/mm/yyyy, and the page set-up (landscape A4, one page wide,
header rows repeated, panes frozen under the header)."""
from __future__ import annotations

from datetime import date

from openpyxl.styles import Alignment, Border, Font, Side

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


def write_titles(ws, titles: list[tuple[str, Font]], last_column: str) -> int:
    """One merged, centred row per title; returns the row after them."""
    for i, (text, font) in enumerate(titles, start=1):
        ws.cell(row=i, column=1, value=text).font = font
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A{i}:{last_column}{i}")
    return len(titles) + 1


def header_cell(ws, row: int, column: int, label) -> None:
    cell = ws.cell(row=row, column=column, value=label)
    cell.font = Font(bold=True)
    cell.alignment = HEADER_ALIGNMENT
    cell.border = BORDER


def data_cell(ws, row: int, column: int, value):
    """A bordered, wrapped cell: text starting with '=' stays text; dates show dd/mm/yyyy."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # typed text is never a formula
    if isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    cell.alignment = WRAP
    cell.border = BORDER
    return cell


def landscape_a4(ws, *, header_rows: str, freeze) -> None:
    """Landscape A4, one page wide, the header rows printed on every page, panes frozen at `freeze`."""
    ws.freeze_panes = freeze
    ws.print_title_rows = header_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
