"""Bulk inserts for ingest.

On PostgreSQL a batch whose statement ids are all new is stored by `insert_new_statements`:
one prepared SQL statement that checks the client-chosen ids, inserts the statement rows and
their agent and activity side rows, all from one JSON parameter (a list of `NewStatement`).
One round trip whatever the batch size, no per-row work in Python beyond building that JSON,
and (outside a caller's transaction) no BEGIN/COMMIT round trips either: a single statement is
its own transaction. Everything else (SQLite, resent ids, voiding, attachments) goes through
`insert_rows` with `StatementRow`s: `COPY` on PostgreSQL for large row sets, `bulk_create`
otherwise.
"""

import json
import uuid
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from functools import cache

import orjson
import psycopg
from django.db import connection, models

from xapi.models import Credential, Statement, StatementActivity, StatementAgent


@dataclass(slots=True)
class StatementRow:
    """The Statement columns of one new statement, by field attname (see the Statement docstring).

    Built once at ingest (xapi.services.statements); `voided` is the one value set later, by
    xapi.services.voiding, before the row is inserted.
    """

    statement_id: uuid.UUID
    data: dict
    actor_key: str
    verb_id: str
    object_activity_id: str | None
    object_agent_key: str | None
    ref_statement_id: uuid.UUID | None
    registration: uuid.UUID | None
    timestamp: datetime
    stored: datetime
    voided: bool
    is_voiding: bool
    credential_id: int | None


STATEMENT_COLUMNS = [f.name for f in fields(StatementRow)]


@dataclass(slots=True, frozen=True)
class NewStatement:
    """One statement of the one-round-trip insert, sent as a JSON object read by name in
    `_INSERT_STATEMENTS`. No StatementRef objects and no voiding statements come this way
    (see xapi.services.statements._insert_directly), so `ref_statement_id` and `is_voiding`
    are not needed; `stored` is the database clock read by the insert itself."""

    statement_id: str  # validated UUID text, cast by the database
    data: dict
    actor_key: str
    verb_id: str
    object_activity_id: str | None
    object_agent_key: str | None
    registration: str | None
    timestamp: datetime | None  # None: the statement gets `stored` as its timestamp too
    agents: list[tuple[str, str]]  # StatementAgent rows: (agent_key, relation)
    activities: list[tuple[str, str]]  # StatementActivity rows: (activity_id, relation)


