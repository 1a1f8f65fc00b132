"""State, Activity Profile and Agent Profile documents (xAPI 1.0.3 §7.3-§7.6, §6.3 Concurrency)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from xapi.errors import BadRequest, Conflict, NotFound, PreconditionFailed
from xapi.models import Document
from xapi.validation import exact


@dataclass(frozen=True)
class DocumentKey:
    kind: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""
    # The space the documents live in: "" shared, or an isolated credential's key (Credential.document_owner).
    owner: str = ""

    def filter(self, *, any_registration: bool = False) -> dict:
        lookup = {
            "owner": self.owner,
            "kind": self.kind,
            "activity_id": self.activity_id,
            "agent_key": self.agent_key,
        }
        # xAPI 1.0.3 §7.4: without a registration, listing and deleting span every registration.
        if not (any_registration and not self.registration):
            lookup["registration"] = self.registration
        return lookup


def _etag(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 (xAPI 1.0.3 §6.3: the ETag is a SHA-1 of the content)


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _check_preconditions(
    document: Document | None, *, if_match: str | None, if_none_match: str | None, required: bool
) -> None:
    # xAPI 1.0.3 §6.3: If-Match/If-None-Match per RFC 2616; a PUT over an existing document
    # without either header is a 409 where the version asks for it.
    if if_match is not None:
        tags = {tag.strip().strip('"') for tag in if_match.split(",")}
        if document is None or ("*" not in tags and document.etag not in tags):
            raise PreconditionFailed("If-Match does not match the current document")
    if if_none_match is not None:
        tags = {tag.strip().strip('"') for tag in if_none_match.split(",")}
        if document is not None and ("*" in tags or document.etag in tags):
            raise PreconditionFailed("If-None-Match matched an existing document")
    if required and document is not None and if_match is None and if_none_match is None:
        raise Conflict("the document exists: send If-Match with its ETag (or If-None-Match: *) to overwrite it")


def get_document(key: DocumentKey, document_id: str) -> Document:
    document = Document.objects.filter(**key.filter(), document_id=document_id).first()
    if document is None:
        raise NotFound("no such document")
    return document


def list_document_ids(key: DocumentKey, *, since: datetime | None = None) -> list[str]:
    qs = Document.objects.filter(**key.filter(any_registration=True))
    if since is not None:
        qs = qs.filter(updated__gt=since)
    return list(qs.order_by("document_id").values_list("document_id", flat=True))


def latest_update(key: DocumentKey) -> datetime | None:
    return Document.objects.filter(**key.filter()).order_by("-updated").values_list("updated", flat=True).first()


def save_document(
    key: DocumentKey,
    document_id: str,
    *,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    precondition_required: bool = False,
) -> Document:
    """PUT (replace) or POST (merge JSON objects, xAPI 1.0.3 §6.6 JSON Procedure with Requirements)."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(**key.filter(), document_id=document_id).first()
        _check_preconditions(
            document, if_match=if_match, if_none_match=if_none_match, required=precondition_required and not merge
        )
        if merge and document is not None:
            if not (_is_json(content_type) and _is_json(document.content_type)):
                raise BadRequest("POST merges JSON documents only; both must be application/json")
            try:
                old = json.loads(bytes(document.content))
                new = exact.loads(content, "document")
            except exact.Unstorable as exc:
                raise BadRequest(str(exc)) from exc
            except ValueError as exc:
                raise BadRequest("document is not valid JSON") from exc
            if not isinstance(old, dict) or not isinstance(new, dict):
                raise BadRequest("POST merges JSON objects only")
            content = json.dumps({**old, **new}).encode()
            content_type = "application/json"
        elif merge and _is_json(content_type):
            try:
                parsed = exact.loads(content, "document")
            except exact.Unstorable as exc:
                raise BadRequest(str(exc)) from exc
            except ValueError as exc:
                raise BadRequest("document is not valid JSON") from exc
            if not isinstance(parsed, dict):
                raise BadRequest("POST accepts JSON objects only")
        now = timezone.now()
        if document is None:
            document = Document(**key.filter(), document_id=document_id)
        document.content = content
        document.content_type = content_type
        document.etag = _etag(content)
        document.updated = now
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError as exc:
            # Created by a concurrent request since the lookup: with If-None-Match the
            # precondition failed (xAPI 1.0.3 §6.3, RFC 7232 §3.2), as if it had been there.
            if if_none_match is not None:
                raise PreconditionFailed("If-None-Match: the document was created concurrently") from exc
            raise Conflict("the document was created concurrently; retry") from exc
    return document


def delete_documents(
    key: DocumentKey, document_id: str | None, *, if_match: str | None = None, if_none_match: str | None = None
) -> None:
    """DELETE one document, or (without an id, State only) every document under the key."""
    with transaction.atomic():
        if document_id is None:
            Document.objects.filter(**key.filter(any_registration=True)).delete()
            return
        document = Document.objects.select_for_update().filter(**key.filter(), document_id=document_id).first()
        if if_match is not None or if_none_match is not None:
            _check_preconditions(document, if_match=if_match, if_none_match=if_none_match, required=False)
        if document is not None:
            document.delete()
