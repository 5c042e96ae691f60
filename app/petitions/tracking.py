"""Tracking codes (`LS-2026-000123`) and access keys.

Codes are gap-free per agency and year: the counter row of that agency-year is incremented
inside the submitting transaction, so a rolled-back submission gives its number back and
concurrent submissions to one agency queue on that row only (never on other agencies).

The access key is derived from the form's one-time token with the server secret, so a
second submit of the same form (a double click) can show the same key; only its SHA-256
is stored, and it is compared in constant time.
"""
from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

from app.counters import next_value
from app.extensions import db

# Crockford's base32: no I, L, O, U, so a key read aloud or copied by hand stays unambiguous.
KEY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
KEY_LENGTH = 12
_KEY_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})
CODE_RE = re.compile(r"^[A-Z0-9]{1,12}-\d{4}-\d{6,}$")


def next_tracking_number(agency_id: int, year: int) -> int:
    """The next petition number of the agency-year (app.counters, series "petition")."""
    return next_value("petition", agency_id, year)


def format_tracking_code(agency_code: str, year: int, number: int) -> str:
    """`LS-2026-000123`: agency prefix, year, six-digit sequence."""
    return f"{agency_code}-{year}-{number:06d}"


def sha256_hex(value: str) -> str:
    """Hex SHA-256 of a string."""
    return hashlib.sha256(value.encode()).hexdigest()


def derive_access_key(form_token: str) -> str:
    """The access key belonging to a form token, as twelve characters in three groups (`7KQ2-M9XD-4TPA`)."""
    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), b"access-key:" + form_token.encode(),
                   hashlib.sha256).digest()
    number = int.from_bytes(mac[:8], "big")
    chars = []
    for _ in range(KEY_LENGTH):
        number, idx = divmod(number, 32)
        chars.append(KEY_ALPHABET[idx])
    raw = "".join(chars)
    return "-".join(raw[i:i + 4] for i in range(0, KEY_LENGTH, 4))


def normalize_key(value: str) -> str:
    """Upper-case, without separators, with look-alike letters mapped to digits."""
    return re.sub(r"[\s\-]", "", (value or "").upper()).translate(_KEY_CONFUSABLES)


def hash_access_key(key: str) -> str:
    """What is stored for a key."""
    return sha256_hex("key:" + normalize_key(key))


def key_matches(key: str, stored_hash: str) -> bool:
    """Constant-time comparison of a typed key with the stored hash."""
    return hmac.compare_digest(hash_access_key(key), stored_hash)


# Compared against when no record has the code, so that a wrong code costs the same time.
_DUMMY_HASH = "0" * 64


def find_by_code_and_key(model, code_column, code: str | None, key: str | None):
    """The row of `model` whose `code_column` is this code, if the key matches; None for a wrong
    code or a wrong key alike (the same answer, and the same work, either way)."""
    from sqlalchemy import select

    row = db.session.scalars(select(model).where(code_column == (code or "").strip().upper())).first()
    ok = key_matches(key or "", row.access_key_hash if row is not None else _DUMMY_HASH)
    return row if (row is not None and ok) else None
