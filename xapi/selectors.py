"""Reads: statement queries with `more` paging, activities, agents (xAPI 1.0.3 §2.5, §7.2.3, §7.5, §7.6)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from xapi.models import Activity, Credential, Statement, StatementActivity, StatementAgent
from xapi.services.keys import agent_key, iri_key

MAX_LIMIT = 500


@dataclass(frozen=True)
class StatementQuery:
    agent: dict | None = None
    verb: str | None = None
    activity: str | None = None
    registration: uuid.UUID | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    mine: Credential | None = None


def _match(query: StatementQuery) -> Q | None:
    conditions = []
    if query.agent is not None:
        key = agent_key(query.agent)
        if query.related_agents:
            conditions.append(Q(seq__in=StatementAgent.objects.filter(agent_key=key).values("statement_id")))
        else:
            conditions.append(Q(actor_key=key) | Q(object_agent_key=key))
    if query.verb is not None:
        conditions.append(Q(verb_id=iri_key(query.verb)))
    if query.activity is not None:
        activity = iri_key(query.activity)
        if query.related_activities:
            conditions.append(Q(seq__in=StatementActivity.objects.filter(activity_id=activity).values("statement_id")))
        else:
            conditions.append(Q(object_activity_id=activity))
    if query.registration is not None:
        conditions.append(Q(registration=query.registration))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined &= condition
    return combined


def statements_queryset(query: StatementQuery) -> QuerySet[Statement]:
    """Statements matching the filters, newest first unless ascending; voided ones excluded.

    xAPI 1.0.3 §2.5.1: statements that target a matching statement through a StatementRef are
    returned as well (one level), which is how a voiding statement is found by the filters of
    the statement it voids.
    """
    qs = Statement.objects.filter(voided=False)
    match = _match(query)
    if match is not None:
        targets = Statement.objects.filter(match).values("statement_id")
        qs = qs.filter(match | Q(ref_statement_id__in=targets))
    if query.since is not None:
        qs = qs.filter(stored__gt=query.since)
    if query.until is not None:
        qs = qs.filter(stored__lte=query.until)
    if query.mine is not None:
        qs = qs.filter(credential=query.mine)
    order = ("stored", "seq") if query.ascending else ("-stored", "-seq")
    return qs.order_by(*order)


def statement_page(query: StatementQuery, *, after: tuple[datetime, int] | None = None):
    """One page of statement dicts and the cursor of the last row when more follow."""
    qs = statements_queryset(query)
    if after is not None:
        stored, seq = after
        if query.ascending:
            qs = qs.filter(Q(stored__gt=stored) | Q(stored=stored, seq__gt=seq))
        else:
            qs = qs.filter(Q(stored__lt=stored) | Q(stored=stored, seq__lt=seq))
    limit = min(query.limit or MAX_LIMIT, MAX_LIMIT)
    rows = list(qs.values_list("data", "stored", "seq")[: limit + 1])
    cursor = (rows[limit - 1][1], rows[limit - 1][2]) if len(rows) > limit else None
    return [row[0] for row in rows[:limit]], cursor


def get_statement_row(statement_id: uuid.UUID | str, *, voided: bool = False) -> Statement | None:
    """A stored statement by id; `voided=True` asks for a voided one (voidedStatementId)."""
    return Statement.objects.filter(statement_id=statement_id, voided=voided).first()


def get_activity(activity_id: str) -> dict | None:
    row = Activity.objects.filter(activity_id=activity_id).first()
    if row is None:
        return None
    activity = {"objectType": "Activity", "id": row.activity_id}
    if row.definition:
        activity["definition"] = row.definition
    return activity


def person_for(agent: dict) -> dict:
    """The Person object for an Agent (xAPI 1.0.3 §7.6): its IFIs and the names it was seen with."""
    person: dict = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for prop in ("mbox", "mbox_sha1sum", "openid", "account"):
        if prop in agent:
            person[prop] = [agent[prop]]
    return person
