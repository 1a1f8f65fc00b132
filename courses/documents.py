"""Printable documents: certificates and the personal learning record (PDF, CSV).

PDFs embed a TrueType Traditional Chinese font (settings.LMS_PDF_FONT, by default Debian's
fonts-arphic-uming, which the setup scripts install), subset into each file, so a certificate
prints the same on any machine. reportlab's built-in CID font MSung-Light is only the fallback
when that file is missing: it is not embedded, and viewers without Adobe's CNS1 language pack
show it blank. The CSV starts with a BOM so that Excel on a Taiwanese Windows opens it as UTF-8. The CSV and the
text cells printed in PDFs go through the shared safe writer (`tabular`): formula-leading text is
quoted, so text copied out of a PDF into a spreadsheet is as inert as the CSV.
"""

from __future__ import annotations

import io
import logging
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import tabular
from courses.models import Certificate
from lms.people.models import Person
from lms.roc import format_roc_date, roc_year

EMBEDDED_FONT = "LmsMing"
FALLBACK_FONT = "MSung-Light"
CENTER_NAME = "高雄市政府公務人力發展中心"
logger = logging.getLogger(__name__)


def _font() -> str:
    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED_FONT in registered:
        return EMBEDDED_FONT
    path = Path(settings.LMS_PDF_FONT)
    if path.is_file():
        pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(path), subfontIndex=settings.LMS_PDF_FONT_INDEX))
        return EMBEDDED_FONT
    logger.warning("PDF font %s is missing; falling back to the non-embedded CID font %s", path, FALLBACK_FONT)
    if FALLBACK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """A one-page landscape certificate with its number and the verification address."""
    font = _font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{certificate.get_kind_display()} {certificate.number}")
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setFont(font, 34)
    pdf.drawCentredString(width / 2, height - 50 * mm, certificate.get_kind_display())
    pdf.setFont(font, 13)
    pdf.drawRightString(width - 25 * mm, height - 25 * mm, f"證書字號：{certificate.number}")
    issued = timezone.localtime(certificate.issued_at)
    lines = [
        f"{tabular.printable_text(certificate.person.name)} 君",
        f"參加「{tabular.printable_text(certificate.title)}」",
    ]
    if certificate.hours:
        lines.append(f"{'完成研習' if certificate.kind == Certificate.Kind.COMPLETION else '完成認證'}，"
                     f"計 {Decimal(certificate.hours).normalize():f} 小時，特此證明。")
    else:
        lines.append("經評量合格，特此證明。")
    pdf.setFont(font, 20)
    for i, line in enumerate(lines):
        pdf.drawCentredString(width / 2, height - (85 + i * 16) * mm, line)
    pdf.setFont(font, 14)
    issuer = certificate.track.issuer_name if certificate.track_id else CENTER_NAME
    pdf.drawCentredString(width / 2, 50 * mm, issuer)
    pdf.drawCentredString(width / 2, 40 * mm, f"中華民國 {format_roc_date(issued)[2:]}")
    if certificate.valid_until:
        pdf.drawCentredString(width / 2, 32 * mm, f"有效期限至 {format_roc_date(certificate.valid_until)}")
    pdf.setFont(font, 9)
    pdf.drawString(20 * mm, 18 * mm, f"查驗網址：{verify_url}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


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
    return tabular.csv_bytes(RECORD_COLUMNS, record_rows(completions))


def learning_record_pdf(*, person: Person, year: int, completions, summary: dict) -> bytes:
    """A personal learning record (個人學習紀錄) for one year: every credited course and the totals."""
    font = _font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"個人學習紀錄 {roc_year(year)}")
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 25 * mm, f"{CENTER_NAME} 個人學習紀錄（民國 {roc_year(year)} 年）")
    pdf.setFont(font, 11)
    printed = (tabular.printable_text(v) for v in (person.name, person.employee_number, person.agency.name))
    name, number, agency = printed
    pdf.drawString(20 * mm, height - 36 * mm, f"姓名：{name}　員工編號：{number}　服務機關：{agency}")
    pdf.drawString(20 * mm, height - 43 * mm, f"認證時數合計：{summary['total']} 小時　" + "　".join(
        f"{name} {hours} 小時" for name, hours in summary["by_modality"].items()))
    y = height - 55 * mm
    widths = [30, 62, 30, 22, 0, 14]
    pdf.setFont(font, 10)
    for row_index, row in enumerate([RECORD_COLUMNS[:6], *[r[:6] for r in record_rows(completions)]]):
        if y < 20 * mm:
            pdf.showPage()
            pdf.setFont(font, 10)
            y = height - 20 * mm
        x = 20 * mm
        for text, w in zip(row, widths, strict=True):
            if w:
                pdf.drawString(x, y, tabular.printable_text(text)[: int(w / 3.6)])
                x += w * mm
        if row_index == 0:
            pdf.line(20 * mm, y - 2 * mm, width - 20 * mm, y - 2 * mm)
        y -= 7 * mm
    pdf.setFont(font, 8)
    pdf.drawString(20 * mm, 12 * mm, f"列印時間：{format_roc_date(timezone.localtime(), with_time=True)}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
