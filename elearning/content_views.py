"""What the content origin serves: the package files, the frame that hands a SCO its API, and that frame's scripts.

Every response carries a CSP whose frame-ancestors is the LMS's own origin only (a package
cannot be framed by another site), `nosniff`, and no cookies are read or set here.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from elearning.models import ContentPackage
from elearning.services.packages import package_dir

# The content frame's two scripts: scorm-again's cross-frame API client and ours that installs it.
RUNTIME_SCRIPTS = {
    "cross-frame-api.js": "vendor/scorm-again/cross-frame-api.min.js",
    "content-frame.js": "elearning/content-frame.js",
}


def site_origin() -> str:
    parts = urlsplit(settings.ELEARNING_SITE_ORIGIN)
    return f"{parts.scheme}://{parts.netloc}"


def content_policy() -> str:
    """Packages are third-party HTML: they may run their own inline scripts, but only here, framed only by us."""
    return "; ".join(
        [
            "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'self'",
            "object-src 'none'",
            f"frame-ancestors {site_origin()} 'self'",
        ]
    )


def _protect(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = content_policy()
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_safe
def runtime_script(request: HttpRequest, name: str) -> HttpResponse:
    found = finders.find(RUNTIME_SCRIPTS[name]) if name in RUNTIME_SCRIPTS else None
    if not found:
        raise Http404
    response = FileResponse(Path(found).open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return _protect(response)


@require_safe
def launch_frame(request: HttpRequest, storage_key) -> HttpResponse:
    """The frame between the LMS's player and the SCO: it holds window.API / API_1484_11 for the SCO to find.

    SCORM's API discovery walks window.parent; across origins the LMS's own API cannot be
    reached, so this same-origin frame holds scorm-again's CrossFrameAPI, which talks to the
    player by postMessage to the LMS origin only.
    """
    package = get_object_or_404(ContentPackage, storage_key=storage_key)
    html = render_to_string(
        "elearning/content_frame.html",
        {
            "package": package,
            "sco_url": f"/packages/{package.storage_key}/{package.launch_path}",
            "site_origin": site_origin(),
        },
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return _protect(response)


@require_safe
def package_file(request: HttpRequest, storage_key, path: str) -> HttpResponse:
    package = get_object_or_404(ContentPackage, storage_key=storage_key)
    root = package_dir(package).resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404
    # No charset is forced: packages written in Big5 say so in their own <meta>.
    content_type, _encoding = mimetypes.guess_type(target.name)
    response = FileResponse(target.open("rb"), content_type=content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=300"
    return _protect(response)
