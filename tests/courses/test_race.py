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
        capacity=1, start_date=start, end_date=start,
        enrollment_opens=now - timezone.timedelta(days=1), enrollment_closes=now + timezone.timedelta(days=5),
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
        capacity=5, start_date=start, end_date=start,
        enrollment_opens=now - timezone.timedelta(days=1), enrollment_closes=now + timezone.timedelta(days=5),
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
