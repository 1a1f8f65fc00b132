"""Course evaluations after completion (訓後滿意度): satisfaction 1–5 and a comment, once per enrolment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from courses.models import CourseEvaluation, Enrollment


def submit_evaluation(*, enrollment: Enrollment, satisfaction: int, comment: str = "", by_user) -> CourseEvaluation:
    """Only the trainee, only after completing, only once. Raises ValidationError keyed by field."""
    if enrollment.person.user_id != by_user.pk:
        raise PermissionDenied
    if enrollment.status != Enrollment.Status.COMPLETED:
        raise ValidationError({"enrollment": _("完訓後才能填寫課程評鑑。")})
    evaluation = CourseEvaluation(enrollment=enrollment, satisfaction=satisfaction, comment=comment.strip())
    evaluation.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as error:
        raise ValidationError({"enrollment": _("您已填寫過此課程評鑑。")}) from error
    return evaluation
