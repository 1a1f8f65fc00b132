import datetime as dt

import pytest
from django.utils import timezone

from cms.demo import load_pages
from courses.models import Enrollment, Modality
from lms.people.models import RankSeries
from tests.courses.factories import (
    CatalogEnrollmentFactory,
    CompetencyAxisFactory,
    CourseFactory,
    TopicFactory,
    UpcomingOfferingFactory,
    in_days,
)

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:
    import re

    return re.findall(r'data-course-code="([^"]+)"', response.content.decode())


def test_home_page_links_to_the_catalog(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/catalog/"' in response.content.decode()


def test_site_defaults_to_traditional_chinese_and_keeps_english(client, catalog):
    response = client.get("/catalog/")
    assert response.headers["Content-Language"] == "zh-hant"
    assert 'lang="zh-Hant-TW"' in response.content.decode()
    assert "課程目錄" in response.content.decode()
    english = client.get("/catalog/", headers={"accept-language": "en"})
    assert english.headers["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()
    assert "Course catalog" in english.content.decode() and "Filter" in english.content.decode()


def test_catalog_lists_published_courses_only(client, catalog):
    CourseFactory(code="LIVE-1")
    CourseFactory(code="DRAFT-1", live=False)
    assert _codes(client.get("/catalog/")) == ["LIVE-1"]


def test_catalog_filters_by_topic_axis_and_modality(client, catalog):
    ai, net_zero = TopicFactory(slug="ai", name="AI"), TopicFactory(slug="net-zero", name="淨零")
    axis = CompetencyAxisFactory(slug="common-core", name="共通核心職能")
    CourseFactory(code="AI-1", topics=[ai], competency_axis=axis)
    CourseFactory(code="AI-2", topics=[ai], modality=Modality.REMOTE)
    CourseFactory(code="NZ-1", topics=[net_zero], modality=Modality.REMOTE)
    assert _codes(client.get("/catalog/?topic=ai")) == ["AI-1", "AI-2"]
    assert _codes(client.get("/catalog/?axis=common-core")) == ["AI-1"]
    assert _codes(client.get("/catalog/?modality=remote")) == ["AI-2", "NZ-1"]
    assert _codes(client.get("/catalog/?topic=ai&modality=remote")) == ["AI-2"]


def test_catalog_filters_by_the_month_an_offering_starts(client, catalog):
    year = timezone.localdate().year
    march, july = CourseFactory(code="MAR"), CourseFactory(code="JUL")
    for course, month in ((march, 3), (july, 7)):
        start = dt.date(year, month, 10)
        UpcomingOfferingFactory(
            course=course,
            start_date=start,
            end_date=start,
            enrollment_opens=timezone.make_aware(dt.datetime(year, month, 1)),
            enrollment_closes=timezone.make_aware(dt.datetime(year, month, 5)),
        )
    assert _codes(client.get(f"/catalog/?month={year}-03")) == ["MAR"]
    assert _codes(client.get(f"/catalog/?month={year}-07")) == ["JUL"]


def test_catalog_filters_by_audience(client, catalog):
    CourseFactory(code="ALL")
    CourseFactory(code="SENIOR", eligible_rank_series=RankSeries.SENIOR)
    CourseFactory(code="CHIEFS", supervisors_only=True)
    assert _codes(client.get("/catalog/?audience=supervisors")) == ["CHIEFS"]
    assert _codes(client.get("/catalog/?audience=senior")) == ["ALL", "SENIOR"]
    assert _codes(client.get("/catalog/?audience=junior")) == ["ALL"]


def test_full_text_search_finds_chinese_words_inside_titles(client, catalog):
    CourseFactory(code="NZ-1", title="淨零學院：碳盤查入門")
    CourseFactory(code="GM-1", title="性別主流化基礎課程", summary="性別影響評估")
    assert _codes(client.get("/catalog/?q=碳盤查")) == ["NZ-1"]
    assert _codes(client.get("/catalog/?q=性別影響")) == ["GM-1"]
    response = client.get("/catalog/?q=不存在的課程")
    assert _codes(response) == []
    assert "沒有符合條件的課程" in response.content.decode()


def test_an_unknown_filter_value_is_reported_on_its_field(client, catalog):
    response = client.get("/catalog/?topic=no-such-topic")
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()


def test_course_page_shows_upcoming_offerings_with_seats_left(client, catalog):
    course = CourseFactory(code="AI-101", title="AI 實戰工作坊")
    open_offering = UpcomingOfferingFactory(course=course, code="115-AI-101-01", capacity=2)
    full_offering = UpcomingOfferingFactory(course=course, code="115-AI-101-02", capacity=1)
    CatalogEnrollmentFactory(offering=open_offering)
    CatalogEnrollmentFactory(offering=full_offering)
    CatalogEnrollmentFactory(offering=full_offering, status=Enrollment.Status.WAITLISTED)
    response = client.get("/catalog/course/AI-101/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "AI 實戰工作坊" in html
    assert "1 / 2" in html
    assert "額滿（可候補）" in html
    assert f"民國{timezone.localdate().year - 1911}年" in html or f"民國{timezone.localdate().year - 1910}年" in html


def test_course_page_of_a_draft_course_is_not_found(client, catalog):
    CourseFactory(code="DRAFT", live=False)
    assert client.get("/catalog/course/DRAFT/").status_code == 404


def test_topic_page_lists_that_topics_published_courses(client, catalog):
    ai = TopicFactory(slug="ai", name="AI")
    CourseFactory(code="AI-1", topics=[ai])
    CourseFactory(code="OTHER")
    load_pages()  # creates the new topic's page
    response = client.get("/catalog/ai/")
    assert response.status_code == 200
    assert _codes(response) == ["AI-1"]


def test_learning_path_and_certification_pages(client, catalog):
    from courses.demo import _load_certification_tracks, _load_law_map

    courses = {}
    from courses.demo import COURSES, LAW_MAP_MODULES

    for module_code, _title, subjects in LAW_MAP_MODULES:
        for i, _ in enumerate(subjects, start=1):
            courses[f"LAW-{module_code}{i}"] = CourseFactory(code=f"LAW-{module_code}{i}")
    for spec in COURSES:
        if spec[0] in ("PROC-101", "PROC-201", "CYB-101"):
            courses[spec[0]] = CourseFactory(code=spec[0], title=spec[1])
    _load_law_map(courses)
    _load_certification_tracks(courses)
    law_map = client.get("/catalog/paths/LAW-MAP/").content.decode()
    assert all(f"模組 {code}" in law_map for code in "ABCDEFGH")
    tracks = client.get("/catalog/certifications/").content.decode()
    assert "政府採購專業人員基礎證書" in tracks and "資通安全概論證書" in tracks
    procurement = client.get("/catalog/certifications/PROC-BASIC/").content.decode()
    assert "行政院公共工程委員會" in procurement and "70" in procurement
    assert client.get("/catalog/certifications/NOPE/").status_code == 404


def test_remote_offering_shows_online_instead_of_a_venue(client, catalog):
    course = CourseFactory(code="R-1", modality=Modality.REMOTE)
    UpcomingOfferingFactory(
        course=course,
        modality=Modality.REMOTE,
        venue="",
        meeting_url="https://meet.example/r1",
        enrollment_closes=in_days(10),
    )
    assert "線上" in client.get("/catalog/course/R-1/").content.decode()
