"""The monthly run: snapshot compliance, e-mail each agency officer their summary and each
non-compliant learner a reminder. Scheduled by Celery beat (lms/settings/base.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.people.models import Agency, AgencyOfficer
from lms.roc import roc_year
from reports import builders
from reports.models import ComplianceSnapshot

MAIL_BATCH = 500


def take_snapshot(report: builders.ComplianceReport, *, taken_on: dt.date) -> int:
    """Store the rolled-up figures of every agency × rule; a rerun on the same day replaces them."""
    codes = dict(Agency.objects.values_list("code", "pk"))
    rows = []
    for agency in report.agencies:
        for rule, figures in zip(report.rules, agency["rules"], strict=True):
            if figures is None:
                continue
            rows.append(
                ComplianceSnapshot(
                    taken_on=taken_on,
                    year=report.year,
                    agency_id=codes[agency["agency_code"]],
                    rule_id=rule.id,
                    headcount=figures["eligible"],
                    compliant=figures["compliant"],
                    average_hours=round(agency["average_hours"], 2),
                )
            )
    with transaction.atomic():
        ComplianceSnapshot.objects.filter(taken_on=taken_on, year=report.year).delete()
        ComplianceSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def officer_messages(report: builders.ComplianceReport) -> list[EmailMessage]:
    """One summary per officer, limited to their agency subtree (the same scope as their pages)."""
    messages = []
    officers = AgencyOfficer.objects.select_related("agency", "user").exclude(user__email="")
    for officer in officers:
        subtree = set(Agency.objects.subtree_of(officer.agency).values_list("code", flat=True))
        agencies = [row for row in report.agencies if row["agency_code"] in subtree]
        people = [row for row in report.people if row["agency_code"] in subtree]
        own = next((row for row in agencies if row["agency_code"] == officer.agency.code), None)
        body = render_to_string(
            "reports/email/officer_summary.txt",
            {
                "report": report,
                "agency": officer.agency,
                "own": own,
                "rules": list(zip(report.rules, own["rules"], strict=True)) if own else [],
                "noncompliant_people": len({row["person_id"] for row in people}),
                "roc_year": roc_year(report.year),
                "base_url": settings.WAGTAILADMIN_BASE_URL,
            },
        )
        subject = _("%(roc)s 年度學習時數達成情形：%(agency)s") % {
            "roc": roc_year(report.year),
            "agency": officer.agency.name,
        }
        messages.append(EmailMessage(subject, body, to=[officer.user.email]))
    return messages


def learner_messages(report: builders.ComplianceReport) -> list[EmailMessage]:
    by_person: dict[int, list[dict]] = defaultdict(list)
    for row in report.people:
        if row["email"]:
            by_person[row["person_id"]].append(row)
    messages = []
    subject = _("%(roc)s 年度學習時數提醒") % {"roc": roc_year(report.year)}
    for rows in by_person.values():
        body = render_to_string(
            "reports/email/learner_reminder.txt",
            {
                "rows": rows,
                "name": rows[0]["name"],
                "roc_year": roc_year(report.year),
                "base_url": settings.WAGTAILADMIN_BASE_URL,
            },
        )
        messages.append(EmailMessage(subject, body, to=[rows[0]["email"]]))
    return messages


def _send(messages: list[EmailMessage]) -> int:
    sent = 0
    for start in range(0, len(messages), MAIL_BATCH):
        with get_connection() as connection:
            sent += connection.send_messages(messages[start : start + MAIL_BATCH]) or 0
    return sent


def snapshot_and_notify(*, today: dt.date | None = None) -> dict[str, int]:
    """Snapshot this year's compliance and send the monthly e-mails (zh-Hant)."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        report = builders.build_compliance_report(year=today.year, today=today)
        snapshots = take_snapshot(report, taken_on=today)
        officers = _send(officer_messages(report))
        learners = _send(learner_messages(report))
    return {"snapshots": snapshots, "officer_mails": officers, "learner_mails": learners}
