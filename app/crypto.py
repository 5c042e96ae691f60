"""Encryption of protected identities (the denunciator's), with a key from configuration.

Production must set IDENTITY_KEY; development creates one in instance/ on first use, so that
no key is ever committed. Losing the key makes protected identities unreadable: back it up.

Also: sealing a value (a password shown once) before it goes into the session cookie, and
keys derived per purpose from the identity key (two-factor secrets, recovery-code hashes).
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


def _purpose_key(purpose: str) -> bytes:
    """32 bytes for one purpose, derived (HKDF-SHA256) from the identity key.

    One key to keep and back up, yet a value sealed for one purpose (a sign-in secret) is never
    readable with the key of another (a denunciator's identity), and vice versa.
    """
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = base64.urlsafe_b64decode(_key())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"don-thu:" + purpose.encode()).derive(material)


def encrypt_text(purpose: str, value: str) -> bytes:
    """Encrypt a short text (a sign-in secret) with the key of its purpose."""
    import base64

    return Fernet(base64.urlsafe_b64encode(_purpose_key(purpose))).encrypt(value.encode())


def decrypt_text(purpose: str, token: bytes) -> str:
    """What encrypt_text produced for the same purpose."""
    import base64

    return Fernet(base64.urlsafe_b64encode(_purpose_key(purpose))).decrypt(token).decode()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA256 (hex) of a value under the key of its purpose: stored instead of a recovery code,
    so that a copy of the database alone cannot be searched for the codes."""
    import hashlib
    import hmac

    return hmac.new(_purpose_key(purpose), value.encode(), hashlib.sha256).hexdigest()
