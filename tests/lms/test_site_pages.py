"""The site shell: error pages in zh-Hant in the site's layout with a next step, the favicon, the skip link."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from lms.people.roles import Role
from tests.lms.people.factories import TraineeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _in_site_layout(body: str) -> None:
    assert '<html lang="zh-Hant-TW">' in body
    assert 'class="skip-link" href="#main"' in body
    assert '<main id="main"' in body
    assert "高雄市政府公務人力發展中心" in body


def test_a_missing_page_is_a_zh_hant_404_in_the_site_layout_with_a_way_on(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    _in_site_layout(body)
    assert "找不到這個網頁" in body
    assert 'href="/catalog/"' in body and 'name="q"' in body  # search the catalog from here
    assert "Not Found" not in body


def test_a_forbidden_page_is_a_zh_hant_403_naming_the_account_and_whom_to_ask(client):
    client.force_login(TraineeFactory(user__username="wang").user)
    response = client.get("/learning/staff/")
    assert response.status_code == 403
    body = response.content.decode()
    _in_site_layout(body)
    assert "沒有權限瀏覽這個網頁" in body and "wang" in body and "人事單位" in body
    assert "Forbidden" not in body


def test_a_403_shows_the_reason_the_view_gave(client):
    from tests.courses.factories import UpcomingOfferingFactory

    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))  # staff without a learner profile
    response = client.post(f"/learning/offerings/{UpcomingOfferingFactory().code}/enroll/")
    assert response.status_code == 403
    assert "此帳號未連結學員資料" in response.content.decode()  # the reason, and where to go next


def test_a_server_error_is_a_zh_hant_500_in_the_site_layout():
    response = server_error(RequestFactory().get("/learning/"))
    assert response.status_code == 500
    body = response.content.decode()
    _in_site_layout(body)
    assert "系統發生錯誤" in body and "稍候" in body


def test_the_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("lms/favicon.ico")
    body = client.get("/no-such-page/").content.decode()
    assert 'rel="icon"' in body
