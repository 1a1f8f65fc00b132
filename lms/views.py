"""Site-wide error pages."""

from django.http import JsonResponse
from django.shortcuts import render


def bad_request(request, exception=None):
    """A 400 that says what was wrong: the message names the parameter (lms.params)."""
    message = str(exception) if exception is not None and str(exception) else ""
    if request.path_info.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message or "Bad Request"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
