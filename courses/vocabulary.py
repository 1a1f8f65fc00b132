"""The LMS's xAPI vocabulary: how courses records learning in the LRS and how the reports projection reads it.

Every credited learning outcome, whatever its source (classroom attendance, remote session
report, MOOC platform, exam file), ends up as ONE statement issued by the LMS itself (authority
= the LMS credential) with the context extensions below. Statements posted by outside platforms
are kept as they are; once their activity is mapped to a course, the LMS issues its own
normalised statement that refers to the original (context.statement), and only that one is
credited. Corrections void the LMS statement and issue a new one; nothing is deleted.

Actors are identified by an account, never by national ID: {"account": {"homePage": HOME_PAGE,
"name": <employee number>}}. Times are the moment the learning happened (a completion at
23:30 on 31 December in Taipei counts for that year).
"""

HOME_PAGE = "https://lms.kcg.gov.tw"
BASE = "https://lms.kcg.gov.tw/xapi"

# Activity ids
COURSE_ACTIVITY = BASE + "/activities/course/{code}"
OFFERING_ACTIVITY = BASE + "/activities/offering/{code}"
SESSION_ACTIVITY = BASE + "/activities/offering/{offering_code}/session/{session_id}"
ASSESSMENT_ACTIVITY = BASE + "/activities/certification/{track_code}/assessment/{assessment_id}"
CERTIFICATION_ACTIVITY = BASE + "/activities/certification/{track_code}"

# Activity types
TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
TYPE_OFFERING = BASE + "/activity-types/offering"
TYPE_SESSION = "http://adlnet.gov/expapi/activities/meeting"
TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"


class Verbs:
    REGISTERED = "http://adlnet.gov/expapi/verbs/registered"
    UNREGISTERED = "http://id.tincanapi.com/verb/unregistered"
    WAITLISTED = BASE + "/verbs/waitlisted"
    APPROVED = "http://activitystrea.ms/schema/1.0/approve"
    REJECTED = "http://activitystrea.ms/schema/1.0/reject"
    ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
    COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
    PASSED = "http://adlnet.gov/expapi/verbs/passed"
    FAILED = "http://adlnet.gov/expapi/verbs/failed"
    EARNED = "http://id.tincanapi.com/verb/earned"  # a certificate was issued
    VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class Extensions:
    """Context extensions on LMS-issued statements (values are JSON scalars)."""

    OFFERING = BASE + "/extensions/offering"  # offering code, e.g. "115-AI-101-01"
    COURSE = BASE + "/extensions/course"  # course code, e.g. "AI-101"
    MODALITY = BASE + "/extensions/modality"  # classroom | remote | elearning | blended
    CREDITED_HOURS = BASE + "/extensions/credited-hours"  # number of hours credited, e.g. 2.5
    SCHEDULED_HOURS = BASE + "/extensions/scheduled-hours"  # the offering's hours, for 人天次 and the national export
    LEAVE_HOURS = BASE + "/extensions/leave-hours"  # hours missed (事假/病假) for the national export
    EXTERNAL_COURSE_TITLE = BASE + "/extensions/external-course-title"  # unmapped external courses staff accepted
    CERTIFICATION = BASE + "/extensions/certification"  # certification track code
    CERTIFICATE_NUMBER = BASE + "/extensions/certificate-number"
    # Outside platforms may state hours for their own courses with this extension (or result.duration).
    PLATFORM_HOURS = BASE + "/extensions/hours"
    # Enrolment life cycle (registered / waitlisted / approved / rejected / unregistered statements):
    ENROLLMENT_STATUS = BASE + "/extensions/enrollment-status"  # pending | enrolled | waitlisted | cancelled | rejected
    PREVIOUS_STATUS = BASE + "/extensions/previous-status"  # "waitlisted" on a promotion from the waitlist
    WAITLIST_POSITION = BASE + "/extensions/waitlist-position"  # 1-based position when waitlisted
    NOMINATED_BY_AGENCY = BASE + "/extensions/nominated-by-agency"  # agency code of the HR officer who nominated (薦送)
    # Attendance and completion details:
    ATTENDANCE_STATUS = BASE + "/extensions/attendance-status"  # present | late | left_early | absent
    COMPLETION_SOURCE = BASE + "/extensions/completion-source"  # attendance | remote | external | assessment
    ATTENDANCE_PERCENT = BASE + "/extensions/attendance-percent"  # share of scheduled hours attended, 0–100


# Shape of LMS-issued statements (see courses/statements.py, one builder per kind):
# - actor: the learner the record is about, {"objectType": "Agent", "account": {"homePage": HOME_PAGE,
#   "name": <employee number>}}; no name or e-mail (the LRS keeps no more PII than needed).
# - object: the offering activity (enrolment, completion), the session activity (attended), the
#   assessment activity (passed / failed, with result.score) or the certification activity (earned).
# - context.registration: Enrollment.registration when the record belongs to an enrolment.
# - context.contextActivities.parent: the course activity; context.extensions: OFFERING, COURSE,
#   MODALITY on every statement, CREDITED_HOURS and SCHEDULED_HOURS on completions.
# - context.statement: on a completion credited from an outside platform, the platform's statement.
# - result.duration: time attended / studied (ISO 8601), result.completion / success / score as usual.
# Waitlist promotion is a REGISTERED statement with PREVIOUS_STATUS = "waitlisted".
LANGUAGE = "zh-TW"
