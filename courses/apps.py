from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("課程與班期")

    def ready(self) -> None:
        from courses import receivers
        from lms.deliveries.services import register_consumer
        from lms.people.signals import person_deidentified
        from xapi import signals as xapi_signals

        register_consumer(receivers.CONSUMER, receivers.apply_statement_changes)
        xapi_signals.statements_stored.connect(
            receivers.on_statements_stored, dispatch_uid="courses.credit_external_statements"
        )
        xapi_signals.statements_voided.connect(
            receivers.on_statements_voided, dispatch_uid="courses.correct_voided_statements"
        )
        person_deidentified.connect(receivers.on_person_deidentified, dispatch_uid="courses.person_deidentified")
