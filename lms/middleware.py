"""Site middleware."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver


class ApiLaneMiddleware:
    """Requests under settings.API_LANE_PREFIXES (the LRS, `/xapi/`) go straight to their view.

    Placed right after SecurityMiddleware. The rest of the stack (static files, sessions,
    language, CSRF, users, messages, frame options, Wagtail redirects) serves pages for people;
    machine clients post statements with HTTP Basic credentials to csrf-exempt views that read
    none of it, and at thousands of requests a second the skipped layers are a measurable share
    of each request (bench/README.md). A path that does not resolve still raises the usual 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "API_LANE_PREFIXES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.prefixes or not request.path_info.startswith(self.prefixes):
            return self.get_response(request)
        match = get_resolver().resolve(request.path_info)
        request.resolver_match = match
        return match.func(request, *match.args, **match.kwargs)
