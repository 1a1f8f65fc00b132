"""The staff page of deliveries that failed: see what and why, replay them (docs/deliveries.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.deliveries.models import StatementDelivery
from lms.deliveries.services import replay

VIEW_PERMISSION = "deliveries.view_statementdelivery"
REPLAY_PERMISSION = "deliveries.change_statementdelivery"


@require_http_methods(["GET", "POST"])
def failures(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    failed = StatementDelivery.objects.filter(status=StatementDelivery.Status.FAILED)
    if request.method == "POST":
        if not request.user.has_perm(REPLAY_PERMISSION):
            raise PermissionDenied
        chosen = failed if "all" in request.POST else failed.filter(pk__in=request.POST.getlist("delivery"))
        count = replay(deliveries=list(chosen))
        messages.success(request, _("已重新傳送 %(count)d 筆。") % {"count": count})
        return redirect("deliveries_failures")
    return TemplateResponse(
        request,
        "deliveries/failures.html",
        {
            "page_title": _("學習紀錄傳遞失敗"),
            "header_icon": "warning",
            "failed": failed.order_by("-updated_at")[:500],
            "failed_count": failed.count(),
            "pending_count": StatementDelivery.objects.filter(status=StatementDelivery.Status.PENDING).count(),
            "can_replay": request.user.has_perm(REPLAY_PERMISSION),
        },
    )
