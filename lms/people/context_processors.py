"""The role predicates for templates: `{% if roles.is_training_staff %}` asks lms.people.roles, like the views."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from lms.people import roles as role_predicates


class _Roles:
    def __init__(self, user):
        self.is_training_staff = role_predicates.is_training_staff(user)
        self.is_agency_officer = role_predicates.is_agency_officer(user)
        self.can_see_agency_reports = role_predicates.can_see_agency_reports(user)
        self.can_nominate = role_predicates.can_nominate(user)


def roles(request) -> dict:
    return {"roles": SimpleLazyObject(lambda: _Roles(request.user))}
