"""Who may see which reports: one rule for pages, downloads, the API, tasks and e-mails.

Staff (訓練承辦人, 系統管理者) see the whole city; an agency officer sees only their agency
subtree (個人資料保護法, shared/domain.md); a trainee sees only their own learner report.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from lms.people.models import Agency, Person, officer_subtree
from lms.people.roles import Role, has_role


def is_staff(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or has_role(user, Role.TRAINING_STAFF) or has_role(user, Role.ADMINISTRATOR)
    )


def officer_agency(user) -> Agency | None:
    return officer_subtree(user)


def can_see_agency_reports(user) -> bool:
    return is_staff(user) or officer_agency(user) is not None


def agencies_in_scope(user):
    """The agencies a user may pick in a report filter: all for staff, an officer's subtree, else none."""
    if is_staff(user):
        return Agency.objects.all()
    own = officer_agency(user)
    return Agency.objects.subtree_of(own) if own is not None else Agency.objects.none()


def resolve_agency(user, code: str | None) -> Agency | None:
    """The agency whose subtree a report covers, or None for the whole city (staff only).

    Raises PermissionDenied when the user may not see agency reports or asks for an agency
    outside their subtree, and Agency.DoesNotExist for an unknown code.
    """
    if is_staff(user):
        return Agency.objects.get(code=code) if code else None
    own = officer_agency(user)
    if own is None:
        raise PermissionDenied
    if not code:
        return own
    agency = Agency.objects.get(code=code)
    if not agency.path.startswith(own.path):
        raise PermissionDenied
    return agency


def resolve_learner(user, employee_number: str | None) -> Person:
    """The learner whose report is asked for: yourself by default, others only within your scope."""
    if not employee_number:
        person = Person.objects.filter(user=user).first() if user.is_authenticated else None
        if person is None:
            raise PermissionDenied
        return person
    person = Person.objects.visible_to(user).filter(employee_number=employee_number).first()
    if person is None:
        raise PermissionDenied
    return person
