"""With Redis stopped, the home page and the catalog still render (lms/cache.py)."""

import pytest


@pytest.mark.django_db
def test_home_and_catalog_render_with_redis_down_and_the_error_is_logged(client, catalog, redis_down, caplog):
    for path in ("/", "/catalog/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert any("served without cache" in record.getMessage() for record in caplog.records)
