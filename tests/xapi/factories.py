"""Dict builders for xAPI documents: statements are documents, not rows."""

import copy
import uuid

ACTOR = {"objectType": "Agent", "name": "Learner One", "mbox": "mailto:learner1@example.kcg.gov.tw"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended", "zh-TW": "出席"}}
ACTIVITY = {
    "objectType": "Activity",
    "id": "https://lms.example.kcg.gov.tw/offerings/1",
    "definition": {"name": {"en-US": "Ethics"}, "type": "http://adlnet.gov/expapi/activities/meeting"},
}


def make_agent(n: int = 1) -> dict:
    return {"objectType": "Agent", "name": f"Learner {n}", "mbox": f"mailto:learner{n}@example.kcg.gov.tw"}


def make_statement(**overrides) -> dict:
    """A valid xAPI statement; keyword arguments replace top-level properties (None removes one)."""
    statement = {"actor": copy.deepcopy(ACTOR), "verb": copy.deepcopy(VERB), "object": copy.deepcopy(ACTIVITY)}
    for key, value in overrides.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return statement


def make_statement_with_id(**overrides) -> dict:
    return make_statement(id=str(uuid.uuid4()), **overrides)
