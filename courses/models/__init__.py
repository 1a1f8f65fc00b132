"""The training catalog and its learning records, one module per concept.

- `catalog`: topics, competency axes, courses, offerings (班期) and session days, learning paths;
- `enrolment`: a person's place in an offering;
- `records`: attendance, completions, outside activities, evaluations (the LMS's working copy
  of what the LRS holds);
- `certification`: tracks, assessments and their results, certificates and their wording.

Every public name is re-exported here, so `from courses.models import X` is the one import
path; the app label and every table name are those of the former single module.
"""

from courses.models.catalog import (
    CompetencyAxis,
    Course,
    CourseQuerySet,
    LearningPath,
    LearningPathStep,
    Modality,
    Offering,
    OfferingQuerySet,
    Session,
    Topic,
)
from courses.models.certification import (
    CERTIFICATE_PLACEHOLDERS,
    Assessment,
    AssessmentResult,
    Certificate,
    CertificateTemplate,
    CertificationTrack,
    IssuingBody,
    _check_placeholders,  # named by migration 0006 as courses.models._check_placeholders
)
from courses.models.enrolment import Enrollment
from courses.models.records import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Completion,
    CompletionSource,
    CourseEvaluation,
    ExternalActivity,
    LeaveKind,
    RemoteAttendanceReview,
)

__all__ = [
    "CERTIFICATE_PLACEHOLDERS",
    "Assessment",
    "AssessmentResult",
    "Attendance",
    "AttendanceSource",
    "AttendanceStatus",
    "Certificate",
    "CertificateTemplate",
    "CertificationTrack",
    "CompetencyAxis",
    "Completion",
    "CompletionSource",
    "Course",
    "CourseEvaluation",
    "CourseQuerySet",
    "Enrollment",
    "ExternalActivity",
    "IssuingBody",
    "LearningPath",
    "LearningPathStep",
    "LeaveKind",
    "Modality",
    "Offering",
    "OfferingQuerySet",
    "RemoteAttendanceReview",
    "Session",
    "Topic",
    "_check_placeholders",
]
