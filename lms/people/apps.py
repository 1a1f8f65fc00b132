from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "people"
    verbose_name = _("人員與機關")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from lms.people import roles

        post_migrate.connect(roles.ensure_role_groups, sender=self)
