"""Admin form for credentials: scopes as checkboxes (xAPI 1.0.3 §4.2 scopes)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from xapi.models import SCOPES, Credential


class CredentialForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("權限範圍 scopes"), choices=SCOPES, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = Credential
        fields = ["name", "scopes", "isolate_documents", "is_active"]
