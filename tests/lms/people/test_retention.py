"""Retention of leavers' personal data: past LMS_LEAVER_RETENTION_DAYS a leaver is de-identified,
their learning records stay and reports still count them (docs/data-protection.md, "Retention")."""

import datetime as dt
import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from lms.people.models import Deidentification, Person
from lms.people.retention import DEIDENTIFIED_NAME, deidentify_leavers, pseudonym
from lms.people.roles import Role
from lms.people.tasks import deidentify_leavers_task
from notices.models import Notice, NoticeKind, NoticeLanguage, NoticePreference
from reports.builders import build_center_report, build_learner_report
from reports.models import LearningRecord, NationalIdentity
from reports.services.national_export import set_national_id
from reports.services.projection import rebuild_projection
from tests.lms.people.factories import PersonFactory, UserFactory
from tests.reports.conftest import city  # noqa: F401 — the reports' shared fixture: P2 has 2018–2020 records

pytestmark = pytest.mark.django_db

RETENTION = 1826


@pytest.fixture
def leavers(city, settings):  # noqa: F811
    """P2 left long ago (past retention), with an account, a national ID and a notice; and the controls."""
    settings.LMS_LEAVER_RETENTION_DAYS = RETENTION
    settings.NATIONAL_ID_KEYS = [Fernet.generate_key().decode()]
    today = timezone.localdate()
    p2 = city.p2
    p2.user = UserFactory(username="li-er", email="li-er@example.kcg.gov.tw", first_name="二", last_name="李")
    p2.email = "li-er@example.kcg.gov.tw"
    p2.is_active = False
    p2.left_on = dt.date(2020, 6, 30)
    p2.save()
    set_national_id(person=p2, national_id="E123456789")
    Notice.objects.create(
        kind=NoticeKind.ENROLLMENT_RECEIVED,
        key="test:1",
        recipient=p2,
        email=p2.email,
        language=NoticeLanguage.ZH_HANT,
        subject="李二您好",
        body_text="李二您好，課程已完成。",
        body_html="<p>李二您好</p>",
    )
    NoticePreference.objects.update_or_create(person=p2, defaults={"calendar_token": "old-secret-token"})
    recent = PersonFactory(
        employee_number="RECENT1",
        name="近離職",
        is_active=False,
        left_on=today - dt.timedelta(days=RETENTION - 1),
        agency=city.a1,
    )
    active = PersonFactory(employee_number="ACTIVE1", name="在職者", agency=city.a1)
    done_at = timezone.now() - dt.timedelta(days=30)
    already = PersonFactory(
        employee_number="DEID-OLD",
        name="已處理",
        email="",
        is_active=False,
        left_on=dt.date(2010, 1, 1),
        deidentified_at=done_at,
        agency=city.a1,
    )
    return p2, recent, active, already


def _snapshot(*people):
    return [Person.objects.filter(pk=p.pk).values().get() for p in people]


def test_a_leaver_past_retention_is_de_identified_and_reports_still_count_their_hours(leavers, client):
    p2, recent, active, already = leavers
    center_2019 = build_center_report(year=2019).total
    learner_2019 = build_learner_report(person=p2, year=2019).total_hours
    records = LearningRecord.objects.filter(person=p2).count()
    controls = _snapshot(recent, active, already)

    out = StringIO()
    call_command("deidentify_leavers", stdout=out)

    p2.refresh_from_db()
    assert p2.name == DEIDENTIFIED_NAME and p2.email == "" and p2.deidentified_at is not None
    assert p2.employee_number == pseudonym("P2") and p2.employee_number.startswith("DEID")
    user = get_user_model().objects.get(pk=p2.user_id)
    assert user.username != "li-er" and not user.is_active and not user.has_usable_password()
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not client.login(username="li-er", password="pass-word-123")
    assert not NationalIdentity.objects.filter(person=p2).exists()
    notices = list(Notice.objects.filter(recipient=p2))
    assert notices and all(n.email == "" and "李二" not in n.subject + n.body_text + n.body_html for n in notices)
    assert NoticePreference.objects.get(person=p2).calendar_token != "old-secret-token"

    # Statistics stay: the same records, the same hours in the center's and the learner's report.
    assert LearningRecord.objects.filter(person=p2).count() == records > 0
    assert build_center_report(year=2019).total == center_2019
    assert build_learner_report(person=p2, year=2019).total_hours == learner_2019 > 0
    # Rebuilding the projection from the LRS (statements name the original number) keeps them too.
    rebuild_projection()
    assert LearningRecord.objects.filter(person=p2).count() == records
    assert build_center_report(year=2019).total == center_2019

    # The others are untouched.
    assert _snapshot(recent, active, already) == controls

    # Recorded: the run, whom, and what each app did.
    run = Deidentification.objects.get()
    assert run.source == Deidentification.Source.COMMAND and run.finished_at is not None
    assert run.person_count == 1 and list(run.people.all()) == [p2]
    assert run.retention_days == RETENTION
    assert run.counts["reports.national_ids_removed"] == 1 and run.counts["notices.notices_cleared"] == len(notices)
    assert run.counts["people.accounts_disabled"] == 1
    text = out.getvalue()
    assert f"run #{run.pk}: 1 leaver(s)" in text and "reports.national_ids_removed: 1" in text


