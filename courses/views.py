"""Learning pages: parse the request, call one service, render or redirect. Nothing else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from courses import documents, selectors, trainee_home
from courses.forms import (
    AssessmentResultForm,
    EvaluationForm,
    ExternalMappingForm,
    NominationForm,
    UploadForm,
)
from courses.models import (
    Assessment,
    Attendance,
    AttendanceStatus,
    Certificate,
    Completion,
    Enrollment,
    ExternalActivity,
    LeaveKind,
    Modality,
    Offering,
    RemoteAttendanceReview,
    Session,
)
from courses.services import enrollment as enrollment_services
from courses.services import imports
from courses.services.attendance import ATTENDING_STATUSES, record_session_roster
from courses.services.certification import record_assessment_result, verify_certificate
from courses.services.completion import revoke_completion
from courses.services.evaluation import submit_evaluation
from courses.services.external import map_external_activity
from lms import params
from lms.audit.services import Channel, record_access
from lms.people import selectors as people_selectors
from lms.people.forms import SubtreePeopleFilterForm
from lms.people.models import Person
from lms.people.roles import can_nominate, is_training_staff, training_staff_required


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


DESK_OFFERINGS_PER_PAGE = 25
IMPORT_MESSAGE_TAG = "import"  # shown beside the import form (includes/form_messages.html), not atop the page


def _flash_errors(request, error: ValidationError, *, extra_tags: str = "") -> None:
    for message in _errors(error):
        messages.error(request, message, extra_tags=extra_tags)


def _person(request) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(_("您的帳號未連結學員資料。"))
    return person


staff_required = training_staff_required


def _back(request, default: str) -> str:
    target = request.POST.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Trainee ----------------------------------------------------------------------------------


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


def _no_learner_profile(request):
    """Accounts without a learner profile (staff, officers) get a page that says so, not a bare 403."""
    return render(request, "courses/no_learner_profile.html", status=403)


@login_required
def my_learning(request):
    """我的學習: this year's hours and rule progress, what to take next, running enrolments, history."""
    person = getattr(request.user, "person", None)
    if person is None:
        return _no_learner_profile(request)
    today = timezone.localdate()
    year = params.parse_year(request.GET.get("year"))
    completions = list(selectors.completions_in_year(person=person, year=year))
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
    completions = list(selectors.completions_in_year(person=person, year=year))
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
    name = certificate.person.name
    masked = name[0] + "○" * max(len(name) - 2, 1) + (name[-1] if len(name) > 2 else "")
    return render(request, "courses/verify.html", {"certificate": certificate, "masked_name": masked})


# --- Agency HR officer ------------------------------------------------------------------------


@login_required
def nominate(request, code: str):
    """The officer's list of their subtree's people (search, agency filter, paging), each with a 薦送 button."""
    offering = get_object_or_404(Offering.objects.select_related("course"), code=code)
    if not can_nominate(request.user):
        raise PermissionDenied
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = (
            people_selectors.people_to_nominate(request.user)
            .filter(employee_number=form.cleaned_data["employee_number"].strip())
            .first()
        )
        try:
            if person is None:
                raise ValidationError({"employee_number": _("查無此員工編號，或不在您的機關範圍內。")})
            enrollment_services.nominate_person(offering=offering, person=person, officer_user=request.user)
            messages.success(request, _("已薦送 %(name)s。") % {"name": person.name})
        except ValidationError as error:
            _flash_errors(request, error)
        return redirect(_back(request, reverse("learning:nominate", args=[code])))
    filters = SubtreePeopleFilterForm(request.GET or None, agencies=people_selectors.agencies_visible_to(request.user))
    query, agency = "", None
    if filters.is_valid():
        query, agency = filters.cleaned_data["q"], filters.cleaned_data["agency"]
    people = people_selectors.people_to_nominate(request.user, query=query, agency=agency)
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    taken = set(
        offering.enrollments.exclude(status__in=[Enrollment.Status.CANCELLED, Enrollment.Status.REJECTED])
        .filter(person__in=[p.pk for p in page])
        .values_list("person_id", flat=True)
    )
    nominated = offering.enrollments.filter(nominated_by=request.user).select_related("person")
    return render(
        request,
        "courses/nominate.html",
        {"offering": offering, "filters": filters, "page_obj": page, "taken": taken, "nominated": nominated},
    )


# --- Training staff ---------------------------------------------------------------------------


@staff_required
def staff_home(request):
    period = request.GET.get("period") if request.GET.get("period") in selectors.DESK_PERIODS else "upcoming"
    desk_filter = {"q": request.GET.get("q", ""), "modality": request.GET.get("modality", ""), "period": period}
    offerings = selectors.desk_offerings(query=desk_filter["q"], modality=desk_filter["modality"], period=period)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "courses/staff_home.html",
        {
            "offerings_page": Paginator(offerings, DESK_OFFERINGS_PER_PAGE).get_page(request.GET.get("page")),
            "desk_filter": desk_filter,
            "page_query": params.urlencode(),
            "modalities": Modality.choices,
            "periods": [("upcoming", _("未結束")), ("past", _("已結束")), ("all", _("全部"))],
            "pending_external": ExternalActivity.objects.filter(status=ExternalActivity.Status.PENDING).count(),
            "assessments": Assessment.objects.select_related("track"),
        },
    )


