"""Administrators (系統管理者) read and export the access audit; nobody changes it."""

from lms.people.roles import Role, grant_permissions


def grant_audit_permissions(**kwargs) -> None:
    grant_permissions(Role.ADMINISTRATOR, ["audit.view_accessentry"])
