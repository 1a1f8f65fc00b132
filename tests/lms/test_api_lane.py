"""ApiLaneMiddleware: the LRS is served without the page middleware; pages keep all of it."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_xapi_requests_skip_the_page_middleware():
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"]
    # No frame-options or language negotiation: those layers were not run.
    assert "X-Frame-Options" not in response
    assert "Content-Language" not in response
    assert response["X-Experience-API-Version"]


def test_pages_still_get_the_whole_stack():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Language"]


def test_an_unknown_xapi_path_is_a_404():
    assert Client().get("/xapi/no-such-resource").status_code == 404
