"""What every staff view does with a service's refusal: the message on the field it names (or at the
top of the form), and 422 for a refused POST."""
from __future__ import annotations

from flask import request


def show_service_error(form, exc) -> None:
    """Put a service error on the field it concerns (`field` or `field_name`), or at the top of the form."""
    name = getattr(exc, "field", None) or getattr(exc, "field_name", None)
    target = getattr(form, name, None) if name else None
    if target is not None:
        target.errors = list(target.errors) + [str(exc)]
    else:
        form.form_errors.append(str(exc))


def form_status() -> int:
    """200 for a form shown, 422 for a form sent back with errors."""
    return 422 if request.method == "POST" else 200
