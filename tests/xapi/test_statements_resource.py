import base64
import hashlib
import json
import uuid

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xapi import api

from .factories import make_agent, make_statement, make_statement_with_id

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def post(xapi, body, **kwargs):
    return xapi.post("/statements", body, **kwargs)


def test_post_single_statement_returns_its_id_and_stores_it(xapi):
    response = post(xapi, make_statement())
    assert response.status_code == 200
    [statement_id] = response.json()
    stored = xapi.get("/statements", {"statementId": statement_id})
    assert stored.status_code == 200
    data = stored.json()
    assert data["id"] == statement_id
    assert data["authority"]["account"]["homePage"] == "urn:kcg-lms:xapi:credential"
    assert data["version"] == "2.0.0" and data["stored"] and data["timestamp"]
    assert stored["X-Experience-API-Version"] == "2.0.0"
    assert stored["Last-Modified"]


def test_post_batch_returns_ids_in_order(xapi):
    batch = [make_statement_with_id() for _ in range(3)]
    response = post(xapi, batch)
    assert response.json() == [s["id"] for s in batch]
    assert api.count_statements() == 3


def test_batch_with_one_bad_statement_stores_nothing_and_names_the_path(xapi):
    batch = [make_statement(), make_statement(), make_statement(verb={"id": "not an iri"})]
    response = post(xapi, batch)
    assert response.status_code == 400
    assert "statements[2].verb.id" in response.json()["message"]
    assert api.count_statements() == 0


def test_bad_json_is_rejected(xapi):
    response = post(xapi, b"{not json")
    assert response.status_code == 400
    assert api.count_statements() == 0


def test_empty_batch_is_rejected(xapi):
    assert post(xapi, []).status_code == 400


def test_put_stores_under_the_given_id(xapi):
    statement_id = str(uuid.uuid4())
    response = xapi.put("/statements", make_statement(), {"statementId": statement_id})
    assert response.status_code == 204
    assert api.get_statement(statement_id)["id"] == statement_id


def test_put_without_statement_id_is_rejected(xapi):
    assert xapi.put("/statements", make_statement()).status_code == 400
    assert api.count_statements() == 0


def test_put_with_mismatched_id_is_rejected(xapi):
    response = xapi.put("/statements", make_statement_with_id(), {"statementId": str(uuid.uuid4())})
    assert response.status_code == 400


def test_resending_the_same_statement_is_accepted_and_stored_once(xapi):
    statement = make_statement_with_id()
    assert xapi.put("/statements", statement, {"statementId": statement["id"]}).status_code == 204
    assert xapi.put("/statements", statement, {"statementId": statement["id"]}).status_code == 204
    assert post(xapi, statement).status_code == 200
    assert api.count_statements() == 1


def test_conflicting_put_is_rejected_and_the_original_kept(xapi):
    statement = make_statement_with_id()
    xapi.put("/statements", statement, {"statementId": statement["id"]})
    changed = {**statement, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}
    assert xapi.put("/statements", changed, {"statementId": statement["id"]}).status_code == 409
    assert api.get_statement(statement["id"])["verb"]["id"] == statement["verb"]["id"]


def test_duplicate_ids_in_one_batch_are_rejected(xapi):
    statement = make_statement_with_id()
    assert post(xapi, [statement, statement]).status_code == 400
    assert api.count_statements() == 0


def test_missing_version_header_is_rejected(xapi):
    response = xapi.get("/statements", **{"X-Experience-API-Version": None})
    assert response.status_code == 400


def test_unsupported_version_header_is_rejected(xapi):
    assert xapi.get("/statements", **{"X-Experience-API-Version": "0.9"}).status_code == 400
    assert xapi.get("/statements", **{"X-Experience-API-Version": "1.0.1"}).status_code == 200


def test_1_0_3_requests_get_1_0_3_answers(xapi_103):
    response = xapi_103.post("/statements", make_statement())
    assert response["X-Experience-API-Version"] == "1.0.3"
    [statement_id] = response.json()
    assert api.get_statement(statement_id)["version"] == "1.0.0"


def test_wrong_credentials_are_rejected(xapi):
    xapi.auth = "Basic " + base64.b64encode(b"nobody:nothing").decode()
    response = post(xapi, make_statement())
    assert response.status_code == 401
    assert api.count_statements() == 0


def test_missing_credentials_are_rejected(xapi):
    xapi.auth = None
    assert xapi.get("/statements").status_code == 401


