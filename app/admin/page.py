"""Helpers of the admin views: select choices, form → service shapes, errors back onto fields."""
from __future__ import annotations

from flask_babel import gettext as _

from app.admin import queries
from app.admin.forms import AGENCY_KIND_LABELS, LEVEL_LABELS
from app.admin.services import AgencyData, CategoryData
from app.agencies import queries as agency_queries
from app.petitions.labels import KIND_LABELS

INDENT = "\u2003"  # an em space per level: selects cannot be styled per option under our CSP


def to_int(value) -> int | None:
    """A select's value as an id, or None for the empty choice."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def clear_errors(form) -> None:
    """A form re-shown after a refresh (province changed) shows no errors yet."""
    for fld in form:
        fld.errors = []


# --- users ------------------------------------------------------------------------------------

def agency_options() -> list[tuple[str, str]]:
    """Every agency in tree order, indented."""
    return [(str(node.item.id), INDENT * node.depth + node.item.name + ("" if node.item.active else
                                                                         " " + _("(ngừng hoạt động)")))
            for node in queries.flatten(queries.agency_tree())]


def fill_user_filter_choices(form) -> None:
    """Choices of the user-list filters."""
    form.agency.choices = [("", _("Tất cả"))] + agency_options()


def fill_user_choices(form) -> None:
    """Choices of the create/edit user form."""
    form.agency.choices = [("", _("— Chọn cơ quan —"))] + agency_options()


def user_filters(form, page: int) -> queries.UserFilters:
    """The list filters from the filter form; values that are not valid are ignored."""
    return queries.UserFilters(
        q=form.q.data if not form.q.errors else None,
        agency_id=to_int(form.agency.data),
        role=form.role.data or None,
        active={"yes": True, "no": False}.get(form.active.data),
        page=max(1, page),
    )


# --- agencies ---------------------------------------------------------------------------------

def fill_agency_choices(form, agency) -> None:
    """Parent (never the agency itself or below it), provinces, and the communes of the province."""
    form.parent.choices = [("", _("— Không có (cơ quan cao nhất) —"))] + [
        (str(a.id), INDENT * depth + f"{a.name} ({a.code})") for a, depth in queries.agency_parent_choices(agency)
    ]
    form.province.choices = [("", _("— Chọn tỉnh, thành phố —"))] + [
        (str(u.id), u.name) for u in agency_queries.current_provinces()
    ]
    form.commune.choices = [("", _("— Cả tỉnh (không chọn xã) —"))] + [
        (str(u.id), u.name) for u in agency_queries.current_communes(to_int(form.province.data))
    ]


def agency_form_defaults(form, agency) -> None:
    """Fill the edit form from the agency (GET)."""
    province, commune = queries.unit_of(agency)
    form.parent.data = str(agency.parent_id) if agency.parent_id else ""
    form.province.data = str(province.id) if province else ""
    form.commune.data = str(commune.id) if commune else ""


def agency_data(form) -> AgencyData:
    """The service's input from a validated agency form."""
    return AgencyData(
        code=form.code.data, name=form.name.data, kind=form.kind.data, level=form.level.data,
        parent_id=to_int(form.parent.data), province_id=to_int(form.province.data),
        commune_id=to_int(form.commune.data), accepts_online=bool(form.accepts_online.data),
        is_default_intake=bool(form.is_default_intake.data), active=bool(form.active.data),
    )


# --- categories -------------------------------------------------------------------------------

def fill_category_choices(form, category) -> None:
    """Possible parents: every category, labelled with its kind, the category's own subtree left out."""
    options = [("", _("— Không có (nội dung cấp cao nhất) —"))]
    for kind, nodes in queries.categories_by_kind().items():
        skip_depth = None
        for node in nodes:
            if skip_depth is not None and node.depth > skip_depth:
                continue
            skip_depth = None
            if category is not None and node.item.id == category.id:
                skip_depth = node.depth
                continue
            options.append((str(node.item.id), f"{KIND_LABELS[kind]}: " + INDENT * node.depth + node.item.name))
    form.parent.choices = options


def category_data(form) -> CategoryData:
    """The service's input from a validated category form."""
    return CategoryData(code=form.code.data, kind=form.kind.data, name=form.name.data,
                        parent_id=to_int(form.parent.data), position=form.position.data or 0)


LABELS = {"AGENCY_KIND_LABELS": AGENCY_KIND_LABELS, "LEVEL_LABELS": LEVEL_LABELS}
