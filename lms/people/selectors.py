"""Reads of people and agencies for the officers' pages (scoped by Person.objects.visible_to)."""

from __future__ import annotations

from django.db.models import Q

from lms.people.models import (
    Agency,
    AgencyQuerySet,
    Person,
    PersonQuerySet,
    for_agency_subtree_q,
)
from lms.people.roles import officer_subtree, sees_everyone


def agencies_visible_to(user) -> AgencyQuerySet:
    """The agencies a user may filter by: the whole tree for staff, an officer's current subtree, else none."""
    if sees_everyone(user):
        return Agency.objects.all()
    agency = officer_subtree(user)
    return Agency.objects.subtree_of(agency) if agency is not None else Agency.objects.none()


def people_to_nominate(user, *, query: str = "", agency: Agency | None = None) -> PersonQuerySet:
    """People in service whom `user` may nominate (薦送), searched by name or employee number,
    optionally within one agency's subtree."""
    people = Person.objects.visible_to(user).filter(is_active=True).select_related("agency")
    if agency is not None:
        people = people.filter(for_agency_subtree_q(agency))
    query = query.strip()
    if query:
        people = people.filter(Q(name__icontains=query) | Q(employee_number__icontains=query))
    return people.order_by("agency__path", "employee_number")
