"""The whole path as in production: a real Celery worker (Redis broker) delivers to a real SMTP server.

Runs in the PostgreSQL + Redis lane (REDIS_URL); skipped on the embedded lane.
"""

import datetime as dt
import time

import pytest

from courses.services.enrollment import enroll_person
from notices.models import Notice
from notices.tasks import send_notices_task
from tests.courses.factories import DURING_WINDOW, OfferingFactory
from tests.lms.people.factories import TraineeFactory
from tests.notices.conftest import calendar_of, text_body


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_the_invitation_its_update_and_its_cancellation(smtp):
    from celery.contrib.testing.worker import start_worker

    from lms.celery import app

    offering = OfferingFactory(sessions=[6, 6], end_date=dt.date(2026, 4, 2))
    person = TraineeFactory()
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        enroll_person(offering=offering, person=person, now=DURING_WINDOW)
        assert wait_for(lambda: len(smtp.to(person.email)) == 1)
        invitation = smtp.to(person.email)[0]
        assert invitation["Subject"] == f"報名成功：{offering.course.title}"
        assert "民國115年4月2日（四） 09:00–16:00" in text_body(invitation)

        offering.venue = "四維行政中心 第一會議室"
        offering.save()
        assert wait_for(lambda: len(smtp.to(person.email)) == 2)
        update = calendar_of(smtp.to(person.email)[1])
        assert str(update["METHOD"]) == "REQUEST"
        assert {int(e["SEQUENCE"]) for e in update.walk("VEVENT")} == {1}
        assert {str(e["LOCATION"]) for e in update.walk("VEVENT")} == {"四維行政中心 第一會議室"}

        offering.is_cancelled = True
        offering.save()
        assert wait_for(lambda: len(smtp.to(person.email)) == 3)
        cancel = calendar_of(smtp.to(person.email)[2])
        assert str(cancel["METHOD"]) == "CANCEL"
        assert {int(e["SEQUENCE"]) for e in cancel.walk("VEVENT")} == {2}
        assert {str(e["UID"]) for e in cancel.walk("VEVENT")} == {str(e["UID"]) for e in update.walk("VEVENT")}

        # The broker delivers the same task again (a retry, a redelivery after a lost ack): no second mail.
        first = Notice.objects.filter(recipient=person).order_by("pk").first()
        send_notices_task.delay([first.pk])
        send_notices_task.delay([first.pk])
        marker = TraineeFactory()
        enroll_person(offering=OfferingFactory(), person=marker, now=DURING_WINDOW)
        assert wait_for(lambda: len(smtp.to(marker.email)) == 1)  # the queue has drained past the repeats
    assert len(smtp.to(person.email)) == 3
    assert set(Notice.objects.filter(recipient=person).values_list("status", flat=True)) == {Notice.Status.SENT}
