"""Fail fast on settings that must never reach a real deployment."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def embedded_secret_key_only_with_embedded_database(app_configs, **kwargs):
    uses_real_database = settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
    if uses_real_database and settings.SECRET_KEY == settings.EMBEDDED_ONLY_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the embedded development key but DATABASE_URL points at a real database.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="lms.E001",
            )
        ]
    return []
