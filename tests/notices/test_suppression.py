"""Loading past history sends nothing: `notices_suppressed` (notices/suppression.py, docs/notices.md)."""

import datetime as dt
import threading

import pytest

from courses.services.enrollment import cancel_enrollment, enroll_person
from notices.models import Notice
from notices.suppression import notices_suppressed
from tests.courses.factories import DURING_WINDOW, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory

pytestmark = pytest.mark.django_db


def test_events_inside_the_block_become_no_notice_and_events_after_it_do(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory(sessions=[6, 6], end_date=dt.date(2026, 4, 2))
    past, present = TraineeFactory(), TraineeFactory()
    with notices_suppressed("loading last year's classes") as suppressed:
        with django_capture_on_commit_callbacks(execute=True):
            enrollment = enroll_person(offering=offering, person=past, now=DURING_WINDOW)
        with django_capture_on_commit_callbacks(execute=True):
            cancel_enrollment(enrollment=enrollment, by_user=StaffUserFactory(), now=DURING_WINDOW)
        with django_capture_on_commit_callbacks(execute=True):
            offering.venue = "四維行政中心 第一會議室"
            offering.save()
    assert suppressed.skipped >= 3  # two enrolment changes and the offering's save
    assert Notice.objects.count() == 0 and smtp.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        enroll_person(offering=offering, person=present, now=DURING_WINDOW)
    assert Notice.objects.filter(recipient=present).count() == 1
    assert len(smtp.to(present.email)) == 1


def test_the_switch_is_off_again_after_an_error_inside_the_block(django_capture_on_commit_callbacks):
    offering = OfferingFactory()
    person = TraineeFactory()
    with pytest.raises(RuntimeError), notices_suppressed("an import that fails"):
        raise RuntimeError("the import failed")
    with django_capture_on_commit_callbacks(execute=True):
        enroll_person(offering=offering, person=person, now=DURING_WINDOW)
    assert Notice.objects.filter(recipient=person).exists()


def test_the_switch_belongs_to_the_thread_that_set_it():
    from notices.suppression import skip_if_suppressed

    seen_elsewhere = []
    with notices_suppressed("this thread only"):
        assert skip_if_suppressed() is True
        other = threading.Thread(target=lambda: seen_elsewhere.append(skip_if_suppressed()))
        other.start()
        other.join()
    assert seen_elsewhere == [False]
    assert skip_if_suppressed() is False


def test_a_reason_is_required():
    with pytest.raises(ValueError, match="why"), notices_suppressed(""):
        pass
