import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from xapi import api

from .factories import make_agent, make_statement

pytestmark = pytest.mark.django_db


def test_about_lists_both_versions_without_credentials():
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_preflight_is_answered_without_credentials():
    response = Client().options("/xapi/statements")
    assert response.status_code == 200
    assert "X-Experience-API-Version" in response["Access-Control-Allow-Headers"]


def test_activities_returns_the_merged_definition(xapi):
    activity_id = "http://example.org/activities/meeting"
    first = {"id": activity_id, "definition": {"name": {"en-US": "meeting"}}}
    second = {"id": activity_id, "definition": {"name": {"zh-TW": "會議"}}}
    xapi.post("/statements", [make_statement(object=first)])
    xapi.post("/statements", [make_statement(object=second)])
    response = xapi.get("/activities", {"activityId": activity_id})
    assert response.json()["definition"]["name"] == {"en-US": "meeting", "zh-TW": "會議"}


def test_activities_needs_an_activity_id(xapi):
    assert xapi.get("/activities").status_code == 400


def test_agents_returns_a_person(xapi):
    response = xapi.get("/agents", {"agent": json.dumps(make_agent(4))})
    assert response.json() == {
        "objectType": "Person",
        "name": ["Learner 4"],
        "mbox": ["mailto:learner4@example.kcg.gov.tw"],
    }
    assert xapi.get("/agents", {"agent": json.dumps({"name": "x"})}).status_code == 400


def alternate(xapi, method: str, form: dict, query: str = ""):
    body = urlencode({"X-Experience-API-Version": xapi.version, "Authorization": xapi.auth, **form})
    return xapi.client.post(
        f"/xapi/statements?method={method}{query}", data=body, content_type="application/x-www-form-urlencoded"
    )


def test_1_0_3_alternate_request_syntax_puts_and_gets(xapi_103):
    statement_id = "6fbd600f-d17c-4c74-801a-2ec2e53231c8"
    response = alternate(xapi_103, "PUT", {"statementId": statement_id, "content": json.dumps(make_statement())})
    assert response.status_code == 204
    response = alternate(xapi_103, "GET", {"statementId": statement_id})
    assert response.json()["id"] == statement_id


def test_alternate_request_syntax_with_extra_query_parameters_is_rejected(xapi_103):
    response = alternate(xapi_103, "PUT", {"content": json.dumps(make_statement())}, query="&statementId=x")
    assert response.status_code == 400
    assert api.count_statements() == 0


def test_alternate_request_syntax_is_gone_in_2_0(xapi):
    response = alternate(xapi, "POST", {"content": json.dumps(make_statement())})
    assert response.status_code == 400
    assert api.count_statements() == 0


def test_activity_definitions_need_the_define_scope(client_with_scopes):
    activity = {"id": "http://example.org/activities/undefined", "definition": {"name": {"en-US": "x"}}}
    writer = client_with_scopes("statements/write", "statements/read")
    assert writer.post("/statements", make_statement(object=activity)).status_code == 200
    assert writer.get("/activities", {"activityId": activity["id"]}).json() == {
        "objectType": "Activity",
        "id": activity["id"],
    }
    definer = client_with_scopes("statements/write", "define", "statements/read", name="definer")
    definer.post("/statements", make_statement(object=activity))
    assert definer.get("/activities", {"activityId": activity["id"]}).json()["definition"] == activity["definition"]
