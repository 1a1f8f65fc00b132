"""Printable documents: certificates and the personal learning record (PDF, CSV).

PDFs are rendered by WeasyPrint from HTML templates (courses/templates/courses/pdf/), so long
course titles wrap inside their cells and tables break across pages with their header repeated;
nothing is cut. The text is set in the Traditional Chinese face settings.LMS_PDF_FONT_FAMILY
(Debian's fonts-arphic-uming, "AR PL UMing TW"), found through fontconfig and subset into each
file, so a certificate prints the same on any machine. Staff adjust the certificate's wording and
colour in the admin (CertificateTemplate). The CSV starts with a BOM so that Excel on a Taiwanese
Windows opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

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
        name=certificate.person.name, title=certificate.title, hours=_hours(certificate.hours),
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


def record_rows(completions) -> list[list[str]]:
    rows = []
    for completion in completions:
        axis = completion.course.competency_axis if completion.course_id else None
        certificates = [c.number for c in completion.certificates.all() if c.revoked_at is None]
        rows.append([
            format_roc_date(timezone.localtime(completion.completed_at)),
            completion.title,
            completion.offering.code if completion.offering_id else "",
            str(completion.get_modality_display()),
            axis.name if axis else "",
            f"{completion.credited_hours}",
            "、".join(certificates),
        ])
    return rows


def learning_record_csv(*, completions) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECORD_COLUMNS)
    writer.writerows(record_rows(completions))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def learning_record_pdf(*, person: Person, year: int, completions, summary: dict) -> bytes:
    """A personal learning record (個人學習紀錄) for one year: every credited course and the totals."""
    return render_pdf(
        "courses/pdf/learning_record.html",
        {
            "center": CENTER_NAME,
            "person": person,
            "roc_year": roc_year(year),
            "columns": RECORD_COLUMNS,
            "rows": record_rows(completions),
            "summary": summary,
            "printed": format_roc_date(timezone.localtime(), with_time=True),
        },
    )
