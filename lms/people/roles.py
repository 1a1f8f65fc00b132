"""Roles are Django groups. Other apps add permissions to them in their own post_migrate handlers."""

from __future__ import annotations

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
