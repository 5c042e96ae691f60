"""Documents of a visit as print-ready HTML and as DOCX. Stub: filled in by the reception issue."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/staff/documents")
