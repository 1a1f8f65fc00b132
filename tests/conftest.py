import socket

import pytest
from django.db import connection
from django.test import override_settings


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
        if "fault" in item.keywords and not os.environ.get("LMS_FAULT_TESTS"):
            # They stop and restart the lane's services: only scripts/test.sh's serial fault step runs them.
            item.add_marker(pytest.mark.skip(reason="fault test: run by scripts/test.sh with LMS_FAULT_TESTS=1"))


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


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down():
    settings = {
        "default": {
            "BACKEND": "lms.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # override_settings resets the cache handlers (django.test.signals.clear_cache_handlers).
    with override_settings(CACHES=settings):
        yield


@pytest.fixture
def platform_auth(db):
    """HTTP Basic headers of an outside e-learning platform's xAPI credential."""
    import base64

    from xapi import api as xapi_api

    credential, secret = xapi_api.get_or_create_credential("e等公務園", ["statements/write", "statements/read"])
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
