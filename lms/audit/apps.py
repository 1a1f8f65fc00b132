from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lms.audit"
    label = "audit"
    verbose_name = _("存取稽核")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from lms.audit.permissions import grant_audit_permissions

        # As lms.people does: sent for the last installed app with models, once every permission exists.
        last_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(grant_audit_permissions, sender=last_with_models)
