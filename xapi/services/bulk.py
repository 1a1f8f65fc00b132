"""Bulk inserts for ingest: COPY on PostgreSQL, bulk_create elsewhere.

A batch of 100 statements writes about 400 rows (statements and side rows). Django's
bulk_create on psycopg 3 binds every value client-side in Python, which costs more than the
database work; COPY streams the rows through psycopg's C formatter instead. Primary keys of the
statement rows are taken from their sequence first so that side rows can refer to them.
"""

import json

from django.db import connection, models

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
        with cursor.cursor.copy(sql) as copy:
            for index, row in enumerate(rows):
                values = [
                    json.dumps(value) if position in json_columns else value for position, value in enumerate(row)
                ]
                copy.write_row([keys[index], *values] if with_pk else values)
    return keys
