"""The OpenAPI 3.1 description of API v1, written as a Python dict from small helpers.

The same dict is served at /api/v1/openapi.json and rendered as the page /api/v1/docs, and the
Schemathesis test checks every response against it (tests/api/test_schemathesis.py).
"""
from __future__ import annotations

from app.auth.permissions import Permission
from app.cases.models import CaseKind
from app.cases.workflow import CaseState
from app.petitions.models import Channel, FileReason, PetitionKind, PetitionStatus, ProposedAction
from app.reception.models import RefusalGround, VisitOutcome

API_VERSION = "1.0.0"
PETITION_ACTIONS = ["classify", "propose", "withdraw_proposal", "return", "approve"]
CASE_ACTIONS = ["start_verification", "hold_dialogue", "make_final", "start_enforcement", "handle_conclusion",
                "close", "withdraw", "terminate"]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema_type: str, **extra) -> dict:
    return {"type": [schema_type, "null"], **extra}


def _obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    out = {"type": "object", "properties": properties, **extra}
    if required:
        out["required"] = required
    return out


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
DATE_N = _nullable("string", format="date")
TIME = {"type": "string", "format": "date-time"}
TIME_N = _nullable("string", format="date-time")


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _json(schema: dict, description: str, headers: dict | None = None, example=None) -> dict:
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    out = {"description": description, "content": {"application/json": content}}
    if headers:
        out["headers"] = headers
    return out


ETAG_HEADER = {"ETag": {"description": "Thẻ phiên bản của bản ghi (dùng cho If-None-Match, If-Match).",
                        "schema": STR}}
NOT_MODIFIED = {"description": "Không đổi kể từ ETag trong If-None-Match.", "headers": ETAG_HEADER}
STAFF_ERRORS = {
    "400": _problem("Tham số không hợp lệ."),
    "401": _problem("Thiếu mã truy cập, mã sai, đã thu hồi, hết hạn, hoặc tài khoản đã bị khóa."),
    "403": _problem("Mã truy cập không có quyền cần thiết."),
    "404": _problem("Không có, hoặc nằm ngoài phạm vi cơ quan của người dùng."),
    "429": _problem("Quá nhiều yêu cầu."),
    "default": _problem("Lỗi khác, dạng problem+json."),
}
WRITE_ERRORS = {
    "409": _problem("Trạng thái hiện tại không cho phép thao tác này."),
    "412": _problem("ETag trong If-Match không còn đúng: bản ghi đã thay đổi."),
    "415": _problem("Nội dung không phải application/json."),
    "422": _problem("Dữ liệu không hợp lệ; `errors` nêu từng trường."),
    "428": _problem("Thiếu tiêu đề If-Match."),
}


def _param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


LIST_PARAMS = [
    _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
           "Số mục mỗi trang (1–100)."),
    _param("cursor", "query", STR, "Con trỏ mờ lấy từ liên kết `next` của trang trước."),
]
IF_NONE_MATCH = _param("If-None-Match", "header", STR, "ETag đã có; nếu không đổi, trả 304 không nội dung.")
IF_MATCH = _param("If-Match", "header", STR, "ETag nhận được khi đọc bản ghi (bắt buộc).", required=True)
IDEMPOTENCY = _param("Idempotency-Key", "header", {"type": "string", "pattern": "^[A-Za-z0-9_-]{20,64}$"},
                     "Khóa chống gửi trùng: gửi lại cùng khóa thì nhận lại đúng kết quả lần đầu (200).")


