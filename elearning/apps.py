from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("數位教材")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from courses.trainee_home import register_section
        from elearning import selectors
        from elearning.roles import grant_elearning_permissions

        register_section(selectors.home_section)
        # Sent for the last installed app with models, when every permission exists (as in cms.apps).
        last_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(grant_elearning_permissions, sender=last_with_models, dispatch_uid="elearning.permissions")
