"""Enrolment notices delivered through a real SMTP server on loopback, with their calendar invitations."""

import datetime as dt

import pytest

from courses.models import Enrollment
from courses.services.enrollment import (
    approve_enrollment,
    cancel_enrollment,
    enroll_person,
    nominate_person,
    reject_enrollment,
)
from notices.models import Notice, NoticeKind, NoticePreference
from tests.courses.factories import DURING_WINDOW, OfferingFactory, RemoteOfferingFactory, StaffUserFactory
from tests.lms.people.factories import AgencyOfficerFactory, PersonFactory, TraineeFactory
from tests.notices.conftest import calendar_of, events_of, html_body, text_body

pytestmark = pytest.mark.django_db


def enrol(offering, person, capture, **kwargs):
    with capture(execute=True):
        return enroll_person(offering=offering, person=person, now=DURING_WINDOW, **kwargs)


def test_confirmed_enrolment_is_mailed_with_one_event_per_session_day(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory(sessions=[6, 6], end_date=dt.date(2026, 4, 2))
    person = TraineeFactory()
    enrollment = enrol(offering, person, django_capture_on_commit_callbacks)

    [message] = smtp.to(person.email)
    assert message["Subject"] == f"報名成功：{offering.course.title}"
    assert "公務人力發展中心 301 教室" in text_body(message)
    assert "民國115年4月1日（三） 09:00–16:00" in text_body(message)
    assert "<p>" in html_body(message) and offering.code in html_body(message)
    cal = calendar_of(message)
    assert str(cal["METHOD"]) == "REQUEST"
    events = events_of(message)
    assert len(events) == 2
    first = events[0]
    assert first["DTSTART"].dt == dt.datetime(2026, 4, 1, 9, 0, tzinfo=first["DTSTART"].dt.tzinfo)
    assert str(first["DTSTART"].dt.tzinfo) == "Asia/Taipei" and first["DTSTART"].params["TZID"] == "Asia/Taipei"
    assert str(first["LOCATION"]) == "公務人力發展中心 301 教室"
    assert int(first["SEQUENCE"]) == 0
    assert {str(e["UID"]) for e in events} == {
        f"{enrollment.registration}-{s.pk}@lms.kcg.gov.tw" for s in offering.sessions.all()
    }
    assert list(cal.walk("VTIMEZONE"))[0]["TZID"] == "Asia/Taipei"
    notice = Notice.objects.get(recipient=person)
    assert notice.status == Notice.Status.SENT and notice.kind == NoticeKind.ENROLLMENT_CONFIRMED


def test_remote_class_invitation_carries_the_meeting_link(smtp, django_capture_on_commit_callbacks):
    offering = RemoteOfferingFactory()
    person = TraineeFactory()
    enrol(offering, person, django_capture_on_commit_callbacks)
    [message] = smtp.to(person.email)
    [event] = events_of(message)
    assert str(event["URL"]) == offering.meeting_url == str(event["LOCATION"])
    assert offering.meeting_url in text_body(message)


def test_waitlisted_trainee_is_told_their_position_without_an_invitation(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory(capacity=1)
    enrol(offering, TraineeFactory(), django_capture_on_commit_callbacks)
    enrol(offering, TraineeFactory(), django_capture_on_commit_callbacks)
    third = TraineeFactory()
    enrol(offering, third, django_capture_on_commit_callbacks)
    [message] = smtp.to(third.email)
    assert message["Subject"].startswith("列入候補")
    assert "候補第 2 位" in text_body(message)
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def test_cancelling_removes_the_event_and_the_next_in_line_is_promoted(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory(capacity=1)
    first = TraineeFactory()
    waiting = TraineeFactory()
    enrollment = enrol(offering, first, django_capture_on_commit_callbacks)
    enrol(offering, waiting, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrollment(enrollment=enrollment, by_user=first.user, now=DURING_WINDOW)

    confirmed, cancelled = smtp.to(first.email)
    assert cancelled["Subject"].startswith("報名已取消")
    assert "由訓練承辦人" not in text_body(cancelled)
    cal = calendar_of(cancelled)
    assert str(cal["METHOD"]) == "CANCEL"
    [event] = cal.walk("VEVENT")
    [original] = events_of(confirmed)
    assert event["UID"] == original["UID"] and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) > int(original["SEQUENCE"])

    waitlisted, promoted = smtp.to(waiting.email)
    assert promoted["Subject"].startswith("候補遞補")
    assert str(calendar_of(promoted)["METHOD"]) == "REQUEST"


def test_staff_cancellation_says_so(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory()
    person = TraineeFactory()
    enrollment = enrol(offering, person, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrollment(enrollment=enrollment, by_user=StaffUserFactory(), now=DURING_WINDOW)
    assert "由訓練承辦人取消" in text_body(smtp.to(person.email)[-1])


def test_approval_sends_the_invitation_and_rejection_gives_the_reason(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory(requires_approval=True)
    approved_person, rejected_person = TraineeFactory(), TraineeFactory()
    approved = enrol(offering, approved_person, django_capture_on_commit_callbacks)
    rejected = enrol(offering, rejected_person, django_capture_on_commit_callbacks)
    received = smtp.to(approved_person.email)[0]
    assert received["Subject"].startswith("報名已受理")
    assert not [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    staff = StaffUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        approve_enrollment(enrollment=approved, by_user=staff)
        reject_enrollment(enrollment=rejected, by_user=staff, reason="名額優先保留予業務承辦人員")

    approval = smtp.to(approved_person.email)[-1]
    assert approval["Subject"].startswith("審核錄取") and len(events_of(approval)) == 1
    rejection = smtp.to(rejected_person.email)[-1]
    assert rejection["Subject"].startswith("審核未錄取")
    assert "理由：名額優先保留予業務承辦人員" in text_body(rejection)


def test_rejection_reason_comes_from_the_roster_form(client, smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory(requires_approval=True)
    person = TraineeFactory()
    enrollment = enrol(offering, person, django_capture_on_commit_callbacks)
    client.force_login(StaffUserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/learning/staff/enrollments/{enrollment.pk}/decide/", {"decision": "reject", "reason": "資格不符"}
        )
    assert response.status_code == 302
    assert "理由：資格不符" in text_body(smtp.to(person.email)[-1])


def test_nomination_goes_to_the_person_with_a_copy_to_the_officer(smtp, django_capture_on_commit_callbacks):
    officer = AgencyOfficerFactory()
    officer_person = PersonFactory(user=officer.user, agency=officer.agency, name="李人事")
    person = PersonFactory(agency=officer.agency)
    offering = OfferingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        nominate_person(offering=offering, person=person, officer_user=officer.user, now=DURING_WINDOW)

    [to_person] = smtp.to(person.email)
    assert to_person["Subject"].startswith("機關薦送")
    assert "李人事 已薦送您" in text_body(to_person) and "報名狀態：已錄取" in text_body(to_person)
    assert len(events_of(to_person)) == 1
    [copy] = smtp.to(officer_person.email)
    assert copy["Subject"] == f"薦送副本：{person.name}－{offering.course.title}"


def test_a_person_who_chose_english_gets_english(smtp, django_capture_on_commit_callbacks):
    person = TraineeFactory()
    NoticePreference.objects.create(person=person, language="en")
    offering = OfferingFactory()
    enrol(offering, person, django_capture_on_commit_callbacks)
    [message] = smtp.to(person.email)
    assert message["Subject"] == f"Enrolment confirmed: {offering.course.title}"
    assert "2026-04-01 (Wed) 09:00–16:00" in text_body(message)
    assert "Venue: 公務人力發展中心 301 教室" in text_body(message)


def test_a_person_without_email_sees_the_notice_in_the_app_only(smtp, django_capture_on_commit_callbacks):
    person = TraineeFactory(email="")
    enrol(OfferingFactory(), person, django_capture_on_commit_callbacks)
    assert smtp.messages == []
    notice = Notice.objects.get(recipient=person)
    assert notice.status == Notice.Status.IN_APP_ONLY and notice.subject.startswith("報名成功")


def test_a_failed_enrolment_sends_nothing(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory()
    person = TraineeFactory()
    enrol(offering, person, django_capture_on_commit_callbacks)
    with pytest.raises(Exception), django_capture_on_commit_callbacks(execute=True):  # noqa: B017, PT011
        enroll_person(offering=offering, person=person, now=DURING_WINDOW)
    assert len(smtp.to(person.email)) == 1
    assert Notice.objects.filter(recipient=person).count() == 1
    assert Enrollment.objects.filter(person=person).count() == 1
