"""HTTP endpoints of the LRS: negotiate, parse, call services and selectors, render."""

import json
import uuid
from datetime import UTC
from email.utils import format_datetime

from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from xapi import selectors
from xapi.errors import BadRequest, NotFound
from xapi.http import XapiRequest, hash_matches, parse_json, parse_multipart, xapi_endpoint
from xapi.models import Attachment
from xapi.rendering import canonical_statement, ids_statement
from xapi.services import documents
from xapi.services.keys import agent_key
from xapi.services.statements import AttachmentPart, record_statements
from xapi.validation import VERSION_1, format_timestamp, is_uuid, parse_timestamp, validate_actor
from xapi.validation.common import is_language_tag

READ = ("statements/read", "statements/read/mine", "all/read")
_QUERY_PARAMS = {
    "agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
    "limit", "format", "attachments", "ascending",
}  # fmt: skip
_SIGNER = "xapi.more"


def _http_date(moment) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _bool(xreq: XapiRequest, name: str) -> bool:
    value = xreq.params.get(name, "false")
    if value not in ("true", "false"):
        raise BadRequest(f"{name}: must be true or false")
    return value == "true"


def _iri_param(xreq: XapiRequest, name: str, required: bool = False) -> str | None:
    value = xreq.params.get(name)
    if value is None:
        if required:
            raise BadRequest(f"{name}: required")
        return None
    if ":" not in value or any(ch.isspace() for ch in value):
        raise BadRequest(f"{name}: must be an IRI")
    return value


def _agent_param(xreq: XapiRequest, name: str = "agent", required: bool = True) -> dict | None:
    if name not in xreq.params:
        if required:
            raise BadRequest(f"{name}: required")
        return None
    return validate_actor(parse_json(xreq.params[name].encode(), name), name=name)


def _time_param(xreq: XapiRequest, name: str):
    if name not in xreq.params:
        return None
    try:
        return parse_timestamp(xreq.params[name])
    except ValueError as exc:
        raise BadRequest(f"{name}: {exc}") from exc


# --- statements -------------------------------------------------------------------------


def _read_statement_body(xreq: XapiRequest) -> tuple[object, dict[str, AttachmentPart]]:
    if xreq.content_type == "application/json":
        return parse_json(xreq.body, "statements"), {}
    if xreq.content_type == "multipart/mixed":
        parts = parse_multipart(xreq.body, xreq.header("content-type") or "")
        first_headers, first = parts[0]
        if first_headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            raise BadRequest("the first multipart part must be application/json")
        attachments = {}
        for index, (headers, content) in enumerate(parts[1:], start=1):
            sha2 = headers.get("x-experience-api-hash")
            if not sha2:
                raise BadRequest(f"multipart part {index}: X-Experience-API-Hash header is required")
            if headers.get("content-transfer-encoding", "").lower() != "binary":
                raise BadRequest(f"multipart part {index}: Content-Transfer-Encoding must be binary")
            if not hash_matches(content, sha2):
                raise BadRequest(f"multipart part {index}: content does not match X-Experience-API-Hash")
            attachments[sha2] = AttachmentPart(
                headers.get("content-type", "application/octet-stream"), content, headers
            )
        return parse_json(first, "statements"), attachments
    raise BadRequest("Content-Type must be application/json or multipart/mixed")


def _put_statement(xreq: XapiRequest) -> HttpResponse:
    statement_id = xreq.params.get("statementId")
    if statement_id is None:
        raise BadRequest("statementId: required for PUT")
    if not is_uuid(statement_id):
        raise BadRequest("statementId: must be a UUID")
    if set(xreq.params) - {"statementId"}:
        raise BadRequest(f"unexpected parameters: {', '.join(sorted(set(xreq.params) - {'statementId'}))}")
    data, attachments = _read_statement_body(xreq)
    if not isinstance(data, dict):
        raise BadRequest("statement: PUT takes one statement object")
    record_statements(
        data,
        credential=xreq.credential,
        version=xreq.version,
        attachments=attachments,
        statement_id=statement_id,
    )
    return HttpResponse(status=204)


def _post_statements(xreq: XapiRequest) -> HttpResponse:
    if xreq.params and not xreq.extra.get("alternate"):
        raise BadRequest(f"unexpected parameters: {', '.join(sorted(xreq.params))}")
    data, attachments = _read_statement_body(xreq)
    if isinstance(data, list) and not data:
        raise BadRequest("statements: the batch is empty")
    ids = record_statements(data, credential=xreq.credential, version=xreq.version, attachments=attachments)
    return JsonResponse([str(statement_id) for statement_id in ids], safe=False)


def _render(statements: list[dict], xreq: XapiRequest, fmt: str) -> list[dict]:
    if fmt == "ids":
        return [ids_statement(statement) for statement in statements]
    if fmt == "canonical":
        languages = _accept_languages(xreq.header("accept-language"))
        return [canonical_statement(statement, languages) for statement in statements]
    return statements


