"""Content packages in the Wagtail admin (menu 數位教材套件): staff attach a SCORM zip to a course."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from elearning.forms import ContentPackageForm
from elearning.models import ContentPackage


class ContentPackageViewSet(SnippetViewSet):
    model = ContentPackage
    icon = "media"
    menu_label = _("數位教材套件")
    menu_order = 160
    add_to_admin_menu = True
    list_display = ["course", "title", "standard", "launch_path", "mastery_score", "is_current", "uploaded_at"]
    list_filter = ["standard", "is_current"]
    search_fields = ["title", "course__code", "course__title"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("course"), FieldPanel("title"), FieldPanel("upload")], base_form_class=ContentPackageForm
    )


register_snippet(ContentPackageViewSet)
