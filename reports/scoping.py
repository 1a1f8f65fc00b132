"""Who may see which reports: one rule for pages, downloads, the API, tasks and e-mails.

Staff (訓練承辦人, 系統管理者) see the whole city; an agency officer sees only their agency
subtree (個人資料保護法, docs/domain.md); a trainee sees only their own learner report. Who is
staff or an officer is asked of lms.people.roles, the one place that answers it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from lms.people import roles
from lms.people.models import Agency, Person
from lms.people.selectors import agencies_visible_to


def agencies_in_scope(user):
    """The agencies a user may pick in a report filter: all for staff, an officer's subtree, else none."""
    return agencies_visible_to(user)


def resolve_agency(user, code: str | None) -> Agency | None:
    """The agency whose subtree a report covers, or None for the whole city (staff only).

    Raises PermissionDenied when the user may not see agency reports or asks for an agency
    outside their subtree, and Agency.DoesNotExist for an unknown code.
    """
    if roles.is_training_staff(user):
        return Agency.objects.get(code=code) if code else None
    own = roles.officer_subtree(user)
    if own is None:
        raise PermissionDenied
    if not code:
        return own
    agency = Agency.objects.get(code=code)
    if not agency.path.startswith(own.path):
        raise PermissionDenied
    return agency


def may_see_run(user, run) -> bool:
    """A background run's page and file: staff, or the officer who asked for it while its agency is
    still inside their subtree (a moved or ended binding loses the files of the old agency)."""
    if roles.is_training_staff(user):
        return True
    if run.requested_by_id != user.pk:
        return False
    own = roles.officer_subtree(user)
    return own is not None and run.agency is not None and run.agency.path.startswith(own.path)


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
