"""Requirement rules in the Wagtail admin: staff edit the rules; reports read them (shared/domain.md)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from reports.forms import RequirementRuleForm
from reports.models import RequirementRule


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
