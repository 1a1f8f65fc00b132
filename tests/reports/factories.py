"""Factories for the reports tests: the course factories with the defaults the hand-computed
fixtures were written against (2019 offerings of 3 hours, no session days), plus RuleFactory."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from reports.models import RequirementRule
from tests.courses import factories as course_factories
from tests.courses.factories import CertificationTrackFactory as TrackFactory

__all__ = ["AxisFactory", "CourseFactory", "OfferingFactory", "RuleFactory", "TopicFactory", "TrackFactory"]


class TopicFactory(course_factories.TopicFactory):
    name = factory.LazyAttribute(lambda o: o.slug)


class AxisFactory(course_factories.CompetencyAxisFactory):
    name = factory.LazyAttribute(lambda o: o.slug)


class CourseFactory(course_factories.CourseFactory):
    summary = "摘要"
    credit_hours = Decimal("3")
    competency_axis = None


class OfferingFactory(course_factories.OfferingFactory):
    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"O-{n:03d}")
    term = 1
    start_date = dt.date(2019, 5, 1)
    end_date = dt.date(2019, 5, 2)
    hours = Decimal("3")
    capacity = 40
    enrollment_opens = factory.LazyFunction(lambda: timezone.make_aware(dt.datetime(2019, 3, 1)))
    enrollment_closes = factory.LazyFunction(lambda: timezone.make_aware(dt.datetime(2019, 4, 1)))
    venue = "公務人力發展中心"
    # Reports read learning records, not session days: none are created.
    sessions = factory.PostGeneration(lambda offering, create, extracted, **kwargs: None)


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
