"""The index of StatementRef targets: which referring statements a filter finds (xAPI 1.0.3 §2.5.1).

Why and how: docs/xapi-queries.md.

A query returns, besides its matches, the statements whose StatementRef targets a match. This
module keeps `StatementRefTarget` (see its docstring): for every referring statement stored up to
a moment, the keys of its target. It runs after writes that stored referring statements (the
receiver in xapi.receivers) and from `manage.py index_statement_refs` (after migrating a loaded
store); queries never depend on it having run, only their speed does (xapi.selectors).

Up to which moment: `consistent_through()` (xapi.services.consistency), before which every
statement that will ever be stored is already visible. A referring statement still being written
gets a later `stored`, so it is indexed by a later run and read from the statement table meanwhile.
"""

from collections.abc import Iterable, Iterator

from django.db import IntegrityError, transaction

from xapi.keys import agent_key
from xapi.models import (
    Credential,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementRefIndex,
    StatementRefTarget,
)

from .consistency import consistent_through

Kind = StatementRefTarget.Kind
_CHUNK = 500  # ids per IN (...) list: SQLite caps the parameters of one query


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def index_statement_refs() -> int:
    """Index the referring statements stored since the last run, and the pending ones whose
    target has arrived since; return how many referring statements got their target's keys."""
    try:
        with transaction.atomic():
            StatementRefIndex.objects.get_or_create(pk=1)
    except IntegrityError:
        pass  # created by a concurrent run
    with transaction.atomic():
        # One run at a time: the row lock orders them, so `indexed_through` only moves forward.
        state = StatementRefIndex.objects.select_for_update().get(pk=1)
        through = consistent_through()
        fresh = Statement.objects.filter(ref_statement_id__isnull=False, stored__lte=through)
        if state.indexed_through is not None:
            fresh = fresh.filter(stored__gt=state.indexed_through)
        todo = list(fresh.values_list("seq", "ref_statement_id", "stored"))
        pending = list(
            StatementRefTarget.objects.filter(kind=Kind.PENDING).values_list(
                "referrer_id", "referrer__ref_statement_id", "stored"
            )
        )
        keys = _target_keys({target for _seq, target, _stored in todo + pending})
        rows, resolved = [], []
        for seq, target, stored in todo:
            rows.extend(
                StatementRefTarget(referrer_id=seq, kind=kind, key=key, stored=stored)
                for kind, key in keys.get(target, [(Kind.PENDING, "")])
            )
        for seq, target, stored in pending:
            if target in keys:
                resolved.append(seq)
                rows.extend(
                    StatementRefTarget(referrer_id=seq, kind=kind, key=key, stored=stored) for kind, key in keys[target]
                )
        for seqs in _chunks(resolved):
            StatementRefTarget.objects.filter(kind=Kind.PENDING, referrer_id__in=seqs).delete()
        StatementRefTarget.objects.bulk_create(rows, batch_size=_CHUNK, ignore_conflicts=True)
        if state.indexed_through is None or through > state.indexed_through:
            state.indexed_through = through
            state.save(update_fields=["indexed_through"])
    return sum(1 for _seq, target, _stored in todo if target in keys) + len(resolved)


def _target_keys(target_ids: Iterable) -> dict:
    """statement_id -> [(kind, key), ...] for the stored ones among `target_ids`: every key by
    which a filter can match the statement (the conditions of xapi.selectors._target_conditions)."""
    targets: dict = {}
    for ids in _chunks(list(target_ids)):
        targets.update(
            (row[0], row[1:])
            for row in Statement.objects.filter(statement_id__in=ids).values_list(
                "statement_id",
                "seq",
                "actor_key",
                "object_agent_key",
                "verb_id",
                "object_activity_id",
                "registration",
                "credential_id",
            )
        )
    by_seq = {values[0]: statement_id for statement_id, values in targets.items()}
    keys: dict = {
        statement_id: {(Kind.VERB, verb)}
        | {(Kind.AGENT, key) for key in (actor, object_agent) if key}
        | ({(Kind.ACTIVITY, activity)} if activity else set())
        | ({(Kind.REGISTRATION, str(registration))} if registration else set())
        for statement_id, (_seq, actor, object_agent, verb, activity, registration, _cred) in targets.items()
    }
    seqs = list(by_seq)
    for chunk in _chunks(seqs):
        for seq, activity in StatementActivity.objects.filter(statement_id__in=chunk).values_list(
            "statement_id", "activity_id"
        ):
            keys[by_seq[seq]].add((Kind.ACTIVITY, activity))
        for seq, key in StatementAgent.objects.filter(statement_id__in=chunk).values_list("statement_id", "agent_key"):
            keys[by_seq[seq]].add((Kind.AGENT, key))
    # The authority derived from a credential has no StatementAgent row (it is the credential column).
    credential_ids = {values[-1] for values in targets.values() if values[-1] is not None}
    authorities = {
        credential.pk: agent_key(credential.authority)
        for credential in Credential.objects.filter(pk__in=credential_ids)
    }
    for statement_id, values in targets.items():
        if values[-1] in authorities:
            keys[statement_id].add((Kind.AGENT, authorities[values[-1]]))
    return {statement_id: sorted(found) for statement_id, found in keys.items()}
