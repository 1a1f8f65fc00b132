"""A report run built by a real Celery worker (Redis broker), as in production. Runs with REDIS_URL."""

import time

import pytest

from lms.people.roles import Role
from reports.models import ReportRun
from reports.services.runs import request_report_run
from reports.tasks import build_report_run_task
from tests.lms.people.factories import UserFactory


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_run_and_the_page_sees_it_done(client):
    from celery.contrib.testing.worker import start_worker

    from lms.celery import app

    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        run = request_report_run(
            user=staff,
            kind=ReportRun.Kind.CENTER,
            year=2025,
            agency=None,
            file_format="csv",
            enqueue=build_report_run_task.delay,
        )
        for _ in range(600):
            run.refresh_from_db()
            if run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
                break
            time.sleep(0.1)
    assert run.status == ReportRun.Status.DONE and run.progress == 100
    client.force_login(staff)
    assert client.get(f"/reports/runs/{run.pk}/status/").json()["done"] is True
