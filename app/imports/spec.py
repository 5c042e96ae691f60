"""The columns of each kind of register an office can import, and how one cell is read.

A `Column` names its header (Vietnamese, as printed in the template), a key, whether it is
required, its type and a help text; `parse_cell` turns what a spreadsheet or CSV cell holds into
a normalised Python value, or raises `CellError` with a message for the user. Headers are the
file format, so they stay in Vietnamese whatever the interface language; they are matched
without regard to case, diacritics, a trailing `*` or a note in parentheses (`header_key`).

Types: text, names (several, separated by `;`), date (dd/mm/yyyy or a real Excel date), time,
int, money (whole đồng), area (m², one decimal), bool (có/không), enum (Vietnamese label or
code), agency (agency code), category (content category code), email, cccd, phone.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.text import fold
from app.validators import is_valid_cccd, is_valid_phone, normalize_cccd, normalize_phone


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is for the user."""


@dataclass(frozen=True)
class Option:
    """One allowed value of an enum column: the stored code and the Vietnamese labels accepted for it
    (the first is the one the template and the guide show)."""

    code: str
    labels: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    key: str
    header: str
    type: str
    required: bool = False
    help: object = ""
    example: object = None
    max_len: int | None = None
    options: tuple[Option, ...] = ()
    aliases: tuple[str, ...] = ()
    multi: bool = False  # several values in one cell, separated by ';'


@dataclass(frozen=True)
class KindSpec:
    """The columns of one kind of register."""

    kind: str
    title: object
    columns: tuple[Column, ...]
    notes: tuple = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# --- headers ----------------------------------------------------------------------------------

_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def header_key(text) -> str:
    """`Ngày tiếp (*)` → `ngay tiep`: folded, without notes in parentheses, stars or punctuation."""
    value = fold("" if text is None else str(text))
    value = _PARENS.sub(" ", value).replace("*", " ")
    return _NON_WORD.sub(" ", value).strip()


# --- cell values ------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0]+")
_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_TIME_RE = re.compile(r"^(\d{1,2})\s*(?::|h|g|giờ)\s*(\d{2})?\s*(?:phút)?$", re.IGNORECASE)
_GROUPED_INT = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_MIN_YEAR = 1990
MAX_NUMBER = 10 ** 15  # đồng: a thousand thousand billion, far above any real figure
MAX_AREA = Decimal(10) ** 12  # fits Numeric(14, 1)
BOOL_TRUE = {"co", "x", "1", "true", "yes", "dung"}
BOOL_FALSE = {"khong", "0", "false", "no", "sai"}


