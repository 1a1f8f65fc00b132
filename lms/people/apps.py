from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "people"
    verbose_name = _("人員與機關")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from lms.people import roles

        # Sent for the last installed app with models (Django skips the others), so every
        # permission the roles are granted (auth's, Wagtail's, ours) exists by then.
        last_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(roles.ensure_role_groups, sender=last_with_models)