def test_dry_run_lists_who_would_be_de_identified_and_changes_nothing(leavers):
    p2, recent, active, already = leavers
    before = _snapshot(p2, recent, active, already)
    out = StringIO()
    call_command("deidentify_leavers", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "dry run: 1 leaver(s)" in text and "P2 李二 left 2020-06-30" in text
    assert "RECENT1" not in text and "ACTIVE1" not in text and "DEID-OLD" not in text
    assert _snapshot(p2, recent, active, already) == before
    assert NationalIdentity.objects.filter(person=p2).exists()
    assert get_user_model().objects.get(pk=p2.user_id).username == "li-er"
    assert not Deidentification.objects.exists()


def test_the_daily_task_runs_the_service_and_a_re_run_is_harmless(leavers):
    p2, *_ = leavers
    entry = django_settings.CELERY_BEAT_SCHEDULE["people-deidentify-leavers"]
    assert entry["task"] == deidentify_leavers_task.name

    assert deidentify_leavers_task.delay().get() == 1
    p2.refresh_from_db()
    first = (p2.employee_number, p2.name, p2.deidentified_at)

    assert deidentify_leavers_task.delay().get() == 0
    result = deidentify_leavers()
    assert result.people == []
    p2.refresh_from_db()
    assert (p2.employee_number, p2.name, p2.deidentified_at) == first
    runs = list(Deidentification.objects.order_by("pk"))
    assert [(r.source, r.person_count) for r in runs] == [
        (Deidentification.Source.SCHEDULE, 1),
        (Deidentification.Source.SCHEDULE, 0),
        (Deidentification.Source.COMMAND, 0),
    ]


def test_retention_period_comes_from_the_setting(leavers, settings):
    p2, recent, *_ = leavers
    # A shorter period brings the recent leaver in too; a longer one leaves P2 alone.
    settings.LMS_LEAVER_RETENTION_DAYS = 100_000
    assert deidentify_leavers(dry_run=True).people == []
    settings.LMS_LEAVER_RETENTION_DAYS = 10
    assert {p.pk for p in deidentify_leavers(dry_run=True).people} == {p2.pk, recent.pk}


def test_data_subject_export_and_admin_page_of_a_de_identified_person_show_no_identifiers(leavers, client):
    p2, *_ = leavers
    deidentify_leavers()
    p2.refresh_from_db()

    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF], username="staff-1"))
    assert client.get("/reports/people/P2/data-export/").status_code == 404
    response = client.get(f"/reports/people/{p2.employee_number}/data-export/")
    assert response.status_code == 200
    body = response.content.decode()
    data = json.loads(body)
    assert data["person"]["fields"]["name"] == DEIDENTIFIED_NAME
    assert data["records"]["reports.LearningRecord"]  # the records are still there, unnamed
    assert data["national_id_on_file"] is False
    for identifier in ("李二", "li-er", '"P2"', "E123456789"):
        assert identifier not in body, identifier

    client.force_login(UserFactory(username="admin-1", is_superuser=True, is_staff=True))
    page = client.get(f"/admin/snippets/people/person/edit/{p2.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for identifier in ("李二", "li-er", 'value="P2"'):
        assert identifier not in html, identifier
    assert DEIDENTIFIED_NAME in html


def test_after_a_secret_key_rotation_the_projection_still_finds_people_de_identified_before(leavers, settings):
    p2, *_ = leavers
    deidentify_leavers()
    records = LearningRecord.objects.filter(person=p2).count()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-key-" + "x" * 50
    rebuild_projection()
    assert LearningRecord.objects.filter(person=p2).count() == records > 0
    settings.SECRET_KEY_FALLBACKS = []
    rebuild_projection()  # the old key dropped: the documented cost, the rows leave the projection
    assert not LearningRecord.objects.filter(person=p2).exists()


def test_administrators_read_the_runs_in_the_admin_and_cannot_change_them(leavers, client):
    p2, *_ = leavers
    run = deidentify_leavers().run
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    index = client.get("/admin/leaver_deidentification/")
    assert index.status_code == 200
    inspect = client.get(f"/admin/leaver_deidentification/inspect/{run.pk}/")
    assert inspect.status_code == 200 and "reports.national_ids_removed" in inspect.content.decode()
    assert "李二" not in inspect.content.decode()
    assert client.get(f"/admin/leaver_deidentification/edit/{run.pk}/").status_code == 404
    assert client.get(f"/admin/leaver_deidentification/delete/{run.pk}/").status_code == 404
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.get("/admin/leaver_deidentification/").status_code in (302, 403)
