"""What training staff may do with notices: edit the texts and the schedule, see the log."""

from lms.people.roles import Role, grant_permissions

TRAINING_STAFF_PERMISSIONS = [
    "notices.add_noticetemplate",
    "notices.change_noticetemplate",
    "notices.view_noticetemplate",
    "notices.change_noticesettings",
    "notices.view_notice",
]


def grant_notice_permissions(**kwargs) -> None:
    grant_permissions(Role.TRAINING_STAFF, TRAINING_STAFF_PERMISSIONS)
