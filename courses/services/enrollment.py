"""Enrolment: enrol, nominate (薦送), cancel, approve, reject and promote from the waitlist.

Every change of an enrolment takes a row lock on its offering first (select_for_update), so
counting the seats and taking one are one step: two people racing for the last seat are
serialised and exactly one gets it. The statement for each change is recorded in the same
transaction, so a failed write leaves neither the row nor the statement.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import signals, statements
from courses.models import Completion, Course, Enrollment, Offering
from courses.selectors import waitlist_position
from lms.people.models import Person
from lms.people.roles import can_nominate, is_training_staff
from xapi import api as xapi_api

Status = Enrollment.Status


def eligibility_problems(*, person: Person, course: Course) -> list[str]:
    """Why a person may not take a course (官等, 職等, supervisor, agency kind, prerequisites); empty if eligible."""
    problems = []
    if course.eligible_rank_series and person.rank_series != course.eligible_rank_series:
        problems.append(_("限%(rank)s官等人員參訓。") % {"rank": course.get_eligible_rank_series_display()})
    if course.min_grade and (person.grade is None or person.grade < course.min_grade):
        problems.append(_("限第 %(g)s 職等以上人員參訓。") % {"g": course.min_grade})
    if course.max_grade and (person.grade is None or person.grade > course.max_grade):
        problems.append(_("限第 %(g)s 職等以下人員參訓。") % {"g": course.max_grade})
    if course.supervisors_only and not person.is_supervisor:
        problems.append(_("限主管人員參訓。"))
    if course.eligible_agency_kinds and person.agency.kind not in course.eligible_agency_kinds:
        problems.append(_("您的服務機關類型不在本課程參訓範圍內。"))
    done = set(
        Completion.objects.filter(person=person, voided_at__isnull=True, course__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    missing = [c.title for c in course.prerequisites.all() if c.pk not in done]
    if missing:
        problems.append(_("尚未完成先修課程：%(courses)s") % {"courses": "、".join(missing)})
    return problems


def _lock_offering(offering: Offering) -> Offering:
    # of=("self",): lock the offering row only, not the joined course (other offerings of it stay free).
    return Offering.objects.select_for_update(of=("self",)).select_related("course").get(pk=offering.pk)


def _seats_taken(offering: Offering) -> int:
    return offering.enrollments.filter(status__in=Enrollment.SEAT_HOLDING_STATUSES).count()


def _record(statement_list: list[dict]) -> None:
    xapi_api.record_statements(statement_list, authority=xapi_api.LMS_AUTHORITY)


def enroll_person(
    *, offering: Offering, person: Person, nominated_by=None, now: dt.datetime | None = None
) -> Enrollment:
    """Enrol a person: a seat if one is free (awaiting approval where the offering needs it), else the waitlist.

    Raises ValidationError keyed "offering" (window closed, cancelled), "person" (not eligible,
    already enrolled). On error nothing is stored.
    """
    with transaction.atomic():
        offering = _lock_offering(offering)
        # Read the clock after taking the lock: the waitlist is ordered by created_at, which must
        # follow the order in which requests got the lock, not the order in which they arrived.
        now = now or timezone.now()
        if not offering.is_open_for_enrollment(now):
            raise ValidationError({"offering": _("不在報名期間內。")})
        problems = eligibility_problems(person=person, course=offering.course)
        if problems:
            raise ValidationError({"person": problems})
        if offering.enrollments.filter(person=person, status__in=Enrollment.ACTIVE_STATUSES).exists():
            # A friendly message for the double submission; the partial unique constraint is the real guard.
            raise ValidationError({"person": _("您已報名此班期。")})
        if _seats_taken(offering) < offering.capacity:
            status = Status.PENDING_APPROVAL if offering.requires_approval else Status.ENROLLED
        else:
            status = Status.WAITLISTED
        enrollment = Enrollment(
            person=person, offering=offering, status=status, nominated_by=nominated_by, created_at=now
        )
        enrollment.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                enrollment.save()
        except IntegrityError as error:
            raise ValidationError({"person": _("您已報名此班期。")}) from error
        if status == Status.WAITLISTED:
            position = waitlist_position(enrollment)
            _record([statements.waitlisted(enrollment, at=now, position=position)])
            signals.send_enrollment_changed(enrollment, change="waitlisted", by_user=nominated_by, position=position)
        else:
            _record([statements.registered(enrollment, at=now)])
            change = "received" if status == Status.PENDING_APPROVAL else "confirmed"
            signals.send_enrollment_changed(enrollment, change=change, by_user=nominated_by)
    return enrollment


def nominate_person(*, offering: Offering, person: Person, officer_user, now: dt.datetime | None = None) -> Enrollment:
    """An agency HR officer nominates (薦送) one of their own staff; the same rules as self-enrolment apply."""
    if not can_nominate(officer_user) or not Person.objects.visible_to(officer_user).filter(pk=person.pk).exists():
        raise PermissionDenied(_("只能薦送本機關（含所屬機關）人員。"))
    return enroll_person(offering=offering, person=person, nominated_by=officer_user, now=now)


def _promote_waitlist(offering: Offering, *, now: dt.datetime) -> list[Enrollment]:
    """Fill free seats from the waitlist in order; the caller holds the offering lock."""
    promoted = []
    free = offering.capacity - _seats_taken(offering)
    queue = offering.enrollments.filter(status=Status.WAITLISTED).order_by("created_at", "pk")[: max(free, 0)]
    for enrollment in queue:
        enrollment.status = Status.PENDING_APPROVAL if offering.requires_approval else Status.ENROLLED
        enrollment.save(update_fields=["status", "updated_at"])
        promoted.append(enrollment)
    if promoted:
        _record([statements.registered(e, at=now, promoted=True) for e in promoted])
        for enrollment in promoted:
            signals.send_enrollment_changed(enrollment, change="promoted")
    return promoted


def fill_from_waitlist(*, offering: Offering, by_user, now: dt.datetime | None = None) -> list[Enrollment]:
    """Staff raised the capacity (in the catalog admin): promote from the waitlist into the new seats."""
    if not is_training_staff(by_user):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        return _promote_waitlist(_lock_offering(offering), now=now)


def cancel_enrollment(*, enrollment: Enrollment, by_user, now: dt.datetime | None = None) -> Enrollment:
    """Cancel before the deadline (trainees) or at any time before completion (staff); frees the seat.

    The next person on the waitlist is promoted in the same transaction.
    """
    now = now or timezone.now()
    staff = is_training_staff(by_user)
    with transaction.atomic():
        offering = _lock_offering(enrollment.offering)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if not staff and (enrollment.person.user_id != by_user.pk):
            raise PermissionDenied
        if enrollment.status not in (Status.ENROLLED, Status.PENDING_APPROVAL, Status.WAITLISTED):
            raise ValidationError({"enrollment": _("此報名無法取消。")})
        deadline = offering.cancellation_deadline or offering.enrollment_closes
        if not staff and now > deadline:
            raise ValidationError({"enrollment": _("已超過取消報名期限。")})
        previous = enrollment.status
        enrollment.status = Status.CANCELLED
        enrollment.save(update_fields=["status", "updated_at"])
        _record([statements.unregistered(enrollment, at=now, previous_status=previous)])
        signals.send_enrollment_changed(enrollment, change="cancelled", by_user=by_user)
        _promote_waitlist(offering, now=now)
    return enrollment


def _decide(*, enrollment: Enrollment, by_user, approve: bool, now: dt.datetime | None, reason: str = "") -> Enrollment:
    if not is_training_staff(by_user):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        offering = _lock_offering(enrollment.offering)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Status.PENDING_APPROVAL:
            raise ValidationError({"enrollment": _("此報名不在待審核狀態。")})
        enrollment.status = Status.ENROLLED if approve else Status.REJECTED
        enrollment.save(update_fields=["status", "updated_at"])
        _record([(statements.approved if approve else statements.rejected)(enrollment, at=now)])
        signals.send_enrollment_changed(
            enrollment, change="approved" if approve else "rejected", by_user=by_user, reason=reason
        )
        if not approve:
            _promote_waitlist(offering, now=now)
    return enrollment


def approve_enrollment(*, enrollment: Enrollment, by_user, now: dt.datetime | None = None) -> Enrollment:
    return _decide(enrollment=enrollment, by_user=by_user, approve=True, now=now)


def reject_enrollment(
    *, enrollment: Enrollment, by_user, reason: str = "", now: dt.datetime | None = None
) -> Enrollment:
    """Reject an enrolment awaiting approval; the reason goes to the trainee in the notice."""
    return _decide(enrollment=enrollment, by_user=by_user, approve=False, now=now, reason=reason)