def _schemas() -> dict:
    agency = _obj({"id": INT, "code": STR, "name": STR}, ["id", "code", "name"])
    petition_summary = _obj({
        "id": INT, "tracking_code": STR, "kind": {"enum": [k.value for k in PetitionKind]},
        "status": {"enum": [s.value for s in PetitionStatus]}, "channel": {"enum": [c.value for c in Channel]},
        "title": STR, "agency": _ref("Agency"), "received_at": TIME, "due_date": DATE_N,
        "case_id": _nullable("integer"), "version": INT,
    }, ["id", "tracking_code", "kind", "status", "channel", "title", "agency", "received_at", "version"])
    petitioner = _obj({"role": STR, "protected": BOOL, "full_name": _nullable("string"),
                       "id_number": _nullable("string"), "phone": _nullable("string"),
                       "email": _nullable("string"), "address": _nullable("string")}, ["role", "protected"],
                      description="Người đứng đơn. Với đơn tố cáo: `protected` là true và không có danh tính.")
    petition_detail = {"allOf": [_ref("PetitionSummary"), _obj({
        "kind_label": STR, "status_label": STR, "content": STR, "request": STR, "respondent": STR,
        "is_group": BOOL, "group_size": _nullable("integer"), "category_id": _nullable("integer"),
        "is_eligible": _nullable("boolean"), "within_jurisdiction": _nullable("boolean"),
        "proposed_action": _nullable("string"), "handler_id": _nullable("integer"),
        "petitioners": {"type": "array", "items": _ref("Petitioner")},
        "attachments": {"type": "array", "items": _obj({"id": INT, "name": STR, "content_type": STR, "size": INT},
                                                       ["id", "name", "content_type", "size"])},
        "allowed_actions": {"type": "array", "items": {"enum": PETITION_ACTIONS}},
    }, ["content", "petitioners", "allowed_actions"])]}
    case_summary = _obj({
        "id": INT, "kind": {"enum": [k.value for k in CaseKind]}, "status": {"enum": [s.value for s in CaseState]},
        "title": STR, "agency": _ref("Agency"), "accepted_on": {"type": "string", "format": "date"},
        "due_date": DATE_N, "outcome": _nullable("string"), "updated_at": TIME,
    }, ["id", "kind", "status", "title", "agency", "accepted_on"])
    case_detail = {"allOf": [_ref("CaseSummary"), _obj({
        "kind_label": STR, "status_label": STR, "resolver_id": _nullable("integer"),
        "leader_id": _nullable("integer"), "complexity_level": STR, "decision_number": _nullable("string"),
        "decision_date": DATE_N, "parent_case_id": _nullable("integer"),
        "petitions": {"type": "array", "items": _obj({"id": INT, "tracking_code": STR}, ["id", "tracking_code"])},
        "allowed_actions": {"type": "array", "items": {"enum": CASE_ACTIONS}},
        "timeline": {"type": "array", "items": _obj({"at": TIME, "action": STR, "label": STR,
                                                     "to_status": _nullable("string"), "public": BOOL},
                                                    ["at", "action", "label", "public"])},
    }, ["petitions", "allowed_actions", "timeline"])]}

    def page(item: str) -> dict:
        return _obj({"items": {"type": "array", "items": _ref(item)},
                     "next": _nullable("string", description="Đường dẫn trang sau; null ở trang cuối.")},
                    ["items", "next"])

    submission = _obj({
        "kind": {"enum": [k.value for k in PetitionKind]},
        "full_name": {"type": "string", "maxLength": 200}, "id_number": {"type": "string", "maxLength": 14},
        "phone": {"type": "string", "maxLength": 20}, "email": _nullable("string"),
        "email_opt_in": BOOL, "province_id": INT, "commune_id": INT, "address": {"type": "string", "maxLength": 300},
        "is_group": BOOL, "group_size": _nullable("integer"),
        "representatives": {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 100},
        "addressed_agency_id": _nullable("integer"), "respondent": {"type": "string", "maxLength": 300},
        "title": {"type": "string", "maxLength": 300}, "content": {"type": "string", "minLength": 20,
                                                                   "maxLength": 20000},
        "request": {"type": "string", "maxLength": 5000}, "previously_handled": BOOL,
        "prior_handler": _nullable("string"), "prior_date": _nullable("string", format="date"),
        "prior_decision_number": _nullable("string"), "declaration": {"type": "boolean",
                                                                      "description": "Lời cam đoan (phải là true)."},
    }, ["kind", "full_name", "id_number", "phone", "province_id", "commune_id", "address", "title", "content",
        "declaration"], description="Cùng các trường và cùng quy tắc kiểm tra như biểu mẫu gửi đơn trên cổng.")
    receipt = _obj({"tracking_code": STR, "access_key": STR, "status": STR, "received_at": TIME,
                    "due_date": DATE_N, "agency": STR}, ["tracking_code", "access_key", "status", "received_at"],
                   description="Biên nhận: mã truy cập chỉ hiện một lần, hãy lưu lại.")
    track_request = _obj({"code": {"type": "string", "maxLength": 40}, "key": {"type": "string", "maxLength": 40}},
                         ["code", "key"])
    track_status = _obj({
        "tracking_code": STR, "kind": STR, "status": STR, "status_label": STR, "agency": STR, "title": STR,
        "received_at": TIME, "due_date": DATE_N,
        "timeline": {"type": "array", "items": _obj({"at": TIME, "action": STR, "label": STR,
                                                     "note": _nullable("string")}, ["at", "action", "label"])},
    }, ["tracking_code", "status", "status_label", "timeline"])
    visitor = _obj({"full_name": {"type": "string", "maxLength": 200}, "id_number": _nullable("string"),
                    "phone": _nullable("string"), "address": _nullable("string"),
                    "name_decision": {"enum": ["keep", "update", None]}}, ["full_name"])
    visit_request = _obj({
        "visited_at": {"type": "string", "format": "date-time",
                       "description": "Thời điểm tiếp (RFC 3339, có múi giờ); mặc định: bây giờ."},
        "place": {"type": "string", "maxLength": 200}, "kind": {"enum": [k.value for k in PetitionKind]},
        "summary": {"type": "string", "maxLength": 20000}, "outcome": {"enum": [o.value for o in VisitOutcome]},
        "visitors": {"type": "array", "items": _ref("Visitor"), "minItems": 1, "maxItems": 5},
        "people_count": {"type": "integer", "minimum": 1}, "request": STR, "prior_handling": _nullable("string"),
        "respondent": _nullable("string"), "category_id": _nullable("integer"), "title": _nullable("string"),
        "outcome_note": _nullable("string"), "guided_to": _nullable("string"),
        "transfer_agency_id": _nullable("integer"), "transfer_to_name": _nullable("string"),
        "refusal_ground": {"enum": [g.value for g in RefusalGround] + [None]},
    }, ["place", "kind", "summary", "outcome", "visitors"])
    visit_created = _obj({
        "id": INT, "register_number": STR, "visited_at": TIME, "kind": STR, "outcome": STR, "people_count": INT,
        "reply_due": DATE_N,
        "petition": {"oneOf": [{"type": "null"}, _obj({"id": INT, "tracking_code": STR,
                                                       "access_key": _nullable("string")},
                                                      ["id", "tracking_code"])]},
    }, ["id", "register_number", "visited_at", "kind", "outcome", "petition"])
    petition_action = _obj({
        "note": _nullable("string", maxLength=5000),
        "kind": {"enum": [k.value for k in PetitionKind]}, "category_id": _nullable("integer"),
        "multi_signer": BOOL, "within_jurisdiction": BOOL,
        "checks": {"type": "object", "additionalProperties": {"type": "boolean"},
                   "description": "Danh mục điều kiện: language, identity, complaint_content, "
                                  "denunciation_content, not_sent_to_many, not_already_guided."},
        "action": {"enum": [a.value for a in ProposedAction]}, "guide_to": _nullable("string"),
        "transfer_agency_id": _nullable("integer"), "transfer_name": _nullable("string"),
        "urge_agency_id": _nullable("integer"), "file_reason": {"enum": [r.value for r in FileReason] + [None]},
        "merge_target_id": _nullable("integer"),
    }, description="classify: kind, category_id, multi_signer, checks, within_jurisdiction; propose: action và "
                   "trường đi kèm; withdraw_proposal, return (bắt buộc note), approve: note.")
    problem = _obj({"type": STR, "title": STR, "status": INT, "detail": STR,
                    "errors": {"type": "object", "additionalProperties": {"type": "array", "items": STR}}},
                   ["type", "title", "status", "detail"],
                   description="RFC 9457. `errors` nêu lỗi theo từng trường (tiếng Việt).")
    return {"Agency": agency, "PetitionSummary": petition_summary, "Petitioner": petitioner,
            "PetitionDetail": petition_detail, "PetitionPage": page("PetitionSummary"),
            "CaseSummary": case_summary, "CaseDetail": case_detail, "CasePage": page("CaseSummary"),
            "PetitionSubmission": submission, "Receipt": receipt, "TrackRequest": track_request,
            "TrackStatus": track_status, "Visitor": visitor, "VisitRequest": visit_request,
            "VisitCreated": visit_created, "PetitionAction": petition_action,
            "CaseAction": _obj({"note": _nullable("string", maxLength=5000)}), "Problem": problem}


