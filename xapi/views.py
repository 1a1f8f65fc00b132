"""HTTP endpoints of the LRS: negotiate, parse, call services and selectors, render."""

import json
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.urls import reverse

from xapi import selectors
from xapi.errors import BadRequest, NotFound
from xapi.http import XapiRequest, hash_matches, parse_json, parse_multipart, xapi_endpoint
from xapi.keys import agent_key
from xapi.models import Attachment
from xapi.rendering import canonical_statement, ids_statement
from xapi.services import consistency, documents
from xapi.services.statements import AttachmentPart, record_statements
from xapi.validation import VERSION_1, format_stored, parse_timestamp
from xapi.validation import params as query_params
from xapi.validation.common import is_language_tag

READ = ("statements/read", "statements/read/mine", "all/read")
_SIGNER = "xapi.more"


def _http_date(moment) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


# --- statements -------------------------------------------------------------------------


def _read_statement_body(xreq: XapiRequest) -> tuple[object, dict[str, AttachmentPart], bytes]:
    """The statement JSON, the attachment parts by sha2, and the JSON text it was parsed from."""
    if xreq.content_type == "application/json":
        return parse_json(xreq.body, "statements"), {}, xreq.body
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
        return parse_json(first, "statements"), attachments, first
    raise BadRequest("Content-Type must be application/json or multipart/mixed")


def _put_statement(xreq: XapiRequest) -> HttpResponse:
    query_params.only(xreq.params, {"statementId"})
    statement_id = str(query_params.uuid_value(xreq.params, "statementId", required=True))
    data, attachments, source = _read_statement_body(xreq)
    if not isinstance(data, dict):
        raise BadRequest("statement: PUT takes one statement object")
    record_statements(
        data,
        credential=xreq.credential,
        version=xreq.version,
        attachments=attachments,
        statement_id=statement_id,
        source=source,
    )
    return HttpResponse(status=204)


def _post_statements(xreq: XapiRequest) -> HttpResponse:
    if not xreq.extra.get("alternate"):
        query_params.only(xreq.params, ())
    data, attachments, source = _read_statement_body(xreq)
    if isinstance(data, list) and not data:
        raise BadRequest("statements: the batch is empty")
    ids = record_statements(
        data, credential=xreq.credential, version=xreq.version, attachments=attachments, source=source
    )
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


def _statement_response(
    payload: object, statements: list[dict], xreq: XapiRequest, attachments: bool, through: datetime
) -> HttpResponse:
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
    response["X-Experience-API-Consistent-Through"] = format_stored(through)
    return response


def _get_statements(xreq: XapiRequest) -> HttpResponse:
    params = dict(xreq.params)
    after = None
    # Read before the query (xapi.services.consistency): everything stored up to it is visible
    # to the query, so neither a `since` sync nor a `more` walk loses what is at or before it.
    through = consistency.consistent_through()
    if "more" in params:
        try:
            state = signing.loads(params["more"], salt=_SIGNER)
        except signing.BadSignature as exc:
            raise BadRequest("more: not a valid continuation token") from exc
        params, after = state["params"], (parse_timestamp(state["stored"]), state["seq"])
    fmt = query_params.statement_format(params)
    with_attachments = query_params.flag(params, "attachments")
    can_read_all = xreq.credential.has_scope("statements/read", "all/read")
    single = [name for name in ("statementId", "voidedStatementId") if name in params]
    if single:
        # xAPI 1.0.3 §7.2.3: statementId/voidedStatementId go with attachments and format only.
        query_params.only(params, {single[0], "format", "attachments"})
        statement_id = query_params.uuid_value(params, single[0])
        row = selectors.get_statement_row(statement_id, voided=single[0] == "voidedStatementId")
        if row is None or (not can_read_all and row.credential_id != xreq.credential.pk):
            raise NotFound(f"no statement {statement_id}")
        response = _statement_response(_render([row.data], xreq, fmt)[0], [row.data], xreq, with_attachments, through)
        response["Last-Modified"] = _http_date(row.stored)
        return response
    query_params.only(params, {*query_params.STATEMENT_FILTERS, "format", "attachments"})
    query = selectors.StatementQuery(
        **query_params.statement_filters(params), mine=None if can_read_all else xreq.credential
    )
    statements, cursor = selectors.statement_page(query, after=after)
    more = ""
    if cursor is not None:
        token = signing.dumps(
            {
                "params": params,
                "stored": format_stored(cursor[0]),
                "seq": cursor[1],
            },
            salt=_SIGNER,
        )
        more = f"{reverse('xapi:statements')}?more={token}"
    result = {"statements": _render(statements, xreq, fmt), "more": more}
    response = _statement_response(result, statements, xreq, with_attachments, through)
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
    ids = documents.list_document_ids(key, since=query_params.timestamp(xreq.params, "since"))
    response = JsonResponse(ids, safe=False)
    latest = documents.latest_update(key)
    if latest is not None:
        response["Last-Modified"] = _http_date(latest)
    return response


