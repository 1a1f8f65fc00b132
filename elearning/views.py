"""Trainee pages: the player of a course's package and its commit endpoint. Thin: services do the work."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from courses.models import Course
from elearning import selectors
from elearning.models import Attempt, Standard
from elearning.services import runtime


def _content_origin() -> str:
    return settings.ELEARNING_CONTENT_ORIGIN.rstrip("/")


def _person_or_404(request: HttpRequest):
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404(_("此帳號未連結學員資料。"))
    return person


def _frame_content_origin(view):
    """The player frames the content origin; the site's CSP allows only 'self' elsewhere."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        policy = getattr(response, "_csp_update", None) or {}
        policy["frame-src"] = [_content_origin()]
        response._csp_update = policy
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
@require_GET
@_frame_content_origin
def launch(request: HttpRequest, code: str) -> HttpResponse:
    """The player page: scorm-again runs here, the package in a frame from the content origin."""
    course = get_object_or_404(Course, code=code, live=True)
    package = selectors.current_package(course)
    if package is None:
        raise Http404(_("此課程沒有數位教材。"))
    attempt = runtime.launch_attempt(package=package, person=_person_or_404(request))
    config = {
        "standard": package.standard,
        "commitUrl": f"{reverse('elearning:commit', args=[attempt.id])}?session={attempt.session_key}",
        "contentOrigin": _content_origin(),
        "launchUrl": f"{_content_origin()}/launch/{package.storage_key}/",
        "cmi": runtime.initial_cmi(attempt),
    }
    return render(
        request,
        "elearning/player.html",
        {
            "course": course,
            "package": package,
            "attempt": attempt,
            "player_config": config,
            "is_scorm12": package.standard == Standard.SCORM_12,
        },
    )


def _answer(ok: bool, status: int = 200, message: str = "", error_code: int = 0) -> JsonResponse:
    # scorm-again reads {"result": true|false, "errorCode": n} (its xhrResponseHandler).
    body = {"result": ok, "errorCode": error_code}
    if message:
        body["message"] = message
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _same_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


@csrf_exempt
@require_POST
def commit(request: HttpRequest, attempt_id) -> HttpResponse:
    """The player's LMSCommit / Commit / Terminate: the attempt must be the signed-in trainee's open launch.

    CSRF-exempt because scorm-again sends the final commit with navigator.sendBeacon, which
    cannot carry the CSRF header. What stands in its place: the launch's session key in the URL
    (random, known only to the player page on the LMS origin — not to the package, which runs on
    the content origin), the session cookie, and the Origin header, which must be the LMS's own.
    """
    if not _same_origin(request):
        return _answer(False, 403, _("不接受來自其他來源的請求。"), 101)
    if not request.user.is_authenticated:
        return _answer(False, 401, _("請先登入。"), 101)
    attempt = Attempt.objects.filter(pk=attempt_id, person__user=request.user).first()
    if attempt is None:
        return _answer(False, 404, _("找不到此學習紀錄。"), 101)
    if len(request.body) > settings.ELEARNING_COMMIT_MAX_BYTES:
        return _answer(False, 400, _("送出的資料過大。"), 101)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _answer(False, 400, _("送出的資料不是有效的 JSON。"), 101)
    try:
        runtime.commit_runtime(
            attempt_id=attempt.pk,
            session_key=request.GET.get("session", ""),
            data=data,
            initialize=request.GET.get("initialize") == "true",
            terminate=request.GET.get("terminate") == "true",
        )
    except runtime.SessionClosed:
        return _answer(False, 409, _("此學習階段已結束或已在其他視窗重新開啟，請重新進入課程。"), 101)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        return _answer(False, 400, messages[0], 101)
    return _answer(True)
