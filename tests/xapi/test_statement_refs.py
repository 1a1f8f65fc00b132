"""Statements that refer to a match (voiding statements, StatementRef objects) are returned with it
(xAPI 1.0.3 §2.5.1), whether the index of StatementRef targets has caught up with them or not:
the answer is the same before indexing, after it, for referring statements stored after it, and
for a voiding statement whose target arrived later."""

import io
import uuid

import pytest
from django.core.management import call_command

from .factories import make_agent, make_statement

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COURSE = "https://lms.example.kcg.gov.tw/course/7"
OTHER_COURSE = "https://lms.example.kcg.gov.tw/course/8"


def module(course: str, n: int) -> dict:
    return {"objectType": "Activity", "id": f"{course}/module/{n}"}


def in_course(course: str, n: int, **overrides) -> dict:
    """A module statement with the course as context parent, as e-learning platforms send them."""
    return make_statement(
        id=str(uuid.uuid4()),
        object=module(course, n),
        context={"contextActivities": {"parent": [{"id": course}]}},
        **overrides,
    )


def post(xapi, *statements: dict) -> list[str]:
    response = xapi.post("/statements", list(statements))
    assert response.status_code == 200, response.content
    return response.json()


def voiding(target_id: str) -> dict:
    return make_statement(
        id=str(uuid.uuid4()),
        actor=make_agent(99),
        verb={"id": VOIDED},
        object={"objectType": "StatementRef", "id": target_id},
    )


def index_statement_refs() -> None:
    call_command("index_statement_refs", stdout=io.StringIO())


def course_ids(xapi, **params) -> list[str]:
    """Every statement of the course query, walking `more` pages of one statement each."""
    query = {"activity": COURSE, "related_activities": "true", "limit": 1, **params}
    page = xapi.get("/statements", query).json()
    ids = [s["id"] for s in page["statements"]]
    while page["more"]:
        response = xapi.client.get(page["more"], headers=xapi.headers())
        page = response.json()
        ids += [s["id"] for s in page["statements"]]
    return ids


@pytest.fixture
def course_with_corrections(xapi):
    """A course's statements, two of them voided, one corrected, one commented on, beside another course."""
    kept, wrong, dropped, other = (
        in_course(COURSE, 1),
        in_course(COURSE, 2),
        in_course(COURSE, 3),
        in_course(OTHER_COURSE, 1),
    )
    post(xapi, kept, wrong, dropped, other)
    corrected = {**wrong, "id": str(uuid.uuid4()), "result": {"completion": True}}
    void_wrong, void_other = voiding(wrong["id"]), voiding(other["id"])
    post(xapi, void_wrong, corrected)
    post(xapi, void_other)
    void_dropped = voiding(dropped["id"])
    post(xapi, void_dropped)
    comment = make_statement(
        id=str(uuid.uuid4()),
        verb={"id": "http://adlnet.gov/expapi/verbs/commented"},
        object={"objectType": "StatementRef", "id": kept["id"]},
    )
    post(xapi, comment)
    # Newest first: the comment, the voiding of `dropped`, the correction and the voiding of `wrong`,
    # then `kept`. Not the voided statements, not the other course's statement or its voiding.
    return [comment["id"], void_dropped["id"], corrected["id"], void_wrong["id"], kept["id"]]


def test_course_query_returns_voiding_statements_and_corrections_but_not_the_voided(xapi, course_with_corrections):
    assert course_ids(xapi) == course_with_corrections


def test_course_query_answers_the_same_once_statement_refs_are_indexed(xapi, course_with_corrections):
    index_statement_refs()
    assert course_ids(xapi) == course_with_corrections
    assert course_ids(xapi, ascending="true") == list(reversed(course_with_corrections))


def test_referring_statements_stored_after_indexing_are_found(xapi, course_with_corrections):
    index_statement_refs()
    late = in_course(COURSE, 4)
    post(xapi, late)
    void_late = voiding(late["id"])
    post(xapi, void_late)
    assert course_ids(xapi) == [void_late["id"], *course_with_corrections]


def test_voiding_statement_whose_target_arrives_after_indexing_is_found_by_the_targets_filters(xapi):
    early = in_course(COURSE, 5)
    void_early = voiding(early["id"])
    post(xapi, void_early)
    index_statement_refs()  # indexed while pending
    assert course_ids(xapi) == []
    post(xapi, early)  # stored voided: its voiding statement came first
    assert course_ids(xapi) == [void_early["id"]]
    index_statement_refs()  # the target is now known
    assert course_ids(xapi) == [void_early["id"]]


def test_indexed_referring_statements_are_found_by_the_targets_agent_verb_and_registration(xapi):
    registration = str(uuid.uuid4())
    target = in_course(COURSE, 6, actor=make_agent(5))
    target["context"]["registration"] = registration
    post(xapi, target)
    void_target = voiding(target["id"])
    post(xapi, void_target)
    index_statement_refs()
    by = {
        "agent": {"agent": '{"mbox": "mailto:learner5@example.kcg.gov.tw"}'},
        "verb": {"verb": target["verb"]["id"]},
        "registration": {"registration": registration},
        "agent and activity": {
            "agent": '{"mbox": "mailto:learner5@example.kcg.gov.tw"}',
            "activity": f"{COURSE}/module/6",
        },
    }
    for name, params in by.items():
        found = [s["id"] for s in xapi.get("/statements", params).json()["statements"]]
        assert found == [void_target["id"]], name
    # The voiding statement's own actor is not the target's: it does not make the voiding statement match.
    assert (
        xapi.get("/statements", {"agent": '{"mbox": "mailto:learner6@example.kcg.gov.tw"}'}).json()["statements"] == []
    )
    mismatch = {"agent": '{"mbox": "mailto:learner5@example.kcg.gov.tw"}', "activity": OTHER_COURSE}
    assert xapi.get("/statements", mismatch).json()["statements"] == []


def test_voided_referring_statement_is_not_returned(xapi):
    target = in_course(COURSE, 7)
    comment = make_statement(
        id=str(uuid.uuid4()),
        verb={"id": "http://adlnet.gov/expapi/verbs/commented"},
        object={"objectType": "StatementRef", "id": target["id"]},
    )
    post(xapi, target, comment)
    index_statement_refs()
    assert course_ids(xapi) == [comment["id"], target["id"]]
    void_comment = voiding(comment["id"])
    post(xapi, void_comment)
    # The voiding of the comment targets a StatementRef statement, not a course statement: not returned.
    assert course_ids(xapi) == [target["id"]]
