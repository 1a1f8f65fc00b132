"""Test settings: base plus fast hashing and captured mail. DATABASE_URL and REDIS_URL still apply."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
