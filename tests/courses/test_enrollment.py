import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import vocabulary as v
from courses.models import Enrollment
from courses.services.enrollment import (
    approve_enrollment,
    cancel_enrollment,
    enroll_person,
    nominate_person,
    reject_enrollment,
)
from lms.people.models import AgencyKind, RankSeries
from tests.courses.factories import CLOSES, DURING_WINDOW, CourseFactory, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, PersonFactory, TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db

Status = Enrollment.Status


def verbs_for(enrollment):
    return [s["verb"]["id"] for s in xapi_api.query_statements(registration=enrollment.registration, ascending=True)]


def test_enrolling_in_an_open_offering_takes_a_seat_and_records_registered():
    offering = OfferingFactory()
    enrollment = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW)
    assert enrollment.status == Status.ENROLLED
    assert verbs_for(enrollment) == [v.Verbs.REGISTERED]


def test_enrolling_outside_the_window_is_refused_and_nothing_is_stored():
    offering = OfferingFactory()
    with pytest.raises(ValidationError) as excinfo:
        enroll_person(offering=offering, person=TraineeFactory(), now=CLOSES.replace(day=21))
    assert set(excinfo.value.message_dict) == {"offering"}
    assert not Enrollment.objects.exists() and xapi_api.count_statements() == 0


def test_ineligible_person_is_refused_with_every_reason_and_nothing_is_stored():
    course = CourseFactory(
        eligible_rank_series=RankSeries.SENIOR,
        min_grade=9,
        supervisors_only=True,
        eligible_agency_kinds=[AgencyKind.SCHOOL],
    )
    prerequisite = CourseFactory()
    course.prerequisites = [prerequisite]
    course.save()
    person = TraineeFactory(rank_series=RankSeries.INTERMEDIATE, grade=7, is_supervisor=False)
    with pytest.raises(ValidationError) as excinfo:
        enroll_person(offering=OfferingFactory(course=course), person=person, now=DURING_WINDOW)
    assert len(excinfo.value.message_dict["person"]) == 5
    assert not Enrollment.objects.exists() and xapi_api.count_statements() == 0


def test_eligible_supervisor_of_the_right_agency_kind_is_enrolled():
    course = CourseFactory(min_grade=9, supervisors_only=True, eligible_agency_kinds=[AgencyKind.FIRST_LEVEL])
    person = TraineeFactory(grade=9, is_supervisor=True)
    enrollment = enroll_person(offering=OfferingFactory(course=course), person=person, now=DURING_WINDOW)
    assert enrollment.status == Status.ENROLLED


def test_double_submission_is_refused_and_only_one_enrolment_exists():
    offering, person = OfferingFactory(), TraineeFactory()
    enroll_person(offering=offering, person=person, now=DURING_WINDOW)
    with pytest.raises(ValidationError) as excinfo:
        enroll_person(offering=offering, person=person, now=DURING_WINDOW)
    assert set(excinfo.value.message_dict) == {"person"}
    assert Enrollment.objects.count() == 1 and xapi_api.count_statements() == 1


def test_full_offering_waitlists_and_a_cancellation_promotes_the_first_waiting():
    offering = OfferingFactory(capacity=1)
    first = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW)
    second = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW.replace(minute=1))
    third = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW.replace(minute=2))
    assert (second.status, third.status) == (Status.WAITLISTED, Status.WAITLISTED)
    cancel_enrollment(enrollment=first, by_user=first.person.user, now=DURING_WINDOW.replace(hour=10))
    second.refresh_from_db(), third.refresh_from_db()
    assert (second.status, third.status) == (Status.ENROLLED, Status.WAITLISTED)
    assert verbs_for(first) == [v.Verbs.REGISTERED, v.Verbs.UNREGISTERED]
    assert verbs_for(second) == [v.Verbs.WAITLISTED, v.Verbs.REGISTERED]
    promotion = xapi_api.query_statements(registration=second.registration, verb=v.Verbs.REGISTERED)[0]
    assert promotion["context"]["extensions"][v.Extensions.PREVIOUS_STATUS] == "waitlisted"


def test_cancelling_after_the_deadline_is_refused_and_nothing_changes():
    offering = OfferingFactory()
    enrollment = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW)
    with pytest.raises(ValidationError):
        cancel_enrollment(enrollment=enrollment, by_user=enrollment.person.user, now=CLOSES.replace(day=25))
    enrollment.refresh_from_db()
    assert enrollment.status == Status.ENROLLED and verbs_for(enrollment) == [v.Verbs.REGISTERED]


def test_someone_else_cannot_cancel_my_enrolment():
    enrollment = enroll_person(offering=OfferingFactory(), person=TraineeFactory(), now=DURING_WINDOW)
    with pytest.raises(PermissionDenied):
        cancel_enrollment(enrollment=enrollment, by_user=TraineeFactory().user, now=DURING_WINDOW)


def test_offering_needing_approval_waits_then_staff_approve():
    offering = OfferingFactory(requires_approval=True)
    enrollment = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW)
    assert enrollment.status == Status.PENDING_APPROVAL
    approve_enrollment(enrollment=enrollment, by_user=StaffUserFactory(), now=DURING_WINDOW)
    enrollment.refresh_from_db()
    assert enrollment.status == Status.ENROLLED
    assert verbs_for(enrollment) == [v.Verbs.REGISTERED, v.Verbs.APPROVED]


def test_rejection_frees_the_seat_for_the_waitlist_and_a_trainee_cannot_approve():
    offering = OfferingFactory(requires_approval=True, capacity=1)
    pending = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW)
    waiting = enroll_person(offering=offering, person=TraineeFactory(), now=DURING_WINDOW.replace(minute=5))
    with pytest.raises(PermissionDenied):
        approve_enrollment(enrollment=pending, by_user=pending.person.user)
    reject_enrollment(enrollment=pending, by_user=StaffUserFactory(), now=DURING_WINDOW)
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING_APPROVAL
    assert verbs_for(pending) == [v.Verbs.REGISTERED, v.Verbs.REJECTED]


def test_officer_nominates_own_staff_but_not_another_agencys():
    social = AgencyFactory(code="SOC")
    fire = AgencyFactory(code="FIRE")
    officer = AgencyOfficerFactory(agency=social)
    offering = OfferingFactory()
    enrollment = nominate_person(
        offering=offering, person=PersonFactory(agency=social), officer_user=officer.user, now=DURING_WINDOW
    )
    assert enrollment.nominated_by == officer.user
    statement = xapi_api.query_statements(registration=enrollment.registration)[0]
    assert statement["context"]["extensions"][v.Extensions.NOMINATED_BY_AGENCY] == "SOC"
    with pytest.raises(PermissionDenied):
        nominate_person(
            offering=offering, person=PersonFactory(agency=fire), officer_user=officer.user, now=DURING_WINDOW
        )
    assert Enrollment.objects.count() == 1
