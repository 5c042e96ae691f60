"""Administration screens: staff accounts, the agency tree, content categories (`/staff/admin`).

Each view: load or 404, permission (staff_required), validate, one service call, one commit,
redirect. A change that needs care (disable, reset, deactivate) has a GET confirmation page and
is done by the POST of that page.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import listsearch
from app.admin import page, queries, services
from app.admin.forms import AgencyForm, CategoryForm, ConfirmForm, UserCreateForm, UserEditForm, UserFilterForm
from app.auth import services as accounts
from app.auth import two_factor
from app.auth.access import renew_session, staff_required
from app.auth.permissions import Permission
from app.crypto import seal, unseal
from app.extensions import db
from app.formhelpers import show_service_error

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")

ONE_TIME_KEY = "admin_one_time_password"
ONE_TIME_SECONDS = 600


@bp.context_processor
def _labels():
    """Label tables of the admin templates."""
    return dict(page.LABELS)


def _or_404(obj):
    if obj is None:
        abort(404)
    return obj


def _render(template: str, form, status: int = 200, **context):
    return render_template(template, form=form, **context), status


# --- users ------------------------------------------------------------------------------------

@bp.get("/")
@staff_required(Permission.USER_MANAGE, Permission.AGENCY_MANAGE, Permission.CATEGORY_MANAGE)
def index():
    """The first admin screen the user may open."""
    for permission, endpoint in ((Permission.USER_MANAGE, "admin.users"), (Permission.AGENCY_MANAGE, "admin.agencies"),
                                 (Permission.CATEGORY_MANAGE, "admin.categories")):
        if current_user.can(permission):
            return redirect(url_for(endpoint))
    abort(403)


@bp.route("/users", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
@listsearch.searchable()
def users():
    """Staff accounts: filter by agency, role, status; search by name or e-mail (diacritics optional;
    by POST, app.listsearch)."""
    form = UserFilterForm(listsearch.args())
    page.fill_user_filter_choices(form)
    form.validate()
    result = queries.users_page(page.user_filters(form, request.args.get("page", 1, type=int)))
    return render_template("admin/users.html", form=form, page=result)


def _show_password_once(user, password: str, reason: str):
    """Keep the new password, sealed, for the next page only; it is never written anywhere else."""
    session[ONE_TIME_KEY] = seal({"user_id": user.id, "password": password, "reason": reason})
    return redirect(url_for("admin.user_password", user_id=user.id))


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
def user_new():
    """Create an account; its generated password is shown once on the next page."""
    form = UserCreateForm()
    page.fill_user_choices(form)
    if not form.validate_on_submit():
        return _render("admin/user_form.html", form, 422 if request.method == "POST" else 200, user=None)
    try:
        user, password = accounts.create_user(
            email=form.email.data, full_name=form.full_name.data, role=form.role.data,
            agency_id=int(form.agency.data), password=None, actor_label=current_user.full_name,
            actor_user_id=current_user.id)
    except accounts.AccountError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _render("admin/user_form.html", form, 422, user=None)
    db.session.commit()
    return _show_password_once(user, password, "created")


@bp.get("/users/<int:user_id>/password")
@staff_required(Permission.USER_MANAGE)
def user_password(user_id: int):
    """The password just generated — this one time; reloading the page no longer shows it."""
    user = _or_404(queries.find_user(user_id))
    sealed = unseal(session.pop(ONE_TIME_KEY, None), ONE_TIME_SECONDS)
    if sealed is None or sealed.get("user_id") != user.id:
        sealed = None
    return render_template("admin/user_password.html", user=user,
                           password=sealed["password"] if sealed else None,
                           reason=sealed["reason"] if sealed else None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
def user_edit(user_id: int):
    """Change an account's name, role or agency (a role or agency change signs the user out)."""
    user = _or_404(queries.find_user(user_id))
    form = UserEditForm(data={"full_name": user.full_name, "role": user.role, "agency": str(user.agency_id)})
    page.fill_user_choices(form)
    if not form.validate_on_submit():
        return _render("admin/user_form.html", form, 422 if request.method == "POST" else 200, user=user)
    myself = user.id == current_user.id
    try:
        accounts.update_user(user, full_name=form.full_name.data, role=form.role.data,
                             agency_id=int(form.agency.data), actor=current_user)
    except accounts.AccountError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _render("admin/user_form.html", form, 422, user=queries.find_user(user_id))
    db.session.commit()
    if myself:  # a changed agency ends one's own sessions too: keep this one, renewed
        renew_session(user, new_sign_in=False)
    flash(_("Đã lưu tài khoản %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.users"))


