"""People in the Wagtail admin: administrators manage learners and bind HR officers to an agency subtree."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, InspectView, SnippetViewSet, SnippetViewSetGroup

from lms.audit.services import Channel, record_access
from lms.audit.wagtail_hooks import ReadOnlyPermissionPolicy
from lms.people.models import Agency, AgencyOfficer, Deidentification, Person


class AuditedPersonEditView(EditView):
    """Opening a person's page in the admin is an access to their data (docs/data-protection.md)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        record_access(request=request, what="admin.person.edit", channel=Channel.ADMIN, people=[self.object])
        return response


class AuditedPersonInspectView(InspectView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        record_access(request=request, what="admin.person.inspect", channel=Channel.ADMIN, people=[self.object])
        return response


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("學員")
    list_display = ["employee_number", "name", "agency", "rank_series", "grade", "is_supervisor", "employment_type"]
    list_filter = ["employment_type", "rank_series", "is_supervisor", "is_active"]
    search_fields = ["employee_number", "name", "email"]
    list_per_page = 50
    edit_view_class = AuditedPersonEditView
    inspect_view_class = AuditedPersonInspectView
    panels = [
        FieldRowPanel([FieldPanel("employee_number"), FieldPanel("name")]),
        FieldPanel("email"),
        FieldPanel("agency"),
        FieldRowPanel([FieldPanel("rank_series"), FieldPanel("grade"), FieldPanel("is_supervisor")]),
        FieldRowPanel([FieldPanel("employment_type"), FieldPanel("is_active")]),
        FieldRowPanel([FieldPanel("hired_on"), FieldPanel("left_on")]),
        FieldPanel("user"),
    ]

    def get_queryset(self, request):
        return Person.objects.visible_to(request.user).select_related("agency")


class AgencyViewSet(SnippetViewSet):
    """Agencies are listed here; the tree itself changes through load_demo or a data import, not ad hoc."""

    model = Agency
    icon = "group"
    menu_label = _("機關")
    list_display = ["code", "name", "kind", "depth", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["path"]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("kind"), FieldPanel("is_active")]
    add_to_admin_menu = False
    inspect_view_enabled = True

    def get_add_url(self):  # a node needs a parent: no free-standing "add" form
        return None


class AgencyOfficerViewSet(SnippetViewSet):
    """Who is bound where: a binding ended by the HR sync (the officer left) stays listed with its end date."""

    model = AgencyOfficer
    icon = "key"
    menu_label = _("機關人事人員")
    list_display = ["user", "agency", "ended_on"]
    list_filter = ["agency__kind"]
    search_fields = ["user__username", "agency__name", "agency__code"]
    panels = [FieldPanel("user"), FieldPanel("agency"), FieldPanel("ended_on")]

    def get_queryset(self, request):
        return AgencyOfficer.objects.select_related("user", "agency").order_by("ended_on", "agency__path")


class PeopleViewSetGroup(SnippetViewSetGroup):
    menu_label = _("人員與機關")
    menu_icon = "group"
    menu_order = 160
    items = (PersonViewSet, AgencyViewSet, AgencyOfficerViewSet)


register_snippet(PeopleViewSetGroup)


class DeidentificationViewSet(ModelViewSet):
    """The record of leavers' de-identification runs (docs/data-protection.md, "Retention"): read only."""

    model = Deidentification
    icon = "history"
    menu_label = _("離職人員去識別化紀錄")
    menu_order = 175
    add_to_admin_menu = True
    list_display = ["started_at", "source", "run_by", "retention_days", "left_before", "person_count", "finished_at"]
    list_filter = {"source": ["exact"], "started_at": ["gte", "lte"]}
    inspect_view_enabled = True
    inspect_view_fields = [*list_display, "counts", "people"]
    list_per_page = 50
    form_fields = ["source"]  # required by ModelViewSet; the add/edit views are not routed (below)

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", "") in ("index", "index_results", "inspect")
        ]

    def get_add_url(self):
        return None


register_permission_policy(Deidentification, ReadOnlyPermissionPolicy(Deidentification))


@hooks.register("register_admin_viewset")
def register_deidentification_runs():
    return DeidentificationViewSet("leaver_deidentification")