def test_deactivated_credential_is_rejected(client_with_scopes):
    client = client_with_scopes("all", name="deactivated")
    from xapi.models import Credential
    from xapi.services.credentials import forget_cached

    credential = Credential.objects.get(name="deactivated")
    Credential.objects.filter(pk=credential.pk).update(is_active=False)
    forget_cached(credential.key)
    assert client.get("/statements").status_code == 401


def test_write_scope_cannot_read(client_with_scopes):
    writer = client_with_scopes("statements/write")
    assert writer.post("/statements", make_statement()).status_code == 200
    assert writer.get("/statements").status_code == 403


def test_read_scope_cannot_write(client_with_scopes):
    reader = client_with_scopes("statements/read")
    assert reader.post("/statements", make_statement()).status_code == 403
    assert api.count_statements() == 0


def test_read_mine_sees_only_its_own_statements(client_with_scopes, xapi):
    mine = client_with_scopes("statements/write", "statements/read/mine", name="mine")
    [own] = mine.post("/statements", make_statement()).json()
    [other] = post(xapi, make_statement()).json()
    ids = [s["id"] for s in mine.get("/statements").json()["statements"]]
    assert ids == [own]
    assert mine.get("/statements", {"statementId": other}).status_code == 404


def test_query_filters_by_agent_verb_activity_and_registration(xapi):
    registration = str(uuid.uuid4())
    target = make_statement(actor=make_agent(2), context={"registration": registration})
    post(xapi, [make_statement(), target])
    agent = json.dumps(make_agent(2))
    assert len(xapi.get("/statements", {"agent": agent}).json()["statements"]) == 1
    assert len(xapi.get("/statements", {"registration": registration}).json()["statements"]) == 1
    assert len(xapi.get("/statements", {"verb": target["verb"]["id"]}).json()["statements"]) == 2
    assert len(xapi.get("/statements", {"activity": target["object"]["id"]}).json()["statements"]) == 2
    assert xapi.get("/statements", {"verb": "http://example.org/none"}).json()["statements"] == []


def test_related_filters_look_into_context_and_members(xapi):
    parent = "http://example.org/course/parent"
    instructor = make_agent(9)
    statement = make_statement(context={"instructor": instructor, "contextActivities": {"parent": [{"id": parent}]}})
    post(xapi, statement)
    assert xapi.get("/statements", {"activity": parent}).json()["statements"] == []
    assert len(xapi.get("/statements", {"activity": parent, "related_activities": "true"}).json()["statements"]) == 1
    agent = json.dumps(instructor)
    assert xapi.get("/statements", {"agent": agent}).json()["statements"] == []
    assert len(xapi.get("/statements", {"agent": agent, "related_agents": "true"}).json()["statements"]) == 1


def test_query_pages_with_more_and_limit(xapi):
    post(xapi, [make_statement_with_id() for _ in range(5)])
    first = xapi.get("/statements", {"limit": 2}).json()
    assert len(first["statements"]) == 2 and first["more"]
    seen = [s["id"] for s in first["statements"]]
    more = first["more"]
    while more:
        page = xapi.client.get(more, headers=xapi.headers()).json()
        seen += [s["id"] for s in page["statements"]]
        more = page["more"]
    assert len(seen) == len(set(seen)) == 5


def test_query_orders_and_bounds_by_stored(xapi):
    [first] = post(xapi, make_statement()).json()
    [second] = post(xapi, make_statement()).json()
    newest_first = [s["id"] for s in xapi.get("/statements").json()["statements"]]
    assert newest_first == [second, first]
    oldest_first = [s["id"] for s in xapi.get("/statements", {"ascending": "true"}).json()["statements"]]
    assert oldest_first == [first, second]
    stored_first = api.get_statement(first)["stored"]
    assert [s["id"] for s in xapi.get("/statements", {"since": stored_first}).json()["statements"]] == [second]
    assert [s["id"] for s in xapi.get("/statements", {"until": stored_first}).json()["statements"]] == [first]


def test_query_has_consistent_through_even_on_errors(xapi):
    assert xapi.get("/statements")["X-Experience-API-Consistent-Through"]
    response = xapi.get("/statements", {"statementId": str(uuid.uuid4()), "verb": "http://example.org/v"})
    assert response.status_code == 400
    assert response["X-Experience-API-Consistent-Through"]


