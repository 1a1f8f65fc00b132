"""Reads of the catalog, shared by the public pages, the admin and the API."""

from __future__ import annotations

from django.utils import timezone

from courses.models import Course, Offering


def upcoming_offerings(*, course: Course, today=None):
    """A course's offerings that have not ended, with `seats_left` annotated, soonest first."""
    return Offering.objects.filter(course=course).upcoming(today).with_seats().order_by("start_date", "code")


def published_courses():
    return Course.objects.published()


def offering_is_open(offering: Offering, now=None) -> bool:
    return offering.is_open_for_enrollment(now or timezone.now())
