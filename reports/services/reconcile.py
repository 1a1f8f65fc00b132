"""Compare Completion, the LRS and the projection; report (and with repair, fix from the LRS) any difference.

The LRS is the record: a Completion row is right when its own statement is in the same state
(live or voided) with the same hours and, for an outside completion, the platform's statement
is still live; the projection is right when it holds exactly the rows the live LMS outcome
statements project to (reports/services/projection.py). docs/deliveries.md says how a
difference can arise (a process dying between the LRS's commit and the queue row).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from courses.models import Completion
from courses.services.external import correct_for_voided_statement
from courses.vocabulary import Extensions
from reports import lrs
from reports.models import LearningRecord
from reports.services.projection import PROJECTED_VERBS, projected_rows, sync_projection

CHUNK = 2000


@dataclass(frozen=True)
class Difference:
    kind: str
    statement_id: uuid.UUID
    detail: str
    repairable: bool


def _chunks(items: Iterable, size: int = CHUNK):
    """Lists of at most `size` items; an iterator is read one chunk at a time."""
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


def _completion_differences() -> list[Difference]:
    found = []
    rows = list(Completion.objects.values_list("statement_id", "source_statement_id", "voided_at", "credited_hours"))
    for chunk in _chunks(rows):
        states = lrs.get_statement_states([r[0] for r in chunk] + [r[1] for r in chunk if r[1]])
        for statement_id, source_id, voided_at, hours in chunk:
            state = states.get(statement_id)
            if state is None:
                found.append(
                    Difference("completion_without_statement", statement_id, "LRS has no such statement", False)
                )
                continue
            statement, voided = state
            if voided_at is None and voided:
                found.append(Difference("completion_live_statement_voided", statement_id, "voided in the LRS", True))
            elif voided_at is not None and not voided:
                found.append(Difference("completion_voided_statement_live", statement_id, "live in the LRS", False))
            elif voided_at is None:
                stated = ((statement.get("context") or {}).get("extensions") or {}).get(Extensions.CREDITED_HOURS)
                if stated is None or Decimal(str(stated)) != hours:
                    detail = f"Completion {hours} h, statement {stated} h"
                    found.append(Difference("completion_hours_differ", statement_id, detail, False))
            if voided_at is None and source_id and states.get(source_id, (None, False))[1]:
                detail = f"credits the voided platform statement {source_id}"
                found.append(Difference("completion_source_voided", source_id, detail, True))
    return found


def _projection_differences() -> list[Difference]:
    expected: dict[uuid.UUID, Decimal] = {}
    for verb in PROJECTED_VERBS:
        # projected_rows keeps only the LMS's own statements (lrs.is_issued_by_lms, failing closed).
        for chunk in _chunks(lrs.iter_statements(verb=verb, ascending=True)):
            expected.update({row.statement_id: row.credited_hours for row in projected_rows(statements=chunk)})
    actual = dict(LearningRecord.objects.values_list("statement_id", "credited_hours"))
    found = []
    for statement_id in expected.keys() - actual.keys():
        found.append(Difference("projection_missing", statement_id, f"{expected[statement_id]} h not projected", True))
    for statement_id in actual.keys() - expected.keys():
        found.append(Difference("projection_extra", statement_id, "projected but not a live outcome", True))
    for statement_id in expected.keys() & actual.keys():
        if expected[statement_id] != actual[statement_id]:
            detail = f"projection {actual[statement_id]} h, LRS {expected[statement_id]} h"
            found.append(Difference("projection_hours_differ", statement_id, detail, True))
    return found


def reconcile_records(*, repair: bool = False) -> list[Difference]:
    """Every difference found; with `repair`, the repairable ones are fixed from the LRS first.

    Returns the differences found before repair; run again to see what is left.
    """
    differences = _completion_differences()
    if repair:
        for difference in differences:
            if difference.repairable:
                correct_for_voided_statement(statement_id=difference.statement_id)
    differences += _projection_differences()
    if repair:
        to_sync = [d.statement_id for d in differences if d.kind.startswith("projection_")]
        for chunk in _chunks(to_sync):
            sync_projection(statement_ids=chunk)
    return differences
