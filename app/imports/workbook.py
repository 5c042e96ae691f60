"""The downloadable template of each kind: a sheet with the header and one example row that imports
as it is, and a second sheet, "Hướng dẫn", describing every column, the values accepted, the
content category codes and the agency codes of the system."""
from __future__ import annotations

import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from app.agencies.models import Agency
from app.extensions import db
from app.imports.spec import SPECS, TYPE_LABELS, Column, KindSpec, format_value
from app.petitions.models import ContentCategory

REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_filename(kind: str) -> str:
    return f"mau-nhap-{kind}.xlsx"


def _examples(spec: KindSpec, agency: Agency | None) -> dict:
    values = {c.key: c.example for c in spec.columns}
    if spec.kind == "directives":
        # The body that gives the agency its tasks is usually the one above it.
        values["issuer_code"] = agency.parent.code if agency is not None and agency.parent is not None else None
    return values


def _cell_value(column: Column, value):
    if value is None:
        return None
    if column.type == "date" and isinstance(value, date):
        return value
    if column.type in ("int", "money") and isinstance(value, int):
        return value
    return format_value(column, value)


def _allowed(column: Column) -> str:
    if column.type == "enum":
        return "; ".join(o.label for o in column.options)
    if column.type == "bool":
        return "có / không"
    return ""


def build_template(kind: str, agency: Agency | None = None) -> bytes:
    """The template of `kind` as .xlsx bytes."""
    spec = SPECS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Dữ liệu")
    examples = _examples(spec, agency)
    for index, column in enumerate(spec.columns, start=1):
        header = ws.cell(row=1, column=index, value=column.header + (" *" if column.required else ""))
        header.font = Font(bold=True)
        header.fill = REQUIRED_FILL if column.required else HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center")
        cell = ws.cell(row=2, column=index, value=_cell_value(column, examples.get(column.key)))
        if column.type == "date":
            cell.number_format = "dd/mm/yyyy"
        elif column.type in ("money", "int"):
            cell.number_format = "#,##0"
        elif column.type in ("cccd", "phone", "text", "names", "category", "agency", "email"):
            cell.number_format = "@"  # typed as text: Excel keeps the leading zero of an ID number
        width = max(12, min(40, len(column.header) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
        for row in range(3, 203):  # the next rows keep the formats, so typed IDs and dates stay right
            ws.cell(row=row, column=index).number_format = cell.number_format
    ws.freeze_panes = "A2"

    guide = wb.create_sheet(_("Hướng dẫn"))
    guide.append([_("Mẫu nhập: %(title)s", title=str(spec.title))])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([_("Dòng 1 của trang “Dữ liệu” là tiêu đề cột; mỗi dòng sau là một bản ghi. Cột có dấu * là bắt "
                    "buộc. Ngày ghi ngày/tháng/năm (hoặc ô kiểu ngày của Excel); số tiền ghi bằng đồng. Dòng ví dụ "
                    "có thể xóa hoặc ghi đè. Có thể lưu thành CSV UTF-8. Nhập lại cùng một tệp không tạo bản ghi "
                    "trùng: các dòng đã nhập được bỏ qua.")])
    guide.append([])
    guide.append([_("Cột"), _("Bắt buộc"), _("Kiểu"), _("Giá trị được nhận"), _("Hướng dẫn")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in spec.columns:
        guide.append([column.header, _("có") if column.required else "", str(TYPE_LABELS[column.type]),
                      _allowed(column), str(column.help or "")])
    if kind in ("visits", "petitions"):
        guide.append([])
        guide.append([_("Mã lĩnh vực"), _("Loại"), _("Tên")])
        for cell in guide[guide.max_row]:
            cell.font = Font(bold=True)
        for category in db.session.scalars(select(ContentCategory).where(ContentCategory.active.is_(True))
                                           .order_by(ContentCategory.kind, ContentCategory.position,
                                                     ContentCategory.code)):
            guide.append([category.code, format_value(spec.column("kind"), category.kind), category.name])
    if kind in ("visits", "petitions", "directives"):
        guide.append([])
        guide.append([_("Mã cơ quan"), _("Tên cơ quan")])
        for cell in guide[guide.max_row]:
            cell.font = Font(bold=True)
        for other in db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)):
            guide.append([other.code, other.name])
    for letter, width in zip("ABCDE", (34, 10, 26, 48, 80)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
