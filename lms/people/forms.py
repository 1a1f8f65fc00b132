"""Forms of the people pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.people.models import Agency

HR_FILE_TYPES = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HrSyncUploadForm(forms.Form):
    agencies_file = forms.FileField(
        label=_("機關檔"), required=False, widget=forms.ClearableFileInput(attrs={"accept": HR_FILE_TYPES})
    )
    people_file = forms.FileField(
        label=_("人員檔"), required=False, widget=forms.ClearableFileInput(attrs={"accept": HR_FILE_TYPES})
    )
    effective_on = forms.DateField(
        label=_("生效日期（調動、離職）"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    complete_roster = forms.BooleanField(label=_("此檔為完整名冊：檔案中沒有的在職人員視為離職"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("agencies_file") and not data.get("people_file"):
            raise forms.ValidationError(_("請至少上傳機關檔或人員檔。"))
        return data


class SubtreePeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或員工編號"), required=False, max_length=50)
    agency = forms.ModelChoiceField(
        label=_("機關"), queryset=Agency.objects.none(), required=False, to_field_name="code"
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
