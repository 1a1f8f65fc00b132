"""Training staff edit requirement rules in the admin; nobody else does."""

from lms.people.roles import Role, grant_permissions

TRAINING_STAFF_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "reports.add_requirementrule",
    "reports.change_requirementrule",
    "reports.view_requirementrule",
]


def grant_report_permissions(**kwargs) -> None:
    grant_permissions(Role.TRAINING_STAFF, TRAINING_STAFF_PERMISSIONS)
    grant_permissions(Role.ADMINISTRATOR, TRAINING_STAFF_PERMISSIONS)
