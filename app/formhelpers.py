"""What every staff view does with a service's refusal: the message on the field it names (or at the
top of the form), and 422 for a refused POST; and form fields shared by several forms."""
from __future__ import annotations

from flask import request
from wtforms import IntegerField


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


class BoundedIntegerField(IntegerField):
    """An IntegerField that refuses numbers of more than 12 digits as "not a number".

    WTForms' NumberRange crashes on a 40-digit number (math.isnan overflows), and no count on
    these forms comes near a trillion (found by tests/fuzz).
    """

    MAX_DIGITS = 12

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        super().process_formdata(valuelist)
