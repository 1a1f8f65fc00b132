"""Fault tests: real services stopped and restarted under load (PostgreSQL + Redis lane, run once).

They stop the lane's own Redis and PostgreSQL (scripts/lib.sh), so scripts/test.sh runs them in
a separate serial step after the parallel suite (marker `fault`, LMS_FAULT_TESTS=1).
"""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import Completion, ExternalActivity
from lms.deliveries import services as deliveries
from lms.deliveries.models import StatementDelivery
from reports.models import LearningRecord, ReportRun
from tests.conftest import closed_port
from tests.courses.factories import CourseFactory, StaffUserFactory
from tests.lms.deliveries.test_deliveries import MOOC_COURSE, completion_statement
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.fault, pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def lib(*functions: str) -> None:
    """Run scripts/lib.sh functions (the lane's own services, same ports and directory)."""
    script = "source scripts/lib.sh && " + " && ".join(functions)
    subprocess.run(["bash", "-c", script], cwd=ROOT, check=True, capture_output=True, timeout=180)  # noqa: S603, S607


@pytest.fixture
def mapped_course():
    course = CourseFactory(credit_hours=Decimal("3"))
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, status="mapped", course=course)
    return course


@pytest.mark.celery_worker
def test_redis_stopped_and_restarted(client, platform_auth, mapped_course, django_capture_on_commit_callbacks):
    from celery.contrib.testing.worker import start_worker

    from cms.demo import load_pages
    from lms.celery import app

    load_pages()
    staff = StaffUserFactory()
    lib("stop_redis")
    try:
        # Pages render (cache errors are misses), the LRS acknowledges and queues the change,
        # and a report requested now says at once that it could not be queued.
        assert client.get("/").status_code == 200
        assert client.get("/catalog/").status_code == 200
        statement = completion_statement(TraineeFactory())
        response = client.post(
            "/xapi/statements", data=json.dumps([statement]), content_type="application/json", **platform_auth
        )
        assert response.status_code == 200
        assert StatementDelivery.objects.get(consumer="courses", statement_id=statement["id"]).status == "pending"
        assert not Completion.objects.exists()
        client.force_login(staff)
        response = client.post("/reports/runs/", {"kind": "center", "year": 2026, "format": "csv"})
        run = ReportRun.objects.get()
        assert run.status == "failed" and "無法連線" in run.error
    finally:
        lib("start_redis")

    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        # The sweep (celery beat's retry_due_deliveries_task) picks the queued change up.
        assert deliveries.retry_due(now=timezone.now() + deliveries.DISPATCH_GRACE) == 1
        response = client.post(f"/reports/runs/{run.pk}/retry/")
        retried = ReportRun.objects.exclude(pk=run.pk).get()
        for _ in range(600):
            retried.refresh_from_db()
            if retried.status in ("done", "failed"):
                break
            time.sleep(0.1)
        for _ in range(600):  # the projection of the new completion goes through the worker too
            if LearningRecord.objects.exists():
                break
            time.sleep(0.1)
    assert retried.status == "done"
    assert Completion.objects.filter(source_statement_id=statement["id"]).count() == 1
    assert LearningRecord.objects.count() == 1


@pytest.mark.celery_worker
def test_a_killed_worker_leaves_no_run_silently_pending(client):
    """The worker dies mid-run: the run is re-queued (acks_late) or, silent too long, failed with a retry."""
    worker_env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    queue = os.environ.get("PYTEST_XDIST_WORKER") and f"test-{os.environ['PYTEST_XDIST_WORKER']}" or "celery"
    worker = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("celery")), "-A", "lms", "worker", "-Q", queue, "-c", "1", "-l", "warning"],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staff = StaffUserFactory()
    client.force_login(staff)
    try:
        client.post("/reports/runs/", {"kind": "center", "year": 2026, "format": "csv"})
        run = ReportRun.objects.get()
        worker.kill()  # SIGKILL, whatever the run was doing
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    run.refresh_from_db()
    if run.status != "done":
        # Nobody will finish it: the page's next poll after STALE_AFTER says so and offers a retry.
        later = timezone.now() + dt.timedelta(minutes=21)
        from reports.services.runs import fail_stale_runs

        fail_stale_runs(now=later, pk=run.pk)
        run.refresh_from_db()
        assert run.status == "failed" and "重新產製" in run.error
    assert run.status in ("done", "failed")


def _database_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def test_postgresql_restarted_under_a_bounded_loop_of_posts(platform_auth, mapped_course, tmp_path):
    people = [TraineeFactory() for _ in range(5)]
    port = closed_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": "test-only-fault-lane",
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "LMS_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)  # consumers run in-process in the server, as in the embedded default
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("gunicorn")), "lms.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3",
        "Authorization": platform_auth["HTTP_AUTHORIZATION"],
    }

    def send(statement) -> int:
        request = urllib.request.Request(  # noqa: S310 - loopback test server
            f"http://127.0.0.1:{port}/xapi/statements", data=json.dumps([statement]).encode(), headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0

    statements = [completion_statement(people[i % len(people)]) for i in range(40)]
    acknowledged, seen = set(), []
    restart = threading.Thread(target=lambda: lib("stop_postgres", "sleep 2", "start_postgres"))
    try:
        deadline = time.monotonic() + 120
        while send(statements[0]) == 0 and time.monotonic() < deadline:
            time.sleep(0.5)  # the server is starting
        acknowledged.add(statements[0]["id"])
        for index, statement in enumerate(statements[1:], start=1):
            if index == 8:
                restart.start()
            status = send(statement)
            seen.append(status)
            if status == 200:
                acknowledged.add(statement["id"])
            time.sleep(0.05)
        restart.join()
        # The platform resends what was not acknowledged (same ids), a bounded number of times.
        for _ in range(20):
            missing = [s for s in statements if s["id"] not in acknowledged]
            if not missing:
                break
            for statement in missing:
                if send(statement) == 200:
                    acknowledged.add(statement["id"])
            time.sleep(1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    connection.close()  # this process's connection died with the restart

    assert 500 not in seen
    assert any(status != 200 for status in seen), "the restart did not disturb any post"
    assert acknowledged == {s["id"] for s in statements}
    for statement in statements:
        assert xapi_api.get_statement(statement["id"]) is not None
    # Nothing counted twice: at most one completion and one projected record per platform statement.
    credited = list(Completion.objects.values_list("source_statement_id", flat=True))
    assert len(credited) == len(set(credited)) <= len(statements)
    assert LearningRecord.objects.count() == len(credited)
