"""What the learning pages share: error messages, the caller's learner profile, the staff check, safe redirects."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lms.people.models import Person


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


IMPORT_MESSAGE_TAG = "import"  # shown beside the import form (includes/form_messages.html), not atop the page


def _flash_errors(request, error: ValidationError, *, extra_tags: str = "") -> None:
    for message in _errors(error):
        messages.error(request, message, extra_tags=extra_tags)


def _person(request) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(_("您的帳號未連結學員資料。"))
    return person


def _back(request, default: str) -> str:
    target = request.POST.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _no_learner_profile(request):
    """Accounts without a learner profile (staff, officers) get a page that says so, not a bare 403."""
    return render(request, "courses/no_learner_profile.html", status=403)
