"""Read an uploaded register: an Excel workbook (.xlsx) or a CSV text, told apart by content.

What comes out is a `Table`: the header row found (its number and cells) and the data rows with
their numbers as the user sees them in Excel, so that every message can point at a row. Formulas
are read as the values Excel last computed (`data_only`), never evaluated. Limits protect the
server: the file size, the unpacked size of a workbook, the number of rows and columns.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

import filetype
from flask_babel import lazy_gettext as _l

from app.imports.spec import KindSpec, clean_text, header_key

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 80
HEADER_SEARCH_ROWS = 20  # a register may carry title lines above its header
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Table:
    """A sheet's header and data rows (row numbers as shown by Excel; the CSV record number)."""

    format: str  # "xlsx" or "csv"
    header_row: int = 0
    headers: list = field(default_factory=list)
    rows: list[tuple[int, list]] = field(default_factory=list)


def _is_xlsx(data: bytes) -> bool:
    """A real Excel workbook: a ZIP with the workbook part and the spreadsheet content type, no macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return False
            if "xl/vbaProject.bin" in names:
                return False
            types = zf.read("[Content_Types].xml")
            if b"spreadsheetml.sheet.main+xml" not in types or b"macroEnabled" in types:
                return False
            if sum(info.file_size for info in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportFileError(_l("Tệp Excel quá lớn khi giải nén."))
            return True
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def detect_format(data: bytes) -> str:
    """`xlsx` or `csv`, from the content; ImportFileError with a clear message for anything else."""
    if not data:
        raise ImportFileError(_l("Tệp rỗng."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_l("Tệp lớn hơn %(mb)s MB; hãy chia thành nhiều tệp.", mb=MAX_BYTES // (1024 * 1024)))
    if data[:4] == b"PK\x03\x04":
        if _is_xlsx(data):
            return "xlsx"
        raise ImportFileError(_l("Tệp nén này không phải bảng tính Excel (.xlsx). Bảng tính có macro (.xlsm) "
                                 "không được nhận."))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_l("Đây là tệp Excel cũ (.xls): hãy mở bằng Excel và lưu lại dưới dạng .xlsx."))
    guess = filetype.guess(data)
    if guess is not None:
        raise ImportFileError(_l("Tệp tải lên là %(ext)s, không phải bảng tính .xlsx hoặc .csv.",
                                 ext=guess.extension.upper()))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_l("Tệp không phải bảng tính .xlsx, hoặc là tệp CSV không mã hóa UTF-8 "
                                 "(trong Excel: Lưu thành → CSV UTF-8).")) from exc
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > 0:
        raise ImportFileError(_l("Tệp tải lên không phải bảng tính .xlsx hoặc .csv."))
    return "csv"


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(_l("Không mở được tệp Excel: tệp bị hỏng hoặc không đúng định dạng.")) from exc
    try:
        ws = wb.worksheets[0]
        for number, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            yield number, list(row)
    finally:
        wb.close()


def _sniff_delimiter(text: str) -> str:
    """`;` (Excel in Vietnamese locale), `,` or tab: the one most frequent on the first non-empty line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _csv_rows(data: bytes):
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        for number, row in enumerate(reader, start=1):
            yield number, row[:MAX_COLUMNS]
    except csv.Error as exc:
        raise ImportFileError(_l("Tệp CSV bị lỗi định dạng: %(why)s.", why=str(exc))) from exc


def _score(cells: list, spec: KindSpec) -> int:
    known = set()
    for column in spec.columns:
        known.add(header_key(column.header))
        known.update(header_key(a) for a in column.aliases)
    return sum(1 for c in cells if header_key(c) and header_key(c) in known)


def read_table(data: bytes, spec: KindSpec) -> Table:
    """The header row (the first of the first rows naming at least two known columns) and the
    non-empty rows below it."""
    fmt = detect_format(data)
    rows = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    table = Table(format=fmt)
    for number, cells in rows:
        if not table.headers:
            if _score(cells, spec) >= 2:
                table.header_row, table.headers = number, cells
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if all(clean_text(c) == "" for c in cells):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise ImportFileError(_l("Tệp có hơn %(n)s dòng dữ liệu; hãy chia thành nhiều tệp.", n=MAX_ROWS))
        table.rows.append((number, cells))
    if not table.headers:
        raise ImportFileError(_l("Không tìm thấy dòng tiêu đề cột (ví dụ “%(h)s”) trong %(n)s dòng đầu: hãy dùng "
                                 "tệp mẫu của loại dữ liệu đã chọn.", h=spec.columns[0].header, n=HEADER_SEARCH_ROWS))
    return table
