"""Assessment results, certification decisions and certificates (研習證明 and 認證證書).

A result is passed when the score reaches the assessment's pass mark and, where the rule
applies, no subject scored zero (procurement: "pass mark 70% with no subject at zero",
docs/domain.md). A track's certificate is issued once every assessment of the track has a
current passed result and the track's required courses are completed. Results are `passed` /
`failed` statements with the score; certificates are `earned` statements.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import statements
from courses.models import Assessment, AssessmentResult, Certificate, CertificationTrack, Completion, Enrollment
from lms.people.models import Person
from lms.roc import roc_year
from xapi import api as xapi_api


def is_passing(*, assessment: Assessment, score: Decimal, subject_scores: dict) -> bool:
    if score < assessment.pass_mark:
        return False
    return not (assessment.zero_in_any_subject_fails and any(Decimal(str(s)) == 0 for s in subject_scores.values()))


def _next_number(prefix: str) -> str:
    taken = Certificate.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:05d}"


def _save_with_number(certificate: Certificate, prefix: str) -> Certificate:
    """Numbers run per prefix and year; a concurrent issue of the same number retries on the unique constraint."""
    for _attempt in range(5):
        certificate.number = _next_number(prefix)
        try:
            with transaction.atomic():
                certificate.save()
            return certificate
        except IntegrityError:
            continue
    raise IntegrityError("could not allocate a certificate number")


def issue_completion_certificate(*, completion: Completion) -> Certificate:
    """A 研習證明 for a credited offering completion, numbered 高市訓{ROC year}-{serial}."""
    certificate = Certificate(
        person=completion.person,
        kind=Certificate.Kind.COMPLETION,
        completion=completion,
        title=completion.title,
        hours=completion.credited_hours,
        issued_at=completion.completed_at,
    )
    year = roc_year(timezone.localtime(completion.completed_at).year)
    return _save_with_number(certificate, f"KCG{year}-C")


def record_assessment_result(
    *,
    person: Person,
    assessment: Assessment,
    score: Decimal,
    taken_on: dt.date,
    subject_scores: dict | None = None,
    recorded_by=None,
    now: dt.datetime | None = None,
    barred_override_reason: str = "",
) -> AssessmentResult:
    """Record (or correct) a result; unchanged resubmissions are no-ops. Raises ValidationError keyed by field.

    A trainee barred from the exam (barred_reasons) has the result refused, keyed "person",
    unless staff give `barred_override_reason`, which is stored with the result.
    """
    now = now or timezone.now()
    barred_override_reason = (barred_override_reason or "").strip()
    reasons = barred_reasons(person=person, track=assessment.track)
    if reasons and not barred_override_reason:
        raise ValidationError({"person": reasons})
    subject_scores = {str(k): float(v) for k, v in (subject_scores or {}).items()}
    result = AssessmentResult(
        person=person,
        assessment=assessment,
        score=Decimal(score),
        subject_scores=subject_scores,
        taken_on=taken_on,
        recorded_by=recorded_by,
        recorded_at=now,
        statement_id=uuid.uuid4(),
        barred_override_reason=barred_override_reason if reasons else "",
        passed=False,  # decided below, once the score is known to be valid
    )
    result.full_clean(validate_constraints=False)
    result.passed = is_passing(assessment=assessment, score=result.score, subject_scores=subject_scores)
    with transaction.atomic():
        current = (
            AssessmentResult.objects.select_for_update()
            .filter(person=person, assessment=assessment, is_current=True)
            .first()
        )
        if current is not None:
            if (current.score, current.subject_scores, current.taken_on) == (result.score, subject_scores, taken_on):
                return current
            xapi_api.void_statement(current.statement_id, timestamp=now)
            current.is_current = False
            current.save(update_fields=["is_current"])
        statement = statements.assessment_result(result)
        statement["id"] = str(result.statement_id)
        result.save()
        xapi_api.record_statements([statement], authority=xapi_api.LMS_AUTHORITY)
        decide_certification(person=person, track=assessment.track, now=now)
    return result


def barred_reasons(*, person: Person, track: CertificationTrack) -> list[str]:
    """Why a person may not sit the track's exam: a required course with too little attendance.

    Procurement: missing more than 1/10 of the hours bars the exam (docs/integrity.md), i.e.
    attendance below the track's min_attendance_percent, whether the course still credited
    hours (a completion below the track's bar) or not (an enrolment not completed).
    """
    reasons = []
    required = list(track.required_courses.all())
    if not required:
        return reasons
    completions = {
        c.course_id: c
        for c in Completion.objects.filter(person=person, course__in=required, voided_at__isnull=True).order_by(
            "completed_at"
        )
    }
    not_completed = set(
        Enrollment.objects.filter(
            person=person, offering__course__in=required, status=Enrollment.Status.NOT_COMPLETED
        ).values_list("offering__course_id", flat=True)
    )
    for course in required:
        completion = completions.get(course.pk)
        if completion is not None:
            if completion.scheduled_hours and (
                completion.credited_hours * 100 < completion.scheduled_hours * track.min_attendance_percent
            ):
                reasons.append(
                    _("%(name)s 出席 %(a)s／%(s)s 小時，未達 %(p)s%%，依規定不得參加測驗。")
                    % {
                        "name": course.title,
                        "a": completion.credited_hours,
                        "s": completion.scheduled_hours,
                        "p": track.min_attendance_percent,
                    }
                )
        elif course.pk in not_completed:
            reasons.append(
                _("%(name)s 出席未達 %(p)s%%，依規定不得參加測驗。")
                % {"name": course.title, "p": track.min_attendance_percent}
            )
    return reasons


def certification_problems(*, person: Person, track: CertificationTrack) -> list[str]:
    """What a person still lacks for a track: passed assessments and completed required courses."""
    problems = []
    passed = set(
        AssessmentResult.objects.filter(
            person=person, assessment__track=track, is_current=True, passed=True
        ).values_list("assessment_id", flat=True)
    )
    for assessment in track.assessments.all():
        if assessment.pk not in passed:
            problems.append(_("尚未通過：%(name)s") % {"name": assessment.name})
    completions = {
        c.course_id: c
        for c in Completion.objects.filter(person=person, voided_at__isnull=True).order_by("completed_at")
    }
    dates = [
        r.taken_on for r in AssessmentResult.objects.filter(person=person, assessment__track=track, is_current=True)
    ]
    for course in track.required_courses.all():
        completion = completions.get(course.pk)
        if completion is None:
            problems.append(_("尚未完成必修課程：%(name)s") % {"name": course.title})
            continue
        # Procurement: missing more than 1/10 of the hours bars the certificate (docs/domain.md).
        if completion.scheduled_hours and (
            completion.credited_hours * 100 < completion.scheduled_hours * track.min_attendance_percent
        ):
            problems.append(
                _("%(name)s 出席未達 %(p)s%%。") % {"name": course.title, "p": track.min_attendance_percent}
            )
        dates.append(timezone.localdate(completion.completed_at))
    # Procurement: courses and exam within one year of the first class (completion_window_months).
    if track.completion_window_months and dates:
        if max(dates) > min(dates) + relativedelta(months=track.completion_window_months):
            problems.append(_("課程及測驗須於 %(m)s 個月內完成。") % {"m": track.completion_window_months})
    return problems


def decide_certification(*, person: Person, track: CertificationTrack, now: dt.datetime | None = None):
    """Issue the track's certificate when nothing is lacking; revoke it when a correction takes a pass away."""
    now = now or timezone.now()
    valid = Certificate.objects.filter(
        person=person, track=track, revoked_at__isnull=True, superseded_at__isnull=True
    ).first()
    problems = certification_problems(person=person, track=track)
    with transaction.atomic():
        if problems:
            if valid is not None:
                if valid.statement_id:
                    xapi_api.void_statement(valid.statement_id, timestamp=now)
                valid.revoked_at = now
                valid.save(update_fields=["revoked_at"])
            return None
        if valid is not None:
            return valid
        certificate = Certificate(
            person=person,
            kind=Certificate.Kind.CERTIFICATION,
            track=track,
            title=track.name,
            hours=track.required_hours,
            issued_at=now,
            valid_until=(timezone.localdate(now) + relativedelta(months=track.validity_months))
            if track.validity_months
            else None,
            statement_id=uuid.uuid4(),
        )
        _save_with_number(certificate, f"KCG{roc_year(timezone.localtime(now).year)}-{track.code}-")
        statement = statements.earned(certificate)
        statement["id"] = str(certificate.statement_id)
        xapi_api.record_statements([statement], authority=xapi_api.LMS_AUTHORITY)
    return certificate


def masked_holder_name(certificate: Certificate) -> str:
    """The holder's name as the public verification page shows it: first and last character kept (王○明)."""
    name = certificate.person.name
    return name[0] + "○" * max(len(name) - 2, 1) + (name[-1] if len(name) > 2 else "")


def verify_certificate(*, code: str) -> Certificate:
    try:
        return Certificate.objects.select_related("person", "track").get(verification_code=uuid.UUID(str(code)))
    except (ValueError, Certificate.DoesNotExist) as error:
        raise ValidationError({"code": _("查無此證書。")}) from error
