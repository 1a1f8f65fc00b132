"""Class changes update the invitation (SEQUENCE), cancellation removes it, and each notice is sent once."""

import datetime as dt

import pytest
from django.core import mail

from courses.services.enrollment import enroll_person
from notices.models import Notice, NoticeKind, OfferingCalendar
from notices.tasks import send_notices_task
from tests.courses.factories import DURING_WINDOW, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory
from tests.notices.conftest import calendar_of, events_of, free_port, text_body

pytestmark = pytest.mark.django_db


def enrolled(capture, **offering_kwargs):
    offering = OfferingFactory(**offering_kwargs)
    person = TraineeFactory()
    with capture(execute=True):
        enrollment = enroll_person(offering=offering, person=person, now=DURING_WINDOW)
    return offering, person, enrollment


def test_moving_a_class_updates_the_same_events_with_a_higher_sequence(smtp, django_capture_on_commit_callbacks):
    offering, person, enrollment = enrolled(
        django_capture_on_commit_callbacks, sessions=[6, 6], end_date=dt.date(2026, 4, 2)
    )
    [invitation] = smtp.to(person.email)
    with django_capture_on_commit_callbacks(execute=True):
        # What the catalog admin does: save the offering and its session days in one transaction.
        offering.venue = "四維行政中心 第一會議室"
        offering.save()
        second = offering.sessions.order_by("date").last()
        second.date = dt.date(2026, 4, 8)
        second.save()

    changed = smtp.to(person.email)[-1]
    assert changed["Subject"] == f"班期異動：{offering.course.title}"
    assert "上課日期或時間、上課地點" in text_body(changed)
    cal = calendar_of(changed)
    assert str(cal["METHOD"]) == "REQUEST"
    before = {str(e["UID"]): e for e in events_of(invitation)}
    after = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert before.keys() == after.keys()
    assert all(int(e["SEQUENCE"]) == 1 for e in after.values())
    assert all(str(e["LOCATION"]) == "四維行政中心 第一會議室" for e in after.values())
    assert after[f"{enrollment.registration}-{second.pk}@lms.kcg.gov.tw"]["DTSTART"].dt.date() == dt.date(2026, 4, 8)
    assert len(smtp.to(person.email)) == 2, "two saves in one transaction announce one change"


def test_saving_an_offering_without_a_schedule_change_sends_nothing(smtp, django_capture_on_commit_callbacks):
    offering, person, _enrollment = enrolled(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        offering.capacity = 50
        offering.save()
    assert len(smtp.to(person.email)) == 1


def test_cancelling_an_offering_cancels_every_event(smtp, django_capture_on_commit_callbacks):
    offering, person, _enrollment = enrolled(django_capture_on_commit_callbacks)
    [invitation] = smtp.to(person.email)
    with django_capture_on_commit_callbacks(execute=True):
        offering.is_cancelled = True
        offering.save()
    cancelled = smtp.to(person.email)[-1]
    assert cancelled["Subject"] == f"班期停開：{offering.course.title}"
    cal = calendar_of(cancelled)
    assert str(cal["METHOD"]) == "CANCEL"
    [event] = cal.walk("VEVENT")
    [original] = events_of(invitation)
    assert event["UID"] == original["UID"] and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1 == OfferingCalendar.objects.get(offering=offering).sequence


def test_a_retried_send_task_sends_once(smtp, django_capture_on_commit_callbacks):
    _offering, person, _enrollment = enrolled(django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=person)
    send_notices_task.apply(args=[[notice.pk]])
    send_notices_task.apply(args=[[notice.pk, notice.pk]])
    assert len(smtp.to(person.email)) == 1
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.attempts == 1


def test_queuing_the_same_notice_again_adds_no_row_and_no_mail(smtp, django_capture_on_commit_callbacks):
    from notices.services.events import notify_enrollment_change

    _offering, person, enrollment = enrolled(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_enrollment_change(enrollment_id=enrollment.pk, change="confirmed") == 0
    assert Notice.objects.filter(recipient=person).count() == 1
    assert len(smtp.to(person.email)) == 1


def test_a_delivery_failure_is_shown_to_staff_who_resend_it(smtp, settings, client, django_capture_on_commit_callbacks):
    settings.EMAIL_PORT = free_port()  # nothing listens there: the connection is refused
    _offering, person, _enrollment = enrolled(django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=person)
    assert notice.status == Notice.Status.FAILED and "Connection" in notice.last_error

    staff = StaffUserFactory()
    client.force_login(staff)
    log = client.get("/notices/staff/", {"status": "failed"})
    assert log.status_code == 200 and person.name in log.content.decode() and "重寄" in log.content.decode()

    settings.EMAIL_PORT = smtp.port
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/notices/staff/{notice.pk}/resend/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SENT and notice.attempts == 2
    assert len(smtp.to(person.email)) == 1


def test_a_sent_notice_cannot_be_resent_and_trainees_cannot_resend(smtp, client, django_capture_on_commit_callbacks):
    _offering, person, _enrollment = enrolled(django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=person)
    client.force_login(person.user)
    assert client.post(f"/notices/staff/{notice.pk}/resend/").status_code == 403
    client.force_login(StaffUserFactory())
    response = client.post(f"/notices/staff/{notice.pk}/resend/", follow=True)
    assert "只有寄送失敗的通知可以重寄" in response.content.decode()
    assert len(smtp.to(person.email)) == 1


def test_staff_see_what_was_sent_to_whom(client, django_capture_on_commit_callbacks):
    _offering, person, _enrollment = enrolled(django_capture_on_commit_callbacks)
    client.force_login(StaffUserFactory())
    page = client.get("/notices/staff/", {"q": person.name, "kind": NoticeKind.ENROLLMENT_CONFIRMED}).content.decode()
    assert person.email in page and "已寄出" in page
    assert mail.outbox[0].subject.startswith("報名成功")
