"""Bulk inserts for ingest.

On PostgreSQL a batch whose statement ids are all new is stored by `insert_new_statements`:
one prepared SQL statement that checks the client-chosen ids, inserts the statement rows and
their agent and activity side rows, all from one JSON parameter. One round trip whatever the
batch size, no per-row work in Python beyond building that JSON, and (outside a caller's
transaction) no BEGIN/COMMIT round trips either: a single statement is its own transaction.
Everything else (SQLite, resent ids, voiding, attachments) goes through `insert_rows`:
`COPY` on PostgreSQL for large row sets, `bulk_create` otherwise.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import orjson
import psycopg
from django.db import connection, models


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


# Each element of the %(rows)s array is
#   [statement_id, data, actor_key, verb_id, object_activity_id, object_agent_key,
#    registration, timestamp or null, [[agent_key, relation], ...], [[activity_id, relation], ...]]
# (no StatementRef objects and no voiding statements come this way: see the caller).
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
    SELECT 1 FROM xapi_statement WHERE statement_id = ANY(%(client_ids)s::uuid[]) LIMIT 1
), new AS (
    INSERT INTO xapi_statement (statement_id, data, actor_key, verb_id, object_activity_id,
        object_agent_key, ref_statement_id, registration, timestamp, stored, voided, is_voiding,
        credential_id)
    SELECT (r->>0)::uuid,
        CASE WHEN r->>7 IS NULL THEN r->1 || jsonb_build_object('stored', s.text, 'timestamp', s.text)
             ELSE r->1 || jsonb_build_object('stored', s.text) END,
        r->>2, r->>3, r->>4, r->>5, NULL, (r->>6)::uuid,
        coalesce((r->>7)::timestamptz, s.at), s.at, EXISTS (
        SELECT 1 FROM xapi_statement v LEFT JOIN xapi_credential c ON c.id = v.credential_id
        WHERE v.is_voiding AND v.ref_statement_id = (r->>0)::uuid
          AND (v.credential_id IS NOT DISTINCT FROM %(credential)s::bigint
               OR c.scopes @> '["statements/void/others"]'::jsonb)), false, %(credential)s
    FROM input, stamp s WHERE NOT EXISTS (SELECT 1 FROM clash) ORDER BY n
    RETURNING seq, statement_id, voided
)"""
_INSERT_SIDE_ROWS = """, {name} AS (
    INSERT INTO {table} (statement_id, {key}, relation, stored)
    SELECT new.seq, a->>0, a->>1, (SELECT at FROM clock)
    FROM new JOIN input ON (input.r->>0)::uuid = new.statement_id,
        LATERAL jsonb_array_elements(input.r->{position}) AS a
)"""
_AGENT_ROWS = _INSERT_SIDE_ROWS.format(name="agents", table="xapi_statementagent", key="agent_key", position=8)
_ACTIVITY_ROWS = _INSERT_SIDE_ROWS.format(
    name="activities", table="xapi_statementactivity", key="activity_id", position=9
)


_RESULT = """
SELECT count(*), (SELECT at FROM clock), coalesce(array_agg(statement_id) FILTER (WHERE voided), '{}') FROM new"""


def _insert_sql(*, agents: bool, activities: bool) -> str:
    # A side table the batch writes nothing to is left out of the statement: even an empty
    # INSERT opens the table and its indexes. Each of the four texts is prepared on first use.
    return _INSERT_STATEMENTS + (_AGENT_ROWS if agents else "") + (_ACTIVITY_ROWS if activities else "") + _RESULT


_NEVER = 2**31 - 1


@dataclass(frozen=True)
class Inserted:
    stored: datetime
    voided: list[uuid.UUID]


def insert_new_statements(rows: list[list], *, client_ids: list[str], credential_id: int | None) -> Inserted | None:
    """PostgreSQL only: store the rows unless one of `client_ids` is already stored.

    Returns the `stored` given to the rows and the ids stored voided (their voiding statement
    came first), or None, storing nothing, when an id is already there (the caller then
    compares the stored statements, xAPI 1.0.3 §7.2.1). A concurrent insert of the same id
    raises IntegrityError from the unique index, as any insert would.
    """
    connection.ensure_connection()
    params = {
        "rows": json_text(rows),
        "client_ids": client_ids,
        "credential": credential_id,
    }
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django opens connections with preparation off (its queries are bound client-side and
        # would gain nothing); psycopg then ignores prepare=True. A threshold no query reaches
        # keeps everything else unprepared while allowing the explicit preparation below.
        raw.prepare_threshold = _NEVER
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        # Server-side binding and a prepared plan: the JSON is not escaped into the SQL text, and
        # the CTE is parsed and planned once per connection, not on every request.
        sql = _insert_sql(agents=any(row[8] for row in rows), activities=any(row[9] for row in rows))
        cursor.execute(sql, params, prepare=True)
        count, stored, voided = cursor.fetchone()
    if count != len(rows):
        return None
    return Inserted(stored=stored, voided=list(voided))
