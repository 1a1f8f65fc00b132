"""PDFs never cut text: the longest title and the certificate number are whole in the PDF's text."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from courses.demo import COURSES
from courses.models import Certificate, CertificateTemplate, CompletionSource
from courses.services.completion import record_completion
from tests.courses.factories import CourseFactory, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory

pytestmark = pytest.mark.django_db

LONGEST_TITLE = max((spec[1] for spec in COURSES), key=len)


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def whole(text: str) -> str:
    """Wrapped lines come back with line breaks (and justified spacing): compare without white space."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert any(key.startswith("/FontFile") for key in descriptor), "the font must travel inside the file"
            names.add(str(font["/BaseFont"]).split("+", 1)[1])
    return names


@pytest.fixture
def long_completion(django_capture_on_commit_callbacks):
    person = TraineeFactory(name="歐陽立德")
    course = CourseFactory(code="ANN-101", title=LONGEST_TITLE, credit_hours=Decimal(13))
    offering = OfferingFactory(course=course, code="115-ANN-101-01", hours=Decimal(13))
    # On commit, as in production, the completion reaches the projection the record reads.
    with django_capture_on_commit_callbacks(execute=True):
        return record_completion(
            person=person,
            course=course,
            offering=offering,
            modality=offering.modality,
            source=CompletionSource.EXTERNAL,
            credited_hours=Decimal(13),
            scheduled_hours=Decimal(13),
            completed_at=timezone.make_aware(dt.datetime(2026, 11, 18, 16)),
        )


def test_certificate_has_the_whole_long_title_and_number_in_the_taiwan_face(client, long_completion):
    assert len(LONGEST_TITLE) > 50  # the demo catalog's longest title, which the old PDF cut to 17 characters
    certificate = Certificate.objects.get(completion=long_completion)
    client.force_login(long_completion.person.user)
    response = client.get(f"/learning/certificates/{certificate.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, reader = pdf_text(response.content)
    assert len(reader.pages) == 1
    assert whole(LONGEST_TITLE) in whole(text)
    assert certificate.number in text and "證書字號" in text
    assert "歐陽立德" in text and "13 小時" in text
    assert str(certificate.verification_code) in whole(text)
    assert embedded_fonts(reader) and all(name.startswith("AR-PL-UMing-TW") for name in embedded_fonts(reader))


def test_learning_record_wraps_long_titles_and_breaks_pages_with_every_row_whole(
    client, long_completion, django_capture_on_commit_callbacks
):
    person = long_completion.person
    for n in range(45):  # enough rows for several A4 pages
        course = CourseFactory(code=f"LONG-{n:02d}", title=f"第{n:02d}門：{LONGEST_TITLE}", credit_hours=Decimal(2))
        offering = OfferingFactory(course=course, code=f"115-LONG-{n:02d}", hours=Decimal(2))
        with django_capture_on_commit_callbacks(execute=True):
            record_completion(
                person=person,
                course=course,
                offering=offering,
                modality=offering.modality,
                source=CompletionSource.ATTENDANCE,
                credited_hours=Decimal(2),
                scheduled_hours=Decimal(2),
                completed_at=timezone.make_aware(dt.datetime(2026, 3, 1, 9) + dt.timedelta(days=n)),
            )
    client.force_login(person.user)
    response = client.get("/learning/record.pdf?year=2026")
    text, reader = pdf_text(response.content)
    assert len(reader.pages) >= 3
    flat = whole(text)
    assert whole(LONGEST_TITLE) in flat
    for n in range(45):
        assert whole(f"第{n:02d}門：{LONGEST_TITLE}") in flat
    # Certificate numbers and dates are whole too (the old layout printed "115-MGT-" and "民國115年11").
    for certificate in Certificate.objects.filter(person=person):
        assert certificate.number in flat
    assert "民國115年11月18日" in flat and "115-ANN-101-01" in flat
    assert "證書字號" in text  # the column the old layout dropped
    # The header row repeats on every page and every page is numbered.
    for page in reader.pages:
        page_text = page.extract_text()
        assert "課程名稱" in page_text and re.search(r"第 \d+ 頁，共 \d+ 頁", page_text)
    assert all(name.startswith("AR-PL-UMing-TW") for name in embedded_fonts(reader))


def test_staff_adjust_the_certificate_wording_in_the_admin(client, long_completion):
    staff = StaffUserFactory()
    client.force_login(staff)
    page = client.get("/admin/settings/courses/certificatetemplate/", follow=True)
    assert page.status_code == 200 and "證書樣式" in page.content.decode()
    url = page.redirect_chain[-1][0]
    form = {
        "completion_heading": "研習證書",
        "certification_heading": "認證證書",
        "completion_body": "茲證明 {name} 參加「{title}」研習 {hours} 小時。",
        "certification_body": "{name} 完成「{title}」。",
        "issuer": "高雄市政府公務人力發展中心",
        "signatory": "主任 王大明",
        "footer_note": "",
        "accent_color": "#123456",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    layout = CertificateTemplate.load()
    assert layout.signatory == "主任 王大明"
    certificate = Certificate.objects.get(completion=long_completion)
    text, _reader = pdf_text(client.get(f"/learning/certificates/{certificate.pk}.pdf").content)
    assert "研 習 證 書" in text or "研習證書" in whole(text)
    assert whole(f"茲證明歐陽立德參加「{LONGEST_TITLE}」研習13小時。") in whole(text)
    assert "主任 王大明" in text or "主任王大明" in whole(text)
    # A placeholder that does not exist is refused with a message, and nothing is saved.
    response = client.post(url, {**form, "completion_body": "{姓名} 參加 {title}"})
    assert response.status_code == 200 and "只能使用" in response.content.decode()
    assert CertificateTemplate.load().completion_body.startswith("茲證明")


def test_trainees_cannot_edit_the_certificate_template(client, long_completion):
    client.force_login(long_completion.person.user)
    response = client.get("/admin/settings/courses/certificatetemplate/1/")
    assert response.status_code in (302, 403)
    assert "completion_body" not in response.content.decode()
