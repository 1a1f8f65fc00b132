"""我的學習 as the trainee's home: rule progress, what would fill each gap, join links, past years, history."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import CompletionSource, Enrollment, Modality
from courses.selectors import join_link
from courses.services.completion import record_completion
from reports.models import RequirementRule
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    OfferingFactory,
    TopicFactory,
    UpcomingOfferingFactory,
    in_days,
)
from tests.lms.people.factories import TraineeFactory, UserFactory
from tests.reports.factories import RuleFactory

pytestmark = pytest.mark.django_db


def _elearning(course, year=None):
    year = year or timezone.localdate().year
    tz = timezone.get_current_timezone()
    return OfferingFactory(
        course=course,
        modality=Modality.ELEARNING,
        venue="",
        meeting_url=f"https://elearn.example.tw/{course.code}",
        start_date=dt.date(year, 1, 1),
        end_date=dt.date(year, 12, 31),
        capacity=5000,
        enrollment_opens=dt.datetime(year, 1, 1, tzinfo=tz),
        enrollment_closes=dt.datetime(year, 12, 31, 23, tzinfo=tz),
        sessions=[],
    )


@pytest.fixture
def credit(django_capture_on_commit_callbacks):
    """Credit hours through the completion service; the projection runs on commit, as in production."""

    def _credit_now(person, course, hours, when):
        with django_capture_on_commit_callbacks(execute=True):
            return _credit(person, course, hours, when)

    return _credit_now


def _credit(person, course, hours, when):
    return record_completion(
        person=person,
        course=course,
        modality=course.modality,
        source=CompletionSource.EXTERNAL,
        credited_hours=Decimal(hours),
        scheduled_hours=Decimal(hours),
        completed_at=when,
    )


@pytest.fixture
def setting(credit):
    """A gender rule (3 h) half done this year, with an e-learning course, a classroom class and a
    supervisors-only class that would each count for it."""
    today = timezone.localdate()
    gender = TopicFactory(slug="gender-mainstreaming", name="性別主流化")
    rule = RuleFactory(
        code="gender-3h",
        name="性別主流化每年 3 小時",
        measure=RequirementRule.Measure.TOPIC_HOURS,
        min_hours=Decimal(3),
        from_year=2025,
        topics=[gender],
    )
    person = TraineeFactory(is_supervisor=False)
    done = CourseFactory(code="GM-100", title="性別主流化入門", credit_hours=Decimal("1.5"), topics=[gender])
    credit(person, done, "1.5", timezone.now() - dt.timedelta(days=1))
    online = _elearning(
        CourseFactory(
            code="GM-101",
            title="性別主流化數位課程",
            modality=Modality.ELEARNING,
            credit_hours=Decimal(3),
            topics=[gender],
        )
    )
    classroom = UpcomingOfferingFactory(course=CourseFactory(code="GM-201", title="性別影響評估實作", topics=[gender]))
    bosses = UpcomingOfferingFactory(
        course=CourseFactory(code="GM-301", title="主管性別領導", topics=[gender], supervisors_only=True)
    )
    unrelated = UpcomingOfferingFactory(course=CourseFactory(code="AI-1", title="AI 工作坊"))
    again = UpcomingOfferingFactory(course=done)
    return {
        "again": again,
        "today": today,
        "rule": rule,
        "person": person,
        "online": online,
        "classroom": classroom,
        "bosses": bosses,
        "unrelated": unrelated,
    }


def test_progress_against_this_years_rule_with_hours_missing_and_deadline(client, setting):
    client.force_login(setting["person"].user)
    page = client.get("/learning/").content.decode()
    row = re.search(r'<tr data-rule-code="gender-3h">(.*?)</tr>', page, re.S).group(1)
    assert "性別主流化每年 3 小時" in row
    assert "1.5 小時" in row  # done
    assert "3 小時" in row  # target
    assert f"民國{setting['today'].year - 1911}年12月31日" in row  # annual rule: due at the year's end
    assert "未達成" in row


def test_each_gap_lists_open_offerings_that_fill_it_and_that_the_trainee_may_take(client, setting):
    client.force_login(setting["person"].user)
    page = client.get("/learning/").content.decode()
    gap = re.search(r'<div class="gap" data-rule-code="gender-3h">(.*?)</div>', page, re.S).group(1)
    assert "尚缺 1.5" in gap
    assert setting["online"].code in gap and setting["classroom"].code in gap
    assert gap.index(setting["online"].code) < gap.index(setting["classroom"].code)  # e-learning first
    assert setting["bosses"].code not in gap  # supervisors only: not eligible
    assert setting["unrelated"].code not in gap  # does not count for the rule
    assert setting["again"].code not in gap  # already completed this year
    # Enrolling from the suggestion goes through the normal enrolment and the offering leaves the list.
    client.post(f"/learning/offerings/{setting['classroom'].code}/enroll/", {"next": "/learning/"})
    assert Enrollment.objects.get(person=setting["person"]).offering == setting["classroom"]
    page = client.get("/learning/").content.decode()
    gap = re.search(r'<div class="gap" data-rule-code="gender-3h">(.*?)</div>', page, re.S).group(1)
    assert setting["classroom"].code not in gap


def test_a_met_rule_has_no_suggestions(client, setting, credit):
    credit(setting["person"], setting["online"].course, "3", timezone.now() - dt.timedelta(hours=2))
    client.force_login(setting["person"].user)
    page = client.get("/learning/").content.decode()
    assert 'data-rule-code="gender-3h">' in page and "已達成" in page
    assert '<div class="gap" data-rule-code="gender-3h">' not in page


def test_elearning_enrolment_shows_the_platform_course_link(client, setting):
    person = setting["person"]
    EnrollmentFactory(person=person, offering=setting["online"])
    client.force_login(person.user)
    page = client.get("/learning/").content.decode()
    row = re.search(rf'<tr data-offering-code="{setting["online"].code}">(.*?)</tr>', page, re.S).group(1)
    assert f'href="{setting["online"].meeting_url}"' in row and "前往數位課程" in row


def test_meeting_link_shows_only_from_the_set_time_before_the_session(client, settings):
    settings.LMS_JOIN_LINK_LEAD_MINUTES = 30
    person = TraineeFactory()
    start = timezone.localdate() + dt.timedelta(days=3)
    offering = OfferingFactory(
        modality=Modality.REMOTE,
        venue="",
        meeting_url="https://meet.example.kcg.gov.tw/room/115-R-01",
        start_date=start,
        end_date=start,
        enrollment_opens=in_days(-10),
        enrollment_closes=in_days(1),
    )
    enrollment = EnrollmentFactory(person=person, offering=offering)
    session = offering.sessions.get()
    starts = dt.datetime.combine(session.date, session.start_time, tzinfo=timezone.get_current_timezone())
    early = join_link(enrollment, now=starts - dt.timedelta(minutes=31))
    assert early is not None and not early.is_open and early.opens_at == starts - dt.timedelta(minutes=30)
    assert join_link(enrollment, now=starts - dt.timedelta(minutes=29)).is_open
    ends = dt.datetime.combine(session.date, session.end_time, tzinfo=timezone.get_current_timezone())
    assert join_link(enrollment, now=ends + dt.timedelta(minutes=1)) is None  # the last session is over

    client.force_login(person.user)
    row = re.search(
        rf'<tr data-offering-code="{offering.code}">(.*?)</tr>', client.get("/learning/").content.decode(), re.S
    ).group(1)
    assert "線上教室連結將於" in row and offering.meeting_url not in row
    # A waitlisted or classroom enrolment has no link at all.
    enrollment.status = Enrollment.Status.WAITLISTED
    enrollment.save()
    assert join_link(enrollment) is None


def test_finished_classes_are_history_and_past_years_can_be_opened(client, credit):
    person = TraineeFactory()
    last_year = timezone.localdate().year - 1
    offering = OfferingFactory(
        start_date=dt.date(last_year, 5, 4),
        end_date=dt.date(last_year, 5, 4),
        code="114-HIST-01",
        course=CourseFactory(title="去年完成的課程"),
    )
    EnrollmentFactory(person=person, offering=offering, status=Enrollment.Status.COMPLETED)
    credit(person, offering.course, "6", timezone.make_aware(dt.datetime(last_year, 5, 4, 16)))
    client.force_login(person.user)
    this_year = client.get("/learning/").content.decode()
    assert "114-HIST-01" not in this_year  # neither running nor this year's history
    page = client.get(f"/learning/?year={last_year}").content.decode()
    history = re.search(r'<table class="data" id="history">(.*?)</table>', page, re.S).group(1)
    assert "114-HIST-01" in history and "已結訓" in history
    assert 'id="enrollments"' not in page  # a past year has no running enrolments
    assert re.search(r'id="total-hours">6', page)
    # ROC years are accepted; nonsense is a 400 naming the parameter (lms.params, one year parser).
    assert "去年完成的課程" in client.get(f"/learning/?year={last_year - 1911}").content.decode()
    nonsense = client.get("/learning/?year=abc")
    assert nonsense.status_code == 400 and "year" in nonsense.content.decode()


def test_account_without_learner_profile_gets_a_clear_page_and_no_enrol_button(client):
    user = UserFactory()
    offering = UpcomingOfferingFactory()
    client.force_login(user)
    response = client.get("/learning/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "此帳號未連結學員資料" in body and "人事單位" in body
    response = client.post(f"/learning/offerings/{offering.code}/enroll/")
    assert response.status_code == 403 and "此帳號未連結學員資料" in response.content.decode()
    assert not Enrollment.objects.exists()
    assert client.get("/learning/record.pdf").status_code == 403
