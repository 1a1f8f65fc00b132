"""Storing and voiding statements (xAPI 1.0.3 §2.3, §2.4, §7.2)."""

import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from xapi import signals
from xapi.errors import BadRequest, Conflict
from xapi.keys import agent_key, iri_key
from xapi.models import Attachment, Credential, Statement, StatementActivity, StatementAgent
from xapi.validation import (
    VERSION_1,
    StatementInvalid,
    format_stored,
    format_timestamp,
    parse_timestamp,
    validate_statements,
)
from xapi.validation.attachments import SIGNATURE_USAGE
from xapi.validation.verbs import VOIDED

from . import consistency, voiding
from .activities import activity_cache, merge_definition, save_activities, stored_as_is
from .bulk import NewStatement, StatementRow, insert_new_statements, insert_rows, insert_statement_rows
from .signatures import check_signature, comparable_statement

# What the LRS sets itself and so is ignored when comparing a resent statement with the stored
# one (xAPI 2.0 §9.2.5 Statement Comparison Requirements).
_LRS_PROPERTIES = ("authority", "stored", "version")


@dataclass
class AttachmentPart:
    content_type: str
    content: bytes
    headers: dict = field(default_factory=dict)


def _same_statement(incoming: dict, stored: dict, *, had_timestamp: bool) -> bool:
    ignore = set(_LRS_PROPERTIES) | ({"timestamp"} if not had_timestamp else set())
    left = comparable_statement(incoming, ignore)
    right = comparable_statement(stored, ignore)
    if "timestamp" in left:
        left["timestamp"] = parse_timestamp(left["timestamp"])
        right["timestamp"] = parse_timestamp(right["timestamp"])
    return _as_numbers(left) == _as_numbers(right)


def _as_numbers(value: object) -> object:
    """JSON numbers compared by value: JSONB returns 1.5e300 as its 301 digits, the same number."""
    if isinstance(value, dict):
        return {key: _as_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_numbers(item) for item in value]
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _check_attachments(raw: list, statements: list[dict], parts: dict[str, AttachmentPart]) -> None:
    # xAPI 1.0.3 §2.4.11: every attachment without fileUrl has a part with its sha2, and every
    # part belongs to an attachment; signature attachments carry a JWS of the statement (§2.6).
    errors = []
    wanted = set()
    for index, statement in enumerate(statements):
        for position, attachment in enumerate(statement.get("attachments", [])):
            path = f"statements[{index}].attachments[{position}]"
            part = parts.get(attachment["sha2"])
            if part is None:
                if "fileUrl" not in attachment:
                    errors.append((path, "no multipart part with this sha2 and no fileUrl"))
                continue
            wanted.add(attachment["sha2"])
            if attachment["usageType"] == SIGNATURE_USAGE:
                if attachment["contentType"] != "application/octet-stream":
                    errors.append((f"{path}.contentType", "a signature must be application/octet-stream"))
                    continue
                message = check_signature(raw[index], part.content)
                if message:
                    errors.append((path, message))
    for sha2 in set(parts) - wanted:
        errors.append(("attachments", f"part {sha2} is not referenced by any statement"))
    if errors:
        raise StatementInvalid(errors)


def _agent_rows(statement: dict, prefix: str = "") -> list[tuple[str, str]]:
    rows = []

    def add(actor: dict | None, relation: str) -> None:
        if not actor:
            return
        key = agent_key(actor)
        if key:
            rows.append((key, prefix + relation))
        for member in actor.get("member", []):
            rows.append((agent_key(member), prefix + relation + "_member"))

    add(statement["actor"], "actor")
    obj = statement["object"]
    if obj.get("objectType") in ("Agent", "Group"):
        add(obj, "object")
    if not prefix:
        add(statement.get("authority"), "authority")
    context = statement.get("context", {})
    add(context.get("instructor"), "instructor")
    add(context.get("team"), "team")
    for item in context.get("contextAgents", []):
        add(item["agent"], "context_agent")
    for item in context.get("contextGroups", []):
        add(item["group"], "context_group")
    if obj.get("objectType") == "SubStatement":
        rows.extend(_agent_rows(obj, "sub_"))
    return rows


def _activity_rows(statement: dict, prefix: str = "") -> list[tuple[str, str, dict]]:
    rows = []
    obj = statement["object"]
    if obj.get("objectType", "Activity") == "Activity":
        rows.append((obj["id"], prefix + "object", obj.get("definition")))
    for relation, activities in statement.get("context", {}).get("contextActivities", {}).items():
        for activity in activities:
            rows.append((activity["id"], prefix + relation, activity.get("definition")))
    if obj.get("objectType") == "SubStatement":
        rows.extend(_activity_rows(obj, "sub_"))
    return rows


