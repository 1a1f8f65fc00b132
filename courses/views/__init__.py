"""Learning pages: parse the request, call one service, render or redirect. Nothing else.

One module per audience: `trainee`, `officer` (agency HR), `staff` (training staff); `common`
holds what they share. courses/urls.py names the views through this package.
"""

from courses.views.common import IMPORT_MESSAGE_TAG
from courses.views.officer import nominate
from courses.views.staff import (
    DESK_OFFERINGS_PER_PAGE,
    assessment_results,
    decide,
    external_activities,
    fill_waitlist,
    map_external,
    mark_attendance,
    person_records,
    resolve_review,
    roster,
    satisfaction,
    staff_home,
    upload_meeting_report,
    upload_roster,
    void_completion_view,
)
from courses.views.trainee import cancel, certificate_pdf, enroll, evaluation, learning_record, my_learning, verify

__all__ = [
    "DESK_OFFERINGS_PER_PAGE",
    "IMPORT_MESSAGE_TAG",
    "assessment_results",
    "cancel",
    "certificate_pdf",
    "decide",
    "enroll",
    "evaluation",
    "external_activities",
    "fill_waitlist",
    "learning_record",
    "map_external",
    "mark_attendance",
    "my_learning",
    "nominate",
    "person_records",
    "resolve_review",
    "roster",
    "satisfaction",
    "staff_home",
    "upload_meeting_report",
    "upload_roster",
    "verify",
    "void_completion_view",
]
