"""Encryption of protected identities (the denunciator's), with a key from configuration.

Production must set IDENTITY_KEY; development creates one in instance/ on first use, so that
no key is ever committed. Losing the key makes protected identities unreadable: back it up.
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
