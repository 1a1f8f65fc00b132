import uuid

import pytest
from django.core.management import call_command

from xapi import api, signals

from .factories import make_agent, make_statement, make_statement_with_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def stored(sender, **kwargs):
        calls.append(("stored", kwargs))

    def voided(sender, **kwargs):
        calls.append(("voided", kwargs))

    signals.statements_stored.connect(stored)
    signals.statements_voided.connect(voided)
    yield calls
    signals.statements_stored.disconnect(stored)
    signals.statements_voided.disconnect(voided)


def test_record_statements_returns_ids_and_sends_stored_on_commit(django_capture_on_commit_callbacks, received):
    statement = make_statement_with_id()
    with django_capture_on_commit_callbacks(execute=True):
        ids = api.record_statements([statement])
        assert received == []
    assert ids == [uuid.UUID(statement["id"])]
    [(kind, payload)] = received
    assert kind == "stored"
    assert payload["statement_ids"] == ids
    assert payload["statements"][0]["id"] == statement["id"]
    assert payload["statements"][0]["authority"] == api.LMS_AUTHORITY


def test_record_statements_with_a_bad_statement_stores_nothing_and_sends_nothing(
    django_capture_on_commit_callbacks, received
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(api.StatementInvalid) as excinfo:
        api.record_statements([make_statement(), make_statement(actor={"mbox": "bad"})])
    assert "statements[1].actor.mbox" in str(excinfo.value)
    assert set(excinfo.value.message_dict) == {"statements[1].actor.mbox"}
    assert api.count_statements() == 0
    assert received == []


def test_void_statement_sends_voided_on_commit(django_capture_on_commit_callbacks, received):
    [target] = api.record_statements([make_statement()])
    with django_capture_on_commit_callbacks(execute=True):
        voiding_id = api.void_statement(target)
    assert ("voided", {"statement_ids": [target], "signal": signals.statements_voided}) in received
    assert api.get_statement(target) is None
    assert api.get_statement(target, voided=True)["id"] == str(target)
    assert api.get_statement(voiding_id)["object"] == {"objectType": "StatementRef", "id": str(target)}


def test_void_statement_refuses_a_voiding_statement_or_an_unknown_id():
    [target] = api.record_statements([make_statement()])
    voiding_id = api.void_statement(target)
    with pytest.raises(api.BadRequest):
        api.void_statement(voiding_id)
    with pytest.raises(api.BadRequest):
        api.void_statement(uuid.uuid4())
    assert api.count_statements() == 2


def test_query_statements_filters_and_pages_through_everything():
    registration = uuid.uuid4()
    api.record_statements([make_statement(context={"registration": str(registration)}) for _ in range(3)])
    api.record_statements([make_statement(actor=make_agent(7))])
    assert len(api.query_statements(registration=registration)) == 3
    assert len(api.query_statements(agent=make_agent(7))) == 1
    assert len(api.query_statements()) == 4
    assert len(api.query_statements(limit=2)) == 2


def test_iter_statements_reads_every_page_lazily(monkeypatch):
    from xapi import selectors

    api.record_statements([make_statement(actor=make_agent(n)) for n in range(5)])
    pages = []
    real_page = selectors.statement_page

    def counting(query, *, after=None):
        pages.append(after)
        return real_page(query, after=after)

    monkeypatch.setattr(selectors, "MAX_LIMIT", 2)
    monkeypatch.setattr(selectors, "statement_page", counting)
    statements = api.iter_statements(ascending=True)
    assert pages == []  # nothing is read before the first statement is asked for
    assert next(statements)["actor"] == make_agent(0)
    assert len(pages) == 1
    assert [s["actor"]["name"] for s in statements] == [f"Learner {n}" for n in range(1, 5)]
    assert len(pages) == 3  # 2 + 2 + 1
    assert len(api.query_statements(limit=3)) == 3


def test_recording_a_conflicting_statement_raises_conflict():
    statement = make_statement_with_id()
    api.record_statements([statement])
    with pytest.raises(api.Conflict):
        api.record_statements([{**statement, "verb": {"id": "http://example.org/verbs/other"}}])


def test_get_or_create_credential_returns_the_secret_only_once():
    credential, secret = api.get_or_create_credential("e-learning platform", ["statements/write"])
    again, no_secret = api.get_or_create_credential("e-learning platform", ["statements/write"])
    assert secret and credential.check_secret(secret)
    assert again.pk == credential.pk and no_secret is None
    assert credential.secret_hash != secret


def test_create_xapi_credential_prints_key_and_secret_last(capsys):
    call_command("create_xapi_credential", "MOOC partner", "--scope", "statements/write", "--scope", "state")
    key, secret = capsys.readouterr().out.strip().splitlines()[-1].split(" ")
    credential, _ = api.get_or_create_credential("MOOC partner", [])
    assert credential.key == key and credential.check_secret(secret)
    assert credential.scopes == ["statements/write", "state"]


def test_admin_creates_a_credential_and_shows_the_secret_once(admin_client):
    response = admin_client.post(
        "/admin/xapi_credentials/new/",
        {"name": "meeting tool", "scopes": ["statements/write"], "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    credential, _ = api.get_or_create_credential("meeting tool", [])
    assert credential.scopes == ["statements/write"]
    messages = [str(message) for message in response.context["messages"]]
    assert any(credential.key in message for message in messages)


def test_admin_lists_and_edits_credentials_without_showing_secrets(admin_client):
    credential, secret = api.get_or_create_credential("LMS", ["all"])
    listing = admin_client.get("/admin/xapi_credentials/")
    assert listing.status_code == 200
    assert credential.key in listing.content.decode() and secret not in listing.content.decode()
    edit_url = f"/admin/xapi_credentials/edit/{credential.pk}/"
    assert admin_client.get(edit_url).status_code == 200
    response = admin_client.post(edit_url, {"name": "LMS", "scopes": ["statements/read"]})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.scopes == ["statements/read"] and not credential.is_active
    assert credential.check_secret(secret)


def test_a_credential_and_an_explicit_authority_are_not_combined(credential_pair):
    # The authority of a credential's statements is derived from it; queries rely on that.
    from xapi.services.statements import record_statements

    credential, _secret = credential_pair
    with pytest.raises(TypeError):
        record_statements([make_statement()], credential=credential, authority=api.LMS_AUTHORITY)
    assert api.count_statements() == 0
