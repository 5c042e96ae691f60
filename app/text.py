"""Text folding for search and comparison: no diacritics, đ → d, lower case, single spaces."""
from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    """`Nguyễn Văn Đường` → `nguyen van duong` (NFC or NFD input alike)."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    return _SPACES.sub(" ", unidecode(value).lower()).strip()
