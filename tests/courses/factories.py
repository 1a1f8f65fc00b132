import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import (
    Assessment,
    CertificationTrack,
    CompetencyAxis,
    Course,
    Enrollment,
    IssuingBody,
    Modality,
    Offering,
    Session,
    Topic,
)
from lms.people.roles import Role
from tests.lms.people.factories import PersonFactory, TraineeFactory, UserFactory


def aware(year, month, day, hour=9, minute=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


# Fixed dates keep statements reproducible; tests pass `now=` inside the enrolment window.
OPENS = aware(2026, 3, 1)
CLOSES = aware(2026, 3, 20, 17)
DURING_WINDOW = aware(2026, 3, 10)


def in_days(days: int, hour: int = 9) -> dt.datetime:
    """An aware datetime `days` from today at `hour`, for offerings that must be upcoming whenever the suite runs."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour)))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"主題{n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CompetencyAxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyAxis
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"構面{n}")
    slug = factory.Sequence(lambda n: f"axis-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course; pass live=False for a draft and topics=[...] to tag it."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"C-{n:03d}")
    title = factory.Sequence(lambda n: f"測試課程{n}")
    summary = "課程簡介"
    credit_hours = Decimal("6")
    modality = Modality.CLASSROOM
    live = True

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics = list(extracted)
            self.save()


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


class UpcomingOfferingFactory(OfferingFactory):
    """An offering starting in 20 days whose enrolment window is open now (catalog pages show upcoming ones)."""

    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=20))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=1))
    hours = Decimal("12")
    enrollment_opens = factory.LazyFunction(lambda: in_days(-10))
    enrollment_closes = factory.LazyFunction(lambda: in_days(15, 17))


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


class CatalogEnrollmentFactory(EnrollmentFactory):
    """A seat taken by a learner who has no account, in an upcoming offering, enrolled now."""

    person = factory.SubFactory(PersonFactory)
    offering = factory.SubFactory(UpcomingOfferingFactory)
    created_at = factory.LazyFunction(timezone.now)


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
