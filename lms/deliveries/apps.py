from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Training staff see failed deliveries and replay them (docs/deliveries.md).
STAFF_PERMISSIONS = ["deliveries.view_statementdelivery", "deliveries.change_statementdelivery"]


def grant_delivery_permissions(**kwargs) -> None:
    from lms.people.roles import Role, grant_permissions

    grant_permissions(Role.TRAINING_STAFF, STAFF_PERMISSIONS)
    grant_permissions(Role.ADMINISTRATOR, STAFF_PERMISSIONS)


class DeliveriesConfig(AppConfig):
    """The queue between the LRS and its consumers; consumers register in their own ready()."""

    name = "lms.deliveries"
    label = "deliveries"
    verbose_name = _("學習紀錄傳遞")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        # Sent for the last installed app with models, when every permission exists (as in reports.apps).
        last_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(grant_delivery_permissions, sender=last_with_models, dispatch_uid="deliveries.permissions")
