"""Signal receivers: transport only, each calls one service once the courses change is committed.

Enrolment changes come from courses.signals (sent on commit). Offerings are edited in the
catalog admin, so their saves (and their session days') are watched through post_save; the
service compares the saved schedule with the one last announced, so several saves in one
transaction announce one change. Inside `notices_suppressed()` (notices/suppression.py: loading
past history) every receiver returns at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from notices.suppression import skip_if_suppressed


def on_enrollment_changed(sender, enrollment, change, by_user=None, reason="", position=None, **kwargs) -> None:
    from notices.services.events import notify_enrollment_change

    if skip_if_suppressed():
        return
    notify_enrollment_change(
        enrollment_id=enrollment.pk, change=change, by_user=by_user, reason=reason, position=position
    )


def _after_commit(task, object_id: int) -> None:
    transaction.on_commit(lambda: task.delay(object_id))


def on_offering_saved(sender, instance, raw=False, **kwargs) -> None:
    from notices.tasks import announce_offering_changes_task

    if not raw and not skip_if_suppressed():
        _after_commit(announce_offering_changes_task, instance.pk)


def on_session_saved(sender, instance, raw=False, **kwargs) -> None:
    from notices.tasks import announce_offering_changes_task

    if not raw and instance.offering_id and not skip_if_suppressed():
        _after_commit(announce_offering_changes_task, instance.offering_id)


def on_record_created(sender, instance, created=False, raw=False, **kwargs) -> None:
    from courses.models import AssessmentResult, Certificate, Completion
    from notices.services import events

    if raw or not created or skip_if_suppressed():
        return
    handler = {
        Completion: lambda: events.notify_completion(completion_id=instance.pk),
        Certificate: lambda: events.notify_certificate_issued(certificate_id=instance.pk),
        AssessmentResult: lambda: events.notify_assessment_result(result_id=instance.pk),
    }[sender]
    transaction.on_commit(handler)


def on_person_deidentified(sender, person, **kwargs) -> dict:
    from notices.services.retention import forget_person

    return forget_person(person=person)


def connect() -> None:
    from courses import signals as courses_signals
    from courses.models import AssessmentResult, Certificate, Completion, Offering, Session
    from lms.people.signals import person_deidentified

    person_deidentified.connect(on_person_deidentified, dispatch_uid="notices.person_deidentified")

    courses_signals.enrollment_changed.connect(on_enrollment_changed, dispatch_uid="notices.enrollment_changed")
    post_save.connect(on_offering_saved, sender=Offering, dispatch_uid="notices.offering_saved")
    post_save.connect(on_session_saved, sender=Session, dispatch_uid="notices.session_saved")
    post_delete.connect(on_session_saved, sender=Session, dispatch_uid="notices.session_deleted")
    for model in (Completion, Certificate, AssessmentResult):
        post_save.connect(on_record_created, sender=model, dispatch_uid=f"notices.{model.__name__}_created")
