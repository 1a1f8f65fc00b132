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


def test_learning_record_csv_and_pdf_quote_every_formula_leading_course_title(client):
    person = TraineeFactory()
    for payload in PAYLOADS.values():
        offering = OfferingFactory(hours=Decimal("6"), sessions=[6], course__title=payload)
        enrollment = EnrollmentFactory(offering=offering, person=person)
        record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="present")
    client.force_login(person.user)
    year = timezone.localdate().year

    content = client.get(f"/learning/record.csv?year={year}").content.decode("utf-8-sig")
    titles = [row[1] for row in csv.reader(io.StringIO(content, newline=""))][1:]
    assert sorted(titles) == sorted("'" + payload for payload in PAYLOADS.values())

    pdf = client.get(f"/learning/record.pdf?year={year}")
    lines = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).splitlines()
    # Each title is printed (cut to the column's width) behind the quote; tabs and line breaks as spaces.
    for payload in PAYLOADS.values():
        printed = ("'" + payload.replace("\t", " ").replace("\r", " "))[:8]
        assert any(line.startswith(printed) for line in lines), printed
    assert not any(line.startswith(("=", "+", "@")) for line in lines)
