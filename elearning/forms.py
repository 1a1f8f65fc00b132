"""The admin form that attaches a package: the zip is checked and read in clean(), imported in save()."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from elearning.services.packages import import_package, inspect_package


class ContentPackageForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label=_("SCORM 套件（zip）"),
        help_text=_("SCORM 1.2 或 SCORM 2004 的單一 SCO 套件，最上層需有 imsmanifest.xml。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.for_user = for_user
        self.fields["title"].required = False
        self.fields["title"].help_text = _("空白時使用 imsmanifest.xml 中的名稱。")
        if self.instance.pk:  # a package is immutable: a new version is a new upload
            del self.fields["upload"]
            self.fields["course"].disabled = True

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > settings.ELEARNING_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("上傳檔案超過 %(max)s MB。") % {"max": settings.ELEARNING_UPLOAD_MAX_BYTES // 1024 // 1024}
            )
        try:
            self.manifest = inspect_package(upload)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["upload"]) from error
        return upload

    def save(self, commit=True):
        if self.instance.pk:
            return super().save(commit=commit)
        return import_package(
            course=self.cleaned_data["course"],
            upload=self.cleaned_data["upload"],
            by_user=self.for_user,
            title=self.cleaned_data.get("title") or "",
        )
