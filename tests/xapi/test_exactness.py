"""Exact storage and edge input: refused with a JSON 400 naming what is wrong, never altered, never a 500."""

import json
import uuid
from io import BytesIO

import pytest
from django.test import Client

from xapi import api

from .factories import make_statement_with_id

pytestmark = pytest.mark.django_db

CORS_HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Max-Age")


def with_score(raw_text: str) -> bytes:
    statement = make_statement_with_id(result={"score": {"raw": 0}})
    return json.dumps(statement).replace('"raw": 0', f'"raw": {raw_text}').encode()


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1e-400"])
def test_non_finite_numbers_are_refused_naming_the_property(xapi, number):
    response = xapi.post("/statements", with_score(number))
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("statement.result.score.raw: ")
    assert number in message
    assert api.count_statements() == 0


def test_non_finite_number_in_an_extension_of_a_batch_names_its_path(xapi):
    good = make_statement_with_id()
    bad = make_statement_with_id(result={"extensions": {"https://lms.example/x": [1, 2]}})
    body = json.dumps([good, bad]).replace("[1, 2]", "[1, Infinity]")
    response = xapi.post("/statements", body)
    assert response.status_code == 400
    assert "statements[1].result.extensions.https://lms.example/x[1]" in response.json()["message"]
    assert api.count_statements() == 0


def test_finite_numbers_come_back_exactly(xapi):
    numbers = {"https://lms.example/n": [1.5e300, -0.125, 5e-324, 12345678901234567890123, 0]}
    statement = make_statement_with_id(result={"score": {"raw": -0.125, "min": -1}, "extensions": numbers})
    assert xapi.post("/statements", statement).status_code == 200
    stored = xapi.get("/statements", {"statementId": statement["id"]}).json()
    # The same numbers (PostgreSQL writes 1.5e300 out in full digits: the same JSON number).
    assert [float(n) for n in stored["result"]["extensions"]["https://lms.example/n"]] == [
        float(n) for n in numbers["https://lms.example/n"]
    ]
    assert stored["result"]["extensions"]["https://lms.example/n"][3] == 12345678901234567890123
    assert stored["result"]["score"] == statement["result"]["score"]
    # Resending the identical statement is accepted (it was stored unaltered).
    assert xapi.post("/statements", statement).status_code == 200


def test_python_callers_cannot_store_nan_either():
    statement = make_statement_with_id(result={"score": {"raw": float("nan")}})
    with pytest.raises(api.StatementInvalid) as raised:
        api.record_statements([statement])
    assert "statements[0].result.score.raw" in str(raised.value)


def test_lone_surrogate_in_a_body_is_a_400(xapi):
    body = json.dumps(make_statement_with_id(actor={"mbox": "mailto:a@example.com", "name": "X"}))
    body = body.replace('"name": "X"', '"name": "\\ud800"')
    response = xapi.post("/statements", body)
    assert response.status_code == 400
    assert "statement.actor.name" in response.json()["message"]
    assert "surrogate" in response.json()["message"]


def test_a_surrogate_pair_is_a_character_and_is_kept(xapi):
    statement = make_statement_with_id(actor={"mbox": "mailto:a@example.com", "name": "學員 \U0001f600"})
    assert xapi.post("/statements", statement).status_code == 200
    assert xapi.get("/statements", {"statementId": statement["id"]}).json()["actor"]["name"] == "學員 \U0001f600"


def test_lone_surrogate_in_a_query_parameter_is_a_400(xapi):
    response = xapi.get("/statements", {"agent": '{"mbox": "mailto:\\ud800@example.com"}'})
    assert response.status_code == 400
    assert "agent" in response.json()["message"]


STATE = {"activityId": "https://lms.example/a", "agent": '{"mbox": "mailto:a@example.com"}', "stateId": "s"}


@pytest.mark.parametrize("name", ["stateId", "activityId", "registration"])
def test_nul_in_a_document_parameter_is_a_400(xapi, name):
    params = {**STATE, name: STATE.get(name, "x") + "\x00"}
    for method in ("get", "put", "delete"):
        response = getattr(xapi, method)(
            "/activities/state", *([{"a": 1}] if method == "put" else []), params, **{"If-None-Match": "*"}
        )
        assert response.status_code == 400, method
        assert response["Content-Type"] == "application/json"
        assert "U+0000" in response.json()["message"]


