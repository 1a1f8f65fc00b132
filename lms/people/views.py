"""HR sync pages under the training desk (upload, preview, apply, history, sample files) and the sign-in pages."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.people import hr_sync, sso
from lms.people.forms import HrSyncUploadForm
from lms.people.models import HrSync
from lms.people.roles import training_staff_required

SAMPLES = Path(__file__).resolve().parent / "samples"
SAMPLE_FILES = {"agencies.csv", "people.csv", "agencies.xlsx", "people.xlsx", "columns.md"}


@training_staff_required  # training staff and administrators run the HR sync
def hr_sync_home(request):
    form = HrSyncUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = hr_sync.preview_hr_sync(
            agencies_file=data["agencies_file"],
            people_file=data["people_file"],
            on=data["effective_on"],
            complete_roster=data["complete_roster"],
            run_by=request.user,
            source=HrSync.Source.PAGE,
        )
        if result.file_error is not None:
            for message in result.file_error.messages:
                messages.error(request, message)
        return redirect("people:hr_sync_detail", pk=result.sync.pk)
    syncs = HrSync.objects.select_related("run_by")[:50]
    return render(request, "people/hr_sync.html", {"form": form, "syncs": syncs})


@training_staff_required
def hr_sync_detail(request, pk: int):
    sync = get_object_or_404(HrSync.objects.select_related("run_by"), pk=pk)
    plan, file_error = None, None
    if sync.status in (HrSync.Status.PREVIEWED, HrSync.Status.REJECTED):
        try:
            plan = hr_sync.replan_hr_sync(sync)
        except ValidationError as error:
            file_error = error.messages
    return render(
        request,
        "people/hr_sync_detail.html",
        {
            "sync": sync,
            "plan": plan,
            "file_error": file_error,
            "sections": _sections(plan) if plan else [],
            "limit": hr_sync.PREVIEW_LIMIT,
        },
    )


@require_POST
@training_staff_required
def hr_sync_apply(request, pk: int):
    sync = get_object_or_404(HrSync, pk=pk)
    try:
        plan = hr_sync.confirm_hr_sync(sync=sync, run_by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("people:hr_sync_detail", pk=pk)
    if plan.errors:
        messages.error(request, _("資料已變動，重新檢查後有 %(n)s 筆錯誤，未套用任何變更。") % {"n": len(plan.errors)})
    else:
        messages.success(request, _("已套用人事資料同步。"))
    return redirect("people:hr_sync_detail", pk=pk)


@training_staff_required
def hr_sync_sample(request, name: str):
    if name not in SAMPLE_FILES or not (SAMPLES / name).is_file():
        raise Http404
    return FileResponse((SAMPLES / name).open("rb"), as_attachment=True, filename=name)


SECTION_TITLES = {
    "agencies_added": gettext_lazy("新增機關"),
    "agencies_renamed": gettext_lazy("機關更名"),
    "agencies_retyped": gettext_lazy("機關類型變更"),
    "agencies_moved": gettext_lazy("機關隸屬變更"),
    "agencies_closed": gettext_lazy("停用機關"),
    "agencies_reopened": gettext_lazy("恢復啟用機關"),
    "people_added": gettext_lazy("新增人員"),
    "people_changed": gettext_lazy("人員資料變更"),
    "people_transferred": gettext_lazy("人員調動"),
    "people_left": gettext_lazy("離職（停用帳號）"),
    "people_returned": gettext_lazy("復職"),
    "people_absent": gettext_lazy("檔案中沒有的在職人員"),
}


def _sections(plan: hr_sync.HrSyncPlan) -> list[dict]:
    return [
        {
            "key": key,
            "title": str(SECTION_TITLES[key]),
            "count": len(getattr(plan, key)),
            "items": getattr(plan, key)[: hr_sync.PREVIEW_LIMIT],
        }
        for key in plan.LISTS
    ]


# --- Sign-in pages ------------------------------------------------------------------------------


class SiteLoginView(LoginView):
    """The site's login page: single sign-on first when configured, then local accounts."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"sso_enabled": sso.sso_enabled()}


def sso_refused(request):
    """Why single sign-on did not let someone in: not in the HR data, left, or no employee number."""
    reason = request.session.pop(sso.REFUSAL_SESSION_KEY, sso.Refusal.NOT_IN_HR)
    return render(request, "registration/sso_refused.html", {"reason": reason}, status=403)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): a clear message and when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
