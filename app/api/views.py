"""The JSON API v1 blueprint (`/api/v1`): thin views over the same services as the web pages.

Public: submit a petition (the public form's own validation and rate limit), track one.
Staff: a personal access token in `Authorization: Bearer …` — never the session cookie, so no
page visited in a browser can make the API act (the blueprint is exempt from CSRF for that
reason only). Reads carry an ETag (304 on If-None-Match); changes need If-Match (412 when stale).
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import wraps

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.api import representations as rep
from app.api.inputs import Fields, choice_param, cursor_param, encode_cursor, json_body, limit_param
from app.api.problems import SLUGS, ApiError, from_api_error
from app.api.spec import build_spec, docs_model
from app.api.tokens import authenticate
from app.audit.services import audit
from app.auth.permissions import Permission
from app.cases import queries as case_queries
from app.cases import services as case_services
from app.cases import workflow as case_workflow
from app.cases.models import Case, CaseKind
from app.cases.workflow import CaseState
from app.extensions import csrf, db, limiter
from app.petitions import queries as petition_queries
from app.petitions import services as petition_services
from app.petitions import triage
from app.petitions import workflow as petition_workflow
from app.petitions.models import Petition, PetitionKind, PetitionStatus
from app.portal.forms import PetitionForm
from app.portal.intake import build_draft, check_choices, fill_choices
from app.ratelimits import submission_limit

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_ID = 2**31 - 1
JSON_MIMETYPE = "application/json"


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    if exc.status == 403 and getattr(g, "api_actor", None) is not None:
        _record_api_denial()
    return from_api_error(exc)


def _record_api_denial() -> None:
    """A refused token request, in the audit log like a refused page (the token's user, the endpoint)."""
    try:
        db.session.rollback()
        audit("access.denied", actor=g.api_actor.user,
              detail={"endpoint": request.endpoint or "", "method": request.method, "api_token": g.api_token.id,
                      **{k: v for k, v in (request.view_args or {}).items() if isinstance(v, int)}})
        db.session.commit()
    except Exception:  # noqa: BLE001 - a failed audit line must not turn a 403 into a 500
        db.session.rollback()
        current_app.logger.exception("audit: could not record a denied API request")


# --- helpers ------------------------------------------------------------------------------------

def _json(data, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False), status=status, mimetype=JSON_MIMETYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _etag(data) -> str:
    """A strong ETag of a representation: the same JSON, the same tag."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(body).hexdigest()[:32]


def _conditional_read(data) -> Response:
    """200 with an ETag, or 304 when the client's If-None-Match already names it."""
    tag = _etag(data)
    if request.if_none_match.contains_weak(tag) or request.if_none_match.star_tag:
        response = Response(status=304)
        response.set_etag(tag)
        return response
    response = _json(data)
    response.set_etag(tag)
    return response


def _require_match(data) -> None:
    """Refuse a change without If-Match (428) or whose If-Match is not the current ETag (412)."""
    if not request.headers.get("If-Match"):
        raise ApiError(428, _("Hãy gửi tiêu đề If-Match với ETag nhận được khi đọc bản ghi."))
    if request.if_match.star_tag:
        return
    if not request.if_match.contains(_etag(data)):
        raise ApiError(412, _("Bản ghi đã thay đổi kể từ khi bạn đọc. Hãy đọc lại rồi thực hiện lại."))


def _check_id(value: int) -> int:
    if value > MAX_ID:
        raise ApiError(404)
    return value


def token_required(*permissions: Permission):
    """A live token (401 otherwise) holding at least one of `permissions` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _sep, secret = header.partition(" ")
            found = authenticate(secret.strip()) if scheme.lower() == "bearer" else None
            if found is None:
                raise ApiError(401)
            g.api_actor, g.api_token = found.actor, found.token
            if permissions and not any(found.actor.can(p) for p in permissions):
                raise ApiError(403)
            return view(*args, **kwargs)

        wrapped.api_permissions = permissions
        return wrapped

    return decorator


# --- description ----------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return _json(build_spec())


@bp.get("/docs")
def docs():
    """The description as a readable page, rendered here from the same dict."""
    return render_template("api/docs.html", doc=docs_model(build_spec()), problem_slugs=SLUGS)


# --- public -----------------------------------------------------------------------------------

def _submit_limit() -> str:
    return current_app.config["RATELIMIT_SUBMIT"]


def _track_limit() -> str:
    return current_app.config["RATELIMIT_TRACK"]


# JSON field → the public form's field, so that the form's own validators check API input.
_FORM_FIELD = {"request": "request_text", "province_id": "province", "commune_id": "commune",
               "addressed_agency_id": "addressed_agency", "declaration": "declaration"}
_JSON_FIELD = {form_name: json_name for json_name, form_name in _FORM_FIELD.items()}


def _petition_formdata(data: dict) -> MultiDict:
    """The JSON body as the public form would have posted it (types checked first)."""
    f = Fields(data)
    text = {name: f.string(name, max_length=20000) for name in (
        "kind", "full_name", "id_number", "phone", "email", "address", "respondent", "title", "content",
        "request", "prior_handler", "prior_decision_number", "prior_date")}
    ids = {name: f.integer(name, minimum=1, maximum=MAX_ID) for name in ("province_id", "commune_id",
                                                                          "addressed_agency_id")}
    flags = {name: f.boolean(name) for name in ("email_opt_in", "is_group", "previously_handled", "declaration")}
    group_size = f.integer("group_size", minimum=-MAX_ID, maximum=MAX_ID)
    representatives = f.string_list("representatives", max_items=100, max_length=200)
    f.check()
    form = MultiDict()
    for name, value in text.items():
        if value is not None:
            form[_FORM_FIELD.get(name, name)] = value
    for name, value in ids.items():
        form[_FORM_FIELD[name]] = str(value) if value is not None else ""
    for name in ("email_opt_in", "is_group", "declaration"):
        if flags[name]:
            form[name] = "y"
    form["previously_handled"] = "yes" if flags["previously_handled"] else "no"
    if group_size is not None:
        form["group_size"] = str(group_size)
    form["representatives"] = "\n".join(representatives)
    return form


def _form_errors(form) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fld in form:
        if fld.errors:
            out[_JSON_FIELD.get(fld.name, fld.name)] = [str(e) for e in fld.errors]
    return out


@bp.post("/petitions")
@submission_limit(_submit_limit, counted_status=(201,), scope="portal.new_petition")
def submit_petition():
    """Submit a petition as the public form does; 201 with the tracking code and the access key (once)."""
    data = json_body()
    key = request.headers.get("Idempotency-Key")
    if key is not None and not petition_services.is_form_token(key):
        raise ApiError(400, errors={"Idempotency-Key": [_("Khóa chống gửi trùng phải gồm 20–64 ký tự chữ, số, - hoặc _.")]})
    token = key or petition_services.new_form_token()
    existing = petition_services.find_by_form_token(token) if key else None  # a new token made nothing yet
    if existing is not None:
        return _json(_receipt(existing, token), 200)
    form = PetitionForm(formdata=_petition_formdata(data), meta={"csrf": False})
    fill_choices(form)
    form_ok = form.validate()
    choices_ok = check_choices(form)
    if not (form_ok and choices_ok):
        raise ApiError(422, errors=_form_errors(form))
    try:
        result = petition_services.submit_online_petition(build_draft(form), form_token=token, new_files=[],
                                                          written_keys=[], state=petition_services.FormState(False, 0))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same key sent twice at once: the other request made it
        existing = petition_services.find_by_form_token(token)
        if existing is None:
            raise
        return _json(_receipt(existing, token), 200)
    except petition_services.IntakeError as exc:
        db.session.rollback()
        raise ApiError(422, str(exc)) from None
    return _json(_receipt(result.petition, token), 201)


def _receipt(petition: Petition, token: str) -> dict:
    from app.petitions.tracking import derive_access_key

    return {"tracking_code": petition.tracking_code, "access_key": derive_access_key(token),
            "status": petition.status, "received_at": rep.iso(petition.received_at),
            "due_date": rep.iso(petition.due_date), "agency": petition.agency.name}


@bp.post("/track")
@limiter.limit(_track_limit)
def track():
    """The status and public timeline of a petition, by code and key in the body (never in a URL)."""
    f = Fields(json_body())
    code = f.string("code", max_length=40)
    key = f.string("key", max_length=40)
    if not code:
        f.error("code", _("Hãy nhập mã hồ sơ."))
    if not key:
        f.error("key", _("Hãy nhập mã truy cập."))
    f.check()
    petition = petition_services.find_for_tracking(code.strip().upper(), key)
    if petition is None:
        raise ApiError(404, _("Mã hồ sơ hoặc mã truy cập không đúng."))
    return _json(rep.public_status(petition))


# --- staff: petitions -------------------------------------------------------------------------

def _page(items: list, limit: int, key_of, serialize) -> dict:
    """One page of a keyset-paginated list with the link to the next one."""
    more = len(items) > limit
    items = items[:limit]
    next_url = None
    if more:
        last = items[-1]
        args = {k: v for k, v in request.args.items() if k in ("limit", "status", "kind")}
        next_url = url_for(request.endpoint, cursor=encode_cursor(key_of(last), last.id), **args)
    return {"items": [serialize(item) for item in items], "next": next_url}


def _bad_cursor() -> ApiError:
    return ApiError(400, errors={"cursor": [_("cursor không hợp lệ; hãy dùng đúng liên kết next của trang trước.")]})


def _cursor_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError
        return moment
    except ValueError:
        raise _bad_cursor() from None


def _cursor_day(value: str):
    try:
        return datetime.fromisoformat(value).date() if "T" in value else datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise _bad_cursor() from None


def _list(stmt, model, statuses, kinds, sort_column, parse_key) -> list:
    """One page (+1 to know if there is more) of a scoped list: the status and kind filters of the query
    string, then keyset pagination on (sort column, id) from the cursor, newest first."""
    status = choice_param("status", statuses)
    kind = choice_param("kind", kinds)
    cursor = cursor_param()
    if status:
        stmt = stmt.where(model.status == status)
    if kind:
        stmt = stmt.where(model.kind == kind)
    if cursor:
        at, last_id = parse_key(cursor[0]), min(cursor[1], MAX_ID)
        stmt = stmt.where(or_(sort_column < at, and_(sort_column == at, model.id < last_id)))
    return list(db.session.scalars(stmt.order_by(sort_column.desc(), model.id.desc()).limit(limit_param() + 1)))


@bp.get("/petitions")
@token_required(Permission.PETITION_READ)
def petitions():
    """Petitions of the token's scope, newest first, by cursor."""
    stmt = petition_queries.scoped(g.api_actor).options(selectinload(Petition.agency))
    rows = _list(stmt, Petition, [s.value for s in PetitionStatus], [k.value for k in PetitionKind],
                 Petition.received_at, _cursor_moment)
    return _conditional_read(_page(rows, limit_param(), lambda p: p.received_at.isoformat(), rep.petition_summary))


def _load_petition(petition_id: int) -> Petition:
    petition = petition_queries.get_for_user(g.api_actor, _check_id(petition_id))
    if petition is None:
        raise ApiError(404)
    return petition


@bp.get("/petitions/<int:petition_id>")
@token_required(Permission.PETITION_READ)
def petition(petition_id: int):
    """One petition within scope (another agency's: 404)."""
    return _conditional_read(rep.petition_detail(_load_petition(petition_id), g.api_actor))


def _run_petition_action(petition: Petition, action: str, data: dict, version: int) -> None:
    """Call the triage service of `action` with the body's fields (422 on a wrong type)."""
    actor = g.api_actor
    f = Fields(data)
    note = f.string("note", max_length=5000)
    if action == "classify":
        kind = f.choice("kind", [k.value for k in PetitionKind], required=True)
        category_id = f.integer("category_id", minimum=1, maximum=MAX_ID)
        multi_signer = f.boolean("multi_signer")
        within = f.boolean("within_jurisdiction")
        checks = f.object("checks")
        f.check()
        triage.classify(petition, actor, version=version, kind=kind, category_id=category_id,
                        multi_signer=multi_signer, checks={k: v is True for k, v in checks.items()},
                        within_jurisdiction=within, note=note)
    elif action == "propose":
        proposal = f.string("action", max_length=20)
        kwargs = {
            "guide_to": f.string("guide_to", max_length=300),
            "transfer_agency_id": f.integer("transfer_agency_id", minimum=1, maximum=MAX_ID),
            "transfer_name": f.string("transfer_name", max_length=300),
            "urge_agency_id": f.integer("urge_agency_id", minimum=1, maximum=MAX_ID),
            "file_reason": f.string("file_reason", max_length=30),
            "merge_target_id": f.integer("merge_target_id", minimum=1, maximum=MAX_ID),
        }
        f.check()
        triage.propose(petition, actor, version=version, action=proposal or "", note=note, **kwargs)
    elif action == "withdraw_proposal":
        f.check()
        triage.withdraw_proposal(petition, actor, version=version, note=note)
    elif action == "return":
        f.check()
        triage.return_proposal(petition, actor, version=version, note=note)
    elif action == "approve":
        f.check()
        triage.approve(petition, actor, version=version, note=note)


@bp.post("/petitions/<int:petition_id>/actions/<action>")
@token_required(Permission.PETITION_TRIAGE, Permission.PETITION_APPROVE)
def petition_action(petition_id: int, action: str):
    """One triage action, through the same workflow as the staff page; If-Match required."""
    actor = g.api_actor
    if action not in rep.PETITION_ACTIONS:
        raise ApiError(404, _("Không có thao tác này."))
    petition = _load_petition(petition_id)
    transition = petition_workflow.TRANSITIONS[action]
    if not actor.can(transition.permission) or petition.agency_id != actor.agency_id:
        raise ApiError(403)
    data = json_body()
    _require_match(rep.petition_detail(petition, actor))
    try:
        petition_workflow.check(petition, action, actor)
        _run_petition_action(petition, action, data, petition.version_id)
        db.session.commit()
    except triage.StaleState as exc:
        db.session.rollback()
        raise ApiError(412, str(exc)) from None
    except petition_workflow.InvalidTransition as exc:
        db.session.rollback()
        raise ApiError(409, str(exc)) from None
    except triage.TriageError as exc:
        db.session.rollback()
        raise ApiError(422, str(exc)) from None
    data = rep.petition_detail(petition, actor)
    response = _json(data)
    response.set_etag(_etag(data))
    return response


# --- staff: cases -----------------------------------------------------------------------------

@bp.get("/cases")
@token_required(Permission.CASE_READ)
def cases():
    """Cases of the token's scope, most recently accepted first, by cursor."""
    stmt = case_queries.scoped(g.api_actor).options(selectinload(Case.agency))
    rows = _list(stmt, Case, [s.value for s in CaseState], [k.value for k in CaseKind], Case.accepted_on,
                 _cursor_day)
    return _conditional_read(_page(rows, limit_param(), lambda c: c.accepted_on.isoformat(), rep.case_summary))


def _load_case(case_id: int) -> Case:
    case = case_queries.get_for_user(g.api_actor, _check_id(case_id))
    if case is None:
        raise ApiError(404)
    return case


def _case_data(case: Case) -> dict:
    petitions = list(db.session.scalars(select(Petition).where(Petition.case_id == case.id).order_by(Petition.id)))
    return rep.case_detail(case, g.api_actor, petitions)


@bp.get("/cases/<int:case_id>")
@token_required(Permission.CASE_READ)
def case(case_id: int):
    """One case within scope (another agency's: 404)."""
    return _conditional_read(_case_data(_load_case(case_id)))


@bp.post("/cases/<int:case_id>/actions/<action>")
@token_required(Permission.CASE_WORK, Permission.CASE_APPROVE)
def case_action(case_id: int, action: str):
    """One change of state of a case, through the case workflow; If-Match required."""
    from app.cases.page import available

    actor = g.api_actor
    if action not in rep.CASE_ACTIONS:
        raise ApiError(404, _("Không có thao tác này."))
    case = _load_case(case_id)
    if case.agency_id != actor.agency_id:
        raise ApiError(403)
    transition = case_workflow.table(case.kind).get(action)
    if transition is not None and not actor.can(transition.permission):
        raise ApiError(403)
    f = Fields(json_body())
    note = f.string("note", max_length=5000)
    f.check()
    _require_match(_case_data(case))
    if action not in available(case, actor):
        raise ApiError(409, _("Không thể thực hiện thao tác này khi vụ việc đang ở trạng thái hiện tại."))
    try:
        case_services.apply(case, action, actor, note=(note or "").strip() or None)
        db.session.commit()
    except case_services.CaseError as exc:
        db.session.rollback()
        raise ApiError(409, str(exc)) from None
    data = _case_data(case)
    response = _json(data)
    response.set_etag(_etag(data))
    return response


# --- staff: visits ----------------------------------------------------------------------------

@bp.post("/visits")
@token_required(Permission.VISIT_LOG)
def create_visit():
    """Log a visit at the desk, as the desk form does; a received letter becomes a walk-in petition."""
    from app.api.visits import draft_from_json
    from app.reception import services as reception_services

    actor = g.api_actor
    key = request.headers.get("Idempotency-Key")
    if key is not None and not petition_services.is_form_token(key):
        raise ApiError(400, errors={"Idempotency-Key": [_("Khóa chống gửi trùng phải gồm 20–64 ký tự chữ, số, - hoặc _.")]})
    draft = draft_from_json(json_body(), actor)
    token = key or petition_services.new_form_token()
    try:
        result = reception_services.log_visit(draft, user=actor, form_token=token)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        visit = reception_services.find_by_form_token(token)
        if visit is None:
            raise
        return _json(rep.visit_created(visit, None), 200)
    except reception_services.VisitError as exc:
        db.session.rollback()
        field = {"transfer_agency": "transfer_agency_id", "request": "request"}.get(exc.field_name, exc.field_name)
        raise ApiError(422, errors={field or "visit": [str(exc)]}) from None
    except reception_services.NameConflict as exc:
        db.session.rollback()
        raise ApiError(409, _("Số CCCD đã có trong hồ sơ với họ tên khác; hãy kiểm tra giấy tờ rồi gửi lại với "
                              "name_decision là keep (giữ tên trong hồ sơ) hoặc update (sửa theo tên vừa nhập)."),
                       errors={f"visitors[{c.position}].full_name": [_("Số CCCD này đã được ghi với họ tên khác.")]
                               for c in exc.clashes}) from None
    status = 201 if result.created else 200
    return _json(rep.visit_created(result.visit, result.access_key if result.created else None), status)