# Relations that the statement row indexes itself (actor_key, object_agent_key,
# object_activity_id). The side tables leave them out; related_agents / related_activities
# queries read those columns as well (xapi.selectors).
_ON_STATEMENT_ROW = frozenset({"actor", "object"})


def _derived_authority(credential: Credential | None) -> str | None:
    """Agent key of the authority derived from the credential, which gets no StatementAgent row:
    queries find it through the statement row's indexed `credential` column (xapi.selectors)."""
    return agent_key(credential.authority) if credential is not None else None


def _side_agents(statement: dict, derived_authority: str | None) -> dict[str, str]:
    """StatementAgent rows of a statement: key -> relation where first found, one per key."""
    agents: dict[str, str] = {}
    for key, relation in _agent_rows(statement):
        if relation in _ON_STATEMENT_ROW or (relation == "authority" and key == derived_authority):
            continue
        agents.setdefault(key, relation)
    return agents


def _side_activities(mentioned: list[tuple[str, str, dict]]) -> dict[str, str]:
    """StatementActivity rows of a statement, from its _activity_rows: key -> relation where first found."""
    activities: dict[str, str] = {}
    for activity_id, relation, _definition in mentioned:
        if relation not in _ON_STATEMENT_ROW:
            activities.setdefault(iri_key(activity_id), relation)
    return activities


def _merged_definitions(mentioned: list[list[tuple[str, str, dict]]]) -> dict[str, dict | None]:
    """Every Activity of a batch (the _activity_rows of each statement) with its definitions merged."""
    definitions: dict[str, dict | None] = {}
    for rows in mentioned:
        for activity_id, _relation, definition in rows:
            definitions[activity_id] = merge_definition(definitions.get(activity_id), definition)
    return definitions


@contextmanager
def _concurrent_ids_conflict():
    try:
        yield
    except IntegrityError as exc:
        # Still racing after one comparison (a third request): the loser is told to retry.
        raise Conflict("a statement with one of these ids was stored concurrently; retry") from exc


def _keys(statement: dict) -> tuple[str, str, str | None, str | None]:
    """actor_key, verb_id, object_activity_id and object_agent_key of a statement."""
    obj = statement["object"]
    object_type = obj.get("objectType", "Activity")
    return (
        agent_key(statement["actor"]) or "",
        iri_key(statement["verb"]["id"]),
        iri_key(obj["id"]) if object_type == "Activity" else None,
        agent_key(obj) if object_type in ("Agent", "Group") else None,
    )


def _row(statement: dict, credential: Credential | None) -> StatementRow:
    """The Statement column values, derived once at ingest (see the Statement docstring)."""
    obj = statement["object"]
    registration = statement.get("context", {}).get("registration")
    actor, verb, activity, object_agent = _keys(statement)
    return StatementRow(
        statement_id=uuid.UUID(statement["id"]),
        data=statement,
        actor_key=actor,
        verb_id=verb,
        object_activity_id=activity,
        object_agent_key=object_agent,
        ref_statement_id=uuid.UUID(obj["id"]) if obj.get("objectType") == "StatementRef" else None,
        registration=uuid.UUID(registration) if registration else None,
        timestamp=parse_timestamp(statement["timestamp"]),
        stored=parse_timestamp(statement["stored"]),
        voided=False,
        is_voiding=statement["verb"]["id"] == VOIDED,
        credential_id=credential.pk if credential else None,
    )


