from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.people.models import AgencyKind


class CourseAdminForm(WagtailAdminModelForm):
    """Course editing: agency kinds as checkboxes rather than raw JSON."""

    eligible_agency_kinds = forms.MultipleChoiceField(
        choices=AgencyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("限定機關類型"),
        help_text=_("不勾選表示不限"),
    )
