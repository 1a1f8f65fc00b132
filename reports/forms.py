"""The rule form in the Wagtail admin: list-valued population filters as checkboxes, not JSON text."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import Modality
from lms.people.models import EmploymentType, RankSeries


class RequirementRuleForm(WagtailAdminModelForm):
    modalities = forms.MultipleChoiceField(
        label=_("上課方式（任一）"), choices=Modality.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    employment_types = forms.MultipleChoiceField(
        label=_("適用人員類別"),
        choices=EmploymentType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("不勾選表示不限"),
    )
    rank_series = forms.MultipleChoiceField(
        label=_("適用官等"),
        choices=RankSeries.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("不勾選表示不限"),
    )
