from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("通知")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from notices import receivers
        from notices.roles import grant_notice_permissions

        receivers.connect()
        # Sent for the last installed app with models, when every permission exists (as cms does).
        last_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(grant_notice_permissions, sender=last_with_models, dispatch_uid="notices.permissions")
