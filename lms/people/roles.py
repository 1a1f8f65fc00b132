"""Roles are Django groups, and every role question has ONE predicate here.

Views, services, templates (through the `roles` context processor) and API permissions all ask
these functions, so that "is this person training staff?" has one answer everywhere:

- `is_training_staff`: 訓練承辦人, and administrators (系統管理者, superusers), who may do
  whatever training staff do;
- `officer_subtree` / `is_agency_officer`: an HR officer with a CURRENT binding to an agency
  subtree (an ended binding grants nothing);
- `sees_everyone`: who sees every person and agency (training staff);
- `can_see_agency_reports` and `can_nominate`: staff, or an officer for their own subtree.

Other apps add permissions to the groups in their own post_migrate handlers.
"""

from __future__ import annotations

import functools
from enum import StrEnum


class Role(StrEnum):
    TRAINEE = "學員"
    TRAINING_STAFF = "訓練承辦人"
    AGENCY_OFFICER = "機關人事人員"
    ADMINISTRATOR = "系統管理者"


# Administrators manage people and officer bindings; training staff look people up.
ADMINISTRATOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    *(f"people.{action}_{model}" for model in ("person", "agencyofficer") for action in ("add", "change", "view")),
    "people.view_agency",
    "people.change_agency",
    "people.view_deidentification",  # the record of leavers' de-identification runs (read only)
    "auth.add_user",
    "auth.change_user",
    "auth.view_user",
]
TRAINING_STAFF_PEOPLE_PERMISSIONS = ["people.view_person", "people.view_agency"]


def has_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_role_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_names = cache
    return role.value in cache


def is_training_staff(user) -> bool:
    """訓練承辦人, or an administrator: the one answer to "may this user act as training staff?"."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or has_role(user, Role.TRAINING_STAFF) or has_role(user, Role.ADMINISTRATOR))
    )


def officer_subtree(user):
    """The Agency whose subtree an HR officer's current binding covers, or None (no binding, or ended)."""
    officer = getattr(user, "agency_officer", None) if user.is_authenticated else None
    return officer.agency if officer is not None and officer.is_current else None


def is_agency_officer(user) -> bool:
    return officer_subtree(user) is not None


def sees_everyone(user) -> bool:
    """Training staff and administrators see every person and agency (docs/domain.md §7)."""
    return is_training_staff(user)


def can_see_agency_reports(user) -> bool:
    return is_training_staff(user) or is_agency_officer(user)


def can_nominate(user) -> bool:
    """Officers nominate (薦送) their own people; training staff anyone."""
    return is_training_staff(user) or is_agency_officer(user)


def training_staff_required(view):
    """A view for training staff (and administrators) only: 403 for anyone else, login first."""
    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_training_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def ensure_role_groups(**kwargs) -> None:
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    grant_permissions(Role.ADMINISTRATOR, ADMINISTRATOR_PERMISSIONS)
    grant_permissions(Role.TRAINING_STAFF, TRAINING_STAFF_PEOPLE_PERMISSIONS)


def grant_permissions(role: Role, codenames: list[str]) -> None:
    """Give a role the named permissions ("app_label.codename"); idempotent."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=role.value)
    for full in codenames:
        app_label, codename = full.split(".", 1)
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)
