"""Public site: asking for an online reception. Stub: filled in by the reception issue."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("online_public", __name__, url_prefix="/tiep-cong-dan-truc-tuyen")
