"""Filters of the public catalog: topic, competency axis, modality, month, audience and free text."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CompetencyAxis, Course, Modality, Offering, Topic
from lms.people.models import RankSeries

AUDIENCE_SUPERVISORS = "supervisors"


def _month_choices():
    """The twelve months of this year and the first three of the next, as (YYYY-MM, ROC label)."""
    today = timezone.localdate()
    months = []
    for i in range(15):
        year_offset, month_index = divmod(i, 12)
        first = dt.date(today.year + year_offset, month_index + 1, 1)
        months.append((f"{first:%Y-%m}", f"{first.year - 1911}年{first.month}月"))
    return months


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("關鍵字"))
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        field_name="topics",
        label=_("主題"),
        empty_label=_("全部主題"),
    )
    axis = django_filters.ModelChoiceFilter(
        queryset=CompetencyAxis.objects.all(),
        to_field_name="slug",
        field_name="competency_axis",
        label=_("職能構面"),
        empty_label=_("全部構面"),
    )
    modality = django_filters.ChoiceFilter(choices=Modality.choices, label=_("上課方式"), empty_label=_("全部方式"))
    month = django_filters.ChoiceFilter(
        choices=_month_choices, method="filter_month", label=_("開班月份"), empty_label=_("全部月份")
    )
    audience = django_filters.ChoiceFilter(
        choices=[(AUDIENCE_SUPERVISORS, _("主管人員")), *RankSeries.choices],
        method="filter_audience",
        label=_("參訓對象"),
        empty_label=_("全部對象"),
    )

    class Meta:
        model = Course
        fields = ["q", "topic", "axis", "modality", "month", "audience"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "filter-select")

    @property
    def qs(self):
        return super().qs.distinct().prefetch_related("topics").select_related("competency_axis")

    def filter_text(self, queryset, name, value):
        """Substring match for Chinese titles (no word breaks to tokenise on) plus Wagtail's index for the body."""
        value = value.strip()
        if not value:
            return queryset
        indexed = [course.pk for course in Course.objects.published().search(value)]
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(code__icontains=value)
            | Q(audience__icontains=value)
            | Q(topics__name__icontains=value)
            | Q(pk__in=indexed)
        )

    def filter_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        offerings = Offering.objects.filter(start_date__year=year, start_date__month=month, is_cancelled=False)
        return queryset.filter(pk__in=offerings.values("course_id"))

    def filter_audience(self, queryset, name, value):
        if value == AUDIENCE_SUPERVISORS:
            return queryset.filter(supervisors_only=True)
        return queryset.filter(Q(eligible_rank_series=value) | Q(eligible_rank_series=""), supervisors_only=False)
