"""Queuing notices: render each once in the recipient's language, store one row per notice and recipient, enqueue.

Idempotent by construction: rows are inserted with ignore_conflicts on the unique
(kind, key, recipient), so queuing the same notice again adds nothing and sends nothing.
Bulk runs go through here in batches (BATCH rows per insert, SEND_BATCH ids per task).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, transaction

from lms.people.models import Person
from notices.models import REMINDER_KINDS, Notice, NoticePreference
from notices.rendering import Renderer

BATCH = 2000
SEND_BATCH = 200


@dataclass
class Draft:
    """A notice before rendering: `context(language)` builds its variables once the language is known."""

    kind: str
    key: str
    recipient: Person
    context: Callable[[str], dict]
    ics: str = ""
    ics_method: str = ""
    link: str = ""
    extra: dict = field(default_factory=dict)


def preferences_for(person_ids: Iterable[int]) -> dict[int, NoticePreference]:
    return {p.person_id: p for p in NoticePreference.objects.filter(person_id__in=set(person_ids))}


def preference_for(person: Person) -> NoticePreference:
    preference, _created = NoticePreference.objects.get_or_create(person=person)
    return preference


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def render_drafts(drafts: list[Draft], *, renderer: Renderer) -> list[Notice]:
    """Rows ready to insert; reminders for people who turned them off are left out (docs/notices.md)."""
    preferences = preferences_for(d.recipient.pk for d in drafts)
    notices = []
    for draft in drafts:
        preference = preferences.get(draft.recipient.pk)
        if draft.kind in REMINDER_KINDS and preference is not None and not preference.reminders_enabled:
            continue
        language = preference.language if preference is not None else "zh-hant"
        # One class's drafts share their context dict: rendered once per class and language.
        context = draft.context(language)
        subject, text, html = renderer.render_for(
            kind=draft.kind, language=language, shared=context, person_name=draft.recipient.name
        )
        email = draft.recipient.email
        notices.append(
            Notice(
                kind=draft.kind,
                key=draft.key,
                recipient=draft.recipient,
                email=email,
                language=language,
                subject=subject[:300],
                body_text=text,
                body_html=html,
                link=context.get("link", "")[:500],
                ics=draft.ics,
                ics_method=draft.ics_method,
                status=Notice.Status.QUEUED if email else Notice.Status.IN_APP_ONLY,
            )
        )
    return notices


# The columns a queued notice is inserted with (the rest keep their database defaults or nulls).
_COLUMNS = [
    "kind", "key", "recipient_id", "email", "language", "subject", "body_text", "body_html",
    "link", "ics", "ics_method", "status", "attempts", "last_error", "created_at",
]  # fmt: skip


def _insert(rows: list[Notice]) -> tuple[int, list[int]]:
    """Insert the rows that are not stored yet; return how many were new and the ids of the new queued ones.

    On PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING
    RETURNING, which names exactly the rows this call stored (a concurrent run's rows are not
    returned). Django's bulk_create costs several times more per row in a 50,000-notice run and
    does not return ids with ignore_conflicts (bench/notices.py). Elsewhere (the embedded SQLite):
    bulk_create and two reads.
    """
    if connection.vendor == "postgresql":
        # Identifiers from the model and the constant list above; the values travel by COPY.
        table = Notice._meta.db_table
        columns = ", ".join(_COLUMNS)
        create = f"CREATE TEMPORARY TABLE IF NOT EXISTS notice_batch ON COMMIT DELETE ROWS AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: E501, S608
        insert = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM notice_batch ON CONFLICT DO NOTHING RETURNING id, status"  # noqa: E501, S608
        with connection.cursor() as cursor:
            cursor.execute(create)
            # DELETE, not TRUNCATE: a batch is small, and TRUNCATE makes a new file each time, which
            # grows costly when many batches are queued in one long transaction (a bulk load).
            cursor.execute("DELETE FROM notice_batch")
            with cursor.cursor.copy(f"COPY notice_batch ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([getattr(row, column) for column in _COLUMNS])
            cursor.execute(insert)
            inserted = cursor.fetchall()
        return len(inserted), [pk for pk, status in inserted if status == Notice.Status.QUEUED]
    keys = {(r.kind, r.key, r.recipient_id) for r in rows}
    about = Notice.objects.filter(key__in={r.key for r in rows}, kind__in={r.kind for r in rows})
    existing = {k for k in about.values_list("kind", "key", "recipient_id") if k in keys}
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    queued = [
        pk
        for pk, *k in about.filter(status=Notice.Status.QUEUED).values_list("pk", "kind", "key", "recipient_id")
        if tuple(k) in keys and tuple(k) not in existing
    ]
    return len(keys - existing), queued


def queue_notices(drafts: Iterable[Draft], *, renderer: Renderer | None = None) -> int:
    """Render and store notices in batches, then (on commit) hand the new ones to the sending task.

    Returns how many rows were stored now (repeats of notices already stored are not counted).
    """
    from notices.tasks import send_notices_task

    renderer = renderer or Renderer()
    stored = 0
    for chunk in _chunks(drafts, BATCH):
        # Skip what is already stored before rendering it: a repeated run costs one query per batch.
        wanted = {(d.kind, d.key, d.recipient.pk) for d in chunk}
        stored_before = (
            set(
                Notice.objects.filter(key__in={d.key for d in chunk}, kind__in={d.kind for d in chunk})
                .values_list("kind", "key", "recipient_id")
                .iterator()
            )
            & wanted
        )
        chunk = [d for d in chunk if (d.kind, d.key, d.recipient.pk) not in stored_before]
        rows = render_drafts(chunk, renderer=renderer)
        if not rows:
            continue
        with transaction.atomic():
            new, queued = _insert(rows)
            stored += new
            for ids in _chunks(queued, SEND_BATCH):
                transaction.on_commit(lambda ids=ids: send_notices_task.delay(ids))
    return stored
