"""Encryption of protected identities (the denunciator's), with a key from configuration.

Production must set IDENTITY_KEY; development creates one in instance/ on first use, so that
no key is ever committed. Losing the key makes protected identities unreadable: back it up.

Also: sealing a value (a password shown once) before it goes into the session cookie.
"""
from __future__ import annotations

import json
from pathlib import Path

from cryptography.fernet import Fernet
from flask import current_app


def _key() -> bytes:
    key = current_app.config.get("IDENTITY_KEY")
    if key:
        return key.encode() if isinstance(key, str) else key
    path = Path(current_app.instance_path) / "identity.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()


def encrypt_json(payload: dict) -> bytes:
    """Encrypt a JSON-serialisable dict."""
    return Fernet(_key()).encrypt(json.dumps(payload, ensure_ascii=False).encode())


def decrypt_json(token: bytes) -> dict:
    """Decrypt what encrypt_json produced."""
    return json.loads(Fernet(_key()).decrypt(token).decode())


def _session_fernet() -> Fernet:
    """A key derived from SECRET_KEY, used only for values put in the (signed, readable) session."""
    import base64
    import hashlib

    digest = hashlib.sha256(b"session-seal:" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(payload: dict) -> str:
    """Encrypt a small dict for the session cookie: Flask's cookie is signed, not encrypted."""
    return _session_fernet().encrypt(json.dumps(payload, ensure_ascii=False).encode()).decode()


def unseal(token: str | None, max_age_seconds: int) -> dict | None:
    """What seal() made, if it is intact and younger than max_age_seconds; None otherwise."""
    from cryptography.fernet import InvalidToken

    if not token:
        return None
    try:
        return json.loads(_session_fernet().decrypt(token.encode(), ttl=max_age_seconds).decode())
    except (InvalidToken, ValueError):
        return None
