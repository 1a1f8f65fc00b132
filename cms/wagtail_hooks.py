"""The catalog in the Wagtail admin: snippet viewsets for the `courses` models, grouped in one menu.

Panels live on the viewsets (as in bakerydemo's CountryModelViewSet), so `courses` stays free of
admin layout.
"""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.forms import CourseAdminForm
from courses.models import CertificationTrack, CompetencyAxis, Course, LearningPath, Offering, Topic


class CodeOrTitleFilterForm(BaseFilterForm):
    """A chooser's search box, matching a code or title by substring in the database.

    Wagtail's default chooser search goes through the search index's autocomplete on the title
    only, so a course could not be found by its code ("AI-101"), which is what staff type.
    """

    lookups: tuple[str, ...] = ("code__icontains", "title__icontains")
    q = forms.CharField(label=_("代碼或名稱"), required=False)

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for lookup in self.lookups:
                condition |= Q(**{lookup: query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


def code_or_title_chooser(*lookups: str) -> type[SnippetChooserViewSet]:
    """A snippet chooser viewset whose search matches `lookups` (ORM lookups taking the query)."""
    form_class = type("CodeOrTitleFilterForm", (CodeOrTitleFilterForm,), {"lookups": lookups})
    return type(
        "CodeOrTitleChooserViewSet",
        (SnippetChooserViewSet,),
        {
            "choose_view_class": type("ChooseView", (ChooseView,), {"filter_form_class": form_class}),
            "choose_results_view_class": type(
                "ChooseResultsView", (ChooseResultsView,), {"filter_form_class": form_class}
            ),
        },
    )


class CourseViewSet(SnippetViewSet):
    model = Course
    icon = "doc-full"
    menu_label = _("課程")
    list_display = ["code", "title", "modality", "credit_hours", "live"]
    list_filter = ["modality", "live", "topics", "competency_axis"]
    search_fields = ["title", "code", "summary"]
    # Listing search in the database, not the search index: the SQLite index cannot search by a
    # named field (a 500 on "code"), and staff search by code, which is a substring match.
    search_backend_name = None
    chooser_viewset_class = code_or_title_chooser("code__icontains", "title__icontains")
    ordering = ["code"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("code"), FieldPanel("credit_hours")]),
                    FieldPanel("title"),
                    FieldPanel("summary"),
                    FieldRowPanel([FieldPanel("modality"), FieldPanel("competency_axis")]),
                    FieldPanel("topics"),
                ],
                heading=_("基本資料"),
            ),
            ObjectList([FieldPanel("body"), FieldPanel("learning_outcomes")], heading=_("課程內容")),
            ObjectList(
                [
                    FieldPanel("audience"),
                    MultiFieldPanel(
                        [
                            FieldPanel("eligible_rank_series"),
                            FieldRowPanel([FieldPanel("min_grade"), FieldPanel("max_grade")]),
                            FieldPanel("supervisors_only"),
                            FieldPanel("eligible_agency_kinds"),
                        ],
                        heading=_("參訓資格"),
                    ),
                    FieldPanel("prerequisites"),
                ],
                heading=_("對象與資格"),
            ),
            ObjectList([PublishingPanel()], heading=_("發布排程")),
        ],
        base_form_class=CourseAdminForm,
    )


class OfferingViewSet(SnippetViewSet):
    model = Offering
    icon = "date"
    menu_label = _("班期")
    list_display = ["code", "course", "start_date", "end_date", "modality", "capacity", "is_cancelled"]
    list_filter = ["modality", "is_cancelled", "requires_approval", "start_date"]
    search_fields = ["code", "course__title"]
    search_backend_name = None
    chooser_viewset_class = code_or_title_chooser("code__icontains", "course__title__icontains")
    ordering = ["-start_date"]
    panels = [
        FieldPanel("course"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("term")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("hours"), FieldPanel("capacity"), FieldPanel("attendance_threshold")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("enrollment_opens"), FieldPanel("enrollment_closes")]),
                FieldPanel("cancellation_deadline"),
                FieldPanel("requires_approval"),
            ],
            heading=_("報名"),
        ),
        MultiFieldPanel(
            [FieldPanel("modality"), FieldPanel("venue"), FieldPanel("meeting_url")], heading=_("上課方式")
        ),
        InlinePanel("sessions", heading=_("上課日"), label=_("上課日")),
        FieldPanel("is_cancelled"),
    ]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("主題")
    list_display = ["name", "slug", "sort_order"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]


class CompetencyAxisViewSet(SnippetViewSet):
    model = CompetencyAxis
    icon = "list-ul"
    menu_label = _("職能構面")
    list_display = ["name", "slug", "sort_order"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]


class LearningPathViewSet(SnippetViewSet):
    model = LearningPath
    icon = "site"
    menu_label = _("學習地圖")
    list_display = ["code", "title"]
    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("description"),
        InlinePanel("steps", heading=_("模組與課程"), label=_("課程")),
    ]


class CertificationTrackViewSet(SnippetViewSet):
    model = CertificationTrack
    icon = "success"
    menu_label = _("認證")
    list_display = ["code", "name", "issuing_body", "validity_months"]
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("issuing_body"), FieldPanel("issuing_body_other")]),
        FieldPanel("required_courses"),
        FieldRowPanel(
            [FieldPanel("required_hours"), FieldPanel("min_attendance_percent"), FieldPanel("completion_window_months")]
        ),
        FieldPanel("validity_months"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("renewal_window_months"),
                        FieldPanel("renewal_hours"),
                        FieldPanel("renewal_digital_max_hours"),
                    ]
                ),
                FieldPanel("renewal_topic"),
            ],
            heading=_("換證規則"),
        ),
        InlinePanel("assessments", heading=_("評量"), label=_("評量")),
    ]


class CatalogViewSetGroup(SnippetViewSetGroup):
    menu_label = _("課程目錄")
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (
        CourseViewSet,
        OfferingViewSet,
        TopicViewSet,
        CompetencyAxisViewSet,
        LearningPathViewSet,
        CertificationTrackViewSet,
    )


register_snippet(CatalogViewSetGroup)


class PermissionMenuItem(MenuItem):
    """A menu link shown only to users holding one permission."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_training_desk_menu_item():
    # Rosters, imports and results live on the site's own staff pages, not in the Wagtail admin.
    return PermissionMenuItem(
        _("訓練承辦"),
        reverse("learning:staff"),
        icon_name="clipboard-list",
        order=170,
        permission="courses.view_offering",
    )


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return MenuItem(_("報表"), reverse("reports:index"), icon_name="table", order=180)
