"""Who may void what (xAPI 1.0.3 §2.3.2), and voiding in whatever order statements arrive.

The rule, in one place (docs/xapi-trust.md): a voiding statement sent with a credential may void
the statements sent with that same credential; a credential given the explicit scope
`statements/void/others` by an administrator may void any statement; the LMS's own authority
(no credential: the Python API) may void what it issued itself. Anything else is refused with
403 naming the rule, and nothing of the batch is stored.

A voiding statement may also arrive before its target (an outage, batches sent out of order).
It is stored then; when the target arrives it is stored voided, if that voiding statement's
sender was allowed to void it (the same rule). The fast path mirrors that test in SQL
(the EXISTS in `bulk._INSERT_STATEMENTS`).
"""

import uuid

from xapi.errors import Forbidden
from xapi.models import Credential, Statement

from .bulk import StatementRow

VOID_OTHERS = "statements/void/others"


def may_void(voider: Credential | None, target_credential_id: int | None) -> bool:
    if voider is None:
        return target_credential_id is None
    return target_credential_id == voider.pk or voider.has_scope(VOID_OTHERS)


def refusal(voiding_id: object, target_id: object) -> Forbidden:
    return Forbidden(
        f"statement {voiding_id}: may not void statement {target_id}. A platform may void only the "
        f"statements sent with its own credential (xAPI 1.0.3 §2.3.2); voiding another platform's "
        f"statements needs the {VOID_OTHERS} scope, which an administrator grants explicitly"
    )


def apply_voiding(rows: list[StatementRow], credential: Credential | None) -> list[uuid.UUID]:
    """Mark the rows and stored statements that this batch voids; return their ids.

    `rows` are the new Statement rows of one batch sent with `credential` (None: the
    LMS itself). Raises Forbidden when a voiding statement targets a stored statement its
    sender may not void. A voiding statement that targets a voiding statement voids nothing.
    """
    voided: list[uuid.UUID] = []
    in_batch = {row.statement_id: row for row in rows}
    targets = {row.ref_statement_id: row.statement_id for row in rows if row.is_voiding}
    if targets:
        for target, _voiding_id in targets.items():
            row = in_batch.get(target)
            if row is not None and not row.is_voiding:
                row.voided = True
                voided.append(target)
        stored = list(
            Statement.objects.filter(statement_id__in=list(targets)).values_list(
                "statement_id", "credential_id", "is_voiding", "voided"
            )
        )
        for target, target_credential, _is_voiding, _voided in stored:
            if not may_void(credential, target_credential):
                raise refusal(targets[target], target)
        fresh = [target for target, _cred, is_voiding, already in stored if not is_voiding and not already]
        Statement.objects.filter(statement_id__in=fresh).update(voided=True)
        voided.extend(fresh)
    # Voiding statements stored earlier than their targets (the target arrives now).
    candidates = [row.statement_id for row in rows if not row.is_voiding and not row.voided]
    if candidates:
        pending = list(
            Statement.objects.filter(is_voiding=True, ref_statement_id__in=candidates).values_list(
                "ref_statement_id", "credential_id"
            )
        )
        if pending:
            voiders = {c.pk: c for c in Credential.objects.filter(pk__in={cid for _t, cid in pending if cid})}
            for target, voider_id in pending:
                row = in_batch[target]
                if not row.voided and may_void(voiders.get(voider_id), row.credential_id):
                    row.voided = True
                    voided.append(target)
    return voided
