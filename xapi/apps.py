from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "xapi"
    verbose_name = _("學習紀錄庫（xAPI LRS）")

    def ready(self) -> None:
        from xapi import receivers  # noqa: F401 - connects the receivers
