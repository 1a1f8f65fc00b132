"""Pages of notices: thin, each calls a selector or a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.people.models import Person
from lms.people.roles import training_staff_required
from notices import calendar, selectors
from notices.forms import NoticePreferenceForm
from notices.models import Notice, NoticeKind, NoticePreference
from notices.services.preferences import reset_calendar_token
from notices.services.queueing import preference_for
from notices.services.sending import resend_notice


def _person(request) -> Person:
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404
    return person


@login_required
def my_notices(request):
    notices = selectors.notices_for_user(request.user)
    if request.method == "POST":
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("已全部標示為已讀。"))
        return redirect("notices:list")
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
def notice_detail(request, pk: int):
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    return render(request, "notices/detail.html", {"notice": notice})


@login_required
def notice_ics(request, pk: int):
    notice = get_object_or_404(selectors.notices_for_user(request.user).exclude(ics=""), pk=pk)
    response = HttpResponse(notice.ics, content_type=f"text/calendar; charset=utf-8; method={notice.ics_method}")
    response["Content-Disposition"] = 'attachment; filename="invite.ics"'
    return response


@login_required
def preferences(request):
    preference = preference_for(_person(request))
    form = NoticePreferenceForm(instance=preference)
    if request.method == "POST":
        if request.POST.get("action") == "reset_calendar":
            reset_calendar_token(preference=preference)
            messages.success(request, _("已重設行事曆訂閱網址，舊網址已失效。"))
            return redirect("notices:preferences")
        form = NoticePreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            form.save()
            messages.success(request, _("已儲存通知設定。"))
            return redirect("notices:preferences")
    feed_url = request.build_absolute_uri(reverse("notices:feed", args=[preference.calendar_token]))
    return render(request, "notices/preferences.html", {"form": form, "feed_url": feed_url})


def calendar_feed(request, token: str):
    preference = NoticePreference.objects.filter(calendar_token=token).select_related("person").first()
    if preference is None:
        raise Http404
    body = calendar.build_feed(entries=selectors.calendar_entries(preference.person))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@training_staff_required
def staff_log(request):
    status, kind, query = request.GET.get("status", ""), request.GET.get("kind", ""), request.GET.get("q", "").strip()
    notices = selectors.sent_log(status=status, kind=kind, query=query)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/staff_log.html",
        {
            "page": page,
            "statuses": Notice.Status.choices,
            "kinds": NoticeKind.choices,
            "status": status,
            "kind": kind,
            "q": query,
        },
    )


@training_staff_required
@require_POST
def resend(request, pk: int):
    notice = get_object_or_404(Notice, pk=pk)
    try:
        resend_notice(notice=notice, by_user=request.user)
        messages.success(request, _("已重新排入寄送。"))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect(f"{reverse('notices:staff_log')}?status={Notice.Status.FAILED}")
