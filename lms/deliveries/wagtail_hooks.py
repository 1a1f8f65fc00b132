"""The failures page in the Wagtail admin, for staff who may see deliveries (docs/deliveries.md)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.deliveries import views


class _PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.VIEW_PERMISSION)


@hooks.register("register_admin_urls")
def register_delivery_urls():
    return [path("deliveries/failures/", views.failures, name="deliveries_failures")]


@hooks.register("register_admin_menu_item")
def register_delivery_menu_item():
    return _PermissionMenuItem(_("學習紀錄傳遞失敗"), reverse("deliveries_failures"), icon_name="warning", order=190)
