"""Validators of Vietnamese identifiers: the citizen ID number (CCCD) and phone numbers.

Pure functions, used by forms and services alike.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_CCCD_RE = re.compile(r"^\d{12}$")
# Mobile: 0 + 3/5/7/8/9 + 8 digits; landline: 02 + 9 digits (area code + number).
_MOBILE_RE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE_RE = re.compile(r"^02\d{9}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


@lru_cache(maxsize=1)
def cccd_province_codes() -> frozenset[str]:
    """The three-digit province codes valid at the start of a CCCD number (data file)."""
    path = Path(__file__).parent / "agencies" / "data" / "cccd_province_codes.json"
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["codes"])


def normalize_cccd(value: str) -> str:
    """Strip spaces a citizen may type between groups of digits."""
    return re.sub(r"\s+", "", value or "")


def is_valid_cccd(value: str) -> bool:
    """Twelve digits whose first three are a province code of birth registration."""
    value = normalize_cccd(value)
    return bool(_CCCD_RE.match(value)) and value[:3] in cccd_province_codes()


def normalize_phone(value: str) -> str:
    """Remove separators and turn +84 / 84 into the leading 0."""
    value = _PHONE_SEPARATORS.sub("", value or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) in (11, 12):
        value = "0" + value[2:]
    return value


def is_valid_phone(value: str) -> bool:
    """A Vietnamese mobile (10 digits) or landline (11 digits starting 02) number."""
    value = normalize_phone(value)
    return bool(_MOBILE_RE.match(value) or _LANDLINE_RE.match(value))


# Ids are INTEGER columns: a number beyond this fails on PostgreSQL ("integer out of range") and
# SQLite ("int too large") before any "not found" could be answered.
MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """A record id from user input (a select's value, a URL argument), or None if it cannot be one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None
