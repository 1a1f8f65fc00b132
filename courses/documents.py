"""Printable documents: certificates and the personal learning record (PDF, CSV).

PDFs are rendered by WeasyPrint from HTML templates (courses/templates/courses/pdf/), so long
course titles wrap inside their cells and tables break across pages with their header repeated;
nothing is cut. The text is set in the Traditional Chinese face settings.LMS_PDF_FONT_FAMILY
(Debian's fonts-arphic-uming, "AR PL UMing TW"), found through fontconfig and subset into each
file, so a certificate prints the same on any machine. Staff adjust the certificate's wording and
colour in the admin (CertificateTemplate). The CSV starts with a BOM so that Excel on a Taiwanese
Windows opens it as UTF-8. The CSV and the text printed in
PDFs go through the shared safe writer (`tabular`): formula-leading text is quoted, so text copied
out of a PDF into a spreadsheet is as inert as the CSV.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

import tabular
from courses.models import Certificate, CertificateTemplate
from lms.people.models import Person
from lms.roc import format_roc_date, roc_year

CENTER_NAME = "高雄市政府公務人力發展中心"


def render_pdf(template: str, context: dict) -> bytes:
    """HTML template → PDF bytes. Only our own templates and data: no URL is fetched."""
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s, not needed by other pages

    html = render_to_string(template, {**context, "font_family": settings.LMS_PDF_FONT_FAMILY})
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"PDF templates must not load {url}")


def _hours(value) -> str:
    return f"{Decimal(value).normalize():f}" if value is not None else ""


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """A one-page landscape certificate with its number, wording from CertificateTemplate and the check address."""
    layout = CertificateTemplate.load()
    completion = certificate.kind == Certificate.Kind.COMPLETION
    body = layout.completion_body if completion else layout.certification_body
    text = body.format(
        name=tabular.printable_text(certificate.person.name),
        title=tabular.printable_text(certificate.title),
        hours=_hours(certificate.hours),
        kind=certificate.get_kind_display(),
    )
    issued = timezone.localtime(certificate.issued_at)
    issuer = certificate.track.issuer_name if certificate.track_id else layout.issuer
    return render_pdf(
        "courses/pdf/certificate.html",
        {
            "certificate": certificate,
            "layout": layout,
            "heading": layout.completion_heading if completion else layout.certification_heading,
            "body": text,
            "issuer": issuer,
            "issued": format_roc_date(issued)[2:],
            "valid_until": format_roc_date(certificate.valid_until) if certificate.valid_until else "",
            "verify_url": verify_url,
        },
    )


RECORD_COLUMNS = ["完成日期", "課程名稱", "班期", "上課方式", "類別", "認證時數", "證書字號"]


def record_rows(lines) -> list[list[str]]:
    """The record's rows from the year's record lines (courses/trainee_home.py: the reports' count)."""
    return [
        [
            format_roc_date(timezone.localtime(line.occurred_at)),
            line.title,
            line.offering_code,
            line.modality_label,
            line.category,
            f"{line.credited_hours}",
            "、".join(line.certificate_numbers),
        ]
        for line in lines
    ]


def learning_record_csv(*, completions) -> bytes:
    return tabular.csv_bytes(RECORD_COLUMNS, record_rows(completions))


def learning_record_pdf(*, person: Person, year: int, completions, summary: dict) -> bytes:
    """A personal learning record (個人學習紀錄) for one year: every credited course and the totals."""
    return render_pdf(
        "courses/pdf/learning_record.html",
        {
            "center": CENTER_NAME,
            "person": person,
            "roc_year": roc_year(year),
            "columns": RECORD_COLUMNS,
            # Printed text goes through the safe writer, as the CSV does (tabular.printable_text).
            "rows": [[tabular.printable_text(cell) for cell in row] for row in record_rows(completions)],
            "summary": summary,
            "printed": format_roc_date(timezone.localtime(), with_time=True),
        },
    )
