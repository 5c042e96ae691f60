"""The audit log viewer (`/staff/admin/audit`, admins: AUDIT_READ): filters, 50 lines a page,
CSV and Excel export of the filtered lines (each export itself audited), and the chain check."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app import listsearch
from app.audit import chain, export, queries
from app.audit.forms import AuditFilterForm, VerifyForm
from app.audit.labels import ACTION_GROUPS, action_label, subject_label
from app.audit.services import audit, audit_now
from app.auth.access import staff_required
from app.auth.permissions import Permission
from app.extensions import db
from app.formatting import format_number

bp = Blueprint("audit", __name__, url_prefix="/staff/admin/audit")

VERDICT_KEY = "audit_verdict"
# The free-text filter (a staff member's name or e-mail): kept out of URLs like a list's search.
SEARCH_FIELD = "actor"


def _form() -> AuditFilterForm:
    form = AuditFilterForm(listsearch.args())
    form.fill_choices()
    form.validate()
    return form


def _filter_args() -> dict:
    """The query string without the page (the actor typed as its handle `s`): for the export links."""
    return {k: v for k, v in request.args.items() if k != "page"}


@bp.route("/", methods=["GET", "POST"])
@staff_required(Permission.AUDIT_READ)
@listsearch.searchable(SEARCH_FIELD)
def index():
    """The log, newest first, filtered; the export links and the chain check."""
    form = _form()
    page = queries.audit_page(form.filters(request.args.get("page", 1, type=int)))
    return render_template("audit/index.html", form=form, page=page, filter_args=_filter_args(),
                           groups=ACTION_GROUPS, action_label=action_label, subject_label=subject_label,
                           export_cap=queries.AUDIT_EXPORT_CAP, verify_form=VerifyForm(),
                           verdict=session.pop(VERDICT_KEY, None))


@bp.get("/export.<fmt>")
@staff_required(Permission.AUDIT_READ)
@listsearch.searchable(SEARCH_FIELD, list_endpoint="audit.index")
def export_rows(fmt: str):
    """The filtered lines as CSV or XLSX (at most AUDIT_EXPORT_CAP); the export is audited."""
    if fmt not in ("csv", "xlsx"):
        return redirect(url_for("audit.index", **_filter_args()))
    form = _form()
    rows, total = queries.audit_rows(form.filters())
    audit_now(f"export.{fmt}", detail={"what": "audit_log", "rows": len(rows), "total": total, **form.summary()})
    stamp = rows[0].at.strftime("%Y%m%d-%H%M%S") if rows else "trong"
    if fmt == "csv":
        return Response(export.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="nhat-ky-{stamp}.csv"'})
    data = export.to_xlsx(rows, total=total, filters_text=_describe_filters(form))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="nhat-ky-{stamp}.xlsx"'})


def _describe_filters(form) -> str:
    """The filters in use, in words, for the workbook's title."""
    def shown(f):
        return subject_label(f.data) if f is form.subject_type else f._value()

    parts = [f"{f.label.text}: {shown(f)}"
             for f in (form.date_from, form.date_to, form.actor, form.action, form.subject_type, form.subject_id)
             if f.data not in (None, "") and not f.errors]
    return "; ".join(parts) or _("Toàn bộ nhật ký")


@bp.post("/verify")
@staff_required(Permission.AUDIT_READ)
def verify():
    """Check the whole chain now; the result is shown on the log page and written to the log."""
    form = VerifyForm()
    if not form.validate_on_submit():
        return redirect(url_for("audit.index"))
    verdict = chain.verify()
    audit("audit.verified", detail={"ok": verdict.ok, "count": verdict.count, "broken_id": verdict.broken_id,
                                    "reason": verdict.reason})
    db.session.commit()
    session[VERDICT_KEY] = {"ok": verdict.ok, "text": _describe(verdict)}  # shown once by the next page
    return redirect(url_for("audit.index"))


def _describe(verdict: chain.Verdict) -> str:
    """The result in Vietnamese: intact, or the first broken line and why."""
    if verdict.ok:
        return _("Chuỗi nhật ký nguyên vẹn: đã kiểm tra %(n)s dòng, không dòng nào bị sửa, xóa hay đổi chỗ.",
                 n=format_number(verdict.count))
    n = verdict.broken_id
    if verdict.reason == chain.EDITED:
        why = _("dòng số %(n)s đã bị sửa (nội dung không còn khớp với mã băm của nó)", n=n)
    elif verdict.reason == chain.DELETED:
        first, last = verdict.missing
        gone = str(first) if first == last else f"{first}–{last}"
        why = _("trước dòng số %(n)s có dòng đã bị xóa (số %(gone)s)", n=n, gone=gone)
    elif verdict.reason == chain.REORDERED:
        why = _("dòng số %(n)s đã bị đổi chỗ", n=n)
    else:
        why = _("dòng ngay trước dòng số %(n)s đã bị viết lại", n=n)
    return _("Chuỗi nhật ký bị phá vỡ: %(why)s. %(count)s dòng trước đó vẫn nguyên vẹn. Hãy báo ngay cho người "
             "phụ trách an toàn thông tin.", why=why, count=format_number(verdict.count))
