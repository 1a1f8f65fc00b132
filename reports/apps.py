from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("報表")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from courses.trainee_home import register_record_source, register_section
        from lms.deliveries.services import register_consumer
        from lms.people.signals import person_deidentified
        from reports import checks, lrs, progress, receivers, roles  # noqa: F401 — checks register themselves

        register_section(progress.home_section)
        register_record_source(progress.record_lines)

        register_consumer(receivers.CONSUMER, receivers.apply_statement_changes)
        lrs.statements_stored.connect(receivers.on_statements_stored, dispatch_uid="reports.project_statements")
        lrs.statements_voided.connect(receivers.on_statements_voided, dispatch_uid="reports.unproject_voided")
        person_deidentified.connect(receivers.on_person_deidentified, dispatch_uid="reports.person_deidentified")
        # Sent for the last installed app with models, when every permission exists (as in cms.apps).
        last_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(roles.grant_report_permissions, sender=last_with_models)
