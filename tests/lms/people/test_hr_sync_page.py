import datetime as dt

import pytest

from lms.people.models import Agency, HrSync, Person
from lms.people.roles import Role
from tests.lms.people.factories import UserFactory
from tests.lms.people.hr_files import agencies_csv, people_csv, person_row

pytestmark = pytest.mark.django_db

URL = "/learning/staff/hr-sync/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    return client


def upload(client, agencies=None, people=None, **fields):
    data = {"effective_on": "2025-07-01", **fields}
    if agencies is not None:
        data["agencies_file"] = agencies
    if people is not None:
        data["people_file"] = people
    return client.post(URL, data, follow=True)


def test_staff_download_the_samples_upload_read_the_preview_and_apply(staff_client):
    page = staff_client.get(URL).content.decode()
    assert "範例人員檔（CSV）" in page and "欄位說明" in page
    sample = staff_client.get(f"{URL}samples/people.csv")
    assert sample.status_code == 200 and "員工編號" in b"".join(sample.streaming_content).decode("utf-8-sig")
    reference = b"".join(staff_client.get(f"{URL}samples/columns.md").streaming_content).decode()
    assert "上級機關代碼" in reference

    response = upload(staff_client, agencies_csv(), people_csv([person_row("P1"), person_row("P2", agency="CA")]))
    text = response.content.decode()
    assert "人事資料同步預覽" in text and "新增人員" in text and "測試P2" in text and "確認套用" in text
    assert not Person.objects.exists()
    sync = HrSync.objects.get()
    assert sync.status == HrSync.Status.PREVIEWED and len(sync.people_sha256) == 64

    response = staff_client.post(f"{URL}{sync.pk}/apply/", follow=True)
    assert "已套用人事資料同步。" in response.content.decode()
    assert Person.objects.count() == 2 and Agency.objects.count() == 5
    sync.refresh_from_db()
    assert sync.status == HrSync.Status.APPLIED and sync.counts["people_added"] == 2
    # Confirming twice applies nothing more and says why.
    again = staff_client.post(f"{URL}{sync.pk}/apply/", follow=True).content.decode()
    assert "不能再套用" in again
    history = staff_client.get(URL).content.decode()
    assert "已套用" in history and sync.people_sha256[:10] in history


def test_a_file_with_bad_rows_shows_each_by_row_and_column_and_cannot_be_applied(staff_client):
    response = upload(staff_client, agencies_csv(), people_csv([person_row("P1", 職等="20"), person_row("P1")]))
    text = response.content.decode()
    assert "2 筆錯誤：整批不套用" in text
    assert "<td>2</td><td>職等</td>" in text and "<td>3</td><td>員工編號</td>" in text
    assert "確認套用" not in text
    sync = HrSync.objects.get()
    assert sync.status == HrSync.Status.REJECTED
    staff_client.post(f"{URL}{sync.pk}/apply/")
    assert not Person.objects.exists() and not Agency.objects.exists()


def test_an_unreadable_file_gets_a_clear_message_not_a_500(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    broken = SimpleUploadedFile("people.xlsx", b"PK\x03\x04 not really a workbook")
    response = upload(staff_client, None, broken)
    assert response.status_code == 200 and "無法讀取 XLSX 檔案" in response.content.decode()
    assert HrSync.objects.get().status == HrSync.Status.REJECTED


def test_the_preview_lists_transfers_with_their_date_and_absent_people(staff_client):
    from lms.people.hr_sync import run_hr_sync

    run_hr_sync(agencies_file=agencies_csv(), people_file=people_csv([person_row("P1"), person_row("P2")]))
    text = upload(staff_client, agencies_csv(), people_csv([person_row("P1", agency="DIST-1")])).content.decode()
    assert "社會局 → 鹽埕區公所（民國114年7月1日）" in text
    assert "檔案中沒有的在職人員" in text and "測試P2" in text and "完整名冊" in text


def test_an_upload_without_files_is_refused_with_a_message(staff_client):
    response = staff_client.post(URL, {"effective_on": "2025-07-01"})
    assert "請至少上傳機關檔或人員檔。" in response.content.decode() and not HrSync.objects.exists()


@pytest.mark.parametrize("roles", [[Role.TRAINEE], [Role.AGENCY_OFFICER]])
def test_only_training_staff_and_administrators_reach_the_hr_sync(client, roles):
    client.force_login(UserFactory(roles=roles))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"effective_on": dt.date(2025, 7, 1)}).status_code == 403
    assert client.get(f"{URL}samples/people.csv").status_code == 403


def test_the_training_desk_links_to_the_hr_sync(staff_client):
    from django.contrib.auth.models import Permission

    user = UserFactory(roles=[Role.TRAINING_STAFF])
    user.user_permissions.add(Permission.objects.get(codename="view_offering"))
    staff_client.force_login(user)
    assert URL in staff_client.get("/learning/staff/").content.decode()