def _confirm_user(user, action: str, service, done, *, title: str, message: str, button: str, danger: bool):
    """Shared shape of disable / enable / reset: a confirmation page; its POST calls the service,
    commits, then `done(result)` answers (a redirect)."""
    form = ConfirmForm()
    context = dict(form=form, title=title, message=message, button=button, danger=danger,
                   action=url_for(f"admin.user_{action}", user_id=user.id), cancel=url_for("admin.users"),
                   nav="admin/_nav.html")
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("staff/confirm.html", errors=[], **context), status
    try:
        result = service()
    except accounts.AccountError as exc:
        db.session.rollback()
        return render_template("staff/confirm.html", errors=[str(exc)], **context), 422
    db.session.commit()
    return done(result)


@bp.route("/users/<int:user_id>/disable", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
def user_disable(user_id: int):
    """Disable an account: its sessions end at once and it can no longer sign in."""
    user = _or_404(queries.find_user(user_id))
    return _confirm_user(
        user, "disable", lambda: accounts.set_active(user, False, actor=current_user),
        lambda _r: _flash_back(_("Đã khóa tài khoản %(email)s.", email=user.email)),
        title=_("Khóa tài khoản"), button=_("Khóa tài khoản"), danger=True,
        message=_("Khóa tài khoản của %(name)s (%(email)s)? Người này bị đăng xuất ngay và không đăng nhập "
                  "được nữa cho đến khi tài khoản được mở lại.", name=user.full_name, email=user.email))


@bp.route("/users/<int:user_id>/enable", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
def user_enable(user_id: int):
    """Enable a disabled account."""
    user = _or_404(queries.find_user(user_id))
    return _confirm_user(
        user, "enable", lambda: accounts.set_active(user, True, actor=current_user),
        lambda _r: _flash_back(_("Đã mở lại tài khoản %(email)s.", email=user.email)),
        title=_("Mở lại tài khoản"), button=_("Mở lại tài khoản"), danger=False,
        message=_("Mở lại tài khoản của %(name)s (%(email)s)? Người này đăng nhập lại được bằng mật khẩu cũ.",
                  name=user.full_name, email=user.email))


@bp.route("/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
def user_reset(user_id: int):
    """Give an account a new random password (shown once); its sessions end."""
    user = _or_404(queries.find_user(user_id))
    return _confirm_user(
        user, "reset", lambda: accounts.reset_password(user, actor=current_user),
        lambda password: _show_password_once(user, password, "reset"),
        title=_("Đặt lại mật khẩu"), button=_("Đặt lại mật khẩu"), danger=True,
        message=_("Tạo mật khẩu mới cho %(name)s (%(email)s)? Mật khẩu cũ hết hiệu lực và người này bị đăng "
                  "xuất. Mật khẩu mới chỉ hiện một lần ở trang sau.", name=user.full_name, email=user.email))


@bp.route("/users/<int:user_id>/end-sessions", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
def user_end_sessions(user_id: int):
    """Sign a user out everywhere at once (a lost laptop, a shared computer, a suspicion)."""
    user = _or_404(queries.find_user(user_id))

    def done(_result):
        if user.id == current_user.id:  # one's own: the others end, this one goes on, renewed
            renew_session(user, new_sign_in=False)
        return _flash_back(_("Đã kết thúc mọi phiên đăng nhập của %(email)s.", email=user.email))

    return _confirm_user(
        user, "end_sessions", lambda: accounts.end_sessions(user, actor=current_user), done,
        title=_("Kết thúc mọi phiên đăng nhập"), button=_("Kết thúc mọi phiên đăng nhập"), danger=True,
        message=_("Đăng xuất %(name)s (%(email)s) khỏi mọi trình duyệt và thiết bị ngay bây giờ? Người này vẫn đăng "
                  "nhập lại được bằng mật khẩu (và mã xác thực, nếu có).", name=user.full_name, email=user.email))


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["GET", "POST"])
@staff_required(Permission.USER_MANAGE)
def user_reset_two_factor(user_id: int):
    """Remove a user's second factor (lost phone); their sessions end and they set it up again."""
    user = _or_404(queries.find_user(user_id))
    return _confirm_user(
        user, "reset_two_factor", lambda: two_factor.reset(user, actor=current_user),
        lambda _r: _flash_back(_("Đã đặt lại xác thực hai lớp của %(email)s.", email=user.email)),
        title=_("Đặt lại xác thực hai lớp"), button=_("Đặt lại xác thực hai lớp"), danger=True,
        message=_("Xóa ứng dụng xác thực và mọi mã khôi phục của %(name)s (%(email)s)? Chỉ làm khi đã xác minh "
                  "đúng người, ví dụ người này mất điện thoại. Người này bị đăng xuất ngay; lần đăng nhập sau "
                  "chỉ cần mật khẩu, hoặc phải thiết lập lại nếu vai trò bắt buộc.", name=user.full_name,
                  email=user.email))


def _flash_back(message: str):
    flash(message, "success")
    return redirect(url_for("admin.users"))


# --- agencies ---------------------------------------------------------------------------------

@bp.get("/agencies")
@staff_required(Permission.AGENCY_MANAGE)
def agencies():
    """The agency tree."""
    return render_template("admin/agencies.html", tree=queries.agency_tree(),
                           user_counts=queries.user_counts_by_agency())


def _save(form, template, name, obj, *, create, update, data, reload, done, message):
    """Validate, create or update through the service, commit once, redirect; errors re-show the form."""
    if not form.validate_on_submit():
        return _render(template, form, 422 if request.method == "POST" else 200, **{name: obj})
    try:
        if obj is None:
            obj = create(data(form), actor=current_user)
        else:
            update(obj, data(form), actor=current_user)
    except services.AdminError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return _render(template, form, 422, **{name: reload(obj.id) if obj is not None else None})
    db.session.commit()
    flash(message(obj), "success")
    return redirect(url_for(done))


def _agency_form(agency):
    """Create or edit: the province refresh re-shows the form; otherwise validate and save."""
    form = AgencyForm()
    if request.method == "GET" and agency is not None:
        form = AgencyForm(obj=agency)
        page.agency_form_defaults(form, agency)
    page.fill_agency_choices(form, agency)
    template = "admin/agency_form.html"
    if request.method == "POST" and form.refresh_communes.data:
        page.clear_errors(form)
        return _render(template, form, agency=agency)
    return _save(form, template, "agency", agency, create=services.create_agency, update=services.update_agency,
                 data=page.agency_data, reload=queries.find_agency, done="admin.agencies",
                 message=lambda a: _("Đã lưu cơ quan %(name)s.", name=a.name))


@bp.route("/agencies/new", methods=["GET", "POST"])
@staff_required(Permission.AGENCY_MANAGE)
def agency_new():
    """Add an agency."""
    return _agency_form(None)


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.AGENCY_MANAGE)
def agency_edit(agency_id: int):
    """Change an agency."""
    return _agency_form(_or_404(queries.find_agency(agency_id)))


# --- content categories -----------------------------------------------------------------------

@bp.get("/categories")
@staff_required(Permission.CATEGORY_MANAGE)
def categories():
    """Content categories grouped by kind of petition."""
    return render_template("admin/categories.html", groups=queries.categories_by_kind())


def _category_form(category):
    form = CategoryForm(obj=category if request.method == "GET" else None)
    if request.method == "GET" and category is not None:
        form.parent.data = str(category.parent_id) if category.parent_id else ""
    page.fill_category_choices(form, category)
    template = "admin/category_form.html"
    return _save(form, template, "category", category, create=services.create_category,
                 update=services.update_category, data=page.category_data, reload=queries.find_category,
                 done="admin.categories", message=lambda c: _("Đã lưu nội dung “%(name)s”.", name=c.name))


@bp.route("/categories/new", methods=["GET", "POST"])
@staff_required(Permission.CATEGORY_MANAGE)
def category_new():
    """Add a content category."""
    return _category_form(None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@staff_required(Permission.CATEGORY_MANAGE)
def category_edit(category_id: int):
    """Change a content category."""
    return _category_form(_or_404(queries.find_category(category_id)))


def _confirm_category(category, active: bool):
    form = ConfirmForm()
    action = "activate" if active else "deactivate"
    if active:
        title = _("Dùng lại nội dung")
        message = _("Dùng lại nội dung “%(name)s” (%(code)s)? Nội dung này lại hiện trong các danh sách "
                    "phân loại đơn.", name=category.name, code=category.code)
    else:
        title = _("Ngừng dùng nội dung")
        message = _("Ngừng dùng nội dung “%(name)s” (%(code)s)? Nội dung này không còn hiện khi phân loại đơn "
                    "mới; các đơn đã phân loại vẫn giữ nguyên.", name=category.name, code=category.code)
    if not form.validate_on_submit():
        return render_template("staff/confirm.html", form=form, title=title, message=message, button=title,
                               danger=not active, action=url_for(f"admin.category_{action}", category_id=category.id),
                               cancel=url_for("admin.categories"), errors=[], nav="admin/_nav.html"), \
            400 if request.method == "POST" else 200
    services.set_category_active(category, active, actor=current_user)
    db.session.commit()
    flash(_("Đã cập nhật nội dung “%(name)s”.", name=category.name), "success")
    return redirect(url_for("admin.categories"))


@bp.route("/categories/<int:category_id>/deactivate", methods=["GET", "POST"])
@staff_required(Permission.CATEGORY_MANAGE)
def category_deactivate(category_id: int):
    """Stop offering a category (with confirmation)."""
    return _confirm_category(_or_404(queries.find_category(category_id)), False)


@bp.route("/categories/<int:category_id>/activate", methods=["GET", "POST"])
@staff_required(Permission.CATEGORY_MANAGE)
def category_activate(category_id: int):
    """Offer a category again (with confirmation)."""
    return _confirm_category(_or_404(queries.find_category(category_id)), True)
