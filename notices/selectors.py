"""Reads: a person's notices, unread count, the staff log and the calendar feed's entries."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from courses.models import Enrollment
from notices.models import Notice, OfferingCalendar


def notices_for_user(user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient__user=user) if user.is_authenticated else Notice.objects.none()


def unread_count(user) -> int:
    return notices_for_user(user).filter(read_at__isnull=True).count()


def sent_log(*, status: str = "", kind: str = "", query: str = "") -> QuerySet[Notice]:
    """What was sent to whom, newest first, for staff."""
    notices = Notice.objects.select_related("recipient", "recipient__agency")
    if status:
        notices = notices.filter(status=status)
    if kind:
        notices = notices.filter(kind=kind)
    if query:
        notices = notices.filter(
            Q(recipient__name__icontains=query)
            | Q(recipient__employee_number__iexact=query)
            | Q(email__icontains=query)
            | Q(subject__icontains=query)
        )
    return notices


def calendar_entries(person) -> list[tuple]:
    """(enrollment, sessions, sequence) for the person's enrolled, not cancelled offerings."""
    enrollments = (
        Enrollment.objects.filter(person=person, status=Enrollment.Status.ENROLLED, offering__is_cancelled=False)
        .select_related("person", "offering__course")
        .prefetch_related("offering__sessions")
    )
    sequences = dict(
        OfferingCalendar.objects.filter(offering__in=[e.offering_id for e in enrollments]).values_list(
            "offering_id", "sequence"
        )
    )
    return [
        (e, sorted(e.offering.sessions.all(), key=lambda s: (s.date, s.start_time)), sequences.get(e.offering_id, 0))
        for e in enrollments
    ]
