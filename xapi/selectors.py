"""Reads: statement queries with `more` paging, activities, agents (xAPI 1.0.3 §2.5, §7.2.3, §7.5, §7.6)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q

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


def _branches(query: StatementQuery) -> list[Q]:
    """The filters as a list of alternatives, each served by one composite index ending in `stored`.

    The plain `agent` filter matches the actor or an Agent/Group object; rather than an OR, which
    PostgreSQL answers with a bitmap scan and a sort of every match, each side is its own
    ordered index scan and the pages are merged in Python.
    """
    common = Q()
    if query.verb is not None:
        common &= Q(verb_id=iri_key(query.verb))
    if query.activity is not None:
        activity = iri_key(query.activity)
        if query.related_activities:
            common &= Q(seq__in=StatementActivity.objects.filter(activity_id=activity).values("statement_id"))
        else:
            common &= Q(object_activity_id=activity)
    if query.registration is not None:
        common &= Q(registration=query.registration)
    if query.agent is None:
        return [common]
    key = agent_key(query.agent)
    if query.related_agents:
        return [common & Q(seq__in=StatementAgent.objects.filter(agent_key=key).values("statement_id"))]
    return [common & Q(actor_key=key), common & Q(object_agent_key=key)]


def _has_filters(query: StatementQuery) -> bool:
    return any(value is not None for value in (query.agent, query.verb, query.activity, query.registration))


def statement_page(query: StatementQuery, *, after: tuple[datetime, int] | None = None):
    """One page of statement dicts (newest first unless ascending) and the cursor when more follow.

    Voided statements are left out. xAPI 1.0.3 §2.5.1: statements that target a matching statement
    through a StatementRef are returned as well (one level); that is how a voiding statement is
    found by the filters of the statement it voids. Referring statements are few, so they are
    read from their own partial index and merged in.
    """
    base = Statement.objects.filter(voided=False)
    if query.since is not None:
        base = base.filter(stored__gt=query.since)
    if query.until is not None:
        base = base.filter(stored__lte=query.until)
    if query.mine is not None:
        base = base.filter(credential=query.mine)
    if after is not None:
        stored, seq = after
        if query.ascending:
            base = base.filter(Q(stored__gt=stored) | Q(stored=stored, seq__gt=seq))
        else:
            base = base.filter(Q(stored__lt=stored) | Q(stored=stored, seq__lt=seq))
    order = ("stored", "seq") if query.ascending else ("-stored", "-seq")
    limit = min(query.limit or MAX_LIMIT, MAX_LIMIT)
    fields = ("data", "stored", "seq")
    if not _has_filters(query):
        rows = list(base.order_by(*order).values_list(*fields)[: limit + 1])
    else:
        branches = _branches(query)
        found: dict[int, tuple] = {}
        for branch in branches:
            for row in base.filter(branch).order_by(*order).values_list(*fields)[: limit + 1]:
                found[row[2]] = row
        any_branch = branches[0]
        for branch in branches[1:]:
            any_branch |= branch
        target_matches = Statement.objects.filter(any_branch, statement_id=OuterRef("ref_statement_id"))
        referrers = base.filter(ref_statement_id__isnull=False).filter(Exists(target_matches))
        for row in referrers.order_by(*order).values_list(*fields)[: limit + 1]:
            found[row[2]] = row
        rows = sorted(found.values(), key=lambda row: (row[1], row[2]), reverse=not query.ascending)[: limit + 1]
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
