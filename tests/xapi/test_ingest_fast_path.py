"""The one-round-trip ingest on PostgreSQL (xapi.services.bulk.insert_new_statements).

Once a process knows a batch's Activities, POSTs of new statements are stored by one SQL
statement outside any transaction block. These tests run with real commits and check that
what that path stores answers every query exactly as the general path's rows do, and that
resent and conflicting ids still fall back to the general path's comparison.
"""

import json
import threading
import uuid

import pytest
from django.db import connection

from xapi import api, signals
from xapi.services.activities import activity_cache

from .conftest import XapiClient
from .factories import make_agent, make_statement

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

COURSE = "https://lms.example.kcg.gov.tw/courses/fast"
PROGRAM = "https://lms.example.kcg.gov.tw/programs/fast"


@pytest.fixture
def received():
    events = []

    def on_stored(sender, statement_ids, statements, **kwargs):
        events.append(list(statement_ids))

    signals.statements_stored.connect(on_stored, dispatch_uid="test-fast-path")
    yield events
    signals.statements_stored.disconnect(dispatch_uid="test-fast-path")


def module_statement(n: int, module: int, **extra) -> dict:
    return make_statement(
        id=str(uuid.uuid4()),
        actor=make_agent(n),
        object={
            "objectType": "Activity",
            "id": f"{COURSE}/module/{module}",
            "definition": {"name": {"zh-TW": f"單元 {module}"}, "type": "http://adlnet.gov/expapi/activities/module"},
        },
        context={
            "registration": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{n}")),
            "contextActivities": {"parent": [{"id": COURSE}], "grouping": {"id": PROGRAM}},
            "instructor": make_agent(900),
        },
        **extra,
    )


def warm(xapi: XapiClient) -> dict[int, str]:
    """Statement ids by module of a first batch about modules 1-3.

    It registers the Activities (general path); after its commit this process knows them, and
    the next batches about them take the one-statement path.
    """
    batch = {m: module_statement(0, m) for m in (1, 2, 3)}
    response = xapi.post("/statements", list(batch.values()))
    assert response.status_code == 200
    return {m: statement["id"] for m, statement in batch.items()}


def test_new_batch_is_stored_in_one_statement_and_answers_every_filter(xapi, direct_inserts, received):
    warmed = warm(xapi)
    batch = [module_statement(n, 1 + n % 3) for n in range(1, 31)]
    response = xapi.post("/statements", batch)

    assert response.status_code == 200, response.content
    assert response.json() == [s["id"] for s in batch]
    assert direct_inserts == [(30, True)]
    assert received[-1] == [uuid.UUID(s["id"]) for s in batch]
    assert connection.get_autocommit()  # nothing left open

    one = xapi.get("/statements", {"statementId": batch[4]["id"]}).json()
    assert one["actor"] == make_agent(5)
    assert one["context"]["contextActivities"]["grouping"] == [{"id": PROGRAM}]
    assert one["authority"]["account"]["homePage"] == "urn:kcg-lms:xapi:credential"
    assert {"id", "stored", "timestamp", "version"} <= set(one)

    def ids(params):
        answer = xapi.get("/statements", {"limit": 100, **params})
        assert answer.status_code == 200, answer.content
        return [s["id"] for s in answer.json()["statements"]]

    assert ids({"agent": json.dumps(make_agent(7))}) == [batch[6]["id"]]
    module_2 = {s["id"] for s in batch if s["object"]["id"].endswith("/2")}
    assert set(ids({"activity": f"{COURSE}/module/2"})) == module_2 | {warmed[2]}
    related = ids({"activity": PROGRAM, "related_activities": "true"})
    assert {s["id"] for s in batch} <= set(related) and len(related) == 33
    instructed = ids({"agent": json.dumps(make_agent(900)), "related_agents": "true"})
    assert len(instructed) == 33
    registered = ids({"registration": batch[9]["context"]["registration"]})
    assert registered == [batch[9]["id"]]
    # One `stored` for the whole batch; ascending order is the batch order.
    ascending = ids({"verb": batch[0]["verb"]["id"], "ascending": "true"})
    assert ascending[3:] == [s["id"] for s in batch]
    assert api.count_statements() == 33


