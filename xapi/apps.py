from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "xapi"
    verbose_name = _("學習紀錄庫（xAPI LRS）")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from xapi import receivers  # noqa: F401 - connects the receivers
        from xapi.services.activities import forget_activities
        from xapi.services.bulk import allow_explicit_preparation

        # The life cycles of two per-process things of ingest (xapi/services/bulk.py, activities.py).
        connection_created.connect(allow_explicit_preparation, dispatch_uid="xapi.allow_explicit_preparation")
        post_migrate.connect(forget_activities, dispatch_uid="xapi.forget_activities")