def json_text(value: object) -> str:
    """JSON for the database: orjson, or the standard library for what orjson refuses
    (integers beyond 64 bits, which JSONB keeps exactly)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, cls=_Encoder)


class _Encoder(json.JSONEncoder):
    # What orjson writes natively and the payload of insert_new_statements contains.
    def default(self, o: object) -> object:
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, datetime):
            return o.isoformat()
        if is_dataclass(o) and not isinstance(o, type):
            return {f.name: getattr(o, f.name) for f in fields(o)}
        return super().default(o)


# Below this many rows a plain multi-row INSERT costs fewer round trips than COPY's handshake.
COPY_THRESHOLD = 20


def insert_rows(
    model: type[models.Model], columns: list[str], rows: list[tuple], *, with_pk: bool = False
) -> list[int]:
    """Insert rows (tuples in `columns` order, by field attname); return new primary keys if asked."""
    if not rows:
        return []
    json_columns = {
        index for index, name in enumerate(columns) if isinstance(model._meta.get_field(name), models.JSONField)
    }
    if connection.vendor != "postgresql" or len(rows) < COPY_THRESHOLD:
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects)
        return [obj.pk for obj in objects] if with_pk else []
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = model._meta.pk.column
    keys: list[int] = []
    with connection.cursor() as cursor:
        if with_pk:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk_column, len(rows)],
            )
            keys = [row[0] for row in cursor.fetchall()]
        names = ([pk_column] if with_pk else []) + [model._meta.get_field(name).column for name in columns]
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(name) for name in names)}) FROM STDIN"
        # The raw psycopg COPY: wrapped so that a unique violation is Django's IntegrityError.
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for index, row in enumerate(rows):
                values = [json_text(value) if position in json_columns else value for position, value in enumerate(row)]
                copy.write_row([keys[index], *values] if with_pk else values)
    return keys


def insert_statement_rows(rows: list[StatementRow]) -> list[int]:
    """Insert Statement rows (the general path); return their `seq` in order."""
    return insert_rows(
        Statement, STATEMENT_COLUMNS, [tuple(getattr(row, c) for c in STATEMENT_COLUMNS) for row in rows], with_pk=True
    )


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# The %(rows)s parameter is a JSON array of NewStatement objects.
# `stored` is the database clock read by this statement, inside its transaction
# (xapi.services.consistency); a statement without a timestamp gets it as timestamp too.
# A statement whose voiding statement arrived first is stored voided (xapi.services.voiding,
# whose rule the EXISTS below repeats: same credential, or a voider with statements/void/others).
_INSERT_STATEMENTS = """
WITH clock AS MATERIALIZED (
    SELECT clock_timestamp() AS at
), stamp AS MATERIALIZED (
    SELECT at, to_jsonb(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) AS text FROM clock
), input AS MATERIALIZED (
    SELECT r, n FROM jsonb_array_elements(%(rows)s::jsonb) WITH ORDINALITY AS t(r, n)
), clash AS (
    SELECT 1 FROM {statement} WHERE statement_id = ANY(%(client_ids)s::uuid[]) LIMIT 1
), new AS (
    INSERT INTO {statement} (statement_id, data, actor_key, verb_id, object_activity_id,
        object_agent_key, ref_statement_id, registration, timestamp, stored, voided, is_voiding,
        credential_id)
    SELECT (r->>'statement_id')::uuid,
        CASE WHEN r->>'timestamp' IS NULL
             THEN r->'data' || jsonb_build_object('stored', s.text, 'timestamp', s.text)
             ELSE r->'data' || jsonb_build_object('stored', s.text) END,
        r->>'actor_key', r->>'verb_id', r->>'object_activity_id', r->>'object_agent_key', NULL,
        (r->>'registration')::uuid, coalesce((r->>'timestamp')::timestamptz, s.at), s.at, EXISTS (
        SELECT 1 FROM {statement} v LEFT JOIN {credential} c ON c.id = v.credential_id
        WHERE v.is_voiding AND v.ref_statement_id = (r->>'statement_id')::uuid
          AND (v.credential_id IS NOT DISTINCT FROM %(credential)s::bigint
               OR c.scopes @> '["statements/void/others"]'::jsonb)), false, %(credential)s
    FROM input, stamp s WHERE NOT EXISTS (SELECT 1 FROM clash) ORDER BY n
    RETURNING seq, statement_id, voided
)"""
# The side rows of each new statement: pairs [key, relation] in its `agents` / `activities`.
_INSERT_SIDE_ROWS = """, {name} AS (
    INSERT INTO {table} (statement_id, {key}, relation, stored)
    SELECT new.seq, a->>0, a->>1, (SELECT at FROM clock)
    FROM new JOIN input ON (input.r->>'statement_id')::uuid = new.statement_id,
        LATERAL jsonb_array_elements(input.r->'{name}') AS a
)"""
_RESULT = """
SELECT count(*), (SELECT at FROM clock), coalesce(array_agg(statement_id) FILTER (WHERE voided), '{}') FROM new"""


@cache
def _insert_sql(*, agents: bool, activities: bool) -> str:
    # A side table the batch writes nothing to is left out of the statement: even an empty
    # INSERT opens the table and its indexes. Each of the four texts is prepared on first use.
    sql = _INSERT_STATEMENTS.format(statement=_table(Statement), credential=_table(Credential))
    if agents:
        sql += _INSERT_SIDE_ROWS.format(name="agents", table=_table(StatementAgent), key="agent_key")
    if activities:
        sql += _INSERT_SIDE_ROWS.format(name="activities", table=_table(StatementActivity), key="activity_id")
    return sql + _RESULT


@dataclass(frozen=True)
class Inserted:
    stored: datetime
    voided: list[uuid.UUID]


# Prepared statements, the one place the LRS uses them. Django opens PostgreSQL connections
# with psycopg's `prepare_threshold` None (its queries are bound client-side, and connection
# poolers in transaction mode cannot keep prepared statements), and psycopg then ignores
# `prepare=True`. `allow_explicit_preparation` runs on every new connection (connected in
# XapiConfig.ready): a threshold no query reaches keeps every other query unprepared while
# letting `insert_new_statements` prepare its one statement explicitly (docs/xapi-ingest.md).
NEVER_PREPARE_AUTOMATICALLY = 2**31 - 1


def allow_explicit_preparation(sender, connection, **kwargs) -> None:  # noqa: ARG001 (signal signature)
    """connection_created receiver: see the comment above."""
    if connection.vendor == "postgresql" and connection.connection.prepare_threshold is None:
        connection.connection.prepare_threshold = NEVER_PREPARE_AUTOMATICALLY


def insert_new_statements(
    rows: list[NewStatement], *, client_ids: list[str], credential_id: int | None
) -> Inserted | None:
    """PostgreSQL only: store the rows unless one of `client_ids` is already stored.

    Returns the `stored` given to the rows and the ids stored voided (their voiding statement
    came first), or None, storing nothing, when an id is already there (the caller then
    compares the stored statements, xAPI 1.0.3 §7.2.1). A concurrent insert of the same id
    raises IntegrityError from the unique index, as any insert would.
    """
    connection.ensure_connection()
    params = {"rows": json_text(rows), "client_ids": client_ids, "credential": credential_id}
    sql = _insert_sql(agents=any(row.agents for row in rows), activities=any(row.activities for row in rows))
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        # Server-side binding and a prepared plan: the JSON is not escaped into the SQL text, and
        # the CTE is parsed and planned once per connection, not on every request.
        cursor.execute(sql, params, prepare=True)
        count, stored, voided = cursor.fetchone()
    if count != len(rows):
        return None
    return Inserted(stored=stored, voided=list(voided))
