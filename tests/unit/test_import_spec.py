"""Reading one cell of an import file: dates, money, areas, yes/no, lists, codes and headers."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.imports.reader import ImportFileError, _sniff_delimiter, detect_format
from app.imports.spec import SPECS, CellError, Column, Option, header_key, parse_cell


def col(type_, **kw):
    return Column(key="k", header="K", type=type_, **kw)


@pytest.mark.parametrize("raw, expected", [
    ("15/03/2021", date(2021, 3, 15)), ("5/3/2021", date(2021, 3, 5)), ("05-03-2021", date(2021, 3, 5)),
    ("2021-03-05", date(2021, 3, 5)), (datetime(2021, 3, 5), date(2021, 3, 5)), (date(2021, 3, 5), date(2021, 3, 5)),
    ("  ", None), (None, None),
])
def test_dates(raw, expected):
    assert parse_cell(col("date"), raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2021", "15/03/21", "tháng 3", 44270, "01/01/1900"])
def test_bad_dates(raw):
    with pytest.raises(CellError):
        parse_cell(col("date"), raw)


@pytest.mark.parametrize("raw, expected", [
    ("1.391.100.000", 1_391_100_000), ("1,391,100,000", 1_391_100_000), ("1 391 100 000", 1_391_100_000),
    (1391100000, 1_391_100_000), (1391100000.0, 1_391_100_000), ("0", 0),
])
def test_money_in_dong(raw, expected):
    assert parse_cell(col("money"), raw) == expected


@pytest.mark.parametrize("raw", ["1.391,1", "1391,5", "-5", 12.5, "1.39.1", "nhiều", "²"])
def test_bad_money(raw):
    with pytest.raises(CellError):
        parse_cell(col("money"), raw)


@pytest.mark.parametrize("raw, expected", [
    ("1.234,5", Decimal("1234.5")), ("1234.5", Decimal("1234.5")), ("1.234", Decimal("1234")),
    (12.3, Decimal("12.3")), (300, Decimal("300.0")),
])
def test_areas(raw, expected):
    assert parse_cell(col("area"), raw) == expected


@pytest.mark.parametrize("raw", ["1,25", "NaN", "Infinity", "-1"])
def test_bad_areas(raw):
    with pytest.raises(CellError):
        parse_cell(col("area"), raw)


@pytest.mark.parametrize("raw, expected", [("có", True), ("Có", True), ("x", True), ("KHÔNG", False),
                                           ("khong", False), (True, True), (0, False)])
def test_yes_no(raw, expected):
    assert parse_cell(col("bool"), raw) is expected


def test_enums_by_label_or_code_without_diacritics():
    column = col("enum", options=(Option("in_person", ("Trực tiếp",)), Option("online", ("Trực tuyến",))))
    assert parse_cell(column, "TRUC TUYEN") == "online" and parse_cell(column, "in_person") == "in_person"
    with pytest.raises(CellError, match="Trực tiếp; Trực tuyến"):
        parse_cell(column, "qua điện thoại")


def test_lists_ids_and_phones():
    names = SPECS["visits"].column("full_names")
    ids = SPECS["visits"].column("id_numbers")
    assert parse_cell(names, "An;  Bình ;\nChi") == ("An", "Bình", "Chi")
    assert parse_cell(ids, "020 085 001 234; 001190012345") == ("020085001234", "001190012345")
    assert parse_cell(ids, 20085001234) == ("020085001234",)
    with pytest.raises(CellError, match="không hợp lệ"):
        parse_cell(ids, "999085001234")
    assert parse_cell(col("phone"), "+84 912 345 678") == "0912345678"


def test_text_is_trimmed_and_limited():
    assert parse_cell(col("text"), "  a \t b \r\n\r\n c ") == "a b\nc"
    with pytest.raises(CellError, match="Dài quá 5"):
        parse_cell(col("text", max_len=5), "abcdef")


def test_headers_match_without_case_diacritics_stars_or_notes():
    assert header_key("Ngày tiếp (*)") == header_key("NGAY TIEP") == "ngay tiep"
    assert header_key("Tiền kiến nghị thu hồi (đồng)") == "tien kien nghi thu hoi"


@pytest.mark.parametrize("kind", list(SPECS))
def test_every_header_and_alias_of_a_kind_is_distinct(kind):
    keys = [header_key(h) for c in SPECS[kind].columns for h in (c.header, *c.aliases)]
    assert len(keys) == len(set(keys))


def test_formats_are_told_by_content():
    assert detect_format("Ngày giao;Nội dung\n01/01/2021;A\n".encode()) == "csv"
    assert _sniff_delimiter("a;b,c;d\n") == ";" and _sniff_delimiter("a,b\n") == ","
    for data in (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, b"PK\x03\x04junk", "é".encode("latin-1") * 10):
        with pytest.raises(ImportFileError):
            detect_format(data)
