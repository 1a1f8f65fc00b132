"""Training staff edit requirement rules and the national portal's code tables in the admin; nobody else does."""

from lms.people.roles import Role, grant_permissions

TRAINING_STAFF_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "reports.add_requirementrule",
    "reports.change_requirementrule",
    "reports.view_requirementrule",
    # docs/national-upload.md §5: the portal's code tables and course→category mappings are data.
    "reports.add_nationalcode",
    "reports.change_nationalcode",
    "reports.view_nationalcode",
    "reports.add_coursenationalcategory",
    "reports.change_coursenationalcategory",
    "reports.view_coursenationalcategory",
]


def grant_report_permissions(**kwargs) -> None:
    grant_permissions(Role.TRAINING_STAFF, TRAINING_STAFF_PERMISSIONS)
    grant_permissions(Role.ADMINISTRATOR, TRAINING_STAFF_PERMISSIONS)
