"""Store and read files under UPLOAD_ROOT by random key; nothing here is ever served publicly."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app


def _root() -> Path:
    root = Path(current_app.config["UPLOAD_ROOT"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_for(key: str) -> Path:
    """Where the file with this key lives (keys are random hex; no user input reaches a path)."""
    if not key.isalnum():
        raise ValueError("invalid storage key")
    return _root() / key[:2] / key


def save_bytes(data: bytes) -> str:
    """Write data under a new random key and return the key (written atomically)."""
    key = secrets.token_hex(20)
    path = path_for(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return key


def read_bytes(key: str) -> bytes:
    """The stored content of a key."""
    return path_for(key).read_bytes()


def delete(key: str) -> None:
    """Remove a stored file if it is there."""
    try:
        path_for(key).unlink()
    except FileNotFoundError:
        pass
