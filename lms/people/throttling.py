"""Throttling of repeated failed logins (django-axes) on both login pages: the site's and the admin's."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked-out user/address pair is refused.

    Every login page passes the request. Server-side calls without one (the test client's
    login(), scripts) have nothing to throttle by, so they are left to the next backends
    instead of raising AxesBackendRequestParameterRequired.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