def _body(name: str, example=None) -> dict:
    content = {"schema": _ref(name)}
    if example is not None:
        content["example"] = example
    return {"required": True, "content": {"application/json": content}}


def _secured(op: dict, *scopes: Permission) -> dict:
    op["security"] = [{"bearerAuth": []}]
    op["x-scopes"] = [s.value for s in scopes]
    return op


SUBMISSION_EXAMPLE = {
    "kind": "complaint", "full_name": "Nguyễn Văn An", "id_number": "020085001234", "phone": "0912345678",
    "province_id": 1, "commune_id": 2, "address": "Thôn Bản Làn", "respondent": "UBND xã Cao Lộc",
    "title": "Khiếu nại quyết định thu hồi đất", "request": "Đề nghị xem xét lại mức bồi thường.",
    "content": "Gia đình tôi bị thu hồi 300 m2 đất nhưng mức bồi thường thấp hơn giá thị trường.",
    "declaration": True,
}


def _paths() -> dict:
    petition_id = _param("petition_id", "path", {"type": "integer", "minimum": 1}, "Số định danh của đơn.")
    case_id = _param("case_id", "path", {"type": "integer", "minimum": 1}, "Số định danh của vụ việc.")
    return {
        "/petitions": {
            "post": {
                "operationId": "submitPetition", "tags": ["Công khai"],
                "summary": "Gửi đơn (như biểu mẫu trên cổng)",
                "description": "Cùng quy tắc kiểm tra và cùng giới hạn tần suất như biểu mẫu công khai. "
                               "Trả mã hồ sơ và mã truy cập (chỉ một lần).",
                "parameters": [IDEMPOTENCY],
                "requestBody": _body("PetitionSubmission", SUBMISSION_EXAMPLE),
                "responses": {
                    "201": _json(_ref("Receipt"), "Đã nhận đơn."),
                    "200": _json(_ref("Receipt"), "Đơn đã được gửi trước đó với cùng Idempotency-Key."),
                    "400": _problem("Nội dung không phải JSON hoặc khóa không hợp lệ."),
                    "415": WRITE_ERRORS["415"], "422": WRITE_ERRORS["422"],
                    "429": _problem("Quá nhiều đơn từ cùng địa chỉ."), "default": STAFF_ERRORS["default"],
                },
            },
            "get": _secured({
                "operationId": "listPetitions", "tags": ["Cán bộ"], "summary": "Danh sách đơn trong phạm vi",
                "description": "Mới nhất trước; phân trang bằng con trỏ (received_at, id).",
                "parameters": [*LIST_PARAMS,
                               _param("status", "query", {"enum": [s.value for s in PetitionStatus]}, "Lọc theo trạng thái."),
                               _param("kind", "query", {"enum": [k.value for k in PetitionKind]}, "Lọc theo loại đơn."),
                               IF_NONE_MATCH],
                "responses": {"200": _json(_ref("PetitionPage"), "Một trang đơn.", ETAG_HEADER), "304": NOT_MODIFIED,
                              **STAFF_ERRORS},
            }, Permission.PETITION_READ),
        },
        "/petitions/{petition_id}": {
            "get": _secured({
                "operationId": "getPetition", "tags": ["Cán bộ"], "summary": "Một đơn",
                "parameters": [petition_id, IF_NONE_MATCH],
                "responses": {"200": _json(_ref("PetitionDetail"), "Đơn.", ETAG_HEADER), "304": NOT_MODIFIED,
                              **STAFF_ERRORS},
            }, Permission.PETITION_READ),
        },
        "/petitions/{petition_id}/actions/{action}": {
            "post": _secured({
                "operationId": "petitionAction", "tags": ["Cán bộ"], "summary": "Thao tác xử lý đơn",
                "description": "Qua đúng quy trình như trang xử lý đơn. Cần If-Match.",
                "parameters": [petition_id, _param("action", "path", {"enum": PETITION_ACTIONS}, "Thao tác."),
                               IF_MATCH],
                "requestBody": _body("PetitionAction", {"note": "Đủ điều kiện", "action": "accept"}),
                "responses": {"200": _json(_ref("PetitionDetail"), "Đơn sau thao tác.", ETAG_HEADER),
                              **STAFF_ERRORS, **WRITE_ERRORS},
            }, Permission.PETITION_TRIAGE, Permission.PETITION_APPROVE),
        },
        "/track": {
            "post": {
                "operationId": "trackPetition", "tags": ["Công khai"], "summary": "Tra cứu đơn",
                "description": "Mã hồ sơ và mã truy cập trong nội dung (không bao giờ trong URL). Sai mã nào "
                               "cũng nhận cùng một câu trả lời 404.",
                "requestBody": _body("TrackRequest", {"code": "LS-2026-000123", "key": "7KQ2-M9XD-4TPA"}),
                "responses": {"200": _json(_ref("TrackStatus"), "Tình trạng và các mốc công khai."),
                              "400": _problem("Nội dung không phải JSON."), "404": _problem("Sai mã hồ sơ hoặc mã truy cập."),
                              "415": WRITE_ERRORS["415"], "422": WRITE_ERRORS["422"],
                              "429": _problem("Quá nhiều lần tra cứu."), "default": STAFF_ERRORS["default"]},
            },
        },
        "/cases": {
            "get": _secured({
                "operationId": "listCases", "tags": ["Cán bộ"], "summary": "Danh sách vụ việc trong phạm vi",
                "description": "Thụ lý gần nhất trước; phân trang bằng con trỏ (accepted_on, id).",
                "parameters": [*LIST_PARAMS,
                               _param("status", "query", {"enum": [s.value for s in CaseState]}, "Lọc theo trạng thái."),
                               _param("kind", "query", {"enum": [k.value for k in CaseKind]}, "Lọc theo loại."),
                               IF_NONE_MATCH],
                "responses": {"200": _json(_ref("CasePage"), "Một trang vụ việc.", ETAG_HEADER), "304": NOT_MODIFIED,
                              **STAFF_ERRORS},
            }, Permission.CASE_READ),
        },
        "/cases/{case_id}": {
            "get": _secured({
                "operationId": "getCase", "tags": ["Cán bộ"], "summary": "Một vụ việc",
                "parameters": [case_id, IF_NONE_MATCH],
                "responses": {"200": _json(_ref("CaseDetail"), "Vụ việc.", ETAG_HEADER), "304": NOT_MODIFIED,
                              **STAFF_ERRORS},
            }, Permission.CASE_READ),
        },
        "/cases/{case_id}/actions/{action}": {
            "post": _secured({
                "operationId": "caseAction", "tags": ["Cán bộ"], "summary": "Chuyển trạng thái vụ việc",
                "description": "Qua đúng quy trình như trang vụ việc. Cần If-Match.",
                "parameters": [case_id, _param("action", "path", {"enum": CASE_ACTIONS}, "Thao tác."), IF_MATCH],
                "requestBody": _body("CaseAction", {"note": "Bắt đầu xác minh"}),
                "responses": {"200": _json(_ref("CaseDetail"), "Vụ việc sau thao tác.", ETAG_HEADER),
                              **STAFF_ERRORS, **WRITE_ERRORS},
            }, Permission.CASE_WORK, Permission.CASE_APPROVE),
        },
        "/visits": {
            "post": _secured({
                "operationId": "createVisit", "tags": ["Cán bộ"], "summary": "Ghi sổ một lượt tiếp công dân",
                "description": "Như biểu mẫu bàn tiếp dân; kết quả petition_received tạo đơn trực tiếp.",
                "parameters": [IDEMPOTENCY],
                "requestBody": _body("VisitRequest", {
                    "place": "Trụ sở Ban Tiếp công dân", "kind": "complaint", "outcome": "guided",
                    "guided_to": "UBND xã Cao Lộc", "summary": "Công dân hỏi về thủ tục cấp giấy chứng nhận.",
                    "visitors": [{"full_name": "Nguyễn Văn An", "id_number": "020085001234"}]}),
                "responses": {"201": _json(_ref("VisitCreated"), "Đã ghi sổ."),
                              "200": _json(_ref("VisitCreated"), "Đã ghi trước đó với cùng Idempotency-Key."),
                              **STAFF_ERRORS, "409": _problem("Số CCCD đã có với họ tên khác."),
                              "415": WRITE_ERRORS["415"], "422": WRITE_ERRORS["422"]},
            }, Permission.VISIT_LOG),
        },
    }


