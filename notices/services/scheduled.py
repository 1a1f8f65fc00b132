"""Scheduled notices: session reminders, certificate expiry and the monthly run, at times staff set.

A beat entry calls run_due_schedules every 15 minutes (lms/settings/base.py); it reads
NoticeSettings (edited in the admin, no deploy) and starts each run at most once a day
(ScheduledRun is unique per kind and day). Runs are idempotent anyway: every notice has a key.
Working days are Monday to Friday (the city's make-up workdays and holidays are not modelled).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from courses.models import Certificate, Enrollment, Session
from courses.services.renewal import renew_due_certificates, renewal_missing_text, renewal_progress
from notices import calendar
from notices.context import certificate_context, format_date, offering_context, session_time
from notices.models import NoticeKind, NoticeSettings, OfferingCalendar, ScheduledRun
from notices.services.queueing import Draft, queue_notices

MONTHLY_TASK = "reports.tasks.monthly_compliance_task"


def working_days_before(day: dt.date, lead: int) -> dt.date:
    """The date `lead` working days (Mon–Fri) before `day`."""
    current = day
    while lead > 0:
        current -= dt.timedelta(days=1)
        if current.weekday() < 5:
            lead -= 1
    return current


def reminder_dates(today: dt.date, lead: int) -> list[dt.date]:
    """The session days whose reminder goes out today: e.g. with lead 1 on a Friday, Saturday to Monday."""
    lead = max(lead, 1)
    horizon = today + dt.timedelta(days=lead * 2 + 7)
    dates, day = [], today + dt.timedelta(days=1)
    while day <= horizon:
        if working_days_before(day, lead) == today:
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


def session_reminder_drafts(*, dates: list[dt.date]):
    """One reminder per session day and enrolled trainee, with the venue or meeting link and the invitation."""
    sessions = (
        Session.objects.filter(date__in=dates, offering__is_cancelled=False)
        .select_related("offering__course")
        .order_by("date", "start_time", "pk")
    )
    for session in sessions:
        offering = session.offering
        sequence = OfferingCalendar.objects.filter(offering=offering).values_list("sequence", flat=True).first() or 0
        enrollments = list(
            offering.enrollments.filter(status=Enrollment.Status.ENROLLED).select_related("person").order_by("pk")
        )
        for enrollment in enrollments:
            enrollment.offering = offering
        invitations = calendar.build_reminders(enrollments=enrollments, session=session, sequence=sequence)
        contexts: dict[str, dict] = {}

        def context(language, session=session, offering=offering, contexts=contexts):
            # The same for everyone in the class: built once per session day and language.
            if language not in contexts:
                contexts[language] = {
                    **offering_context(offering, [session], language),
                    "session_date": format_date(session.date, language),
                    "session_time": session_time(session),
                }
            return contexts[language]

        for enrollment in enrollments:
            yield Draft(
                kind=NoticeKind.SESSION_REMINDER,
                key=f"session:{session.pk}:enrollment:{enrollment.pk}:{session.date.isoformat()}",
                recipient=enrollment.person,
                context=context,
                ics=invitations[enrollment.pk],
                ics_method="REQUEST",
            )


def queue_session_reminders(*, today: dt.date, lead: int = 1) -> int:
    return queue_notices(session_reminder_drafts(dates=reminder_dates(today, lead)))


def _expiry_context(certificate: Certificate, today: dt.date):
    def context(language: str) -> dict:
        with override(language):
            status = renewal_missing_text(renewal_progress(certificate))
        return {
            **certificate_context(certificate, language),
            "days_left": (certificate.valid_until - today).days,
            "renewal_status": status,
        }

    return context


def queue_certificate_expiry_notices(*, today: dt.date, leads: list[int]) -> int:
    """Expiring (at each lead, e.g. 90 and 30 days before) and expired certificates not renewed."""
    current = Certificate.objects.filter(
        kind=Certificate.Kind.CERTIFICATION,
        revoked_at__isnull=True,
        superseded_at__isnull=True,
        valid_until__isnull=False,
    ).select_related("person", "track")
    drafts = []
    for lead in sorted(leads):
        # A certificate enters each lead once; the key keeps a run that is late or repeated from sending twice.
        for certificate in current.filter(valid_until__gt=today, valid_until__lte=today + dt.timedelta(days=lead)):
            if any(
                lead > shorter and (certificate.valid_until - today).days <= shorter
                for shorter in leads
                if shorter < lead
            ):
                continue
            drafts.append(
                Draft(
                    kind=NoticeKind.CERTIFICATE_EXPIRING,
                    key=f"certificate:{certificate.pk}:expiring:{lead}",
                    recipient=certificate.person,
                    context=_expiry_context(certificate, today),
                )
            )
    for certificate in current.filter(valid_until__lt=today, valid_until__gte=today - dt.timedelta(days=30)):
        drafts.append(
            Draft(
                kind=NoticeKind.CERTIFICATE_EXPIRED,
                key=f"certificate:{certificate.pk}:expired",
                recipient=certificate.person,
                context=_expiry_context(certificate, today),
            )
        )
    return queue_notices(drafts)


def _start(kind: str, day: dt.date) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(kind=kind, run_on=day)
    except IntegrityError:
        return None


def run_due_schedules(*, now: dt.datetime | None = None) -> list[str]:
    """Start what is due now according to NoticeSettings; returns the kinds of run started."""
    from celery import current_app

    now = timezone.localtime(now or timezone.now())
    today = now.date()
    schedule = NoticeSettings.load()
    started = []
    if now.time() >= schedule.reminder_time and (run := _start(ScheduledRun.Kind.DAILY, today)):
        renew_due_certificates(now=now)
        run.queued = queue_session_reminders(today=today, lead=schedule.reminder_lead_working_days)
        run.queued += queue_certificate_expiry_notices(today=today, leads=schedule.expiry_leads())
        run.save(update_fields=["queued"])
        started.append(ScheduledRun.Kind.DAILY)
    if (
        today.day == schedule.monthly_run_day
        and now.time() >= schedule.reminder_time
        and _start(ScheduledRun.Kind.MONTHLY, today)
    ):
        # By name: notices does not import reports; the run is the reports' monthly compliance e-mail.
        if MONTHLY_TASK not in current_app.tasks:
            current_app.loader.import_default_modules()  # the autodiscovered tasks modules
        current_app.tasks[MONTHLY_TASK].delay()
        started.append(ScheduledRun.Kind.MONTHLY)
    return started