def _document_resource(
    xreq: XapiRequest, key: documents.DocumentKey, id_param: str, allowed: set[str], *, state: bool
) -> HttpResponse:
    query_params.only(xreq.params, allowed | {id_param, "since"})
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
    # xAPI 1.0.3 §6.3: concurrency headers are required to overwrite profiles (409 without them
    # when the document exists); xAPI 2.0 §4.1.4 extends that to the State resource. A new
    # document may be created without them, as the ADL reference LRS allows.
    required = not state or xreq.version != VERSION_1
    if (
        settings.XAPI_PROFILE_PUT_NEEDS_PRECONDITION
        and not state
        and xreq.version == VERSION_1
        and xreq.method == "PUT"
        and if_match is None
        and if_none_match is None
    ):
        # The ADL 1.0.3 conformance suite's reading (XAPI-00273): 400 for a new document too.
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


def _document_scopes(scope: str) -> dict[str, tuple[str, ...]]:
    # xAPI 1.0.3 §4.2: "all/read" reads everything, writing needs the resource's own scope.
    return {**dict.fromkeys(_DOC_METHODS, (scope,)), "GET": (scope, "all/read")}


@xapi_endpoint(methods=_DOC_METHODS, scopes=_document_scopes("state"))
def state(xreq: XapiRequest) -> HttpResponse:
    activity_id = query_params.iri(xreq.params, "activityId", required=True)
    agent = query_params.actor(xreq.params)
    registration = query_params.uuid_value(xreq.params, "registration")
    key = documents.DocumentKey(
        kind="state",
        activity_id=activity_id,
        agent_key=agent_key(agent),
        registration=str(registration) if registration else "",
        owner=xreq.credential.document_owner,
    )
    return _document_resource(xreq, key, "stateId", {"activityId", "agent", "registration"}, state=True)


@xapi_endpoint(methods=_DOC_METHODS, scopes=_document_scopes("profile"))
def activity_profile(xreq: XapiRequest) -> HttpResponse:
    activity_id = query_params.iri(xreq.params, "activityId", required=True)
    key = documents.DocumentKey(kind="activity_profile", activity_id=activity_id, owner=xreq.credential.document_owner)
    return _document_resource(xreq, key, "profileId", {"activityId"}, state=False)


@xapi_endpoint(methods=_DOC_METHODS, scopes=_document_scopes("profile"))
def agent_profile(xreq: XapiRequest) -> HttpResponse:
    agent = query_params.actor(xreq.params)
    key = documents.DocumentKey(kind="agent_profile", agent_key=agent_key(agent), owner=xreq.credential.document_owner)
    return _document_resource(xreq, key, "profileId", {"agent"}, state=False)


# --- activities, agents, about --------------------------------------------------------------


@xapi_endpoint(methods=("GET",), scopes={"GET": (*READ, "define", "profile", "state")})
def activities(xreq: XapiRequest) -> HttpResponse:
    query_params.only(xreq.params, {"activityId"})
    activity_id = query_params.iri(xreq.params, "activityId", required=True)
    activity = selectors.get_activity(activity_id) or {"objectType": "Activity", "id": activity_id}
    return JsonResponse(activity)


@xapi_endpoint(methods=("GET",), scopes={"GET": (*READ, "define", "profile", "state")})
def agents(xreq: XapiRequest) -> HttpResponse:
    query_params.only(xreq.params, {"agent"})
    agent = query_params.actor(xreq.params)
    if agent.get("objectType") == "Group":
        raise BadRequest("agent: must be an Agent, not a Group")
    return JsonResponse(selectors.person_for(agent))


@xapi_endpoint(methods=("GET",), scopes={}, auth=False)
def about(xreq: XapiRequest) -> HttpResponse:
    # xAPI 1.0.3 §7.7: every version this LRS speaks; no authentication required.
    return JsonResponse({"version": ["1.0.3", "2.0.0"], "extensions": {}})
