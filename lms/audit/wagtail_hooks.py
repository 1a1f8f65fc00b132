"""The access audit in the Wagtail admin: administrators search it and export it; nobody edits it."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import tabular
from lms.audit.models import AccessEntry


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing is the only action on the audit, even for superusers: it is append-only."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class AccessEntryIndexView(generic.IndexView):
    def search_queryset(self, queryset):
        # A search may match several people of one entry: list the entry once.
        return super().search_queryset(queryset).distinct()

    def preprocess_field_value(self, field, value, export_format):
        # The export goes through the shared safe writer's rule like every other export.
        return tabular.neutralise(super().preprocess_field_value(field, value, export_format))


class AccessEntryViewSet(ModelViewSet):
    model = AccessEntry
    icon = "history"
    menu_label = _("個資存取紀錄")
    menu_order = 170
    add_to_admin_menu = True
    index_view_class = AccessEntryIndexView
    list_display = ["at", "username", "channel", "what", "scope", "person_count", "client_ip"]
    list_filter = {"channel": ["exact"], "at": ["gte", "lte"], "what": ["exact"]}
    search_fields = [
        "username",
        "what",
        "scope",
        "client_ip",
        "accessed__person__employee_number",
        "accessed__person__name",
    ]
    list_export = [
        "at",
        "username",
        "channel",
        "what",
        "scope",
        "path",
        "client_ip",
        "person_count",
        "employee_numbers",
    ]
    export_headings = {"employee_numbers": _("員工編號")}
    export_filename = "access-audit"
    inspect_view_enabled = True
    inspect_view_fields = [*list_export]
    list_per_page = 50
    form_fields = ["what"]  # required by ModelViewSet; the add/edit views are not routed (below)

    def get_urlpatterns(self):
        # Read and export only: no add, edit, copy or delete view is reachable.
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", "") in ("index", "index_results", "inspect")
        ]

    def get_add_url(self):  # wagtail looks for it when drawing the index header
        return None


register_permission_policy(AccessEntry, ReadOnlyPermissionPolicy(AccessEntry))


@hooks.register("register_admin_viewset")
def register_access_audit():
    return AccessEntryViewSet("access_audit")