def _accept_languages(header: str | None) -> list[str]:
    ranked = []
    for item in (header or "").split(","):
        tag, _sep, quality = item.strip().partition(";q=")
        if tag and (tag == "*" or is_language_tag(tag)):
            try:
                ranked.append((float(quality or 1), tag))
            except ValueError:
                continue
    return [tag for _quality, tag in sorted(ranked, key=lambda pair: -pair[0])]


def _statement_response(payload: object, statements: list[dict], xreq: XapiRequest, attachments: bool) -> HttpResponse:
    body = json.dumps(payload).encode()
    if not attachments:
        response = HttpResponse(body, content_type="application/json")
    else:
        hashes = []
        for statement in statements:
            for attachment in statement.get("attachments", []):
                if attachment["sha2"] not in hashes:
                    hashes.append(attachment["sha2"])
        boundary = uuid.uuid4().hex
        chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), body]
        for row in Attachment.objects.filter(sha2__in=hashes):
            chunks.append(
                f"\r\n--{boundary}\r\nContent-Type: {row.content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {row.sha2}\r\n\r\n".encode()
            )
            chunks.append(bytes(row.content))
        chunks.append(f"\r\n--{boundary}--".encode())
        response = HttpResponse(b"".join(chunks), content_type=f'multipart/mixed; boundary="{boundary}"')
    response["X-Experience-API-Consistent-Through"] = format_timestamp(timezone.now())
    return response


def _get_statements(xreq: XapiRequest) -> HttpResponse:
    params = dict(xreq.params)
    if "more" in params:
        try:
            state = signing.loads(params["more"], salt=_SIGNER)
        except signing.BadSignature as exc:
            raise BadRequest("more: not a valid continuation token") from exc
        params = state["params"]
        after = (parse_timestamp(state["stored"]), state["seq"])
    else:
        after = None
    fmt = params.get("format", "exact")
    if fmt not in ("ids", "exact", "canonical"):
        raise BadRequest("format: must be ids, exact or canonical")
    view = XapiRequest(method="GET", params=params, headers=xreq.headers, body=b"", version=xreq.version)
    with_attachments = _bool(view, "attachments")
    single = [name for name in ("statementId", "voidedStatementId") if name in params]
    if single:
        extra = set(params) - {single[0], "format", "attachments"}
        if len(single) > 1 or extra:
            raise BadRequest(f"{single[0]}: cannot be combined with {', '.join(sorted(extra | set(single[1:])))}")
        if not is_uuid(params[single[0]]):
            raise BadRequest(f"{single[0]}: must be a UUID")
        row = selectors.get_statement_row(params[single[0]], voided=single[0] == "voidedStatementId")
        mine = not xreq.credential.has_scope("statements/read", "all/read")
        if row is None or (mine and row.credential_id != xreq.credential.pk):
            raise NotFound(f"no statement {params[single[0]]}")
        statement = _render([row.data], xreq, fmt)[0]
        response = _statement_response(statement, [row.data], xreq, with_attachments)
        response["Last-Modified"] = _http_date(row.stored)
        return response
    unknown = set(params) - _QUERY_PARAMS
    if unknown:
        raise BadRequest(f"unexpected parameters: {', '.join(sorted(unknown))}")
    registration = params.get("registration")
    if registration is not None and not is_uuid(registration):
        raise BadRequest("registration: must be a UUID")
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise BadRequest("limit: must be a non-negative integer")
    query = selectors.StatementQuery(
        agent=_agent_param(view, required=False),
        verb=_iri_param(view, "verb"),
        activity=_iri_param(view, "activity"),
        registration=uuid.UUID(registration) if registration else None,
        related_activities=_bool(view, "related_activities"),
        related_agents=_bool(view, "related_agents"),
        since=_time_param(view, "since"),
        until=_time_param(view, "until"),
        limit=int(limit),
        ascending=_bool(view, "ascending"),
        mine=None if xreq.credential.has_scope("statements/read", "all/read") else xreq.credential,
    )
    statements, cursor = selectors.statement_page(query, after=after)
    more = ""
    if cursor is not None:
        token = signing.dumps({"params": params, "stored": format_timestamp(cursor[0]), "seq": cursor[1]}, salt=_SIGNER)
        more = f"{reverse('xapi:statements')}?more={token}"
    result = {"statements": _render(statements, xreq, fmt), "more": more}
    response = _statement_response(result, statements, xreq, with_attachments)
    if statements:
        response["Last-Modified"] = _http_date(max(parse_timestamp(statement["stored"]) for statement in statements))
    return response


@xapi_endpoint(
    methods=("GET", "PUT", "POST"),
    scopes={"GET": READ, "PUT": ("statements/write",), "POST": ("statements/write",)},
    consistent_through=True,
)
def statements(xreq: XapiRequest) -> HttpResponse:
    if xreq.method == "PUT":
        return _put_statement(xreq)
    if xreq.method == "POST":
        return _post_statements(xreq)
    return _get_statements(xreq)


# --- documents --------------------------------------------------------------------------


def _document_response(document) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = _http_date(document.updated)
    return response


def _ids_response(key: documents.DocumentKey, xreq: XapiRequest) -> HttpResponse:
    ids = documents.list_document_ids(key, since=_time_param(xreq, "since"))
    response = JsonResponse(ids, safe=False)
    latest = documents.latest_update(key)
    if latest is not None:
        response["Last-Modified"] = _http_date(latest)
    return response


