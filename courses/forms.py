"""Forms of the learning pages: they parse input only; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course, CourseEvaluation, ExternalActivity

UPLOAD_EXTENSIONS = (".csv", ".xlsx")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Size limit per kind of upload (docs/data-protection.md): a class roster or a results file of
# 20,000 rows fits in 2 MB; meeting-tool reports (Teams' UTF-16) are larger per row.
UPLOAD_LIMITS = {
    "roster": 2 * 1024 * 1024,
    "meeting_report": 5 * 1024 * 1024,
    "assessment_results": 2 * 1024 * 1024,
}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("檔案（CSV 或 XLSX）"))

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = UPLOAD_LIMITS[kind] if kind else MAX_UPLOAD_BYTES

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(_("只接受 CSV 或 XLSX 檔案。"))
        if uploaded.size > self.max_bytes:
            raise forms.ValidationError(_("檔案不可超過 %(mb)s MB。") % {"mb": f"{self.max_bytes / (1024 * 1024):g}"})
        return uploaded


class EvaluationForm(forms.ModelForm):
    satisfaction = forms.TypedChoiceField(
        label=_("整體滿意度"),
        coerce=int,
        choices=[(5, _("5 非常滿意")), (4, _("4 滿意")), (3, _("3 普通")), (2, _("2 不滿意")), (1, _("1 非常不滿意"))],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CourseEvaluation
        fields = ["satisfaction", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}


class NominationForm(forms.Form):
    # An employee number, not a list of people: an officer's subtree can hold thousands of staff.
    employee_number = forms.CharField(label=_("薦送人員員工編號"), max_length=20)


class ExternalMappingForm(forms.Form):
    status = forms.ChoiceField(
        label=_("處理方式"), choices=[c for c in ExternalActivity.Status.choices if c[0] != "pending"]
    )
    course = forms.ModelChoiceField(label=_("對應課程"), queryset=Course.objects.order_by("code"), required=False)
    hours = forms.DecimalField(label=_("認可時數"), required=False, min_value=0.5, max_digits=5, decimal_places=1)


class AssessmentResultForm(forms.Form):
    employee_number = forms.CharField(label=_("員工編號"), max_length=20)
    score = forms.DecimalField(label=_("分數"), max_digits=6, decimal_places=2)
    taken_on = forms.DateField(label=_("測驗日期"), widget=forms.DateInput(attrs={"type": "date"}))
    subject_scores = forms.CharField(label=_("科目分數（科目:分數;…）"), required=False)
    barred_override_reason = forms.CharField(
        label=_("缺課仍予登錄理由"),
        max_length=300,
        required=False,
        help_text=_("學員缺課超過規定時，成績不予登錄；確有理由仍須登錄者請填寫。"),
    )
