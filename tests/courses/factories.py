import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import (
    Assessment,
    CertificationTrack,
    Course,
    Enrollment,
    IssuingBody,
    Modality,
    Offering,
    Session,
)
from lms.people.roles import Role
from tests.lms.people.factories import TraineeFactory, UserFactory


def aware(year, month, day, hour=9, minute=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


# Fixed dates keep statements reproducible; tests pass `now=` inside the enrolment window.
OPENS = aware(2026, 3, 1)
CLOSES = aware(2026, 3, 20, 17)
DURING_WINDOW = aware(2026, 3, 10)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"C-{n:03d}")
    title = factory.Sequence(lambda n: f"測試課程{n}")
    summary = "課程簡介"
    credit_hours = Decimal("6")
    modality = Modality.CLASSROOM
    live = True


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"115-T-{n:03d}")
    start_date = dt.date(2026, 4, 1)
    end_date = dt.date(2026, 4, 1)
    hours = Decimal("6")
    capacity = 30
    enrollment_opens = OPENS
    enrollment_closes = CLOSES
    modality = Modality.CLASSROOM
    venue = "公務人力發展中心 301 教室"
    attendance_threshold = 80

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        """sessions=[hours, ...] creates one session day per entry from start_date (default: one 6-hour day)."""
        if not create or extracted == []:
            return
        for i, hours in enumerate(extracted or [self.hours]):
            Session.objects.create(
                offering=self,
                date=self.start_date + dt.timedelta(days=i),
                start_time=dt.time(9, 0),
                end_time=dt.time(16, 0),
                hours=Decimal(hours),
                sort_order=i,
            )


class RemoteOfferingFactory(OfferingFactory):
    modality = Modality.REMOTE
    venue = ""
    meeting_url = "https://meet.example.kcg.gov.tw/room/1"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    person = factory.SubFactory(TraineeFactory)
    offering = factory.SubFactory(OfferingFactory)
    status = Enrollment.Status.ENROLLED
    created_at = DURING_WINDOW


def StaffUserFactory(**kwargs):  # noqa: N802 — reads like the other factories
    return UserFactory(roles=[Role.TRAINING_STAFF], **kwargs)


class CertificationTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationTrack

    code = factory.Sequence(lambda n: f"TRK-{n}")
    name = factory.Sequence(lambda n: f"測試認證{n}")
    issuing_body = IssuingBody.CENTER


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    track = factory.SubFactory(CertificationTrackFactory)
    name = "筆試"
    kind = Assessment.Kind.WRITTEN
    pass_mark = Decimal("70")