def clean_text(value) -> str:
    """A cell as text: NFC, spaces collapsed (line breaks kept), trimmed; numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0, 0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def is_blank(value) -> bool:
    return clean_text(value) == ""


def _parse_date(value) -> date:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)):
        raise CellError(_l("Không đọc được ngày: hãy ghi ngày/tháng/năm, ví dụ 15/03/2021."))
    else:
        text = clean_text(value)
        match = _DATE_RE.match(text)
        iso = _ISO_DATE_RE.match(text)
        try:
            if match:
                day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            elif iso:
                day = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            else:
                raise CellError(_l("Không đọc được ngày “%(v)s”: hãy ghi ngày/tháng/năm, ví dụ 15/03/2021.", v=text))
        except ValueError as exc:
            raise CellError(_l("Ngày “%(v)s” không có trên lịch.", v=text)) from exc
    if day.year < _MIN_YEAR:
        raise CellError(_l("Năm %(y)s không hợp lệ (từ %(min)s trở đi).", y=day.year, min=_MIN_YEAR))
    return day


def _parse_time(value) -> str:
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    text = clean_text(value)
    match = _TIME_RE.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise CellError(_l("Không đọc được giờ “%(v)s”: hãy ghi giờ:phút, ví dụ 08:30.", v=text))


def _whole_number(value, what) -> int:
    """A non-negative whole number from an Excel number or a text with Vietnamese separators."""
    if isinstance(value, bool):
        raise CellError(_l("Hãy ghi một số."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(what)
        number = int(value)
    else:
        text = clean_text(value).replace(" ", "").replace("\u202f", "")
        if re.fullmatch(r"[0-9]+", text):
            number = int(text)
        elif _GROUPED_INT.match(text):
            number = int(re.sub(r"[.,]", "", text))
        else:
            raise CellError(what)
    if number < 0:
        raise CellError(_l("Số không được âm."))
    if number >= MAX_NUMBER:
        raise CellError(_l("Số quá lớn."))
    return number


def _parse_area(value) -> Decimal:
    """m² with at most one decimal: `1.234,5` (Vietnamese), `1234.5`, or an Excel number."""
    bad = _l("Diện tích ghi bằng số mét vuông, tối đa một chữ số thập phân, ví dụ 1.234,5.")
    if isinstance(value, bool):
        raise CellError(bad)
    if isinstance(value, (int, float)):
        number = Decimal(str(round(value, 6)))
    else:
        text = clean_text(value).replace(" ", "")
        if "," in text:  # Vietnamese style: dots group thousands, the comma marks the decimals
            text = text.replace(".", "").replace(",", ".")
        elif re.match(r"^\d{1,3}(?:\.\d{3})+$", text):  # 1.234 or 12.345.678: thousands (one decimal at most)
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(bad) from exc
    if not number.is_finite() or number >= MAX_AREA:
        raise CellError(bad)
    if number < 0:
        raise CellError(_l("Số không được âm."))
    if number != number.quantize(Decimal("0.1")):
        raise CellError(bad)
    return number.quantize(Decimal("0.1"))


def _parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = header_key(value)
    if text in BOOL_TRUE:
        return True
    if text in BOOL_FALSE:
        return False
    raise CellError(_l("Hãy ghi “có” hoặc “không”."))


def _parse_enum(column: Column, value) -> str:
    wanted = header_key(value)
    raw = clean_text(value)
    for option in column.options:
        if raw == option.code or wanted == header_key(option.code) or \
                any(wanted == header_key(label) for label in option.labels):
            return option.code
    allowed = "; ".join(option.label for option in column.options)
    raise CellError(_l("Giá trị “%(v)s” không có trong danh sách: %(allowed)s.", v=raw, allowed=allowed))


def _parse_cccd(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
        text = text.zfill(12) if len(text) == 11 else text  # Excel drops the leading zero of a number
    else:
        text = normalize_cccd(clean_text(value))
    if not is_valid_cccd(text):
        raise CellError(_l("Số CCCD “%(v)s” không hợp lệ (12 chữ số, ba số đầu là mã tỉnh nơi đăng ký khai sinh).",
                           v=text))
    return text


def _parse_phone(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
        text = "0" + text if len(text) in (9, 10) and not text.startswith("0") else text
    else:
        text = normalize_phone(clean_text(value))
    if not is_valid_phone(text):
        raise CellError(_l("Số điện thoại “%(v)s” không hợp lệ.", v=clean_text(value)))
    return text


def _parse_text(column: Column, value) -> str:
    text = clean_text(value)
    if column.max_len and len(text) > column.max_len:
        raise CellError(_l("Dài quá %(n)s ký tự (hiện có %(m)s).", n=column.max_len, m=len(text)))
    return text


def _parse_one(column: Column, value):
    kind = column.type
    if kind in ("text", "names"):
        return _parse_text(column, value)
    if kind == "date":
        return _parse_date(value)
    if kind == "time":
        return _parse_time(value)
    if kind == "int":
        return _whole_number(value, _l("Hãy ghi một số nguyên không âm."))
    if kind == "money":
        return _whole_number(value, _l("Số tiền ghi bằng đồng, số nguyên, ví dụ 1.391.100.000."))
    if kind == "area":
        return _parse_area(value)
    if kind == "bool":
        return _parse_bool(value)
    if kind == "enum":
        return _parse_enum(column, value)
    if kind in ("agency", "category"):
        return clean_text(value).upper()
    if kind == "email":
        text = clean_text(value).lower()
        if "@" not in text or " " in text:
            raise CellError(_l("Địa chỉ thư điện tử “%(v)s” không hợp lệ.", v=text))
        return text
    if kind == "cccd":
        return _parse_cccd(value)
    if kind == "phone":
        return _parse_phone(value)
    raise AssertionError(f"unknown column type {kind}")


def parse_cell(column: Column, value):
    """The cell's value for its column: None when blank (the caller checks `required`)."""
    if is_blank(value):
        return None
    if column.multi:
        parts = [p for p in re.split(r"[;\n]", clean_text(value)) if p.strip()] \
            if isinstance(value, str) else [value]
        return tuple(_parse_one(column, p.strip() if isinstance(p, str) else p) for p in parts)
    return _parse_one(column, value)


