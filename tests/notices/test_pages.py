"""我的通知 with the unread count in the header, the calendar feed, and the texts staff edit with a preview."""

import icalendar
import pytest

from courses.services.enrollment import enroll_person
from notices.models import Notice, NoticePreference, NoticeTemplate
from tests.courses.factories import DURING_WINDOW, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory
from tests.notices.conftest import text_body

pytestmark = pytest.mark.django_db


def enrolled_person(capture):
    person = TraineeFactory()
    offering = OfferingFactory()
    with capture(execute=True):
        enrollment = enroll_person(offering=offering, person=person, now=DURING_WINDOW)
    return person, enrollment


def test_my_notices_lists_them_and_the_header_counts_the_unread(client, django_capture_on_commit_callbacks):
    person, _enrollment = enrolled_person(django_capture_on_commit_callbacks)
    client.force_login(person.user)
    header = client.get("/notices/").content.decode()
    assert "我的通知" in header and "1 則未讀" in header and "報名成功" in header
    notice = Notice.objects.get(recipient=person)
    detail = client.get(f"/notices/{notice.pk}/")
    assert detail.status_code == 200 and "公務人力發展中心 301 教室" in detail.content.decode()
    assert "則未讀" not in client.get("/notices/").content.decode()
    ics = client.get(f"/notices/{notice.pk}/invite.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(ics.content)["METHOD"] == "REQUEST"


def test_nobody_reads_another_persons_notice(client, django_capture_on_commit_callbacks):
    _person, _enrollment = enrolled_person(django_capture_on_commit_callbacks)
    notice = Notice.objects.get()
    client.force_login(TraineeFactory().user)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/notices/{notice.pk}/invite.ics").status_code == 404


def test_the_personal_calendar_feed_works_until_its_url_is_reset(client, django_capture_on_commit_callbacks):
    person, enrollment = enrolled_person(django_capture_on_commit_callbacks)
    client.force_login(person.user)
    page = client.get("/notices/settings/").content.decode()
    token = NoticePreference.objects.get(person=person).calendar_token
    assert f"/notices/calendar/{token}.ics" in page and len(token) >= 40
    client.logout()
    feed = client.get(f"/notices/calendar/{token}.ics")
    cal = icalendar.Calendar.from_ical(feed.content)
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]).startswith(str(enrollment.registration))
    client.force_login(person.user)
    client.post("/notices/settings/", {"action": "reset_calendar"})
    client.logout()
    assert client.get(f"/notices/calendar/{token}.ics").status_code == 404
    assert client.get("/notices/calendar/guess.ics").status_code == 404


def test_staff_edit_a_text_and_the_next_notice_uses_it(smtp, client, django_capture_on_commit_callbacks):
    client.force_login(StaffUserFactory())
    template = NoticeTemplate.objects.get(kind="enrollment_confirmed", language="zh-hant")
    response = client.post(
        f"/admin/snippets/notices/noticetemplate/edit/{template.pk}/",
        {
            "kind": "enrollment_confirmed",
            "language": "zh-hant",
            "subject": "【錄取】{{ course_title }}",
            "body": "{{ person_name }} 您好，歡迎參加 {{ course_title }}。\n\n{{ offering_details }}",
        },
    )
    assert response.status_code == 302
    person, _enrollment = enrolled_person(django_capture_on_commit_callbacks)
    [message] = smtp.to(person.email)
    assert message["Subject"].startswith("【錄取】") and f"{person.name} 您好，歡迎參加" in text_body(message)


def test_a_broken_text_is_refused_naming_the_field(client):
    client.force_login(StaffUserFactory())
    template = NoticeTemplate.objects.get(kind="rejected", language="zh-hant")
    response = client.post(
        f"/admin/snippets/notices/noticetemplate/edit/{template.pk}/",
        {"kind": "rejected", "language": "zh-hant", "subject": "{% if %}", "body": template.body},
    )
    assert response.status_code == 200 and "範本語法錯誤" in response.content.decode()
    template.refresh_from_db()
    assert template.subject != "{% if %}"


def test_staff_preview_a_text_with_sample_data(client):
    client.force_login(StaffUserFactory())
    template = NoticeTemplate.objects.get(kind="session_reminder", language="zh-hant")
    url = f"/admin/snippets/notices/noticetemplate/preview/{template.pk}/"
    data = {"kind": "session_reminder", "language": "zh-hant", "subject": template.subject, "body": template.body}
    assert client.post(url, data).json()["is_valid"] is True
    preview = client.get(url).content.decode()
    assert "上課提醒：民國115年3月2日 公文寫作實務" in preview and "本中心 201 教室" in preview
