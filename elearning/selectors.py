"""Reads: a course's current package, a trainee's packages and attempts, the 我的學習 section."""

from __future__ import annotations

import datetime as dt

from courses.models import Enrollment
from courses.trainee_home import HomeSection
from elearning.models import Attempt, ContentPackage


def current_package(course) -> ContentPackage | None:
    return ContentPackage.objects.filter(course=course, is_current=True).first()


def packages_for_person(person) -> list[dict]:
    """Current packages of the courses the person is enrolled in, plus any they have started; with their attempt."""
    enrolled_courses = Enrollment.objects.filter(person=person, status__in=Enrollment.ACTIVE_STATUSES).values(
        "offering__course"
    )
    attempts = {a.package_id: a for a in Attempt.objects.filter(person=person).select_related("package")}
    packages = (
        ContentPackage.objects.filter(is_current=True, course__in=enrolled_courses)
        | ContentPackage.objects.filter(pk__in=attempts.keys())
    ).select_related("course")
    return [{"package": package, "attempt": attempts.get(package.pk)} for package in packages.distinct()]


def home_section(*, person, year: int, today: dt.date) -> HomeSection | None:
    """The 我的學習 section (registered in elearning.apps): the e-learning the trainee can launch or resume."""
    rows = packages_for_person(person)
    if not rows:
        return None
    return HomeSection(template="elearning/_my_elearning.html", context={"elearning_rows": rows})
