"""The race for the last seat, on PostgreSQL with real concurrent transactions (row locks)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from courses.models import Enrollment
from tests.courses.factories import OfferingFactory
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

RACERS = 8


def test_exactly_one_of_many_simultaneous_requests_gets_the_last_seat():
    now = timezone.now()
    start = timezone.localdate() + timezone.timedelta(days=10)
    offering = OfferingFactory(
        capacity=1,
        start_date=start,
        end_date=start,
        enrollment_opens=now - timezone.timedelta(days=1),
        enrollment_closes=now + timezone.timedelta(days=5),
    )
    people = [TraineeFactory() for _ in range(RACERS)]
    clients = []
    for person in people:
        client = Client()
        client.force_login(person.user)
        clients.append(client)
    barrier = threading.Barrier(RACERS)
    statuses = []

    def race(client):
        try:
            barrier.wait()
            statuses.append(client.post(f"/learning/offerings/{offering.code}/enroll/").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * RACERS
    by_status = {status: Enrollment.objects.filter(status=status).count() for status in ("enrolled", "waitlisted")}
    assert by_status == {"enrolled": 1, "waitlisted": RACERS - 1}
    assert xapi_api.count_statements() == RACERS
    positions = sorted(
        s["context"]["extensions"]["https://lms.kcg.gov.tw/xapi/extensions/waitlist-position"]
        for s in xapi_api.query_statements(verb="https://lms.kcg.gov.tw/xapi/verbs/waitlisted")
    )
    assert positions == list(range(1, RACERS))


def test_the_same_person_submitting_twice_at_once_is_enrolled_once():
    now = timezone.now()
    start = timezone.localdate() + timezone.timedelta(days=10)
    offering = OfferingFactory(
        capacity=5,
        start_date=start,
        end_date=start,
        enrollment_opens=now - timezone.timedelta(days=1),
        enrollment_closes=now + timezone.timedelta(days=5),
    )
    person = TraineeFactory()
    barrier = threading.Barrier(2)

    def submit():
        try:
            client = Client()
            client.force_login(person.user)
            barrier.wait()
            client.post(f"/learning/offerings/{offering.code}/enroll/")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Enrollment.objects.filter(person=person).count() == 1
    assert xapi_api.count_statements() == 1


def test_two_simultaneous_imports_of_the_same_roster_file_both_answer_and_store_it_once():
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.models import Attendance, Completion
    from tests.courses.factories import EnrollmentFactory, StaffUserFactory

    offering = OfferingFactory(hours=Decimal("6"), sessions=[6])
    enrollments = [EnrollmentFactory(offering=offering) for _ in range(5)]
    day = offering.sessions.get().date.isoformat()
    text = "員工編號,日期,出席狀態,出席分鐘數\n" + "".join(
        f"{e.person.employee_number},{day},出席,\n" for e in enrollments
    )
    staff = StaffUserFactory()
    barrier = threading.Barrier(2)
    statuses = []

    def upload():
        try:
            client = Client()
            client.force_login(staff)
            upload = SimpleUploadedFile("roster.csv", text.encode("utf-8-sig"), content_type="text/csv")
            barrier.wait()
            statuses.append(
                client.post(f"/learning/staff/offerings/{offering.code}/roster-file/", {"file": upload}).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302, 302]
    assert Attendance.objects.filter(is_current=True).count() == 5
    assert Attendance.objects.count() == 5
    assert Completion.objects.count() == 5
