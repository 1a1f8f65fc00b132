from django import forms

from notices.models import NoticePreference


class NoticePreferenceForm(forms.ModelForm):
    class Meta:
        model = NoticePreference
        fields = ["reminders_enabled", "language"]
