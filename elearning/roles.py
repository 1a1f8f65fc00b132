"""Training staff attach and view content packages; trainees only launch them."""

from lms.people.roles import Role, grant_permissions

TRAINING_STAFF_PERMISSIONS = [
    "elearning.add_contentpackage",
    "elearning.change_contentpackage",
    "elearning.view_contentpackage",
]


def grant_elearning_permissions(**kwargs) -> None:
    grant_permissions(Role.TRAINING_STAFF, TRAINING_STAFF_PERMISSIONS)