def test_resent_batch_is_accepted_once_and_a_changed_one_is_a_conflict(xapi, direct_inserts):
    warm(xapi)
    batch = [module_statement(n, 1) for n in range(1, 6)]
    assert xapi.post("/statements", batch).status_code == 200
    assert xapi.post("/statements", batch).status_code == 200  # the same statements again
    assert direct_inserts == [(5, True), (5, False)]  # the second found the ids and stored nothing
    assert api.count_statements() == 8

    changed = [module_statement(99, 2)] + [dict(batch[0], verb={"id": "http://adlnet.gov/expapi/verbs/failed"})]
    response = xapi.post("/statements", changed)
    assert response.status_code == 409
    assert api.count_statements() == 8  # the new statement of the rejected batch was not kept
    assert api.get_statement(changed[0]["id"]) is None


def test_put_of_a_new_statement_takes_the_same_path(xapi, direct_inserts):
    warm(xapi)
    statement = module_statement(3, 3)
    statement_id = statement.pop("id")
    response = xapi.put("/statements", statement, params={"statementId": statement_id})
    assert response.status_code == 204
    assert direct_inserts == [(1, True)]
    assert api.get_statement(statement_id)["id"] == statement_id


def test_voiding_and_unknown_activities_take_the_general_path(xapi, direct_inserts):
    warm(xapi)
    target = module_statement(4, 1)
    assert xapi.post("/statements", [target]).status_code == 200
    voiding = make_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"}, object={"objectType": "StatementRef", "id": target["id"]}
    )
    assert xapi.post("/statements", [voiding]).status_code == 200
    unknown = make_statement(object={"objectType": "Activity", "id": "https://elsewhere.example/new-course"})
    assert xapi.post("/statements", [unknown]).status_code == 200
    assert direct_inserts == [(1, True)]
    assert api.get_statement(target["id"]) is None
    assert api.get_statement(target["id"], voided=True)["id"] == target["id"]


def test_big_integers_are_kept_exactly(xapi, direct_inserts):
    warm(xapi)
    big = 123456789012345678901234567890
    statement = module_statement(5, 1, result={"extensions": {"https://lms.example.kcg.gov.tw/ext/big": big}})
    assert xapi.post("/statements", [statement]).status_code == 200
    assert direct_inserts == [(1, True)]
    assert api.get_statement(statement["id"])["result"]["extensions"]["https://lms.example.kcg.gov.tw/ext/big"] == big


def test_same_id_posted_at_once_is_stored_once(credential_pair):
    credential, secret = credential_pair
    racers = 6
    first = XapiClient(credential.key, secret)
    warm(first)
    statement = module_statement(6, 2)
    barrier = threading.Barrier(racers)
    statuses = []

    def race():
        try:
            client = XapiClient(credential.key, secret)
            barrier.wait()
            statuses.append(client.post("/statements", [statement]).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Each request either stored it, found it stored (same content: accepted), or lost the
    # race on the unique index and was told to retry (409); never two copies.
    assert set(statuses) <= {200, 409} and 200 in statuses
    assert api.count_statements() == 4


def test_activities_stored_by_another_process_are_learned_not_rewritten(xapi, direct_inserts):
    warm(xapi)
    activity_cache.clear()  # a worker that has not seen them: another one stored them
    assert xapi.post("/statements", [module_statement(7, 1)]).status_code == 200
    changed = module_statement(8, 2)
    changed["object"]["definition"]["description"] = {"en-US": "now with a description"}
    assert xapi.post("/statements", [changed]).status_code == 200  # a new definition: the general path merges it
    assert direct_inserts == [(1, True)]
    activity = xapi.get("/activities", {"activityId": f"{COURSE}/module/2"}).json()
    assert activity["definition"]["description"] == {"en-US": "now with a description"}
    assert activity["definition"]["name"] == {"zh-TW": "單元 2"}
