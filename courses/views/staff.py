"""Training staff pages: the desk, rosters, attendance, imports, waitlists, outside activities, results, corrections."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import selectors
from courses.forms import AssessmentResultForm, ExternalMappingForm, UploadForm
from courses.models import (
    Assessment,
    AttendanceStatus,
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
from courses.services.certification import record_assessment_result
from courses.services.completion import revoke_completion
from courses.services.external import map_external_activity
from courses.views.common import IMPORT_MESSAGE_TAG, _flash_errors
from lms.audit.services import Channel, record_access
from lms.people.models import Person
from lms.people.roles import training_staff_required

DESK_OFFERINGS_PER_PAGE = 25


@training_staff_required
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


@training_staff_required
def roster(request, code: str):
    offering = get_object_or_404(Offering.objects.select_related("course"), code=code)
    sessions = list(offering.sessions.order_by("date", "start_time"))
    session = next((s for s in sessions if str(s.pk) == request.GET.get("session")), sessions[0] if sessions else None)
    enrollments = selectors.roster_enrollments(offering=offering, session=session)
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


@training_staff_required
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


@training_staff_required
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


@training_staff_required
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


@training_staff_required
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


@training_staff_required
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


@training_staff_required
@require_POST
def fill_waitlist(request, code: str):
    offering = get_object_or_404(Offering, code=code)
    promoted = enrollment_services.fill_from_waitlist(offering=offering, by_user=request.user)
    messages.success(request, _("已自候補遞補 %(n)s 人。") % {"n": len(promoted)})
    return redirect("learning:roster", code=code)


@training_staff_required
def external_activities(request):
    activities = list(ExternalActivity.objects.select_related("course"))
    for activity in activities:
        # One form per row, each with its own field ids, so every label names its own field.
        activity.form = ExternalMappingForm(auto_id=f"id_activity{activity.pk}_%s")
    return render(request, "courses/external.html", {"activities": activities})


@training_staff_required
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


@training_staff_required
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


@training_staff_required
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


@training_staff_required
@require_POST
def void_completion_view(request, pk: int):
    completion = get_object_or_404(Completion.objects.select_related("person"), pk=pk)
    revoke_completion(completion=completion, by_user=request.user)
    messages.success(request, _("已撤銷此完訓紀錄（LRS 已記錄撤銷陳述）。"))
    return redirect(f"{reverse('learning:person_records')}?employee_number={completion.person.employee_number}")


@training_staff_required
def satisfaction(request):
    return render(request, "courses/satisfaction.html", {"rows": selectors.satisfaction_by_offering()})
