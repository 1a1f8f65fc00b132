"""Uploads: a size limit per kind, XLSX streamed with the row limit enforced while reading, zip bombs
and broken archives refused with a clear error and nothing stored (through the staff upload pages)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from courses.models import Attendance
from courses.services import imports
from tabular import reading
from tests.courses.factories import EnrollmentFactory, OfferingFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _xlsx(rows: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["員工編號", "日期", "出席狀態"])
    for i in range(rows):
        sheet.append([f"E{i:07d}", "2026-04-01", "出席"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """A small archive whose sheet expands more than a hundred times (8 MB of spaces in ~8 kB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (8 * 1024 * 1024) + b"</worksheet>")
    return buffer.getvalue()


@pytest.fixture
def roster_upload(client):
    offering = OfferingFactory(sessions=[6])
    EnrollmentFactory(offering=offering)
    client.force_login(StaffUserFactory())

    def post(name: str, content: bytes) -> str:
        upload = SimpleUploadedFile(name, content)
        url = f"/learning/staff/offerings/{offering.code}/roster-file/"
        response = client.post(url, {"file": upload}, follow=True)
        assert response.status_code == 200
        return response.content.decode()

    return post


def test_a_zip_bomb_is_refused_with_a_clear_error_and_nothing_stored(roster_upload):
    assert "壓縮炸彈" in roster_upload("roster.xlsx", _zip_bomb())
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"PK" + bytes(range(256)) * 4])
def test_a_broken_archive_is_refused_with_a_clear_error(roster_upload, content):
    assert "XLSX 檔案已損壞" in roster_upload("roster.xlsx", content)
    assert not Attendance.objects.exists()


def test_rows_past_the_limit_are_refused_while_reading(roster_upload, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    assert "檔案超過 50 列" in roster_upload("roster.xlsx", _xlsx(200))
    assert not Attendance.objects.exists()


def test_the_xlsx_reader_stops_at_the_first_row_past_the_limit(monkeypatch):
    seen = []
    with pytest.raises(reading.UnreadableFile):
        reading.read_xlsx_rows(_xlsx(5000), max_rows=10, cell=lambda v: seen.append(v) or v)
    assert len(seen) == 11 * 3  # header + 10 rows + the one past the limit, three cells each: no more was parsed


def test_a_csv_past_the_row_limit_is_refused(roster_upload, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 50)
    text = "員工編號,日期,出席狀態\n" + "E0000001,2026-04-01,出席\n" * 100
    assert "檔案超過 50 列" in roster_upload("roster.csv", text.encode())


def test_each_kind_of_upload_has_its_own_size_limit(roster_upload):
    too_big = b"a,b\n" * (600 * 1024)  # 2.4 MB: over the roster's 2 MB
    assert "檔案不可超過 2 MB" in roster_upload("roster.csv", too_big)
    assert not Attendance.objects.exists()
