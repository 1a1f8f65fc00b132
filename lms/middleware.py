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

    Errors are the lane's own business: the LRS answers an unreachable database with a JSON 503
    and Retry-After itself (xapi.http.xapi_endpoint, with its CORS and version headers), so it
    does so however it is mounted; this layer only routes.
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


class RejectControlCharactersMiddleware:
    """A query or form parameter holding a NUL or another control character is a 400 naming it.

    PostgreSQL refuses NUL in text and such values are never meant (docs/data-protection.md,
    "Input at the edge"); checking here keeps them from becoming 500s deep in a query. Only the
    query string and url-encoded forms are read: uploads and the LRS (`/xapi/`, served above this
    layer by ApiLaneMiddleware) parse their own bodies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.core.exceptions import BadRequest
        from django.utils.translation import gettext as _

        from lms.params import first_bad_parameter

        bad = first_bad_parameter(request.GET)
        if bad is None and request.content_type == "application/x-www-form-urlencoded":
            bad = first_bad_parameter(request.POST)
        if bad is not None:
            raise BadRequest(_("%(name)s：參數含有不允許的控制字元。") % {"name": bad[:40]})
        return self.get_response(request)


class PersonalDataNoStoreMiddleware:
    """`Cache-Control: no-store` on every response that may carry personal data.

    That is every response to a signed-in user (their pages, reports, downloads, the admin),
    every response of the APIs (`/api/`, `/xapi/`: rows and statements name people) and every
    attachment. Public catalog pages and static files stay cacheable. Placed above
    ApiLaneMiddleware so that the LRS lane is covered too.
    """

    PREFIXES = ("/api/", "/xapi/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or request.path_info.startswith(self.PREFIXES)
            or response.get("Content-Disposition", "").startswith("attachment")
            or getattr(response, "personal_data", False)
        ):
            add_never_cache_headers(response)
        return response


class WagtailAdminCSPMiddleware:
    """Wagtail's admin runs a few inline scripts of its own (listing pages, scripts inserted by its
    vendor bundle), so under `/admin/` script-src also allows 'unsafe-inline'; the public site and
    every page of ours keep script-src 'self' (docs/data-protection.md, "Content-Security-Policy").
    Placed below csp.middleware.CSPMiddleware, which reads `_csp_update` from the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(self.prefix):
            response._csp_update = {"script-src": ["'unsafe-inline'"]}
        return response
