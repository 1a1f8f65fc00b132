"""Test settings: base plus fast hashing and captured mail. DATABASE_URL and REDIS_URL still apply."""

import os

from .base import *  # noqa: F403
from .base import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"

# Tasks run in-process in tests even with REDIS_URL; tests marked `celery_worker` switch the
# app to the real broker and start a real worker (tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = True

# Parallel test processes (pytest-xdist) share one Redis: each gets its own Celery queue and
# cache prefix, so a worker only runs its own process's tasks against its own test database.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker:
    CELERY_TASK_DEFAULT_QUEUE = f"test-{_xdist_worker}"
    CACHES["default"]["KEY_PREFIX"] = f"test-{_xdist_worker}"
