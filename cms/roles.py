"""What each role may do in the catalog admin. Training staff edit; trainees and agency officers cannot."""

from lms.people.roles import Role, grant_permissions

CATALOG_MODELS = ["course", "offering", "topic", "competencyaxis", "learningpath", "certificationtrack"]

# No delete on courses and offerings: enrolments point at them, so staff unpublish a course or
# cancel an offering instead (nothing is deleted silently).
TRAINING_STAFF_PERMISSIONS = [
    "wagtailadmin.access_admin",
    *(f"courses.{action}_{model}" for model in CATALOG_MODELS for action in ("add", "change", "view")),
    "courses.publish_course",
    "courses.lock_course",
    "courses.delete_topic",
    "courses.delete_competencyaxis",
    "courses.view_certificatetemplate",
    "courses.change_certificatetemplate",
]


def grant_catalog_permissions(**kwargs) -> None:
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, Page

    grant_permissions(Role.TRAINING_STAFF, TRAINING_STAFF_PERMISSIONS)
    root = Page.get_first_root_node()
    if root is None:
        return
    staff = Group.objects.get(name=Role.TRAINING_STAFF.value)
    from django.contrib.auth.models import Permission

    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=staff, page=root, permission=permission)
