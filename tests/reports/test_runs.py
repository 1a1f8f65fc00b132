"""Large reports as Celery tasks with a ReportRun row: progress, file, download link, scope."""

import io

import pytest
from openpyxl import load_workbook

from lms.people.roles import Role
from reports.models import ReportRun
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_requested_run_is_built_after_commit_and_downloadable(client, city, django_capture_on_commit_callbacks):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": "xlsx"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/runs/{run.pk}/"
    assert (run.status, run.progress, run.agency) == ("done", 100, city.a)
    assert client.get(f"/reports/runs/{run.pk}/status/").json() == {
        "status": "done",
        "progress": 100,
        "done": True,
        "error": "",
    }
    page = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert f"/reports/runs/{run.pk}/download/" in page and "<progress" in page
    download = client.get(f"/reports/runs/{run.pk}/download/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    numbers = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {"P1", "P2", "P3"}


def test_an_officer_cannot_run_a_report_for_another_agency(client, city, django_capture_on_commit_callbacks):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/runs/", {"kind": "compliance", "year": 2019, "agency": "B"})
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


def test_an_unknown_kind_is_400_and_nothing_is_stored(client, city):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.post("/reports/runs/", {"kind": "everything", "year": 2019}).status_code == 400
    assert not ReportRun.objects.exists()


def test_someone_elses_run_is_not_found(client, city, django_capture_on_commit_callbacks):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/runs/", {"kind": "center", "year": 2019, "format": "csv"})
    run = ReportRun.objects.get()
    officer = AgencyOfficerFactory(agency=city.b)
    client.force_login(officer.user)
    for suffix in ("", "status/", "download/"):
        assert client.get(f"/reports/runs/{run.pk}/{suffix}").status_code == 404


@pytest.fixture
def broker_down():
    """The Celery app sends to a Redis broker where nothing listens (as when Redis is stopped)."""
    from lms.celery import app
    from tests.conftest import closed_port

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._pool = None
    app.amqp._producer_pool = None


def test_a_run_requested_while_the_broker_is_down_fails_at_once_with_a_retry(
    client, city, broker_down, django_capture_on_commit_callbacks
):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/runs/", {"kind": "center", "year": 2019, "format": "csv"})
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert run.status == "failed" and "無法連線" in run.error
    status = client.get(f"/reports/runs/{run.pk}/status/").json()
    assert status["status"] == "failed" and "無法連線" in status["error"]
    page = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert "無法連線" in page and f"/reports/runs/{run.pk}/retry/" in page


def test_a_run_silent_too_long_is_failed_with_a_message_and_retried(client, city, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    run = ReportRun.objects.create(
        kind="center",
        year=2019,
        requested_by=staff,
        file_format="csv",
        status="running",
        progress=10,
        progressed_at=timezone.now() - dt.timedelta(minutes=30),
    )
    client.force_login(staff)
    status = client.get(f"/reports/runs/{run.pk}/status/").json()
    assert status["status"] == "failed" and "逾時" in status["error"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/runs/{run.pk}/retry/")
    retried = ReportRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == f"/reports/runs/{retried.pk}/"
    assert (retried.kind, retried.year, retried.status) == ("center", 2019, "done")
    run.refresh_from_db()
    assert run.status == "failed"  # the failed run stays as it was


def test_a_run_in_progress_cannot_be_retried(client, city):
    from django.utils import timezone

    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    run = ReportRun.objects.create(
        kind="center", year=2019, requested_by=staff, file_format="csv", status="running", progressed_at=timezone.now()
    )
    client.force_login(staff)
    assert client.post(f"/reports/runs/{run.pk}/retry/").status_code == 400
    assert ReportRun.objects.count() == 1
