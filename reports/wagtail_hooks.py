"""Requirement rules and the national portal's code tables in the Wagtail admin: staff edit them; reports read them."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from reports.forms import RequirementRuleForm
from reports.models import CourseNationalCategory, NationalCode, RequirementRule


class RequirementRuleViewSet(SnippetViewSet):
    model = RequirementRule
    icon = "tasks"
    menu_label = _("學習時數規定")
    menu_order = 160
    add_to_admin_menu = True
    list_display = ["name", "measure", "min_hours", "period", "from_year", "to_year", "is_active"]
    list_filter = ["measure", "period", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["sort_order", "code"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order"), FieldPanel("is_active")]),
            FieldPanel("name"),
            FieldPanel("source"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("measure"), FieldPanel("min_hours")]),
                    FieldPanel("topics"),
                    FieldPanel("competency_axes"),
                    FieldPanel("modalities"),
                    FieldRowPanel([FieldPanel("course"), FieldPanel("path")]),
                ],
                heading=_("衡量方式"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("period"), FieldPanel("from_year"), FieldPanel("to_year")]),
                    FieldPanel("coverage_target_percent"),
                ],
                heading=_("期間與涵蓋率"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("employment_types"),
                    FieldPanel("agency"),
                    FieldPanel("rank_series"),
                    FieldRowPanel([FieldPanel("min_grade"), FieldPanel("max_grade"), FieldPanel("supervisors")]),
                ],
                heading=_("適用對象"),
            ),
        ],
        base_form_class=RequirementRuleForm,
    )


register_snippet(RequirementRuleViewSet)


class NationalCodeViewSet(SnippetViewSet):
    """The portal's code tables (docs/national-upload.md), seeded by migration, corrected here."""

    model = NationalCode
    icon = "list-ul"
    menu_label = _("入口網代碼表")
    list_display = ["kind", "code", "name", "is_default", "is_environmental", "is_active"]
    list_filter = ["kind", "is_active", "is_environmental"]
    search_fields = ["code", "name"]
    ordering = ["kind", "sort_order", "code"]
    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("is_default"), FieldPanel("is_environmental"), FieldPanel("is_active")]),
        FieldPanel("source"),
    ]


class CourseNationalCategoryViewSet(SnippetViewSet):
    """Which portal course categories (課程類別代碼) a course counts toward, with its hours split."""

    model = CourseNationalCategory
    icon = "link"
    menu_label = _("課程類別對應")
    list_display = ["course", "category", "hours"]
    list_filter = ["category"]
    panels = [
        FieldPanel("course"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("hours"), FieldPanel("sort_order")]),
    ]


class NationalUploadViewSetGroup(SnippetViewSetGroup):
    items = (NationalCodeViewSet, CourseNationalCategoryViewSet)
    menu_icon = "upload"
    menu_label = _("終身學習入口網")
    menu_order = 165


register_snippet(NationalUploadViewSetGroup)
