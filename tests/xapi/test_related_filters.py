"""related_agents and related_activities find a statement through every place an Agent or an
Activity can be in it (xAPI 1.0.3 §2.5.1), whichever table holds that place, and whichever
ingest path stored it (the general one, or on PostgreSQL the one-statement insert)."""

import json

import pytest

from xapi.models import Activity

from .factories import make_agent, make_statement

BOTH = {"related_agents": "true", "related_activities": "true"}

EXAMPLE = "https://lms.example.kcg.gov.tw/activities"


def group_of(*members: dict) -> dict:
    return {"objectType": "Group", "name": "Study group", "member": list(members)}


@pytest.fixture(
    params=[
        pytest.param("general", marks=pytest.mark.django_db),
        pytest.param("one statement", marks=[pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]),
    ]
)
def ingest_path(request, direct_inserts):
    """Which path stores the fixture's batch; asserts that it was that one."""
    if request.param == "one statement":
        # Activities that another process already stored: the batch then takes the one-statement path.
        for name in ("x1", "x2", "x3", "x4", "other"):
            Activity.objects.create(activity_id=f"{EXAMPLE}/{name}", definition={})
    yield request.param
    assert direct_inserts == ([(6, True)] if request.param == "one statement" else [])


@pytest.fixture
def stored(xapi, ingest_path):
    """Six statements, each naming the Agents a1..a6 and the Activities x1..x4 in other places."""
    sub = {
        "objectType": "SubStatement",
        "actor": make_agent(5),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": f"{EXAMPLE}/x4"},
    }
    statements = {
        "actor": make_statement(actor=make_agent(1), object={"objectType": "Activity", "id": f"{EXAMPLE}/x1"}),
        "object agent": make_statement(actor=make_agent(9), object=make_agent(2)),
        "instructor": make_statement(
            actor=make_agent(9),
            object={"objectType": "Activity", "id": f"{EXAMPLE}/other"},
            context={"instructor": make_agent(3), "contextActivities": {"parent": [{"id": f"{EXAMPLE}/x2"}]}},
        ),
        "team member": make_statement(
            actor=make_agent(9),
            object={"objectType": "Activity", "id": f"{EXAMPLE}/other"},
            context={"team": group_of(make_agent(4)), "contextActivities": {"grouping": {"id": f"{EXAMPLE}/x3"}}},
        ),
        "substatement": make_statement(actor=make_agent(9), object=sub),
        "actor also instructor": make_statement(
            actor=make_agent(6),
            object={"objectType": "Activity", "id": f"{EXAMPLE}/x2"},
            context={"instructor": make_agent(6)},
        ),
    }
    response = xapi.post("/statements", list(statements.values()))
    assert response.status_code == 200, response.content
    return dict(zip(statements, response.json(), strict=True))


def found(xapi, **params) -> set[str]:
    response = xapi.get("/statements", {"limit": 50, **params})
    assert response.status_code == 200, response.content
    return {statement["id"] for statement in response.json()["statements"]}


@pytest.mark.parametrize(
    ("agent", "places"),
    [
        (1, {"actor"}),
        (2, {"object agent"}),
        (3, {"instructor"}),
        (4, {"team member"}),
        (5, {"substatement"}),
        (6, {"actor also instructor"}),
    ],
)
def test_related_agents_finds_every_place(xapi, stored, agent, places):
    agent_param = json.dumps(make_agent(agent))
    assert found(xapi, agent=agent_param, related_agents="true") == {stored[p] for p in places}
    # Without related_agents only actor and object count.
    direct = {p for p in places if p in ("actor", "object agent", "actor also instructor")}
    assert found(xapi, agent=agent_param) == {stored[p] for p in direct}


def test_related_agents_finds_the_authority(xapi, stored, credential_pair):
    credential, _secret = credential_pair
    authority = json.dumps(credential.authority)
    assert found(xapi, agent=authority, related_agents="true") == set(stored.values())
    assert found(xapi, agent=authority) == set()


@pytest.mark.parametrize(
    ("activity", "places"),
    [
        ("x1", {"actor"}),
        ("x2", {"instructor", "actor also instructor"}),
        ("x3", {"team member"}),
        ("x4", {"substatement"}),
    ],
)
def test_related_activities_finds_every_place(xapi, stored, activity, places):
    assert found(xapi, activity=f"{EXAMPLE}/{activity}", related_activities="true") == {stored[p] for p in places}


def test_both_related_filters_together(xapi, stored):
    # Agent in a side place (instructor) and Activity in a side place (parent).
    assert found(xapi, agent=json.dumps(make_agent(3)), activity=f"{EXAMPLE}/x2", **BOTH) == {stored["instructor"]}
    # Agent as actor and Activity as object, both asked as related.
    assert found(xapi, agent=json.dumps(make_agent(6)), activity=f"{EXAMPLE}/x2", **BOTH) == {
        stored["actor also instructor"]
    }
    # Agent as actor (not related) and Activity in a side place.
    assert found(xapi, agent=json.dumps(make_agent(6)), activity=f"{EXAMPLE}/x2", related_activities="true") == {
        stored["actor also instructor"]
    }
    assert found(xapi, agent=json.dumps(make_agent(3)), activity=f"{EXAMPLE}/x1", related_activities="true") == set()