@staff_required
def roster(request, code: str):
    offering = get_object_or_404(Offering.objects.select_related("course"), code=code)
    sessions = list(offering.sessions.order_by("date", "start_time"))
    session = next((s for s in sessions if str(s.pk) == request.GET.get("session")), sessions[0] if sessions else None)
    enrollments = list(
        offering.enrollments.exclude(status__in=[Enrollment.Status.CANCELLED, Enrollment.Status.REJECTED])
        .select_related("person__agency")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.filter(is_current=True)))
        .order_by("status", "created_at")
    )
    for enrollment in enrollments:
        current = {a.session_id: a for a in enrollment.attendances.all()}
        enrollment.current = current.get(session.pk) if session else None
    return render(
        request,
        "courses/roster.html",
        {
            "offering": offering,
            "sessions": sessions,
            "session": session,
            "enrollments": enrollments,
            "attending": [e for e in enrollments if e.status in ATTENDING_STATUSES],
            "statuses": AttendanceStatus.choices,
            "leave_kinds": LeaveKind.choices,
            "upload_form": UploadForm(),
            "meeting_form": UploadForm(auto_id="id_meeting_%s"),  # a second file field on the page: its own id
            "reviews": RemoteAttendanceReview.objects.filter(
                session__offering=offering, resolved_enrollment__isnull=True, dismissed=False
            ).select_related("session"),
        },
    )


@staff_required
@require_POST
def mark_attendance(request, code: str, session_id: int):
    session = get_object_or_404(Session.objects.select_related("offering"), pk=session_id, offering__code=code)
    enrollments = session.offering.enrollments.filter(status__in=ATTENDING_STATUSES).select_related("person")
    entries = []
    for enrollment in enrollments:
        status = request.POST.get(f"status_{enrollment.pk}")
        if not status:
            continue
        minutes = request.POST.get(f"minutes_{enrollment.pk}") or None
        entries.append(
            {
                "row": enrollment.person.employee_number,
                "enrollment": enrollment,
                "status": status,
                "minutes": minutes,
                "leave_kind": request.POST.get(f"leave_{enrollment.pk}", ""),
            }
        )
    try:
        record_session_roster(session=session, entries=entries, recorded_by=request.user)
        messages.success(request, _("已儲存 %(n)s 人的出席紀錄。") % {"n": len(entries)})
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect(f"{reverse('learning:roster', args=[code])}?session={session.pk}")


@staff_required
@require_POST
def upload_roster(request, code: str):
    offering = get_object_or_404(Offering, code=code)
    form = UploadForm(request.POST, request.FILES, kind="roster")
    if not form.is_valid():
        for message in form.errors.get("file", []):
            messages.error(request, message, extra_tags=IMPORT_MESSAGE_TAG)
    else:
        try:
            count = imports.import_roster_file(
                offering=offering, uploaded=form.cleaned_data["file"], recorded_by=request.user
            )
            messages.success(request, _("已匯入 %(n)s 筆出席紀錄。") % {"n": count}, extra_tags=IMPORT_MESSAGE_TAG)
        except ValidationError as error:
            _flash_errors(request, error, extra_tags=IMPORT_MESSAGE_TAG)
    return redirect(f"{reverse('learning:roster', args=[code])}#import")


@staff_required
@require_POST
def upload_meeting_report(request, code: str, session_id: int):
    session = get_object_or_404(Session, pk=session_id, offering__code=code)
    form = UploadForm(request.POST, request.FILES, kind="meeting_report")
    if not form.is_valid():
        for message in form.errors.get("file", []):
            messages.error(request, message, extra_tags=IMPORT_MESSAGE_TAG)
    else:
        try:
            result = imports.import_meeting_report(
                session=session, uploaded=form.cleaned_data["file"], recorded_by=request.user
            )
            messages.success(
                request,
                _("已匯入 %(format)s 出席報表：對應 %(matched)s 人，待確認 %(unmatched)s 筆，缺席 %(absent)s 人。")
                % result,
                extra_tags=IMPORT_MESSAGE_TAG,
            )
        except ValidationError as error:
            _flash_errors(request, error, extra_tags=IMPORT_MESSAGE_TAG)
    return redirect(f"{reverse('learning:roster', args=[code])}?session={session.pk}#import")


@staff_required
@require_POST
def resolve_review(request, pk: int):
    review = get_object_or_404(RemoteAttendanceReview.objects.select_related("session__offering"), pk=pk)
    enrollment = None
    if request.POST.get("enrollment"):
        enrollment = get_object_or_404(Enrollment, pk=request.POST["enrollment"])
    try:
        imports.resolve_review(review=review, enrollment=enrollment, recorded_by=request.user)
        messages.success(request, _("已處理。"))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("learning:roster", code=review.session.offering.code)