def _document_resource(
    xreq: XapiRequest, key: documents.DocumentKey, id_param: str, allowed: set[str], *, state: bool
) -> HttpResponse:
    unknown = set(xreq.params) - allowed - {id_param, "since"}
    if unknown:
        raise BadRequest(f"unexpected parameters: {', '.join(sorted(unknown))}")
    document_id = xreq.params.get(id_param)
    if xreq.method == "GET":
        if document_id is None:
            return _ids_response(key, xreq)
        if "since" in xreq.params:
            raise BadRequest(f"since: not allowed together with {id_param}")
        return _document_response(documents.get_document(key, document_id))
    if "since" in xreq.params:
        raise BadRequest("since: only allowed on GET")
    if_match, if_none_match = xreq.header("if-match"), xreq.header("if-none-match")
    if xreq.method == "DELETE":
        if document_id is None and not state:
            raise BadRequest(f"{id_param}: required")
        documents.delete_documents(key, document_id, if_match=if_match, if_none_match=if_none_match)
        return HttpResponse(status=204)
    if document_id is None:
        raise BadRequest(f"{id_param}: required")
    # xAPI 1.0.3 §6.3: concurrency headers are required to overwrite profiles; xAPI 2.0 §4.1.4
    # extends that to the State resource.
    required = not state or xreq.version != VERSION_1
    if not state and xreq.version == VERSION_1 and xreq.method == "PUT" and if_match is None and if_none_match is None:
        # xAPI 1.0.3 §7.6 / conformance XAPI-00273: a profile PUT without either header is refused,
        # with 409 when the document exists (§6.3) and 400 otherwise.
        try:
            documents.get_document(key, document_id)
        except NotFound as exc:
            raise BadRequest("send If-Match or If-None-Match with a profile PUT") from exc
    documents.save_document(
        key,
        document_id,
        content=xreq.body,
        content_type=xreq.header("content-type") or "application/octet-stream",
        merge=xreq.method == "POST",
        if_match=if_match,
        if_none_match=if_none_match,
        precondition_required=required,
    )
    return HttpResponse(status=204)


_DOC_METHODS = ("GET", "PUT", "POST", "DELETE")


@xapi_endpoint(methods=_DOC_METHODS, scopes=dict.fromkeys(_DOC_METHODS, ("state",)))
def state(xreq: XapiRequest) -> HttpResponse:
    activity_id = _iri_param(xreq, "activityId", required=True)
    agent = _agent_param(xreq)
    registration = xreq.params.get("registration", "")
    if registration and not is_uuid(registration):
        raise BadRequest("registration: must be a UUID")
    key = documents.DocumentKey(
        kind="state", activity_id=activity_id, agent_key=agent_key(agent), registration=registration.lower()
    )
    return _document_resource(xreq, key, "stateId", {"activityId", "agent", "registration"}, state=True)


@xapi_endpoint(methods=_DOC_METHODS, scopes=dict.fromkeys(_DOC_METHODS, ("profile",)))
def activity_profile(xreq: XapiRequest) -> HttpResponse:
    activity_id = _iri_param(xreq, "activityId", required=True)
    key = documents.DocumentKey(kind="activity_profile", activity_id=activity_id)
    return _document_resource(xreq, key, "profileId", {"activityId"}, state=False)


@xapi_endpoint(methods=_DOC_METHODS, scopes=dict.fromkeys(_DOC_METHODS, ("profile",)))
def agent_profile(xreq: XapiRequest) -> HttpResponse:
    agent = _agent_param(xreq)
    key = documents.DocumentKey(kind="agent_profile", agent_key=agent_key(agent))
    return _document_resource(xreq, key, "profileId", {"agent"}, state=False)


# --- activities, agents, about --------------------------------------------------------------


@xapi_endpoint(methods=("GET",), scopes={"GET": (*READ, "define", "profile", "state")})
def activities(xreq: XapiRequest) -> HttpResponse:
    activity_id = _iri_param(xreq, "activityId", required=True)
    if set(xreq.params) - {"activityId"}:
        raise BadRequest("only activityId is allowed")
    activity = selectors.get_activity(activity_id) or {"objectType": "Activity", "id": activity_id}
    return JsonResponse(activity)


@xapi_endpoint(methods=("GET",), scopes={"GET": (*READ, "define", "profile", "state")})
def agents(xreq: XapiRequest) -> HttpResponse:
    agent = _agent_param(xreq)
    if set(xreq.params) - {"agent"}:
        raise BadRequest("only agent is allowed")
    if agent.get("objectType") == "Group":
        raise BadRequest("agent: must be an Agent, not a Group")
    return JsonResponse(selectors.person_for(agent))


@xapi_endpoint(methods=("GET",), scopes={}, auth=False)
def about(xreq: XapiRequest) -> HttpResponse:
    # xAPI 1.0.3 §7.7: every version this LRS speaks; no authentication required.
    return JsonResponse({"version": ["1.0.3", "2.0.0"], "extensions": {}})
