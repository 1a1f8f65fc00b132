"""Trainee pages: enrol and cancel, 我的學習, the learning record, evaluation, certificates, public verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from courses import documents, selectors, trainee_home
from courses.forms import EvaluationForm
from courses.models import Certificate, Enrollment, Offering
from courses.services import enrollment as enrollment_services
from courses.services.certification import masked_holder_name, verify_certificate
from courses.services.evaluation import submit_evaluation
from courses.views.common import _back, _flash_errors, _no_learner_profile, _person
from lms import params
from lms.audit.services import Channel, record_access
from lms.people.roles import is_training_staff


@login_required
@require_POST
def enroll(request, code: str):
    offering = get_object_or_404(Offering, code=code)
    if getattr(request.user, "person", None) is None:
        return _no_learner_profile(request)
    try:
        enrollment = enrollment_services.enroll_person(offering=offering, person=_person(request))
    except ValidationError as error:
        _flash_errors(request, error)
        return redirect(_back(request, reverse("learning:my")))
    status_message = {
        Enrollment.Status.ENROLLED: _("報名成功，已錄取 %(code)s。"),
        Enrollment.Status.PENDING_APPROVAL: _("已報名 %(code)s，待承辦人審核。"),
        Enrollment.Status.WAITLISTED: _("%(code)s 已額滿，您已列入候補。"),
    }[enrollment.status]
    messages.success(request, status_message % {"code": offering.code})
    return redirect("learning:my")


@login_required
@require_POST
def cancel(request, pk: int):
    enrollment = get_object_or_404(Enrollment, pk=pk)
    try:
        enrollment_services.cancel_enrollment(enrollment=enrollment, by_user=request.user)
        messages.success(request, _("已取消報名。"))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect(_back(request, reverse("learning:my")))


@login_required
def my_learning(request):
    """我的學習: this year's hours and rule progress, what to take next, running enrolments, history."""
    person = getattr(request.user, "person", None)
    if person is None:
        return _no_learner_profile(request)
    today = timezone.localdate()
    year = params.parse_year(request.GET.get("year"))
    completions = selectors.learning_record_in_year(person=person, year=year)
    enrollments = selectors.my_enrollments(person=person) if year == today.year else []
    now = timezone.now()
    for enrollment in enrollments:
        enrollment.join = selectors.join_link(enrollment, now=now)
    return render(
        request,
        "courses/my_learning.html",
        {
            "person": person,
            "year": year,
            "is_current_year": year == today.year,
            "enrollments": enrollments,
            "finished": selectors.my_enrollments(person=person, statuses=selectors.FINISHED_STATUSES, year=year),
            "sessions": selectors.upcoming_sessions(person=person) if year == today.year else [],
            "completions": completions,
            "summary": selectors.hours_summary(completions),
            "certificates": selectors.my_certificates(person=person),
            "sections": trainee_home.sections(person=person, year=year, today=today),
            "years": range(today.year, today.year - 6, -1),
        },
    )


@login_required
def learning_record(request, fmt: str):
    if fmt not in ("csv", "pdf"):
        raise Http404
    person = getattr(request.user, "person", None)
    if person is None:
        return _no_learner_profile(request)
    year = params.parse_year(request.GET.get("year"))
    completions = selectors.learning_record_in_year(person=person, year=year)
    if fmt == "csv":
        response = HttpResponse(documents.learning_record_csv(completions=completions), content_type="text/csv")
    else:
        pdf = documents.learning_record_pdf(
            person=person, year=year, completions=completions, summary=selectors.hours_summary(completions)
        )
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="learning-record-{year}.{fmt}"'
    return response


@login_required
def evaluation(request, pk: int):
    enrollment = get_object_or_404(Enrollment.objects.select_related("offering__course", "person"), pk=pk)
    if enrollment.person.user_id != request.user.pk:
        raise PermissionDenied
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit_evaluation(
                enrollment=enrollment,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                by_user=request.user,
            )
            messages.success(request, _("感謝您填寫課程評鑑。"))
            return redirect("learning:my")
        except ValidationError as error:
            _flash_errors(request, error)
    return render(request, "courses/evaluation.html", {"enrollment": enrollment, "form": form})


@login_required
def certificate_pdf(request, pk: int):
    certificate = get_object_or_404(Certificate.objects.select_related("person", "track"), pk=pk)
    if certificate.person.user_id != request.user.pk and not is_training_staff(request.user):
        raise PermissionDenied
    record_access(
        request=request,
        what="learning.certificate.pdf",
        channel=Channel.DOWNLOAD,
        people=[certificate.person],
        scope=f"certificate={certificate.number}",
    )
    verify_url = request.build_absolute_uri(reverse("learning:verify", args=[certificate.verification_code]))
    pdf = documents.certificate_pdf(certificate, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


@never_cache  # shows a (masked) name: personal data is never kept in a shared cache
def verify(request, code):
    """Public: anyone holding the printed address can check a certificate; the name is partly masked."""
    try:
        certificate = verify_certificate(code=str(code))
    except ValidationError:
        return render(request, "courses/verify.html", {"certificate": None}, status=404)
    return render(
        request,
        "courses/verify.html",
        {"certificate": certificate, "masked_name": masked_holder_name(certificate)},
    )