@staff_required
@require_POST
def decide(request, pk: int):
    enrollment = get_object_or_404(Enrollment.objects.select_related("offering"), pk=pk)
    actions = {"approve": enrollment_services.approve_enrollment, "reject": enrollment_services.reject_enrollment}
    action = actions.get(request.POST.get("decision", ""))
    if action is None:
        return HttpResponseBadRequest()
    try:
        if action is enrollment_services.reject_enrollment:
            action(enrollment=enrollment, by_user=request.user, reason=request.POST.get("reason", "").strip()[:200])
        else:
            action(enrollment=enrollment, by_user=request.user)
        messages.success(request, _("已完成審核。"))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("learning:roster", code=enrollment.offering.code)


@staff_required
@require_POST
def fill_waitlist(request, code: str):
    offering = get_object_or_404(Offering, code=code)
    promoted = enrollment_services.fill_from_waitlist(offering=offering, by_user=request.user)
    messages.success(request, _("已自候補遞補 %(n)s 人。") % {"n": len(promoted)})
    return redirect("learning:roster", code=code)


@staff_required
def external_activities(request):
    activities = list(ExternalActivity.objects.select_related("course"))
    for activity in activities:
        # One form per row, each with its own field ids, so every label names its own field.
        activity.form = ExternalMappingForm(auto_id=f"id_activity{activity.pk}_%s")
    return render(request, "courses/external.html", {"activities": activities})


@staff_required
@require_POST
def map_external(request, pk: int):
    activity = get_object_or_404(ExternalActivity, pk=pk)
    form = ExternalMappingForm(request.POST)
    if form.is_valid():
        try:
            count = map_external_activity(
                activity=activity,
                status=form.cleaned_data["status"],
                course=form.cleaned_data["course"],
                hours=form.cleaned_data["hours"],
                by_user=request.user,
            )
            messages.success(request, _("已更新對應，採計 %(n)s 筆學習紀錄。") % {"n": count})
        except ValidationError as error:
            _flash_errors(request, error)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("learning:external")


@staff_required
def assessment_results(request, pk: int):
    assessment = get_object_or_404(Assessment.objects.select_related("track"), pk=pk)
    form = AssessmentResultForm(request.POST or None)
    if request.method == "POST" and "file" in request.FILES:
        upload = UploadForm(request.POST, request.FILES, kind="assessment_results")
        if upload.is_valid():
            try:
                count = imports.import_assessment_results(
                    assessment=assessment, uploaded=upload.cleaned_data["file"], recorded_by=request.user
                )
                messages.success(request, _("已匯入 %(n)s 筆成績。") % {"n": count}, extra_tags=IMPORT_MESSAGE_TAG)
                return redirect(f"{reverse('learning:assessment', args=[pk])}#import")
            except ValidationError as error:
                _flash_errors(request, error, extra_tags=IMPORT_MESSAGE_TAG)
        else:
            for message in upload.errors.get("file", []):
                messages.error(request, message, extra_tags=IMPORT_MESSAGE_TAG)
        form = AssessmentResultForm()
    elif request.method == "POST" and form.is_valid():
        person = Person.objects.filter(employee_number=form.cleaned_data["employee_number"]).first()
        try:
            if person is None:
                raise ValidationError({"employee_number": _("查無此員工編號。")})
            record_assessment_result(
                person=person,
                assessment=assessment,
                score=form.cleaned_data["score"],
                taken_on=form.cleaned_data["taken_on"],
                subject_scores=imports._subject_scores(form.cleaned_data["subject_scores"]),
                recorded_by=request.user,
                barred_override_reason=form.cleaned_data["barred_override_reason"],
            )
            messages.success(request, _("已登錄成績。"))
            return redirect("learning:assessment", pk=pk)
        except ValidationError as error:
            _flash_errors(request, error)
    results = assessment.results.filter(is_current=True).select_related("person")
    return render(
        request,
        "courses/assessment.html",
        {"assessment": assessment, "form": form, "upload_form": UploadForm(), "results": results},
    )


@staff_required
def person_records(request):
    """Look a learner up by employee number: their credited completions, each with a void (correction) button."""
    number = (request.GET.get("employee_number") or "").strip()
    person = Person.objects.filter(employee_number=number).select_related("agency").first() if number else None
    completions = person.completions.select_related("course", "offering").order_by("-completed_at") if person else []
    if person is not None:
        record_access(request=request, what="learning.person_records", channel=Channel.PAGE, people=[person])
    return render(
        request, "courses/person_records.html", {"number": number, "person": person, "completions": completions}
    )


@staff_required
@require_POST
def void_completion_view(request, pk: int):
    completion = get_object_or_404(Completion.objects.select_related("person"), pk=pk)
    revoke_completion(completion=completion, by_user=request.user)
    messages.success(request, _("已撤銷此完訓紀錄（LRS 已記錄撤銷陳述）。"))
    return redirect(f"{reverse('learning:person_records')}?employee_number={completion.person.employee_number}")


@staff_required
def satisfaction(request):
    return render(request, "courses/satisfaction.html", {"rows": selectors.satisfaction_by_offering()})
