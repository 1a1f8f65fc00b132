"""The personal learning record (CSV and PDF) neutralises formula-leading titles (OWASP CSV injection)."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from courses.services.attendance import record_attendance
from tests.courses.factories import EnrollmentFactory, OfferingFactory
from tests.lms.people.factories import TraineeFactory
from tests.tabular.test_writer import PAYLOADS

pytestmark = pytest.mark.django_db


def test_learning_record_csv_and_pdf_quote_every_formula_leading_course_title(
    client, django_capture_on_commit_callbacks
):
    person = TraineeFactory()
    for payload in PAYLOADS.values():
        offering = OfferingFactory(hours=Decimal("6"), sessions=[6], course__title=payload)
        enrollment = EnrollmentFactory(offering=offering, person=person)
        with django_capture_on_commit_callbacks(execute=True):  # the projection follows on commit
            record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="present")
    client.force_login(person.user)
    year = timezone.localdate().year

    content = client.get(f"/learning/record.csv?year={year}").content.decode("utf-8-sig")
    titles = [row[1] for row in csv.reader(io.StringIO(content, newline=""))][1:]
    assert sorted(titles) == sorted("'" + payload for payload in PAYLOADS.values())

    pdf = client.get(f"/learning/record.pdf?year={year}")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())  # the PDF wraps long titles: compare with whitespace collapsed
    # Each title is printed behind the quote (tabs and line breaks as spaces), never bare.
    for payload in PAYLOADS.values():
        start = " ".join(payload.replace("\t", " ").replace("\r", " ").split())[:6]
        at = [i for i in range(len(text)) if text.startswith(start, i)]
        assert at, start
        assert all(text[i - 1] == "'" or text[i - 2 : i] == "' " for i in at), start
