"""CCCD and phone validators."""
import pytest

from app.validators import is_valid_cccd, is_valid_phone, normalize_cccd, normalize_phone


@pytest.mark.parametrize("value", ["020085001234", "001099012345", "096200000001", "079 203 004 005"])
def test_valid_cccd(value):
    assert is_valid_cccd(value)


@pytest.mark.parametrize(
    "value",
    [
        "",  # empty
        "02008500123",  # 11 digits
        "0200850012345",  # 13 digits
        "02008500123a",  # a letter
        "003085001234",  # 003 is not a province code
        "099085001234",  # 099 is not a province code
        "000000000000",
        "123456789012",
    ],
)
def test_invalid_cccd(value):
    assert not is_valid_cccd(value)


def test_normalize_cccd_strips_spaces():
    assert normalize_cccd(" 020 085 001 234 ") == "020085001234"


@pytest.mark.parametrize(
    "value",
    ["0912345678", "0912 345 678", "091.234.5678", "+84912345678", "84912345678", "0352345678",
     "0702345678", "0812345678", "0592345678", "02053812345", "024 3825 1234"],
)
def test_valid_phone(value):
    assert is_valid_phone(value)


@pytest.mark.parametrize(
    "value",
    ["", "091234567", "09123456789", "0112345678", "0412345678", "0612345678", "abcdefghij", "+1 202 555 0100",
     "0212345678"],
)
def test_invalid_phone(value):
    assert not is_valid_phone(value)


def test_normalize_phone():
    assert normalize_phone("+84 912-345-678") == "0912345678"
    assert normalize_phone("(024) 3825 1234") == "02438251234"
