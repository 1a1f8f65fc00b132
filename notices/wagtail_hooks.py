"""Notices in the Wagtail admin: the texts (with preview), the schedule (settings menu) and the sent log."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from notices.models import NoticeTemplate


class NoticeTemplateViewSet(SnippetViewSet):
    model = NoticeTemplate
    icon = "mail"
    menu_label = _("通知範本")
    add_to_admin_menu = True
    menu_order = 175
    list_display = ["kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    search_fields = ["subject", "body"]
    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("language")]),
        FieldPanel("subject"),
        FieldPanel("body"),
    ]


register_snippet(NoticeTemplateViewSet)


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("notices.view_notice")


@hooks.register("register_admin_menu_item")
def register_sent_log_menu_item():
    return StaffMenuItem(_("通知寄送紀錄"), reverse("notices:staff_log"), icon_name="list-ul", order=176)
