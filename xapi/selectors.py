"""Reads: statement queries with `more` paging, activities, agents (xAPI 1.0.3 §2.5, §7.2.3, §7.5, §7.6)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from xapi.keys import agent_key, iri_key
from xapi.models import (
    AUTHORITY_HOME_PAGE,
    Activity,
    Credential,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementRefIndex,
    StatementRefTarget,
)

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


@dataclass(frozen=True)
class _Source:
    """Where one branch of a query reads: the statement table or one of its side tables."""

    queryset: QuerySet
    prefix: str  # path from the source row to Statement fields
    seq: str  # the statement's insert order, as a field of the source row

    def rows(self, condition: Q, window: Q, order: tuple[str, ...], size: int) -> list[tuple]:
        fields = (f"{self.prefix}data", "stored", self.seq)
        return list(self.queryset.filter(condition, window).order_by(*order).values_list(*fields)[:size])


def _mentions_activity(activity: str) -> Q:
    """Statements with this Activity (key) among their context activities or SubStatement."""
    return Q(seq__in=StatementActivity.objects.filter(activity_id=activity).values("statement_id"))


def _side_row_of(model: type[StatementActivity] | type[StatementAgent], **key: str) -> Q:
    """This statement has a side row with this key: one probe of the side table's (key, stored,
    statement) index per statement, since side rows carry their statement's `stored`. (An IN over
    every side row of the key would read them all, thousands for a course.)"""
    return Q(Exists(model.objects.filter(**key, stored=OuterRef("stored"), statement_id=OuterRef("seq"))))


def _target_conditions(query: StatementQuery, authority_of: Credential | None) -> list[Q]:
    """The filters as Statement conditions, one alternative per agent column (OR-ed by the caller).

    `authority_of`: the credential whose derived authority is the related_agents agent, if any.
    """
    common = Q()
    if query.verb is not None:
        common &= Q(verb_id=iri_key(query.verb))
    if query.activity is not None:
        activity = iri_key(query.activity)
        on_row = Q(object_activity_id=activity)
        if query.related_activities:
            on_row |= _side_row_of(StatementActivity, activity_id=activity)
        common &= on_row
    if query.registration is not None:
        common &= Q(registration=query.registration)
    if query.agent is None:
        return [common]
    key = agent_key(query.agent)
    alternatives = [common & Q(actor_key=key), common & Q(object_agent_key=key)]
    if query.related_agents:
        alternatives.append(common & _side_row_of(StatementAgent, agent_key=key))
        if authority_of is not None:
            alternatives.append(common & Q(credential=authority_of))
    return alternatives


def _credential_of_authority(query: StatementQuery) -> Credential | None:
    """With related_agents, the credential whose derived authority is the query's Agent: its
    statements name it as authority without a side row (xapi.services.statements._side_agents)."""
    if query.agent is None or not query.related_agents:
        return None
    account = query.agent.get("account") or {}
    if account.get("homePage") != AUTHORITY_HOME_PAGE or not account.get("name"):
        return None
    return Credential.objects.filter(key=account["name"]).first()


def _branches(query: StatementQuery, authority_of: Credential | None) -> list[tuple[_Source, Q]]:
    """Each alternative of the filters read from the table whose index serves it in order.

    Every index ends with `stored`, so each branch is one ordered index scan that stops after a
    page. The agent filter is one branch per place the agent can be (actor, object, and with
    related_agents the side table of the other places) rather than an OR, which PostgreSQL would
    answer with a bitmap scan and a sort of every match; likewise related_activities reads the
    object column and the side table of context activities. Branches are merged in Python.
    """
    key = agent_key(query.agent) if query.agent is not None else None
    activity = iri_key(query.activity) if query.activity is not None else None
    main = _Source(Statement.objects.all(), "", "seq")
    agent_parts: list[tuple[_Source | None, Q]] = [(None, Q())]
    if key is not None:
        agent_parts = [(None, Q(actor_key=key)), (None, Q(object_agent_key=key))]
        if query.related_agents:
            side = _Source(StatementAgent.objects.filter(agent_key=key), "statement__", "statement_id")
            agent_parts.append((side, Q()))
            if authority_of is not None:
                agent_parts.append((None, Q(credential=authority_of)))
    activity_parts: list[tuple[_Source | None, Q]] = [(None, Q())]
    if activity is not None:
        activity_parts = [(None, Q(object_activity_id=activity))]
        if query.related_activities:
            side = _Source(StatementActivity.objects.filter(activity_id=activity), "statement__", "statement_id")
            activity_parts.append((side, Q()))
    common = Q(voided=False)
    if query.mine is not None:
        common &= Q(credential=query.mine)
    if query.verb is not None:
        common &= Q(verb_id=iri_key(query.verb))
    if query.registration is not None:
        common &= Q(registration=query.registration)
    branches = []
    for agent_source, agent_condition in agent_parts:
        for activity_source, activity_condition in activity_parts:
            if agent_source is not None and activity_source is not None:
                # Both in side tables: scan the agent's, test the activity's by subquery.
                source = agent_source
                activity_condition = _mentions_activity(activity)
            else:
                source = agent_source or activity_source or main
            branches.append((source, _prefixed(common & agent_condition & activity_condition, source.prefix)))
    return branches


def _prefixed(condition: Q, prefix: str) -> Q:
    if not prefix:
        return condition
    result = Q()
    result.connector, result.negated = condition.connector, condition.negated
    for child in condition.children:
        result.children.append(_prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]))
    return result


def _window(query: StatementQuery, after: tuple[datetime, int] | None, seq: str) -> Q:
    window = Q()
    if query.since is not None:
        window &= Q(stored__gt=query.since)
    if query.until is not None:
        window &= Q(stored__lte=query.until)
    if after is not None:
        stored, last = after
        if query.ascending:
            window &= Q(stored__gt=stored) | Q(stored=stored, **{f"{seq}__gt": last})
        else:
            window &= Q(stored__lt=stored) | Q(stored=stored, **{f"{seq}__lt": last})
    return window


def _has_filters(query: StatementQuery) -> bool:
    return any(value is not None for value in (query.agent, query.verb, query.activity, query.registration))


def _driving_key(query: StatementQuery) -> tuple[str, str]:
    """The StatementRefTarget key that every target matching the filters has: the most selective."""
    Kind = StatementRefTarget.Kind
    if query.agent is not None:
        return Kind.AGENT, agent_key(query.agent)
    if query.registration is not None:
        return Kind.REGISTRATION, str(query.registration)
    if query.activity is not None:
        return Kind.ACTIVITY, iri_key(query.activity)
    return Kind.VERB, iri_key(query.verb)


def _referring(query: StatementQuery, any_target: Q, prefix: str) -> Q:
    """Non-voided statements whose StatementRef targets a statement matching `any_target`,
    as a condition on a source whose path to the referring statement is `prefix`."""
    targets = Statement.objects.filter(any_target, statement_id=OuterRef(f"{prefix}ref_statement_id"))
    condition = Q(**{f"{prefix}voided": False, f"{prefix}ref_statement_id__isnull": False}) & Q(Exists(targets))
    if query.mine is not None:
        condition &= Q(**{f"{prefix}credential": query.mine})
    return condition


def _referrer_branches(query: StatementQuery, authority_of: Credential | None) -> list[tuple[_Source, Q]]:
    """Where statements referring to a match are read (xAPI 1.0.3 §2.5.1, one level).

    Referring statements indexed in StatementRefTarget are read from it by the key every match
    has, in (stored, referrer) order, like a side table: flat in the size of the store. Those
    stored after the index's `indexed_through`, and the pending ones (their target came later),
    are read from the statement table: the first from the tail of the referrers' partial index,
    the second by primary key; both are few. Each branch then checks the whole filter on the target
    (docs/xapi-queries.md).
    """
    alternatives = _target_conditions(query, authority_of)
    any_target = alternatives[0]
    for alternative in alternatives[1:]:
        any_target |= alternative
    referring = _referring(query, any_target, "")
    main = _Source(Statement.objects.all(), "", "seq")
    through = StatementRefIndex.objects.filter(pk=1).values_list("indexed_through", flat=True).first()
    if through is None:
        return [(main, referring)]
    kind, key = _driving_key(query)
    indexed = _Source(StatementRefTarget.objects.filter(kind=kind, key=key), "referrer__", "referrer_id")
    pending = StatementRefTarget.objects.filter(kind=StatementRefTarget.Kind.PENDING, key="").values("referrer_id")
    return [
        (main, referring & Q(stored__gt=through)),
        (indexed, _referring(query, any_target, "referrer__")),
        (_Source(Statement.objects.filter(seq__in=pending), "", "seq"), referring),
    ]


def statement_page(query: StatementQuery, *, after: tuple[datetime, int] | None = None):
    """One page of statement dicts (newest first unless ascending) and the cursor when more follow.

    Voided statements are left out. xAPI 1.0.3 §2.5.1: statements that target a matching statement
    through a StatementRef are returned as well (one level); that is how a voiding statement is
    found by the filters of the statement it voids (_referrer_branches).
    """
    limit = min(query.limit or MAX_LIMIT, MAX_LIMIT)
    found: dict[int, tuple] = {}
    authority_of = _credential_of_authority(query)
    branches = _branches(query, authority_of)
    if _has_filters(query):
        branches += _referrer_branches(query, authority_of)
    for source, condition in branches:
        order = ("stored", source.seq) if query.ascending else ("-stored", f"-{source.seq}")
        for row in source.rows(condition, _window(query, after, source.seq), order, limit + 1):
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
