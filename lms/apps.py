from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    """The site shell: base templates, system checks and the demo loader."""

    name = "lms"
    verbose_name = _("學習平臺")

    def ready(self) -> None:
        from lms import checks  # noqa: F401  (registers the system checks)
