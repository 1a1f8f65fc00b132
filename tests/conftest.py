import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests on the embedded database, and worker tests without Redis."""
    import os

    on_postgres = "postgres" in os.environ.get("DATABASE_URL", "")
    with_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres_only" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)"))
        if "celery_worker" in item.keywords and not with_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis (REDIS_URL) for a real worker"))


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _real_broker_for_worker_tests(request):
    """Tests marked celery_worker send tasks through Redis to a real worker; the others run them eagerly."""
    if "celery_worker" not in request.keywords:
        yield
        return
    from lms.celery import app

    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True