def test_bad_query_parameters_are_rejected(xapi):
    assert xapi.get("/statements", {"limit": "-1"}).status_code == 400
    assert xapi.get("/statements", {"format": "full"}).status_code == 400
    assert xapi.get("/statements", {"agent": "{not json"}).status_code == 400
    assert xapi.get("/statements", {"agent": json.dumps({"name": "no ifi"})}).status_code == 400
    assert xapi.get("/statements", {"unknown": "1"}).status_code == 400
    assert xapi.get("/statements", {"since": "yesterday"}).status_code == 400


def test_format_ids_keeps_only_identifiers(xapi):
    [statement_id] = post(xapi, make_statement()).json()
    data = xapi.get("/statements", {"statementId": statement_id, "format": "ids"}).json()
    assert data["actor"] == {"objectType": "Agent", "mbox": "mailto:learner1@example.kcg.gov.tw"}
    assert data["verb"] == {"id": "http://adlnet.gov/expapi/verbs/attended"}
    assert data["object"] == {"id": "https://lms.example.kcg.gov.tw/offerings/1"}


def test_format_canonical_picks_the_accepted_language(xapi):
    [statement_id] = post(xapi, make_statement()).json()
    params = {"statementId": statement_id, "format": "canonical"}
    response = xapi.get("/statements", params, **{"Accept-Language": "zh-TW"})
    assert response.json()["verb"]["display"] == {"zh-TW": "出席"}


def test_head_returns_headers_without_a_body(xapi):
    response = xapi.head("/statements")
    assert response.status_code == 200
    assert response.content == b""


def void(xapi, target_id):
    voiding = make_statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target_id})
    return post(xapi, voiding)


def test_voided_statement_is_found_only_by_voided_statement_id(xapi):
    [target] = post(xapi, make_statement()).json()
    [voiding] = void(xapi, target).json()
    assert xapi.get("/statements", {"statementId": target}).status_code == 404
    assert xapi.get("/statements", {"voidedStatementId": target}).json()["id"] == target
    ids = [s["id"] for s in xapi.get("/statements").json()["statements"]]
    assert ids == [voiding]


def test_voiding_statement_is_returned_by_the_filters_of_its_target(xapi):
    [target] = post(xapi, make_statement(verb={"id": "http://example.org/verbs/special"})).json()
    [voiding] = void(xapi, target).json()
    found = xapi.get("/statements", {"verb": "http://example.org/verbs/special"}).json()["statements"]
    assert [s["id"] for s in found] == [voiding]


def test_a_voiding_statement_cannot_be_voided(xapi):
    [target] = post(xapi, make_statement()).json()
    [voiding] = void(xapi, target).json()
    assert void(xapi, voiding).status_code == 200
    assert xapi.get("/statements", {"statementId": voiding}).status_code == 200


def test_voiding_an_unknown_statement_is_accepted(xapi):
    assert void(xapi, str(uuid.uuid4())).status_code == 200


def multipart(parts: list[tuple[dict, bytes]], boundary: str = "xapiboundary") -> tuple[bytes, str]:
    chunks = []
    for headers, content in parts:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode() + content + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--".encode(), f"multipart/mixed; boundary={boundary}"