def record_statements(
    statements: list[dict] | dict,
    *,
    authority: dict | None = None,
    credential: Credential | None = None,
    version: str = "2.0.0",
    attachments: dict[str, AttachmentPart] | None = None,
    statement_id: str | None = None,
    source: bytes | None = None,
) -> list[uuid.UUID]:
    """Validate a batch whole, then store it in one transaction; return the statement ids in order.

    Raises StatementInvalid (400) naming the property path, Conflict (409) when an id is already
    stored with different content. A resent identical statement is not stored again (xAPI 1.0.3
    §7.2.1 "MUST NOT make any modifications"). Sends statements_stored / statements_voided on commit.
    `source` is the request body the statements were just parsed from (see validate_statements).
    The authority is `authority` or, for statements sent with a credential, derived from it;
    never both, since queries find a credential's statements by their derived authority.
    """
    if credential is not None and authority is not None:
        raise TypeError("record_statements takes a credential or an authority, not both")
    raw = statements if isinstance(statements, list) else [statements]
    # Signatures are checked against the statements as sent, so with attachments keep them intact.
    batch = validate_statements(statements, version=version, source=None if attachments else source)
    if statement_id is not None:
        if "id" in batch[0] and batch[0]["id"].lower() != statement_id.lower():
            raise StatementInvalid([("statement.id", "does not match the statementId parameter")])
        batch[0]["id"] = statement_id
    _check_attachments(raw, batch, attachments or {})

    authority = authority or (credential.authority if credential else None)
    seen = set()
    had_timestamp = ["timestamp" in statement for statement in batch]
    # Only ids chosen by the client can already be stored; ids minted here are fresh UUID4s.
    client_ids = [statement["id"] for statement in batch if "id" in statement]
    for index, statement in enumerate(batch):
        # Validation admitted only the hyphenated hex form, so lower case is the canonical text.
        statement["id"] = statement["id"].lower() if "id" in statement else str(uuid.uuid4())
        if statement["id"] in seen:
            raise StatementInvalid([(f"statements[{index}].id", "the same id appears twice in the batch")])
        seen.add(statement["id"])
        # xAPI 1.0.3 §2.4.7-§2.4.10: the LRS sets stored, authority, version, and a missing timestamp.
        # `stored` is stamped inside the writing transaction (_stamp_stored, bulk.py): see
        # xapi.services.consistency for why.
        if authority is not None:
            statement["authority"] = authority
        statement["version"] = statement.get("version") or ("1.0.0" if version == VERSION_1 else "2.0.0")

    ids = [uuid.UUID(statement["id"]) for statement in batch]
    define = _may_define(credential)
    try:
        if _insert_directly(batch, ids, client_ids, credential=credential, attachments=attachments, define=define):
            return ids
        _store_checked(
            batch, ids, client_ids, had_timestamp, credential=credential, attachments=attachments, define=define
        )
    except IntegrityError:
        # Another request stored one of these ids at the same moment (the unique index waited
        # for it to commit). Compare with what it stored: the same statement is accepted, as a
        # resend is; only different content is a conflict.
        for statement, timestamped in zip(batch, had_timestamp, strict=True):
            if not timestamped:
                statement.pop("timestamp", None)
        with _concurrent_ids_conflict():
            _store_checked(
                batch, ids, client_ids, had_timestamp, credential=credential, attachments=attachments, define=define
            )
    return ids


def _store_checked(
    batch: list[dict],
    ids: list[uuid.UUID],
    client_ids: list[str],
    had_timestamp: list[bool],
    *,
    credential: Credential | None,
    attachments: dict | None,
    define: bool,
) -> None:
    """The general path: compare client-chosen ids with stored statements, store the new ones."""
    with transaction.atomic():
        _stamp_stored(batch, consistency.transaction_clock())
        existing = (
            dict(Statement.objects.filter(statement_id__in=client_ids).values_list("statement_id", "data"))
            if client_ids
            else {}
        )
        new = []
        for statement, statement_uuid, timestamped in zip(batch, ids, had_timestamp, strict=True):
            previous = existing.get(statement_uuid)
            if previous is None:
                new.append(statement)
            elif not _same_statement(statement, previous, had_timestamp=timestamped):
                raise Conflict(f"statement {statement['id']} is already stored with different content")
        _store(new, credential=credential, attachments=attachments or {}, define=define)


def _stamp_stored(batch: list[dict], moment: datetime) -> None:
    stored = format_stored(moment)
    for statement in batch:
        statement["stored"] = stored
        statement.setdefault("timestamp", stored)


