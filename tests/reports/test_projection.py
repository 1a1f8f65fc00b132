"""The projection: LMS outcome statements → LearningRecord rows, via xapi.signals."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from courses.vocabulary import Verbs
from reports import lrs
from reports.models import LearningRecord
from reports.services.projection import project_statements
from tests.lms.people.factories import PersonFactory
from tests.reports.factories import CourseFactory, OfferingFactory
from tests.reports.statements import make_statement, record, void

pytestmark = pytest.mark.django_db
TAIPEI = ZoneInfo("Asia/Taipei")


def test_a_recorded_statement_is_projected_on_commit(django_capture_on_commit_callbacks):
    person = PersonFactory()
    offering = OfferingFactory()
    statement = make_statement(
        person, offering=offering, hours=2.5, scheduled=3, leave=0.5, at=dt.datetime(2019, 5, 1, 17, tzinfo=TAIPEI)
    )
    with django_capture_on_commit_callbacks(execute=True):
        record([statement])
    row = LearningRecord.objects.get()
    assert row.statement_id == uuid.UUID(statement["id"])
    assert (row.person, row.offering, row.course) == (person, offering, offering.course)
    assert (float(row.credited_hours), float(row.scheduled_hours), float(row.leave_hours)) == (2.5, 3.0, 0.5)
    assert (row.year, row.occurred_on, row.modality) == (2019, dt.date(2019, 5, 1), "classroom")


def test_nothing_is_projected_before_commit(django_capture_on_commit_callbacks):
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=False):
        record([make_statement(person, course=CourseFactory(), hours=1, at=dt.datetime(2019, 1, 1, tzinfo=TAIPEI))])
    assert not LearningRecord.objects.exists()


def test_replaying_a_statement_does_not_count_it_twice():
    person = PersonFactory()
    statement = make_statement(person, course=CourseFactory(), hours=1, at=dt.datetime(2019, 1, 1, tzinfo=TAIPEI))
    assert project_statements(statements=[statement]) == 1
    assert project_statements(statements=[statement]) == 0
    assert LearningRecord.objects.count() == 1


def test_voided_statements_leave_the_projection(django_capture_on_commit_callbacks):
    person = PersonFactory()
    statement = make_statement(person, course=CourseFactory(), hours=1, at=dt.datetime(2019, 1, 1, tzinfo=TAIPEI))
    with django_capture_on_commit_callbacks(execute=True):
        record([statement])
    with django_capture_on_commit_callbacks(execute=True):
        void(statement["id"])
    assert not LearningRecord.objects.exists()


def test_other_verbs_unknown_learners_and_foreign_actors_are_not_projected():
    person = PersonFactory()
    course = CourseFactory()
    at = dt.datetime(2019, 1, 1, tzinfo=TAIPEI)
    attended = make_statement(person, course=course, hours=1, at=at)
    attended["verb"]["id"] = Verbs.ATTENDED
    stranger = make_statement(PersonFactory.build(employee_number="NOBODY"), course=course, hours=1, at=at)
    foreign = make_statement(person, course=course, hours=1, at=at)
    foreign["actor"] = {"mbox": "mailto:someone@example.com"}
    assert project_statements(statements=[attended, stranger, foreign]) == 0
    assert not LearningRecord.objects.exists()


def test_statements_of_other_authorities_are_not_credited(monkeypatch):
    monkeypatch.setattr(lrs, "LMS_AUTHORITY", {"account": {"homePage": "urn:kcg-lms:xapi:credential", "name": "lms"}})
    person = PersonFactory()
    statement = make_statement(person, course=CourseFactory(), hours=1, at=dt.datetime(2019, 1, 1, tzinfo=TAIPEI))
    statement["authority"] = {"account": {"homePage": "https://mooc.example", "name": "platform"}}
    assert project_statements(statements=[statement]) == 0


def test_rebuild_replays_the_lrs(monkeypatch):
    person = PersonFactory()
    statement = make_statement(person, course=CourseFactory(), hours=1, at=dt.datetime(2019, 1, 1, tzinfo=TAIPEI))
    monkeypatch.setattr(lrs, "iter_statements", lambda verb, **kw: iter([statement] if verb == Verbs.COMPLETED else []))
    call_command("rebuild_learning_records")
    assert LearningRecord.objects.count() == 1


def test_rebuild_from_the_real_lrs_restores_the_projection_without_voided_records(city):
    before = sorted(LearningRecord.objects.values_list("statement_id", "credited_hours"))
    LearningRecord.objects.all().delete()
    call_command("rebuild_learning_records")
    assert sorted(LearningRecord.objects.values_list("statement_id", "credited_hours")) == before
    assert not LearningRecord.objects.filter(credited_hours=30).exists()