def build_spec() -> dict:
    """The whole description (built per call: labels follow the request's language)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API hệ thống tiếp công dân, xử lý đơn thư",
            "version": API_VERSION,
            "description": "Công khai: gửi đơn, tra cứu đơn. Cán bộ: mã truy cập cá nhân (tạo tại trang "
                           "/staff/tokens) trong tiêu đề `Authorization: Bearer <mã>`; mã chỉ làm được những gì "
                           "vừa thuộc quyền đã chọn, vừa thuộc vai trò hiện tại của người dùng, trong phạm vi cơ "
                           "quan của họ. Lỗi trả về dạng application/problem+json.",
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": "Công khai", "description": "Không cần mã truy cập."},
                 {"name": "Cán bộ", "description": "Cần mã truy cập cá nhân."}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Mã truy cập cá nhân dạng dtk_…"}},
        },
    }


# --- the readable page ------------------------------------------------------------------------

def type_text(schema: dict) -> str:
    """A short human reading of a schema: `string (date) | null`, `PetitionSummary[]`, `enum: a, b`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " + ".join(type_text(s) for s in schema["allOf"])
    if "oneOf" in schema:
        return " | ".join(type_text(s) for s in schema["oneOf"])
    if "enum" in schema:
        return "enum: " + ", ".join("null" if v is None else str(v) for v in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return type_text(schema.get("items", {})) + "[]"
    text = " | ".join(kind) if isinstance(kind, list) else kind
    if schema.get("format"):
        text += f" ({schema['format']})"
    return text


def docs_model(spec: dict) -> dict:
    """The description shaped for templates/api/docs.html: operations in order, schemas with rows."""
    import json

    operations = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append({
                "id": op["operationId"], "method": method.upper(), "path": spec["servers"][0]["url"] + path,
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "tag": (op.get("tags") or [""])[0], "secured": "security" in op, "scopes": op.get("x-scopes", []),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": type_text(p["schema"]), "description": p.get("description", "")}
                               for p in op.get("parameters", [])],
                "body": type_text(body["schema"]) if body else None,
                "example": json.dumps(body["example"], ensure_ascii=False, indent=2) if body.get("example") else None,
                "responses": [{"status": status, "description": r.get("description", ""),
                               "type": next((f"{mt}: {type_text(c['schema'])}" for mt, c in r.get("content", {}).items()),
                                            "")}
                              for status, r in op["responses"].items()],
            })
    schemas = []
    for name, schema in spec["components"]["schemas"].items():
        parts = schema.get("allOf", [schema])
        rows, extends = [], []
        for part in parts:
            if "$ref" in part:
                extends.append(type_text(part))
                continue
            required = set(part.get("required", []))
            rows += [{"name": prop, "type": type_text(sub), "required": prop in required,
                      "description": sub.get("description", "")} for prop, sub in part.get("properties", {}).items()]
        schemas.append({"name": name, "description": schema.get("description", "")
                        or next((p.get("description", "") for p in parts if "$ref" not in p), ""),
                        "extends": extends, "rows": rows})
    return {"info": spec["info"], "operations": operations, "schemas": schemas}
