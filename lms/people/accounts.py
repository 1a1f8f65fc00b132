"""Demo accounts, one per role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from lms.people.models import Agency, AgencyOfficer, Person
from lms.people.roles import Role

# Demo-only credentials, printed by load_demo. Never used outside the embedded demo database.
DEMO_ACCOUNTS = [
    ("admin", Role.ADMINISTRATOR, "admin-demo-2026"),
    ("staff", Role.TRAINING_STAFF, "staff-demo-2026"),
    ("officer", Role.AGENCY_OFFICER, "officer-demo-2026"),
    ("trainee", Role.TRAINEE, "trainee-demo-2026"),
]


@transaction.atomic
def load_demo_accounts(*, officer_agency_code: str, trainee_employee_number: str) -> list[tuple[str, str, str]]:
    """Create the accounts that do not exist; passwords are set only on creation, so a rerun changes nothing."""
    User = get_user_model()
    rows = []
    for username, role, password in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.kcg.gov.tw"}
        )
        if created:
            user.set_password(password)
            user.is_superuser = user.is_staff = role == Role.ADMINISTRATOR
            user.save()
        user.groups.add(Group.objects.get(name=role.value))
        rows.append((username, password, role.value))
    officer = User.objects.get(username="officer")
    AgencyOfficer.objects.get_or_create(user=officer, defaults={"agency": Agency.objects.get(code=officer_agency_code)})
    trainee_person = Person.objects.get(employee_number=trainee_employee_number)
    if trainee_person.user_id is None and not Person.objects.filter(user__username="trainee").exists():
        trainee_person.user = User.objects.get(username="trainee")
        trainee_person.save(update_fields=["user"])
    return rows
