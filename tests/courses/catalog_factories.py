"""Factories for the catalog: courses, offerings, sessions, topics, tracks."""

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
from tests.lms.people.factories import PersonFactory


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
    """A published course; pass live=False for a draft."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"C-{n:04d}")
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


def _in_days(days: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour)))


class OfferingFactory(factory.django.DjangoModelFactory):
    """An offering starting in 20 days whose enrolment window is open now."""

    class Meta:
        model = Offering

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"115-T-{n:04d}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=20))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=1))
    hours = Decimal("12")
    capacity = 30
    enrollment_opens = factory.LazyFunction(lambda: _in_days(-10))
    enrollment_closes = factory.LazyFunction(lambda: _in_days(15, 17))
    modality = Modality.CLASSROOM
    venue = "公務人力發展中心 301 教室"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    offering = factory.SubFactory(OfferingFactory)
    date = factory.LazyAttribute(lambda o: o.offering.start_date)
    start_time = dt.time(9)
    end_time = dt.time(16)
    hours = Decimal("6")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    person = factory.SubFactory(PersonFactory)
    offering = factory.SubFactory(OfferingFactory)
    status = Enrollment.Status.ENROLLED


class CertificationTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationTrack

    code = factory.Sequence(lambda n: f"TRACK-{n}")
    name = factory.Sequence(lambda n: f"認證{n}")
    issuing_body = IssuingBody.CENTER


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    track = factory.SubFactory(CertificationTrackFactory)
    name = "筆試"
    kind = Assessment.Kind.WRITTEN
    pass_mark = Decimal("70")