def attachment_for(content: bytes, **overrides) -> dict:
    attachment = {
        "usageType": "http://example.org/attachment-usage/certificate",
        "display": {"en-US": "certificate"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }
    attachment.update(overrides)
    return attachment


def test_attachments_are_stored_and_returned_as_multipart(xapi):
    content = b"certificate of completion"
    statement = make_statement(attachments=[attachment_for(content)])
    body, content_type = multipart(
        [
            ({"Content-Type": "application/json"}, json.dumps(statement).encode()),
            (
                {
                    "Content-Type": "text/plain",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
                },
                content,
            ),
        ]
    )
    response = post(xapi, body, content_type=content_type)
    assert response.status_code == 200
    [statement_id] = response.json()
    fetched = xapi.get("/statements", {"statementId": statement_id, "attachments": "true"})
    assert fetched["Content-Type"].startswith("multipart/mixed")
    assert content in fetched.content


def test_attachment_without_its_part_is_rejected(xapi):
    statement = make_statement(attachments=[attachment_for(b"missing")])
    assert post(xapi, statement).status_code == 400
    assert api.count_statements() == 0


def test_malformed_multipart_is_rejected(xapi):
    content = b"x"
    statement = make_statement(attachments=[attachment_for(content)])
    body, content_type = multipart(
        [
            ({"Content-Type": "application/json"}, json.dumps(statement).encode()),
            ({"Content-Type": "text/plain", "X-Experience-API-Hash": hashlib.sha256(content).hexdigest()}, content),
        ]
    )
    assert post(xapi, body, content_type=content_type).status_code == 400  # no Content-Transfer-Encoding
    assert post(xapi, body[:-10], content_type=content_type).status_code == 400  # no closing boundary
    assert post(xapi, body, content_type="multipart/mixed").status_code == 400  # no boundary
    assert api.count_statements() == 0


def test_oversized_body_is_refused(xapi, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(xapi, [make_statement() for _ in range(5)])
    assert response.status_code == 413
    assert api.count_statements() == 0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_body(statement: dict, alg: str = "RS256", tamper: bool = False) -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = _b64(json.dumps({"alg": alg}).encode())
    signed = dict(statement)
    if tamper:
        signed["verb"] = {"id": "http://example.org/verbs/other"}
    payload = _b64(json.dumps(signed).encode())
    algorithms = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}
    hash_algorithm = algorithms.get(alg, hashes.SHA256())
    signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hash_algorithm)
    jws = f"{header}.{payload}.{_b64(signature)}".encode()
    full = {
        **statement,
        "attachments": [
            attachment_for(
                jws, usageType="http://adlnet.gov/expapi/attachments/signature", contentType="application/octet-stream"
            )
        ],
    }
    return multipart(
        [
            ({"Content-Type": "application/json"}, json.dumps(full).encode()),
            (
                {
                    "Content-Type": "application/octet-stream",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": hashlib.sha256(jws).hexdigest(),
                },
                jws,
            ),
        ]
    )


def test_signed_statement_is_accepted(xapi):
    body, content_type = signed_body(make_statement_with_id())
    assert post(xapi, body, content_type=content_type).status_code == 200


def test_signed_statement_with_wrong_payload_or_algorithm_is_rejected(xapi):
    body, content_type = signed_body(make_statement_with_id(), tamper=True)
    assert post(xapi, body, content_type=content_type).status_code == 400
    body, content_type = signed_body(make_statement_with_id(), alg="HS256")
    assert post(xapi, body, content_type=content_type).status_code == 400
    assert api.count_statements() == 0


def test_related_filters_combine_with_each_other_and_with_plain_filters(xapi):
    parent = "http://example.org/course/combined"
    instructor = make_agent(8)
    statement = make_statement(context={"instructor": instructor, "contextActivities": {"grouping": [{"id": parent}]}})
    post(
        xapi,
        [statement, make_statement(actor=make_agent(5), context={"contextActivities": {"grouping": [{"id": parent}]}})],
    )
    both = {"agent": json.dumps(instructor), "related_agents": "true", "activity": parent, "related_activities": "true"}
    assert len(xapi.get("/statements", both).json()["statements"]) == 1
    actor_and_related_activity = {"agent": json.dumps(make_agent(5)), "activity": parent, "related_activities": "true"}
    assert len(xapi.get("/statements", actor_and_related_activity).json()["statements"]) == 1
    with_verb = {**both, "verb": "http://example.org/verbs/none"}
    assert xapi.get("/statements", with_verb).json()["statements"] == []


def test_bad_query_parameter_message_names_the_parameter(xapi):
    assert xapi.get("/statements", {"registration": "nope"}).json()["message"].startswith("registration:")
    assert xapi.get("/statements", {"agent": json.dumps({"mbox": "x"})}).json()["message"].startswith("agent.mbox:")
    assert xapi.get("/statements", {"related_agents": "yes"}).json()["message"].startswith("related_agents:")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"actor": {"objectType": "Agent", "name": "A\u0000B", "mbox": "mailto:a@example.org"}}, "actor.name"),
        ({"result": {"extensions": {"http://example.org/x": ["ok", "a\u0000"]}}}, "result.extensions.http"),
        ({"result": {"extensions": {"http://example.org/\u0000": 1}}}, "result.extensions.http"),
    ],
)
def test_a_nul_character_is_refused_with_its_path_and_nothing_is_stored(xapi, change, path):
    # PostgreSQL's JSONB cannot hold U+0000: the LRS says so instead of failing with a 500.
    response = post(xapi, [make_statement(), make_statement(**change)])
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"statements[1].{path}")
    assert "U+0000" in response.json()["message"]
    assert api.count_statements() == 0


def test_null_inside_an_extension_value_is_still_allowed(xapi):
    statement = make_statement(result={"extensions": {"http://example.org/x": {"a": None, "b": [None]}}})
    assert post(xapi, statement).status_code == 200
