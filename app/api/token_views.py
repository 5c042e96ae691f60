"""The staff pages of one's own API tokens: list, create (the secret shown once), revoke (confirmed)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import tokens as services
from app.api.forms import RevokeForm, TokenForm
from app.auth.access import staff_required
from app.db import utcnow
from app.extensions import db

bp = Blueprint("tokens", __name__, url_prefix="/staff/tokens")

SCOPE_LABELS = {
    "agency:petition:read": "Đọc đơn của cơ quan",
    "subtree:petition:read": "Đọc đơn, vụ việc của các cơ quan cấp dưới",
    "agency:petition:triage": "Phân loại, đề xuất xử lý đơn",
    "agency:petition:approve": "Phê duyệt, trả lại đề xuất xử lý đơn",
    "agency:case:read": "Đọc vụ việc",
    "agency:case:work": "Chuyển trạng thái vụ việc (cán bộ giải quyết)",
    "agency:case:approve": "Chuyển trạng thái vụ việc (lãnh đạo)",
    "agency:visit:log": "Ghi sổ lượt tiếp công dân",
}


def _labels() -> dict:
    return {value: _(label) for value, label in SCOPE_LABELS.items()}


def _form() -> TokenForm:
    form = TokenForm()
    labels = _labels()
    form.scopes.choices = [(p.value, labels[p.value]) for p in services.grantable_scopes(current_user)]
    return form


def _render(form: TokenForm, status: int = 200):
    return render_template("api/tokens.html", form=form, tokens=services.tokens_of(current_user),
                           labels=_labels(), now=utcnow()), status


@bp.get("/")
@staff_required()
def index():
    """One's tokens and the form to make a new one."""
    return _render(_form())


@bp.post("/")
@staff_required()
def create():
    """Make a token; its secret is on this response only (never stored, never in a cookie)."""
    form = _form()
    if not form.validate():
        return _render(form, 422)
    expires = None if form.expires.data == "never" else int(form.expires.data) if form.expires.data.isdigit() else -1
    try:
        token, secret = services.create_token(current_user, name=form.name.data, scopes=form.scopes.data or [],
                                              expires_in_days=expires)
    except services.TokenError as exc:
        db.session.rollback()
        target = getattr(form, exc.field_name, None) if exc.field_name else None
        if target is not None:
            target.errors = list(target.errors) + [str(exc)]
        else:
            form.form_errors.append(str(exc))
        return _render(form, 422)
    db.session.commit()
    return render_template("api/token_created.html", token=token, secret=secret, labels=_labels())


def _own(token_id: int):
    token = services.get_own(current_user, token_id)
    if token is None:
        abort(404)
    return token


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@staff_required()
def revoke(token_id: int):
    """Confirm, then revoke one of one's tokens."""
    token = _own(token_id)
    form = RevokeForm()
    if request.method == "POST" and form.validate():
        try:
            services.revoke_token(token, current_user)
        except services.TokenError as exc:
            flash(str(exc), "warning")
            return redirect(url_for("tokens.index"))
        db.session.commit()
        flash(_("Đã thu hồi mã truy cập “%(name)s”. Chương trình dùng mã này không truy cập được nữa.",
                name=token.name), "success")
        return redirect(url_for("tokens.index"))
    return render_template("api/token_revoke.html", token=token, form=form,
                           labels=_labels()), 422 if request.method == "POST" else 200
