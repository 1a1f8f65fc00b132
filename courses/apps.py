from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("課程與班期")

    def ready(self) -> None:
        from courses import receivers
        from xapi import signals as xapi_signals

        xapi_signals.statements_stored.connect(
            receivers.on_statements_stored, dispatch_uid="courses.credit_external_statements"
        )
