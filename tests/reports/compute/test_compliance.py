"""reports.compute without a database: small DataFrames in, figures out."""

import pandas as pd

from reports.compute.compliance import RuleSpec, agency_summary, person_rule_status, person_year_hours
from reports.compute.frames import place_people

AGENCIES = pd.DataFrame({"agency_id": [1, 2, 3], "path": ["0001", "00010001", "0002"], "name": ["甲", "乙", "丙"]})
PEOPLE = pd.DataFrame(
    {
        "person_id": [10, 11, 12],
        "agency_id": [1, 2, 3],
        "employment_type": ["civil_servant", "civil_servant", "teacher"],
        "rank_series": ["intermediate", "senior", ""],
        "grade": [7.0, 10.0, float("nan")],
        "is_supervisor": [False, True, False],
    }
)
COURSES = pd.DataFrame({"course_id": [100, 101, 102], "axis_id": [1.0, float("nan"), 2.0]})
COURSE_TOPICS = pd.DataFrame({"course_id": [100, 102], "topic_id": [5, 6]})
RECORDS = pd.DataFrame(
    {
        "person_id": [10, 10, 11, 11, 12],
        "course_id": [100.0, 101.0, 102.0, 100.0, 100.0],
        "modality": ["classroom", "elearning", "elearning", "classroom", "classroom"],
        "hours": [3.0, 10.0, 6.0, 2.0, 1.0],
        "year": [2025, 2025, 2025, 2024, 2025],
        "verb": ["completed", "completed", "passed", "completed", "failed"],
    }
)


def _status(rule):
    return person_rule_status(
        people=PEOPLE, agencies=AGENCIES, records=RECORDS, courses=COURSES, course_topics=COURSE_TOPICS, rules=[rule]
    ).set_index("person_id")


def test_total_hours_count_crediting_verbs_of_the_year_only():
    status = _status(
        RuleSpec(id=1, code="t", name="t", measure="total_hours", min_hours=10, first_year=2025, last_year=2025)
    )
    assert status["value"].to_dict() == {10: 13.0, 11: 6.0, 12: 0.0}
    assert status["met"].to_dict() == {10: True, 11: False, 12: False}
    assert status["missing"].to_dict() == {10: 0.0, 11: 4.0, 12: 10.0}


def test_work_related_hours_are_courses_on_a_competency_axis():
    rule = RuleSpec(
        id=1, code="w", name="w", measure="work_related_hours", min_hours=5, first_year=2025, last_year=2025
    )
    assert _status(rule)["value"].to_dict() == {10: 3.0, 11: 6.0, 12: 0.0}


def test_modality_and_topic_hours():
    digital = RuleSpec(
        id=1,
        code="d",
        name="d",
        measure="modality_hours",
        min_hours=5,
        modalities=frozenset({"elearning"}),
        first_year=2025,
        last_year=2025,
    )
    assert _status(digital)["value"].to_dict() == {10: 10.0, 11: 6.0, 12: 0.0}
    topic = RuleSpec(
        id=2,
        code="p",
        name="p",
        measure="topic_hours",
        min_hours=1,
        topic_ids=frozenset({5}),
        first_year=2024,
        last_year=2025,
    )
    assert _status(topic)["value"].to_dict() == {10: 3.0, 11: 2.0, 12: 0.0}


def test_population_filters_select_part_of_the_people():
    base = {
        "id": 1,
        "code": "x",
        "name": "x",
        "measure": "total_hours",
        "min_hours": 1,
        "first_year": 2025,
        "last_year": 2025,
    }
    assert set(_status(RuleSpec(**base, supervisors="only")).index) == {11}
    assert set(_status(RuleSpec(**base, employment_types=frozenset({"teacher"}))).index) == {12}
    assert set(_status(RuleSpec(**base, min_grade=9)).index) == {11}
    assert set(_status(RuleSpec(**base, agency_path="0001")).index) == {10, 11}
    assert set(_status(RuleSpec(**base, rank_series=frozenset({"intermediate"}))).index) == {10}


def test_course_and_path_completion():
    course = RuleSpec(
        id=1, code="c", name="c", measure="course_completion", course_id=101, first_year=2025, last_year=2025
    )
    assert _status(course)["met"].to_dict() == {10: True, 11: False, 12: False}
    path = RuleSpec(
        id=2,
        code="p",
        name="p",
        measure="path_completion",
        path_course_ids=frozenset({100, 101}),
        first_year=2025,
        last_year=2025,
    )
    status = _status(path)
    assert status.loc[10, "value"] == 2.0 and status.loc[10, "met"]
    assert status.loc[12, "value"] == 0.0 and status.loc[12, "target"] == 2.0


def test_agency_summary_rolls_up_the_tree_and_checks_coverage_targets():
    rule = RuleSpec(
        id=1,
        code="t",
        name="t",
        measure="total_hours",
        min_hours=10,
        first_year=2025,
        last_year=2025,
        coverage_target_percent=50,
    )
    status = person_rule_status(
        people=PEOPLE, agencies=AGENCIES, records=RECORDS, courses=COURSES, course_topics=COURSE_TOPICS, rules=[rule]
    )
    hours = person_year_hours(RECORDS, PEOPLE, 2025)
    overview, per_rule = agency_summary(
        people=PEOPLE, agencies=AGENCIES, person_rules=status, hours=hours, rules=[rule]
    )
    overview = overview.set_index("agency_id")
    assert overview.loc[1, "headcount"] == 2 and overview.loc[1, "average_hours"] == 9.5
    per_rule = per_rule.set_index("agency_id")
    assert (per_rule.loc[1, "eligible"], per_rule.loc[1, "compliant"], per_rule.loc[1, "target_met"]) == (2, 1, True)
    assert (per_rule.loc[3, "compliant"], per_rule.loc[3, "target_met"]) == (0, False)


def test_history_places_people_at_the_report_date_and_scope_filters_them():
    memberships = pd.DataFrame({"person_id": [12], "agency_id": [2]})
    placed = place_people(PEOPLE, memberships, AGENCIES, "0001")
    assert dict(zip(placed["person_id"], placed["agency_id"], strict=True)) == {10: 1, 11: 2, 12: 2}