def key_value(value):
    """A parsed value as it enters the row key (JSON-friendly, identical for XLSX and CSV)."""
    if isinstance(value, (date, Decimal)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, tuple):
        return [key_value(v) for v in value]
    return value


def format_value(column: Column, value) -> str:
    """A parsed value as it would be typed (the template's example row and the preview)."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(format_value(column, v) for v in value)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if column.type == "enum":
        return next((o.label for o in column.options if o.code == value), str(value))
    return str(value)


# --- the kinds --------------------------------------------------------------------------------

KIND_OPTIONS = (
    Option("complaint", ("Khiếu nại", "KN")),
    Option("denunciation", ("Tố cáo", "TC")),
    Option("proposal", ("Kiến nghị, phản ánh", "Kiến nghị", "Phản ánh", "KNPA")),
)
YES_NO = "có / không"


def _c(key, header, type_, required=False, help="", example=None, **kw) -> Column:
    return Column(key=key, header=header, type=type_, required=required, help=help, example=example, **kw)


VISITS = KindSpec("visits", _l("Sổ tiếp công dân (lượt tiếp)"), (
    _c("visited_on", "Ngày tiếp", "date", True, _l("Ngày tiếp công dân, ngày/tháng/năm."), date(2021, 3, 15)),
    _c("visited_time", "Giờ tiếp", "time", False, _l("Giờ:phút; để trống là 08:00."), "08:30"),
    _c("place", "Địa điểm tiếp", "text", False, _l("Để trống là tên cơ quan."), "Trụ sở Tiếp công dân tỉnh",
       max_len=200),
    _c("channel", "Hình thức tiếp", "enum", False, _l("Trực tiếp hoặc trực tuyến; để trống là trực tiếp."),
       "in_person", options=(Option("in_person", ("Trực tiếp",)), Option("online", ("Trực tuyến",)))),
    _c("full_names", "Họ tên người đến", "names", True,
       _l("Họ tên công dân; đoàn đông người: họ tên những người đại diện, cách nhau bằng dấu chấm phẩy (;)."),
       ("Hoàng Văn Dũng",), max_len=200, multi=True, aliases=("Họ và tên", "Họ tên công dân", "Người đến")),
    _c("id_numbers", "Số CCCD", "cccd", False,
       _l("Số căn cước công dân (12 chữ số), theo đúng thứ tự họ tên, cách nhau bằng dấu ;."),
       ("020085001234",), multi=True, aliases=("CCCD", "Số CMND/CCCD", "Số định danh cá nhân", "Số căn cước")),
    _c("phone", "Số điện thoại", "phone", False, _l("Của người đầu tiên."), "0912345678", aliases=("Điện thoại",)),
    _c("address", "Địa chỉ", "text", False, _l("Của người đầu tiên."), "Thôn Bản Làn, xã Cao Lộc", max_len=300),
    _c("people_count", "Số người", "int", False,
       _l("Số người đến; để trống là số họ tên đã ghi. Từ 5 người là đoàn đông người (Luật Tiếp công dân, Điều 29)."),
       1),
    _c("kind", "Loại nội dung", "enum", True, _l("Khiếu nại, Tố cáo, hoặc Kiến nghị, phản ánh."), "complaint",
       options=KIND_OPTIONS, aliases=("Loại đơn", "Phân loại")),
    _c("category", "Mã lĩnh vực", "category", False,
       _l("Mã lĩnh vực nội dung (xem trang Hướng dẫn), phải cùng loại nội dung."), "KN.HC.DAT.BOITHUONG"),
    _c("summary", "Nội dung vụ việc", "text", True, _l("Tóm tắt nội dung công dân trình bày."),
       "Khiếu nại mức bồi thường khi thu hồi đất làm đường", aliases=("Nội dung",)),
    _c("request", "Yêu cầu, đề nghị", "text", False, "", "Đề nghị xem xét lại mức bồi thường"),
    _c("prior_handling", "Quá trình xem xét, giải quyết", "text", False,
       _l("Cơ quan, văn bản đã giải quyết trước đó (nếu có)."), ""),
    _c("respondent", "Người bị khiếu nại, tố cáo", "text", False, "", "UBND xã Cao Lộc", max_len=300),
    _c("outcome", "Kết quả tiếp", "enum", True, _l("Kết quả xử lý tại buổi tiếp."), "petition_received",
       options=(Option("petition_received", ("Tiếp nhận đơn", "Nhận đơn")),
                Option("guided", ("Hướng dẫn", "Hướng dẫn đến cơ quan có thẩm quyền")),
                Option("settled", ("Giải thích, trả lời", "Giải thích, trả lời ngay", "Trả lời trực tiếp")),
                Option("transferred", ("Chuyển đơn", "Chuyển đơn, chuyển nội dung")),
                Option("refused", ("Từ chối tiếp",))),
       aliases=("Kết quả", "Kết quả xử lý")),
    _c("outcome_note", "Nội dung giải thích, trả lời", "text", False,
       _l("Bắt buộc khi giải thích, trả lời ngay và khi từ chối tiếp."), ""),
    _c("target", "Cơ quan hướng dẫn, chuyển đến", "text", False,
       _l("Bắt buộc khi hướng dẫn hoặc chuyển đơn: tên cơ quan, hoặc mã cơ quan trong hệ thống."), "", max_len=300),
    _c("refusal_ground", "Căn cứ từ chối", "enum", False,
       _l("Bắt buộc khi từ chối tiếp: khoản của Điều 9 Luật Tiếp công dân."), None,
       options=(Option("incapacitated", ("Điều 9 khoản 1", "Khoản 1")),
                Option("disruptive", ("Điều 9 khoản 2", "Khoản 2")),
                Option("persistent", ("Điều 9 khoản 3", "Khoản 3")),
                Option("other_law", ("Điều 9 khoản 4", "Khoản 4")))),
    _c("is_repeat", "Tái diễn", "bool", False,
       _l("“có” khi công dân đến lần thứ hai trở lên về cùng vụ việc; để trống là lần đầu."), False),
    _c("replied_on", "Ngày trả lời", "date", False,
       _l("Ngày đã thông báo kết quả cho công dân (Luật Tiếp công dân, Điều 28) khi tiếp nhận đơn hoặc chuyển đơn."),
       date(2021, 3, 25)),
    _c("reply_note", "Nội dung đã trả lời", "text", False, "", "Đã thông báo thụ lý bằng văn bản"),
    _c("officer_email", "Email cán bộ tiếp", "email", False,
       _l("Tài khoản của cán bộ đã tiếp, trong cơ quan; để trống là người nhập."), None),
))

PETITIONS = KindSpec("petitions", _l("Sổ theo dõi đơn thư"), (
    _c("received_on", "Ngày nhận đơn", "date", True, _l("Ngày cơ quan nhận đơn."), date(2021, 4, 2),
       aliases=("Ngày nhận",)),
    _c("channel", "Nguồn đơn", "enum", True, _l("Đơn đến từ đâu."), "post",
       options=(Option("walk_in", ("Trực tiếp", "Trực tiếp tại trụ sở", "Tiếp công dân")),
                Option("post", ("Bưu chính", "Qua bưu điện", "Bưu điện")),
                Option("hand", ("Gửi tay",)),
                Option("forwarded", ("Cơ quan khác chuyển đến", "Chuyển đến")),
                Option("online", ("Trực tuyến",))),
       aliases=("Kênh tiếp nhận",)),
    _c("forwarded_by_kind", "Loại cơ quan chuyển đơn", "enum", False,
       _l("Khi nguồn đơn là “Cơ quan khác chuyển đến”."), None,
       options=(Option("national_assembly", ("Quốc hội", "Đoàn đại biểu Quốc hội")),
                Option("peoples_council", ("Hội đồng nhân dân", "HĐND")),
                Option("fatherland_front", ("Mặt trận Tổ quốc", "MTTQ")),
                Option("press", ("Báo chí",)),
                Option("higher_body", ("Cơ quan cấp trên",)),
                Option("other", ("Khác",)))),
    _c("forwarded_by_name", "Cơ quan chuyển đơn", "text", False,
       _l("Bắt buộc khi nguồn đơn là “Cơ quan khác chuyển đến”."), None, max_len=300),
    _c("letter_date", "Ngày ghi trên đơn", "date", False, _l("Không sau ngày nhận đơn."), date(2021, 3, 30)),
    _c("kind", "Loại đơn", "enum", True, _l("Khiếu nại, Tố cáo, hoặc Kiến nghị, phản ánh."), "complaint",
       options=KIND_OPTIONS, aliases=("Phân loại",)),
    _c("category", "Mã lĩnh vực", "category", False, _l("Mã lĩnh vực nội dung, cùng loại đơn."), "KN.HC.DAT"),
    _c("full_names", "Họ tên người gửi đơn", "names", True,
       _l("Người đứng tên; nhiều người: cách nhau bằng dấu ;. Danh tính người tố cáo được mã hóa, "
          "không đưa vào danh sách công dân."), ("Nguyễn Thị Hoa",), max_len=200, multi=True,
       aliases=("Họ tên", "Người gửi đơn", "Người viết đơn")),
    _c("id_numbers", "Số CCCD", "cccd", False, _l("Theo đúng thứ tự họ tên, cách nhau bằng dấu ;."),
       ("001190012345",), multi=True, aliases=("CCCD", "Số CMND/CCCD", "Số định danh cá nhân")),
    _c("phone", "Số điện thoại", "phone", False, _l("Của người đầu tiên."), None, aliases=("Điện thoại",)),
    _c("address", "Địa chỉ", "text", False, _l("Của người đầu tiên."), "Phường Lương Văn Tri, TP Lạng Sơn",
       max_len=300),
    _c("signer_count", "Số người đứng tên", "int", False,
       _l("Để trống là số họ tên đã ghi; từ 2 người là đơn nhiều người đứng tên."), None),
    _c("title", "Trích yếu", "text", False, _l("Để trống là phần đầu của nội dung."), None, max_len=300,
       aliases=("Tiêu đề",)),
    _c("content", "Nội dung đơn", "text", True, "", "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND",
       aliases=("Nội dung", "Tóm tắt nội dung")),
    _c("request", "Yêu cầu", "text", False, "", "Đề nghị hủy quyết định"),
    _c("respondent", "Người bị khiếu nại, tố cáo", "text", False, "", "Chủ tịch UBND thành phố Lạng Sơn",
       max_len=300),
    _c("previously_handled", "Đã được giải quyết", "bool", False,
       _l("“có” khi vụ việc đã được cơ quan khác giải quyết trước đó."), False),
    _c("prior_handler", "Cơ quan đã giải quyết", "text", False, "", None, max_len=300),
    _c("prior_decision_number", "Số văn bản đã giải quyết", "text", False, "", None, max_len=100),
    _c("status", "Kết quả xử lý đơn", "enum", False, _l("Để trống là chưa xử lý."), "accepted",
       options=(Option("received", ("Chưa xử lý", "Đang xử lý")),
                Option("accepted", ("Thụ lý", "Thụ lý giải quyết", "Đã thụ lý")),
                Option("guided", ("Hướng dẫn", "Đã hướng dẫn")),
                Option("transferred", ("Chuyển đơn", "Đã chuyển đơn")),
                Option("urged", ("Đôn đốc", "Đã đôn đốc")),
                Option("filed", ("Lưu đơn", "Đã lưu đơn"))),
       aliases=("Kết quả xử lý", "Xử lý đơn")),
    _c("decided_on", "Ngày xử lý", "date", False, _l("Bắt buộc khi đơn đã được xử lý; không trước ngày nhận."),
       date(2021, 4, 12)),
    _c("target", "Nơi hướng dẫn, chuyển, đôn đốc", "text", False,
       _l("Hướng dẫn, chuyển đơn: tên cơ quan. Đôn đốc: mã cơ quan cấp dưới trong hệ thống."), None, max_len=300),
    _c("file_reason", "Lý do lưu đơn", "enum", False, _l("Bắt buộc khi lưu đơn."), None,
       options=(Option("ineligible", ("Không đủ điều kiện xử lý",)),
                Option("time_barred", ("Hết thời hiệu",)),
                Option("finally_decided", ("Đã có quyết định giải quyết cuối cùng",)),
                Option("illegible", ("Không đọc được", "Nội dung không rõ ràng")),
                Option("sent_to_many", ("Gửi nhiều nơi",)),
                Option("already_guided", ("Đã được hướng dẫn",)),
                Option("anonymous", ("Nặc danh", "Mạo danh")))),
))

CASE_KIND_OPTIONS = (
    Option("complaint_first", ("Khiếu nại lần đầu", "Khiếu nại")),
    Option("complaint_second", ("Khiếu nại lần hai",)),
    Option("denunciation", ("Tố cáo",)),
    Option("proposal", ("Kiến nghị, phản ánh", "Kiến nghị", "Phản ánh")),
)
CASE_STATUS_OPTIONS = (
    Option("accepted", ("Đã thụ lý", "Thụ lý")),
    Option("verifying", ("Đang xác minh",)),
    Option("dialogue", ("Đang đối thoại",)),
    Option("decided", ("Đã có quyết định giải quyết", "Đã giải quyết")),
    Option("appealed", ("Đã bị khiếu nại lần hai",)),
    Option("final", ("Quyết định có hiệu lực pháp luật", "Có hiệu lực pháp luật")),
    Option("enforcing", ("Đang tổ chức thi hành", "Đang thi hành")),
    Option("concluded", ("Đã có kết luận",)),
    Option("handled", ("Đã xử lý kết luận",)),
    Option("answered", ("Đã trả lời",)),
    Option("withdrawn", ("Đã rút đơn", "Rút đơn")),
    Option("terminated", ("Đình chỉ giải quyết", "Đình chỉ")),
    Option("closed", ("Đã kết thúc hồ sơ", "Kết thúc")),
)
CASE_OUTCOME_OPTIONS = (
    Option("correct", ("Khiếu nại đúng", "Đúng")),
    Option("partly_correct", ("Khiếu nại đúng một phần", "Có đúng, có sai")),
    Option("incorrect", ("Khiếu nại sai", "Sai")),
    Option("true", ("Tố cáo đúng",)),
    Option("partly_true", ("Tố cáo đúng một phần", "Tố cáo có đúng, có sai")),
    Option("untrue", ("Tố cáo sai",)),
    Option("answered", ("Đã trả lời kiến nghị, phản ánh", "Đã trả lời")),
)

CASES = KindSpec("cases", _l("Sổ theo dõi giải quyết vụ việc"), (
    _c("kind", "Loại vụ việc", "enum", True, "", "complaint_first", options=CASE_KIND_OPTIONS),
    _c("title", "Tên vụ việc", "text", True, _l("Trích yếu vụ việc."),
       "Khiếu nại quyết định thu hồi đất của bà Nguyễn Thị Hoa", max_len=300, aliases=("Vụ việc", "Trích yếu")),
    _c("accepted_on", "Ngày thụ lý", "date", True, "", date(2021, 4, 12)),
    _c("status", "Trạng thái", "enum", True,
       _l("Trạng thái hiện nay (xem trang Hướng dẫn). Vụ việc đang tạm đình chỉ: nhập trạng thái trước đó rồi ghi "
          "nhận tạm đình chỉ trên trang vụ việc."), "final", options=CASE_STATUS_OPTIONS),
    _c("due_date", "Hạn giải quyết", "date", False,
       _l("Để trống là hạn tính theo luật từ ngày thụ lý (đã gồm vụ việc phức tạp, vùng sâu, vùng xa)."), None),
    _c("is_complex", "Phức tạp", "bool", False, _l("Vụ việc phức tạp (thời hạn dài hơn)."), False),
    _c("is_remote", "Vùng sâu, vùng xa", "bool", False, _l("Vùng sâu, vùng xa, đi lại khó khăn."), False),
    _c("outcome", "Kết quả giải quyết", "enum", False,
       _l("Bắt buộc khi đã có quyết định, kết luận hoặc văn bản trả lời."), "partly_correct",
       options=CASE_OUTCOME_OPTIONS),
    _c("decision_number", "Số quyết định, kết luận", "text", False, _l("Bắt buộc khi đã có kết quả."),
       "125/QĐ-UBND", max_len=50, aliases=("Số quyết định", "Số kết luận")),
    _c("decision_date", "Ngày ban hành", "date", False, _l("Bắt buộc khi đã có kết quả; không trước ngày thụ lý."),
       date(2021, 5, 10)),
    _c("decision_signer", "Người ký", "text", False, "", "Chủ tịch UBND tỉnh", max_len=200),
    _c("decision_received_on", "Ngày nhận quyết định", "date", False,
       _l("Ngày người khiếu nại nhận quyết định (tính thời hạn khiếu nại lần hai)."), None),
    _c("money_recommended", "Tiền kiến nghị thu hồi (đồng)", "money", False,
       _l("Về ngân sách nhà nước, số đồng."), 150000000),
    _c("money_recovered", "Tiền đã thu hồi (đồng)", "money", False, "", 150000000),
    _c("land_recommended", "Đất kiến nghị thu hồi (m²)", "area", False, "", None),
    _c("land_recovered", "Đất đã thu hồi (m²)", "area", False, "", None),
    _c("money_returned", "Tiền trả lại tổ chức, cá nhân (đồng)", "money", False, "", None),
    _c("land_returned", "Đất trả lại tổ chức, cá nhân (m²)", "area", False, "", None),
    _c("people_disciplined", "Số người kiến nghị xử lý", "int", False, _l("Kiến nghị xử lý kỷ luật."), None),
    _c("officials_disciplined", "Trong đó cán bộ, công chức", "int", False, "", None),
    _c("referred_to_investigation", "Số vụ chuyển cơ quan điều tra", "int", False, "", None),
    _c("enforcement_due", "Hạn thi hành", "date", False, "", None),
    _c("enforced_on", "Ngày thi hành xong", "date", False, "", None),
    _c("petition_code", "Mã đơn", "text", False,
       _l("Mã theo dõi của đơn đã có trong hệ thống (ví dụ TTLS-2021-000012), ở trạng thái đã thụ lý, để nối đơn "
          "với vụ việc."), None, max_len=30),
    _c("resolver_email", "Email người giải quyết", "email", False, _l("Tài khoản cán bộ được giao, trong cơ quan."),
       None),
))

DIRECTIVES = KindSpec("directives", _l("Sổ theo dõi nhiệm vụ được giao"), (
    _c("issued_on", "Ngày giao", "date", True, _l("Ngày văn bản giao nhiệm vụ."), date(2021, 2, 1)),
    _c("document_number", "Số văn bản", "text", False, "", "120/UBND-NC", max_len=60),
    _c("source", "Nguồn giao", "enum", True, "", "chairman",
       options=(Option("chairman", ("Chủ tịch UBND", "Chủ tịch")),
                Option("vice_chairman", ("Phó Chủ tịch UBND", "Phó Chủ tịch")),
                Option("meeting", ("Kết luận cuộc họp", "Cuộc họp")),
                Option("reception_session", ("Thông báo kết luận tiếp công dân", "Buổi tiếp công dân")),
                Option("higher_body", ("Cơ quan cấp trên",)),
                Option("other", ("Khác",)))),
    _c("source_name", "Người, cuộc họp giao", "text", False, _l("Tên người giao, cuộc họp hoặc cơ quan."),
       "Chủ tịch UBND tỉnh", max_len=300),
    _c("issuer_code", "Mã cơ quan giao", "agency", False, _l("Mã cơ quan trong hệ thống; để trống nếu cơ quan ngoài."),
       "LS"),
    _c("content", "Nội dung nhiệm vụ", "text", True, "",
       "Thanh tra việc quản lý, sử dụng đất tại xã Cao Lộc", aliases=("Nội dung",)),
    _c("is_key_task", "Nhiệm vụ trọng tâm", "bool", False, "", False, aliases=("Trọng tâm",)),
    _c("assignee_code", "Mã cơ quan thực hiện", "agency", False,
       _l("Cơ quan nhập hoặc cơ quan cấp dưới; để trống là cơ quan nhập."), None),
    _c("assignee_email", "Email người thực hiện", "email", False, _l("Tài khoản trong cơ quan thực hiện."), None),
    _c("due_on", "Hạn hoàn thành", "date", True, _l("Không trước ngày giao."), date(2021, 6, 30),
       aliases=("Thời hạn",)),
    _c("done_on", "Ngày hoàn thành", "date", False, _l("Để trống nếu chưa xong."), date(2021, 6, 25)),
    _c("result_note", "Kết quả thực hiện", "text", False, "", "Đã ban hành kết luận thanh tra"),
))

INSPECTIONS = KindSpec("inspections", _l("Sổ theo dõi cuộc thanh tra và thu hồi"), (
    _c("decision_number", "Số quyết định thanh tra", "text", True,
       _l("Nhận diện cuộc thanh tra. Nhiều dòng cùng số quyết định: dòng đầu tạo cuộc thanh tra, các dòng sau "
          "thêm các lần thu hồi."), "15/QĐ-TTr", max_len=60, aliases=("Số quyết định",)),
    _c("decision_date", "Ngày quyết định", "date", False, "", date(2021, 2, 20)),
    _c("title", "Tên cuộc thanh tra", "text", False, _l("Bắt buộc ở dòng tạo cuộc thanh tra."),
       "Thanh tra việc thực hiện pháp luật về phòng, chống tham nhũng tại Sở Xây dựng", max_len=300),
    _c("subject", "Đối tượng thanh tra", "text", False, _l("Bắt buộc ở dòng tạo cuộc thanh tra."), "Sở Xây dựng",
       max_len=300),
    _c("kind", "Hình thức", "enum", False, _l("Bắt buộc ở dòng tạo cuộc thanh tra."), "planned",
       options=(Option("planned", ("Theo kế hoạch", "Kế hoạch")), Option("ad_hoc", ("Đột xuất",)))),
    _c("topic", "Lĩnh vực thanh tra", "enum", False, _l("Bắt buộc ở dòng tạo cuộc thanh tra."), "anti_corruption",
       options=(Option("administrative", ("Hành chính, kinh tế - xã hội", "Hành chính")),
                Option("anti_corruption", ("Phòng, chống tham nhũng", "PCTN")),
                Option("complaints", ("Tiếp công dân, khiếu nại, tố cáo", "Khiếu nại, tố cáo")),
                Option("specialised", ("Chuyên ngành",))),
       aliases=("Lĩnh vực",)),
    _c("started_on", "Ngày bắt đầu", "date", False, _l("Bắt buộc ở dòng tạo cuộc thanh tra; ngày công bố quyết định."),
       date(2021, 3, 1)),
    _c("ended_on", "Ngày kết thúc thanh tra trực tiếp", "date", False, "", date(2021, 4, 15)),
    _c("conclusion_due", "Hạn ban hành kết luận", "date", False, "", date(2021, 5, 15)),
    _c("conclusion_number", "Số kết luận", "text", False, "", "40/KL-TTr", max_len=60),
    _c("concluded_on", "Ngày ban hành kết luận", "date", False, "", date(2021, 5, 20)),
    _c("money_violation", "Tiền sai phạm (đồng)", "money", False, "", 200000000,
       aliases=("Số tiền sai phạm", "Tiền vi phạm")),
    _c("money_recommended", "Tiền kiến nghị thu hồi (đồng)", "money", False, "", 180000000),
    _c("land_violation", "Đất sai phạm (m²)", "area", False, "", None),
    _c("land_recommended", "Đất kiến nghị thu hồi (m²)", "area", False, "", None),
    _c("people_recommended_discipline", "Số người kiến nghị xử lý", "int", False, "", 2),
    _c("cases_to_investigation", "Số vụ chuyển cơ quan điều tra", "int", False, "", 0),
    _c("other_recommendations", "Kiến nghị khác", "text", False, "", None),
    _c("recovered_on", "Ngày thu hồi", "date", False, _l("Một lần thu hồi: ngày nộp ngân sách hoặc thu hồi đất."),
       date(2021, 6, 30)),
    _c("money_recovered", "Số tiền đã thu hồi (đồng)", "money", False, "", 160000000),
    _c("land_recovered", "Diện tích đã thu hồi (m²)", "area", False, "", None),
    _c("recovery_document", "Chứng từ thu hồi", "text", False, _l("Số chứng từ nộp ngân sách."), "GNT 0123",
       max_len=200),
))

SPECS: dict[str, KindSpec] = {s.kind: s for s in (VISITS, PETITIONS, CASES, DIRECTIVES, INSPECTIONS)}
KINDS = tuple(SPECS)

KIND_LABELS = {
    "visits": _l("Lượt tiếp công dân"),
    "petitions": _l("Đơn thư"),
    "cases": _l("Vụ việc"),
    "directives": _l("Nhiệm vụ được giao"),
    "inspections": _l("Cuộc thanh tra, thu hồi"),
}

TYPE_LABELS = {
    "text": _l("chữ"),
    "names": _l("họ tên, nhiều người cách nhau dấu ;"),
    "date": _l("ngày/tháng/năm"),
    "time": _l("giờ:phút"),
    "int": _l("số nguyên"),
    "money": _l("số đồng"),
    "area": _l("số m², một chữ số thập phân"),
    "bool": _l("có / không"),
    "enum": _l("một giá trị trong danh sách"),
    "agency": _l("mã cơ quan"),
    "category": _l("mã lĩnh vực"),
    "email": _l("thư điện tử"),
    "cccd": _l("số CCCD"),
    "phone": _l("số điện thoại"),
}
