"""Certificate renewal: the track's rule (hours within the validity, digital cap) decides; the old certificate stays."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from courses.models import Certificate, CompletionSource, Modality
from courses.services.completion import record_completion
from courses.services.renewal import (
    CertificateState,
    certificate_state,
    renew_certificate,
    renew_due_certificates,
    renewal_progress,
)
from tests.courses.factories import CertificationTrackFactory, CourseFactory, TopicFactory
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
NOW = dt.datetime(2026, 1, 15, 10, tzinfo=TAIPEI)


@pytest.fixture
def environmental():
    """環境教育人員: valid 5 years, renewal in the last year needs 30 h within the validity, ≤ 15 h digital."""
    topic = TopicFactory(slug="environmental-education", name="環境教育")
    track = CertificationTrackFactory(
        code="ENV",
        name="環境教育人員",
        validity_months=60,
        renewal_window_months=12,
        renewal_hours=Decimal("30"),
        renewal_digital_max_hours=Decimal("15"),
        renewal_topic=topic,
    )
    person = TraineeFactory()
    certificate = Certificate.objects.create(
        person=person,
        kind=Certificate.Kind.CERTIFICATION,
        track=track,
        title=track.name,
        number="KCG110-ENV-00001",
        issued_at=dt.datetime(2021, 3, 1, 9, tzinfo=TAIPEI),
        valid_until=dt.date(2026, 2, 28),
    )
    course = CourseFactory(topics=[topic])
    return track, person, certificate, course


def learn(person, course, hours, modality, when=dt.datetime(2024, 6, 1, 12, tzinfo=TAIPEI)):
    return record_completion(
        person=person,
        course=course,
        modality=modality,
        source=CompletionSource.EXTERNAL,
        credited_hours=Decimal(hours),
        scheduled_hours=Decimal(hours),
        completed_at=when,
        external_title="" if course else "外部課程",
    )


def test_renewal_with_enough_hours_issues_the_next_certificate_and_keeps_the_old(environmental):
    _track, person, certificate, course = environmental
    learn(person, course, 18, Modality.CLASSROOM)
    learn(person, course, 12, Modality.ELEARNING)
    renewed = renew_certificate(certificate=certificate, now=NOW)

    certificate.refresh_from_db()
    assert renewed.number != certificate.number and renewed.number.startswith("KCG115-ENV-")
    assert renewed.valid_until == dt.date(2031, 2, 28) and renewed.renews == certificate
    assert certificate.superseded_at is not None and certificate.revoked_at is None
    assert certificate_state(certificate, today=NOW.date()) == CertificateState.RENEWED
    assert certificate_state(renewed, today=NOW.date()) == CertificateState.VALID
    assert Certificate.objects.filter(person=person).count() == 2
    earned = [s for s in xapi_api.query_statements() if s["verb"]["id"].endswith("/earned")]
    assert len(earned) == 1


def test_digital_hours_beyond_the_cap_do_not_count_and_nothing_is_issued(environmental):
    _track, person, certificate, course = environmental
    learn(person, course, 10, Modality.CLASSROOM)
    learn(person, course, 25, Modality.ELEARNING)  # 35 h in all, but only 15 h of the digital count
    progress = renewal_progress(certificate)
    assert (progress.counted, progress.digital, progress.digital_counted, progress.missing) == (
        Decimal(25),
        Decimal(25),
        Decimal(15),
        Decimal(5),
    )
    with pytest.raises(ValidationError) as excinfo:
        renew_certificate(certificate=certificate, now=NOW)
    assert set(excinfo.value.message_dict) == {"hours"}
    assert "尚需 5.0 小時" in excinfo.value.message_dict["hours"][0]
    assert Certificate.objects.filter(person=person).count() == 1
    certificate.refresh_from_db()
    assert certificate.superseded_at is None


def test_hours_outside_the_validity_or_of_another_topic_do_not_count(environmental):
    _track, person, certificate, course = environmental
    learn(person, course, 20, Modality.CLASSROOM, when=dt.datetime(2020, 12, 1, tzinfo=TAIPEI))
    learn(person, CourseFactory(), 20, Modality.CLASSROOM)
    learn(person, course, 8, Modality.CLASSROOM)
    assert renewal_progress(certificate).counted == Decimal(8)


def test_renewal_before_the_window_opens_is_refused(environmental):
    _track, person, certificate, course = environmental
    learn(person, course, 30, Modality.CLASSROOM)
    with pytest.raises(ValidationError) as excinfo:
        renew_certificate(certificate=certificate, now=dt.datetime(2024, 12, 1, tzinfo=TAIPEI))
    assert set(excinfo.value.message_dict) == {"certificate"}
    assert Certificate.objects.filter(person=person).count() == 1


def test_the_daily_run_renews_only_certificates_whose_rule_is_met(environmental):
    track, person, certificate, course = environmental
    learn(person, course, 30, Modality.CLASSROOM)
    other = TraineeFactory()
    short = Certificate.objects.create(
        person=other,
        kind=Certificate.Kind.CERTIFICATION,
        track=track,
        title=track.name,
        number="KCG110-ENV-00002",
        issued_at=dt.datetime(2021, 3, 1, 9, tzinfo=TAIPEI),
        valid_until=dt.date(2026, 2, 28),
    )
    learn(other, course, 29, Modality.CLASSROOM)
    renewed = renew_due_certificates(now=NOW)
    assert [c.renews_id for c in renewed] == [certificate.pk]
    assert certificate_state(short, today=NOW.date()) == CertificateState.EXPIRING
    assert certificate_state(short, today=dt.date(2026, 3, 1)) == CertificateState.EXPIRED


def test_a_yearly_track_without_hours_rule_is_not_renewable():
    track = CertificationTrackFactory(code="CYB", name="資通安全", validity_months=12)
    certificate = Certificate.objects.create(
        person=TraineeFactory(),
        kind=Certificate.Kind.CERTIFICATION,
        track=track,
        title=track.name,
        number="KCG115-CYB-00001",
        valid_until=dt.date(2026, 12, 31),
    )
    assert renewal_progress(certificate) is None
    with pytest.raises(ValidationError):
        renew_certificate(certificate=certificate)


def test_a_track_rule_with_a_cap_above_the_hours_is_refused_by_field():
    track = CertificationTrackFactory.build(
        code="X",
        name="X",
        validity_months=12,
        renewal_window_months=3,
        renewal_hours=Decimal(10),
        renewal_digital_max_hours=Decimal(12),
    )
    with pytest.raises(ValidationError) as excinfo:
        track.full_clean()
    assert "renewal_digital_max_hours" in excinfo.value.message_dict


def test_trainees_see_each_certificates_state_and_what_is_missing(client, environmental):
    from django.utils import timezone

    track, person, old, course = environmental
    today = timezone.localdate()
    Certificate.objects.filter(pk=old.pk).update(superseded_at=timezone.now())
    current = Certificate.objects.create(
        person=person,
        kind=Certificate.Kind.CERTIFICATION,
        track=track,
        title=track.name,
        number="KCG115-ENV-00009",
        issued_at=timezone.now() - dt.timedelta(days=365 * 5 - 60),
        valid_until=today + dt.timedelta(days=60),
    )
    learn(person, course, 10, Modality.CLASSROOM, when=timezone.now() - dt.timedelta(days=30))
    client.force_login(person.user)
    page = client.get("/learning/").content.decode()
    assert "已換證" in page  # the earlier certificate stays listed
    assert "即將到期" in page and "尚需 20.0 小時（已採計 10.0／30.0 小時）" in page
    assert current.number in page
