"""A real xAPI client against the LRS over HTTP: tincan-py (PyPI `tincan`), speaking xAPI 1.0.3."""

import json
import uuid

import pytest
import requests
from tincan import (
    Activity,
    ActivityProfileDocument,
    Agent,
    AgentProfileDocument,
    RemoteLRS,
    StateDocument,
    Statement,
    Verb,
)

from xapi.services.credentials import create_credential

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lrs(live_server) -> RemoteLRS:
    credential, secret = create_credential(name="tincan-py platform", scopes=["all"])
    return RemoteLRS(version="1.0.3", endpoint=f"{live_server.url}/xapi/", username=credential.key, password=secret)


def _etag(lrs: RemoteLRS, resource: str, params: dict) -> str:
    # tincan-py reads response headers as a dict but gets a list, so it never keeps the ETag;
    # an integration reads it itself, as here, to update a document it created.
    response = requests.get(
        lrs.endpoint + resource,
        params=params,
        headers={"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"},
        timeout=30,
    )
    return response.headers["ETag"]


AGENT = Agent(name="Learner One", mbox="mailto:learner1@example.kcg.gov.tw")
ACTIVITY = Activity(id="https://lms.example.kcg.gov.tw/offerings/1")


def test_tincan_agent_profile_round_trip(lrs):
    profile_id = f"preferences-{uuid.uuid4()}"
    document = AgentProfileDocument(
        id=profile_id, agent=AGENT, content=json.dumps({"lang": "zh-TW"}), content_type="application/json"
    )
    # tincan-py creates a document with a PUT that carries neither If-Match nor If-None-Match.
    created = lrs.save_agent_profile(document)
    assert created.success, created.data

    fetched = lrs.retrieve_agent_profile(AGENT, profile_id)
    assert fetched.success and json.loads(fetched.content.content) == {"lang": "zh-TW"}
    assert profile_id in lrs.retrieve_agent_profile_ids(AGENT).content

    # Overwriting without the ETag is refused (xAPI 1.0.3 §6.3); with it, accepted.
    changed = AgentProfileDocument(
        id=profile_id, agent=AGENT, content=json.dumps({"lang": "en"}), content_type="application/json"
    )
    assert lrs.save_agent_profile(changed).response.status == 409
    changed.etag = _etag(lrs, "agents/profile", {"profileId": profile_id, "agent": AGENT.to_json("1.0.3")})
    assert lrs.save_agent_profile(changed).success
    assert json.loads(lrs.retrieve_agent_profile(AGENT, profile_id).content.content) == {"lang": "en"}

    # A stale ETag no longer matches (412); the current one deletes.
    assert lrs.delete_agent_profile(changed).response.status == 412
    changed.etag = _etag(lrs, "agents/profile", {"profileId": profile_id, "agent": AGENT.to_json("1.0.3")})
    assert lrs.delete_agent_profile(changed).success
    assert lrs.retrieve_agent_profile(AGENT, profile_id).response.status == 404


def test_tincan_activity_profile_round_trip(lrs):
    profile_id = f"grading-{uuid.uuid4()}"
    document = ActivityProfileDocument(
        id=profile_id, activity=ACTIVITY, content=json.dumps({"scale": 100}), content_type="application/json"
    )
    assert lrs.save_activity_profile(document).success
    fetched = lrs.retrieve_activity_profile(ACTIVITY, profile_id)
    assert fetched.success and json.loads(fetched.content.content) == {"scale": 100}
    assert lrs.delete_activity_profile(document).success
    assert lrs.retrieve_activity_profile(ACTIVITY, profile_id).response.status == 404


def test_tincan_state_and_statement_round_trip(lrs):
    state = StateDocument(
        id="bookmark", agent=AGENT, activity=ACTIVITY, content=json.dumps({"page": 3}), content_type="application/json"
    )
    assert lrs.save_state(state).success
    assert json.loads(lrs.retrieve_state(ACTIVITY, AGENT, "bookmark").content.content) == {"page": 3}
    assert lrs.delete_state(state).success

    statement = Statement(
        actor=AGENT, verb=Verb(id="http://adlnet.gov/expapi/verbs/attended", display={"en-US": "attended"}),
        object=ACTIVITY,
    )  # fmt: skip
    saved = lrs.save_statement(statement)
    assert saved.success, saved.data
    fetched = lrs.retrieve_statement(saved.content.id)
    assert fetched.success and fetched.content.actor.mbox == AGENT.mbox
