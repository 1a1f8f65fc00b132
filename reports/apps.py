from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("報表")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from reports import lrs, receivers, roles

        lrs.statements_stored.connect(receivers.on_statements_stored, dispatch_uid="reports.project_statements")
        lrs.statements_voided.connect(receivers.on_statements_voided, dispatch_uid="reports.unproject_voided")
        post_migrate.connect(roles.grant_report_permissions, sender=self)
