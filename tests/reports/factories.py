import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import CertificationTrack, CompetencyAxis, Course, IssuingBody, Modality, Offering, Topic
from reports.models import RequirementRule


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.LazyAttribute(lambda o: o.slug)


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyAxis
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"axis-{n}")
    name = factory.LazyAttribute(lambda o: o.slug)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"C-{n:03d}")
    title = factory.Sequence(lambda n: f"測試課程{n}")
    summary = "摘要"
    credit_hours = Decimal("3")
    modality = Modality.CLASSROOM
    competency_axis = None
    live = True

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)
            self.save()


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"O-{n:03d}")
    term = 1
    start_date = dt.date(2019, 5, 1)
    end_date = dt.date(2019, 5, 2)
    hours = Decimal("3")
    capacity = 40
    enrollment_opens = factory.LazyFunction(lambda: timezone.make_aware(dt.datetime(2019, 3, 1)))
    enrollment_closes = factory.LazyFunction(lambda: timezone.make_aware(dt.datetime(2019, 4, 1)))
    modality = Modality.CLASSROOM
    venue = "公務人力發展中心"


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationTrack

    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name = factory.Sequence(lambda n: f"認證{n}")
    issuing_body = IssuingBody.CENTER


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementRule
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"rule-{n}")
    name = factory.Sequence(lambda n: f"規定{n}")
    measure = RequirementRule.Measure.TOTAL_HOURS
    min_hours = Decimal("20")
    from_year = 2017

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)
