from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("課程網站")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from cms.roles import grant_catalog_permissions

        # Sent for the last installed app with models (Django skips the others), so every
        # permission (Django's, and Wagtail's publish/lock ones) and the page tree exist.
        last_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(grant_catalog_permissions, sender=last_with_models)
