"""The content origin: package files answered without the site's session, CSRF or user (docs/elearning.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import Resolver404, get_resolver


def content_host() -> str:
    return urlsplit(settings.ELEARNING_CONTENT_ORIGIN).netloc.lower()


class ContentOriginMiddleware:
    """Requests to ELEARNING_CONTENT_ORIGIN go to elearning.content_urls and nothing else.

    Placed right after SecurityMiddleware: the page stack below (sessions, CSRF, users,
    messages) never sees them, and the Cookie header is dropped first, because browsers send
    a host's cookies to every port of it — a package's script must not be served as the
    signed-in user, whatever cookies reach this origin. The LMS's own host never routes to
    the content views (they are not in lms.urls).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = content_host()
        if not host or request.get_host().lower() != host:
            return self.get_response(request)
        request.META.pop("HTTP_COOKIE", None)
        request.COOKIES = {}
        try:
            match = get_resolver("elearning.content_urls").resolve(request.path_info)
        except Resolver404:
            return HttpResponseNotFound("Not found", content_type="text/plain; charset=utf-8")
        try:
            return match.func(request, *match.args, **match.kwargs)
        except Http404:
            return HttpResponseNotFound("Not found", content_type="text/plain; charset=utf-8")
