import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courses.models import Course, Enrollment, Modality, Offering
from courses.selectors import upcoming_offerings
from tests.courses.factories import (
    AssessmentFactory,
    CatalogEnrollmentFactory,
    CertificationTrackFactory,
    CourseFactory,
    UpcomingOfferingFactory,
    in_days,
)

pytestmark = pytest.mark.django_db


def _offering(**overrides) -> Offering:
    offering = UpcomingOfferingFactory.build(course=CourseFactory(), **overrides)
    return offering


def test_a_valid_offering_passes_full_clean():
    _offering().full_clean()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": dt.date(2020, 1, 1)}, "end_date", "結訓日期不可早於開訓日期"),
        ({"hours": Decimal("0")}, "hours", "訓練時數必須大於 0"),
        ({"hours": Decimal("-3")}, "hours", "訓練時數必須大於 0"),
        ({"capacity": 0}, "capacity", "名額至少為 1 人"),
        ({"enrollment_closes": in_days(25)}, "enrollment_closes", "報名截止不可晚於開訓時間"),
        (
            {"enrollment_opens": in_days(-1), "enrollment_closes": in_days(-2)},
            "enrollment_closes",
            "報名截止不可早於報名開始",
        ),
        ({"modality": Modality.REMOTE, "meeting_url": ""}, "meeting_url", "線上會議連結"),
        ({"venue": ""}, "venue", "上課地點"),
    ],
)
def test_invalid_offering_is_refused_with_a_message_on_the_field(overrides, field, message):
    offering = _offering(**overrides)
    with pytest.raises(ValidationError) as excinfo:
        offering.full_clean()
    assert field in excinfo.value.message_dict
    assert any(message in text for text in excinfo.value.message_dict[field])


def test_elearning_enrolment_may_stay_open_while_the_course_runs_but_not_after_it_ends():
    start = dt.date.today() + dt.timedelta(days=1)
    offering = _offering(
        modality=Modality.ELEARNING,
        venue="",
        start_date=start,
        end_date=start + dt.timedelta(days=60),
        enrollment_opens=in_days(-1),
        enrollment_closes=in_days(30),
    )
    offering.full_clean()
    offering.enrollment_closes = in_days(90)
    with pytest.raises(ValidationError) as excinfo:
        offering.full_clean()
    assert set(excinfo.value.message_dict) == {"enrollment_closes"}


@pytest.mark.parametrize(
    "overrides",
    [{"capacity": 0}, {"hours": Decimal("0")}, {"end_date": dt.date(2000, 1, 1)}],
)
def test_database_refuses_invalid_offerings_even_without_full_clean(overrides):
    with pytest.raises(IntegrityError), transaction.atomic():
        UpcomingOfferingFactory(**overrides)
    assert not Offering.objects.exists()


def test_course_grade_range_must_be_ordered():
    course = CourseFactory.build(min_grade=10, max_grade=8)
    with pytest.raises(ValidationError) as excinfo:
        course.full_clean()
    assert "max_grade" in excinfo.value.message_dict


def test_course_refuses_unknown_agency_kinds():
    course = CourseFactory.build(eligible_agency_kinds=["school", "spaceport"])
    with pytest.raises(ValidationError) as excinfo:
        course.full_clean()
    assert "spaceport" in str(excinfo.value.message_dict["eligible_agency_kinds"])


def test_seats_left_counts_seat_holding_enrolments_only():
    offering = UpcomingOfferingFactory(capacity=3)
    CatalogEnrollmentFactory(offering=offering, status=Enrollment.Status.ENROLLED)
    CatalogEnrollmentFactory(offering=offering, status=Enrollment.Status.PENDING_APPROVAL)
    CatalogEnrollmentFactory(offering=offering, status=Enrollment.Status.CANCELLED)
    CatalogEnrollmentFactory(offering=offering, status=Enrollment.Status.WAITLISTED)
    [annotated] = upcoming_offerings(course=offering.course)
    assert (annotated.seats_taken, annotated.seats_left) == (2, 1)


def test_upcoming_offerings_leave_out_past_and_cancelled_ones():
    course = CourseFactory()
    current = UpcomingOfferingFactory(course=course)
    UpcomingOfferingFactory(course=course, is_cancelled=True)
    past_start = dt.date.today() - dt.timedelta(days=30)
    UpcomingOfferingFactory(
        course=course,
        start_date=past_start,
        end_date=past_start + dt.timedelta(days=1),
        enrollment_opens=in_days(-60),
        enrollment_closes=in_days(-40),
    )
    assert list(upcoming_offerings(course=course)) == [current]


def test_one_active_enrolment_per_person_and_offering_but_cancelled_ones_stay():
    enrollment = CatalogEnrollmentFactory(status=Enrollment.Status.CANCELLED)
    CatalogEnrollmentFactory(person=enrollment.person, offering=enrollment.offering)
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogEnrollmentFactory(person=enrollment.person, offering=enrollment.offering)
    assert Enrollment.objects.count() == 2


def test_assessment_pass_mark_must_lie_between_zero_and_the_maximum():
    assessment = AssessmentFactory.build(track=CertificationTrackFactory(), pass_mark=Decimal("120"))
    with pytest.raises(ValidationError) as excinfo:
        assessment.full_clean()
    assert "pass_mark" in excinfo.value.message_dict


def test_track_issued_by_another_body_needs_its_name():
    track = CertificationTrackFactory.build(issuing_body="other", issuing_body_other="")
    with pytest.raises(ValidationError) as excinfo:
        track.full_clean()
    assert "issuing_body_other" in excinfo.value.message_dict


def test_published_courses_exclude_drafts():
    live = CourseFactory()
    CourseFactory(live=False)
    assert list(Course.objects.published()) == [live]