def test_nul_in_agent_parameter_and_profile_id_is_a_400(xapi):
    agent = '{"mbox": "mailto:a\\u0000@example.com"}'
    assert xapi.get("/agents/profile", {"agent": agent}).status_code == 400
    profile = {"activityId": "https://lms.example/a", "profileId": "p\x00"}
    assert xapi.get("/activities/profile", profile).status_code == 400
    assert xapi.get("/statements", {"verb": "http://x/\x00"}).status_code == 400


@pytest.mark.parametrize("depth", [1_000, 5_000])
def test_deeply_nested_json_is_a_400(xapi, depth):
    nested = "[" * depth + "]" * depth
    body = json.dumps(make_statement_with_id(result={"extensions": {"https://lms.example/x": "HOLE"}}))
    response = xapi.post("/statements", body.replace('"HOLE"', nested))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested too deeply" in response.json()["message"]
    document = ("{" + '"a":' * 0) + '"a":{' * depth + "}" * depth + "}"
    response = xapi.post("/activities/state", document, STATE)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["message"]


def _raw_request(body: bytes, environ: dict) -> object:
    """A POST whose WSGI environ is set by hand: a chunked body has no CONTENT_LENGTH."""
    client = Client()
    base = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/xapi/statements",
        "CONTENT_TYPE": "application/json",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": BytesIO(body),
    }
    return client.request(**{**base, **environ})


def test_chunked_body_is_read_when_the_server_decodes_it(xapi):
    statement = make_statement_with_id()
    response = _raw_request(
        json.dumps(statement).encode(),
        {
            "wsgi.input_terminated": True,
            "HTTP_AUTHORIZATION": xapi.auth,
            "HTTP_X_EXPERIENCE_API_VERSION": "2.0.0",
            "CONTENT_LENGTH": "",
        },
    )
    assert response.status_code == 200
    assert response.json() == [statement["id"]]


def test_chunked_body_without_a_decoding_server_is_411(xapi):
    response = _raw_request(
        json.dumps(make_statement_with_id()).encode(),
        {"HTTP_AUTHORIZATION": xapi.auth, "HTTP_X_EXPERIENCE_API_VERSION": "2.0.0", "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 411
    assert response.json()["error"] is True
    assert api.count_statements() == 0


def test_chunked_body_over_the_limit_is_413(xapi, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = _raw_request(
        json.dumps(make_statement_with_id()).encode(),
        {
            "wsgi.input_terminated": True,
            "HTTP_AUTHORIZATION": xapi.auth,
            "HTTP_X_EXPERIENCE_API_VERSION": "2.0.0",
            "CONTENT_LENGTH": "",
        },
    )
    assert response.status_code == 413


# --- CORS on every answer ------------------------------------------------------------------


def test_unknown_xapi_path_is_a_json_404_with_cors(client):
    for path in ("/xapi/nothing-here", "/xapi/statements/", "/xapi/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"] is True
        for header in CORS_HEADERS:
            assert response.has_header(header), (path, header)


def test_error_responses_carry_cors_and_max_age(xapi, client):
    responses = [
        xapi.get("/statements", {"statementId": str(uuid.uuid4())}),  # 404
        xapi.post("/statements", b"{"),  # 400
        client.get("/xapi/statements", headers={"X-Experience-API-Version": "2.0.0"}),  # 401
        client.options("/xapi/statements"),
    ]
    for response in responses:
        for header in CORS_HEADERS:
            assert response.has_header(header), (response.status_code, header)
    assert responses[-1]["Access-Control-Max-Age"] == "86400"


def test_an_unexpected_failure_is_a_json_500_with_cors(xapi, monkeypatch, caplog):
    from xapi import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "statement_page", broken)
    response = xapi.get("/statements")
    assert response.status_code == 500
    assert response.json() == {"error": True, "message": "the LRS failed to answer this request; the failure is logged"}
    for header in CORS_HEADERS:
        assert response.has_header(header)
    assert "disk on fire" in caplog.text