def _insert_directly(
    batch: list[dict],
    ids: list[uuid.UUID],
    client_ids: list[str],
    *,
    credential: Credential | None,
    attachments: dict | None,
    define: bool,
) -> bool:
    """The common case in one round trip (see bulk.insert_new_statements); False when it does not apply.

    It applies on PostgreSQL to a batch with no attachments, no StatementRef objects (so no
    voiding) and only Activities this process already knows with these definitions. It stores
    nothing and returns False when a client-chosen id is already stored: the general path then
    compares (a resent statement is accepted, a different one is a conflict).
    """
    if connection.vendor != "postgresql" or attachments:
        return False
    if any(statement["object"].get("objectType") == "StatementRef" for statement in batch):
        return False
    mentioned = [_activity_rows(statement) for statement in batch]
    definitions = _merged_definitions(mentioned)
    unknown = activity_cache.uncovered(definitions, define=define)
    if unknown and activity_cache.refresh():
        unknown = activity_cache.uncovered(definitions, define=define)
    if unknown:
        # Activities stored by other processes need no write here; learn them and go on. New
        # ones or changed definitions need the general path's locked merge.
        if connection.in_atomic_block or not stored_as_is(unknown, define=define):
            return False
        activity_cache.remember(unknown, define=define)
    derived_authority = _derived_authority(credential)
    payload = [
        NewStatement(
            statement["id"],
            statement,
            *_keys(statement),
            registration=statement.get("context", {}).get("registration"),
            # No timestamp: the statement gets `stored`, stamped by the insert itself.
            timestamp=parse_timestamp(statement["timestamp"]) if "timestamp" in statement else None,
            agents=list(_side_agents(statement, derived_authority).items()),
            activities=list(_side_activities(activities).items()),
        )
        for statement, activities in zip(batch, mentioned, strict=True)
    ]
    # Inside a caller's transaction a savepoint keeps a concurrent-insert error local;
    # on its own the single statement is already atomic.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        inserted = insert_new_statements(
            payload, client_ids=client_ids, credential_id=credential.pk if credential else None
        )
        if inserted is None:
            return False
    _stamp_stored(batch, inserted.stored)
    _announce_stored(ids, batch)
    _announce_voided(inserted.voided)
    return True


# robust: a consumer's error is logged, never turned into a 500 for statements already stored
# (consumers queue their work durably and retry it: docs/integrity.md).
def _announce_stored(ids: list[uuid.UUID], batch: list[dict]) -> None:
    transaction.on_commit(
        lambda: signals.statements_stored.send(sender=Statement, statement_ids=ids, statements=batch), robust=True
    )


def _announce_voided(voided_ids: list[uuid.UUID]) -> None:
    if voided_ids:
        transaction.on_commit(
            lambda: signals.statements_voided.send(sender=Statement, statement_ids=list(voided_ids)), robust=True
        )


def _may_define(credential: Credential | None) -> bool:
    # xAPI 1.0.3 §4.2 scope "define": without it, Activity definitions are not updated.
    return credential is None or credential.has_scope("define")


def _store(batch: list[dict], *, credential: Credential | None, attachments: dict, define: bool) -> None:
    if not batch:
        return
    rows = [_row(statement, credential) for statement in batch]
    voided_ids = voiding.apply_voiding(rows, credential)
    seqs = insert_statement_rows(rows)
    stored_at = rows[0].stored
    mentioned = [_activity_rows(statement) for statement in batch]
    derived_authority = _derived_authority(credential)
    agent_rows, activity_rows = [], []
    for seq, statement, activities in zip(seqs, batch, mentioned, strict=True):
        # One side row per distinct key per statement, so side-table scans never repeat a statement.
        agents = _side_agents(statement, derived_authority)
        agent_rows.extend((seq, key, relation, stored_at) for key, relation in agents.items())
        activity_rows.extend((seq, key, relation, stored_at) for key, relation in _side_activities(activities).items())
    insert_rows(StatementAgent, ["statement_id", "agent_key", "relation", "stored"], agent_rows)
    insert_rows(StatementActivity, ["statement_id", "activity_id", "relation", "stored"], activity_rows)
    save_activities(_merged_definitions(mentioned), define=define)
    if attachments:
        Attachment.objects.bulk_create(
            [
                Attachment(sha2=sha2, content_type=part.content_type, content=part.content)
                for sha2, part in sorted(attachments.items())
            ],
            ignore_conflicts=True,
        )
    ids = [row.statement_id for row in rows]
    _announce_stored(ids, batch)
    _announce_voided(voided_ids)


def void_statement(
    statement_id: uuid.UUID | str, *, actor: dict, authority: dict | None = None, timestamp: datetime | None = None
) -> uuid.UUID:
    """Void a stored statement by storing a voiding statement (xAPI 1.0.3 §2.3.2); return its id."""
    target = Statement.objects.filter(statement_id=statement_id).values_list("is_voiding", flat=True).first()
    if target is None:
        raise BadRequest(f"statement {statement_id} is not stored")
    if target:
        raise BadRequest("a voiding statement cannot be voided")
    voiding = {
        "actor": actor,
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": str(statement_id)},
    }
    if timestamp is not None:
        voiding["timestamp"] = format_timestamp(timestamp)
    return record_statements([voiding], authority=authority)[0]
