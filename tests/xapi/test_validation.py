import pytest

from xapi.validation import StatementInvalid, validate_statements

from .factories import make_statement


def errors_of(data, version="2.0.0") -> str:
    with pytest.raises(StatementInvalid) as excinfo:
        validate_statements(data, version=version)
    return str(excinfo.value)


def test_valid_statement_is_returned_normalized():
    statement = make_statement(context={"contextActivities": {"parent": {"id": "http://example.org/p"}}})
    [result] = validate_statements(statement, version="2.0.0")
    assert result["context"]["contextActivities"]["parent"] == [{"id": "http://example.org/p"}]
    assert statement["context"]["contextActivities"]["parent"] == {"id": "http://example.org/p"}


def test_error_names_the_property_path_in_a_batch():
    bad = make_statement(actor={"mbox": "learner@example.org"})
    message = errors_of([make_statement(), make_statement(), make_statement(), bad])
    assert message.startswith("statements[3].actor.mbox:")


def test_unknown_property_is_rejected():
    assert "statement.verb.foo" in errors_of(make_statement(verb={"id": "http://x.org/v", "foo": 1}))


def test_null_property_is_rejected():
    assert "statement.result: must not be null" in errors_of(make_statement(result=None) | {"result": None})


def test_agent_needs_exactly_one_ifi():
    actor = {"mbox": "mailto:a@example.org", "openid": "http://example.org/a"}
    assert "statement.actor" in errors_of(make_statement(actor=actor))


def test_anonymous_group_needs_members():
    assert "statement.actor" in errors_of(make_statement(actor={"objectType": "Group", "name": "g"}))


def test_wrong_types_are_not_coerced():
    assert "statement.result.success" in errors_of(make_statement(result={"success": "true"}))


def test_score_must_be_within_its_range():
    assert "scaled" in errors_of(make_statement(result={"score": {"scaled": 1.5}}))
    assert "raw" in errors_of(make_statement(result={"score": {"raw": 11, "min": 0, "max": 10}}))


def test_language_map_keys_must_be_language_tags():
    assert "statement.verb.display" in errors_of(make_statement(verb={"id": "http://x.org/v", "display": {"??": "x"}}))


def test_timestamp_with_negative_zero_offset_is_rejected():
    assert "statement.timestamp" in errors_of(make_statement(timestamp="2024-01-01T00:00:00-00:00"))


def test_timestamps_are_converted_to_utc_in_2_0_only():
    statement = make_statement(timestamp="2023-05-04T12:00:00-05:00")
    assert validate_statements(statement, version="2.0.0")[0]["timestamp"] == "2023-05-04T17:00:00.000Z"
    assert validate_statements(statement, version="1.0.3")[0]["timestamp"] == "2023-05-04T12:00:00-05:00"


def test_context_agents_are_2_0_only():
    context = {"contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:i@example.org"}}]}
    assert validate_statements(make_statement(context=context), version="2.0.0")
    assert "contextAgents" in errors_of(make_statement(context=context), version="1.0.3")


def test_context_agents_need_non_empty_relevant_types():
    context = {
        "contextAgents": [
            {"objectType": "contextAgent", "agent": {"mbox": "mailto:i@example.org"}, "relevantTypes": []}
        ]
    }
    assert "statement.context.contextAgents[0].relevantTypes" in errors_of(make_statement(context=context))


def test_version_property_depends_on_the_spec_version():
    assert validate_statements(make_statement(version="2.0.0"), version="2.0.0")
    assert "statement: version" in errors_of(make_statement(version="2.0.0"), version="1.0.3")
    assert "version" in errors_of(make_statement(version="1.1.0"))


def test_voided_verb_needs_a_statement_ref():
    verb = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    assert "StatementRef" in errors_of(make_statement(verb=verb))


def test_revision_needs_an_activity_object():
    obj = {"objectType": "Agent", "mbox": "mailto:b@example.org"}
    assert "revision" in errors_of(make_statement(object=obj, context={"revision": "1"}))


def test_substatement_cannot_nest_or_carry_an_id():
    inner = make_statement()
    sub = make_statement(objectType="SubStatement", object=make_statement(objectType="SubStatement"))
    sub_with_id = {**inner, "objectType": "SubStatement", "id": "6fbd600f-d17c-4c74-801a-2ec2e53231c8"}
    assert "statement.object.object" in errors_of(make_statement(object=sub))
    assert "statement.object.id" in errors_of(make_statement(object=sub_with_id))


def test_authority_group_must_be_an_anonymous_pair():
    group = {"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]}
    assert "authority" in errors_of(make_statement(authority=group))


def test_duration_in_weeks_cannot_have_other_components():
    assert "duration" in errors_of(make_statement(result={"duration": "P4W1D"}))
    assert validate_statements(make_statement(result={"duration": "P4W"}), version="2.0.0")


def test_interaction_components_must_match_the_interaction_type():
    definition = {"interactionType": "true-false", "choices": [{"id": "a"}]}
    activity = {"id": "http://example.org/q1", "definition": definition}
    assert "choices" in errors_of(make_statement(object=activity))
