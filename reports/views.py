"""Report pages and downloads. Views parse, scope (reports.scoping), call a builder, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import Offering
from lms.audit.services import Channel, record_access
from lms.params import parse_year
from lms.people import roles
from lms.people.models import Agency, Person
from lms.roc import roc_year
from reports import builders, charts, exports, scoping, tasks
from reports.models import NationalIdExport, ReportRun
from reports.params import parse_days, parse_format
from reports.services import data_subject, national_export, runs, tokens

PEOPLE_PER_PAGE = 50


def scope_from(request) -> Agency | None:
    try:
        return scoping.resolve_agency(request.user, request.GET.get("agency") or None)
    except Agency.DoesNotExist:
        raise Http404(_("查無此機關。")) from None


def _scope(agency: Agency | None, year: int) -> str:
    return f"agency={agency.code if agency else 'city'} year={year}"


def download(table: str, rows: list[dict], file_format: str, filename: str) -> HttpResponse:
    content, content_type = exports.render(table, rows, file_format, note=str(runs.PLACEMENT_NOTE))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _downloads(agency: Agency | None, year: int, items: list[tuple[str, str, str, str]]) -> dict:
    """The page's downloads: (run kind, ?table=, format, label) as links, or as buttons that start a
    background run when the scope is too large to build in the request (runs.download_in_background)."""
    in_background = runs.download_in_background(agency=agency)
    downloads = []
    for kind, table, file_format, label in items:
        params = {"year": year, "agency": agency.code if agency else "", **({"table": table} if table else {})}
        downloads.append(
            {"kind": kind, "format": file_format, "label": label, "query": urlencode({**params, "format": file_format})}
        )
    return {"downloads": downloads, "downloads_in_background": in_background}


def _too_large_for_the_request(request, agency: Agency | None) -> HttpResponse | None:
    """For a download over a large scope: back to the page, whose buttons start a background run."""
    if not runs.download_in_background(agency=agency):
        return None
    messages.info(request, _("此範圍的報表較大，改由背景產製：請按下方按鈕，完成後即可下載。"))
    params = request.GET.copy()
    for name in ("format", "table"):
        params.pop(name, None)
    return redirect(f"{request.path}?{params.urlencode()}")


def _agency_report_request(request) -> tuple[int, str | None, Agency | None]:
    """Year, download format and agency of a report over agencies; PermissionDenied for learners."""
    if not roles.can_see_agency_reports(request.user):
        raise PermissionDenied
    return parse_year(request.GET.get("year")), parse_format(request.GET.get("format")), scope_from(request)


def _agency_choices(request) -> list[tuple[str, str]]:
    """(code, indented name) of the agencies the user may pick, in tree order (reports.scoping).

    Staff get the whole city first (no code); an officer's list starts with their own agency.
    """
    agencies = scoping.agencies_in_scope(request.user).only("code", "name", "depth")
    top = min((a.depth for a in agencies), default=1)
    choices = [(a.code, "\u3000" * (a.depth - top) + a.name) for a in agencies]
    return [("", _("全市")), *choices] if roles.is_training_staff(request.user) else choices


def _query_without_page(request) -> str:
    """The current query string minus ?page=, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _year_context(year: int) -> dict:
    this_year = timezone.localdate().year
    return {
        "year": year,
        "roc_year": roc_year(year),
        "years": [(y, roc_year(y)) for y in range(this_year, this_year - 6, -1)],
    }


@login_required
def index(request):
    return render(
        request,
        "reports/index.html",
        {
            "has_person": Person.objects.filter(user=request.user).exists(),
            **_year_context(parse_year(request.GET.get("year"))),
        },
    )


@login_required
def compliance(request):
    year, file_format, agency = _agency_report_request(request)
    if file_format:
        table = request.GET.get("table", "agencies")
        if table not in ("agencies", "noncompliant"):
            raise BadRequest(_("table 必須是 agencies 或 noncompliant。"))
        if background := _too_large_for_the_request(request, agency):
            return background
    report = builders.build_compliance_report(year=year, agency=agency)
    if file_format:
        key = "compliance_agencies" if table == "agencies" else "noncompliant"
        name = f"{key}-{year}-{agency.code if agency else 'city'}"
        if key == "noncompliant":
            record_access(
                request=request,
                what=f"reports.noncompliant.{file_format}",
                channel=Channel.DOWNLOAD,
                people=[p["person_id"] for p in report.people],
                scope=_scope(agency, year),
            )
        return download(key, exports.FLATTENERS[key](report), file_format, name)
    totals = report.rule_totals()
    chart = charts.hbar_chart(
        [(t["rule"].name, t["share"], f"{t['share']:.1%}") for t in totals], title=_("各規定達成率")
    )
    rows = [{**row, "cells": list(zip(report.rules, row["rules"], strict=True))} for row in report.agencies]
    rule_code = request.GET.get("rule", "")
    query = request.GET.get("q", "")
    people = report.people_matching(rule_code=rule_code, query=query)
    people_page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    record_access(
        request=request,
        what="reports.noncompliant.page",
        channel=Channel.PAGE,
        people=[p["person_id"] for p in people_page.object_list],
        scope=_scope(agency, year),
    )
    return render(
        request,
        "reports/compliance.html",
        {
            "report": report,
            "agency": agency,
            "agency_choices": _agency_choices(request),
            "totals": totals,
            "chart": chart,
            "agency_rows": rows,
            "people_page": people_page,
            "people_filter": {"rule": rule_code, "q": query},
            "people_count": len({p["person_id"] for p in people}),
            "page_query": _query_without_page(request),
            "placement_note": runs.PLACEMENT_NOTE,
            "run_kinds": [(ReportRun.Kind.COMPLIANCE, _("機關達成率")), (ReportRun.Kind.NONCOMPLIANT, _("未達成名單"))],
            **_downloads(
                agency,
                year,
                [
                    (ReportRun.Kind.COMPLIANCE, "agencies", "xlsx", _("下載機關達成率（XLSX）")),
                    (ReportRun.Kind.COMPLIANCE, "agencies", "csv", _("下載機關達成率（CSV）")),
                    (ReportRun.Kind.NONCOMPLIANT, "noncompliant", "xlsx", _("下載未達成名單（XLSX）")),
                    (ReportRun.Kind.NONCOMPLIANT, "noncompliant", "csv", _("下載未達成名單（CSV）")),
                ],
            ),
            **_year_context(year),
        },
    )


@login_required
def learner(request):
    year = parse_year(request.GET.get("year"))
    file_format = parse_format(request.GET.get("format"))
    person = scoping.resolve_learner(request.user, request.GET.get("person") or None)
    report = builders.build_learner_report(person=person, year=year)
    record_access(
        request=request,
        what=f"reports.learner.{file_format or 'page'}",
        channel=Channel.DOWNLOAD if file_format else Channel.PAGE,
        people=[person],
        scope=f"year={year}",
    )
    if file_format:
        return download(
            "learner", exports.person_rows(year, report.rules), file_format, f"learner-{year}-{person.employee_number}"
        )
    chart = charts.hbar_chart(
        [
            (r["rule_name"], min(r["value"] / r["target"], 1.0) if r["target"] else 1.0, f"{r['value']}／{r['target']}")
            for r in report.rules
        ],
        title=_("各規定完成度"),
    )
    return render(request, "reports/learner.html", {"report": report, "chart": chart, **_year_context(year)})


@login_required
def certification(request):
    year, file_format, agency = _agency_report_request(request)
    if file_format and (background := _too_large_for_the_request(request, agency)):
        return background
    report = builders.build_certification_report(year=year, agency=agency)
    if file_format:
        return download("certification", exports.certification_rows(report), file_format, f"certification-{year}")
    chart = charts.hbar_chart(
        [(r["track_name"], r["pass_rate_sat"] or 0, f"{(r['pass_rate_sat'] or 0):.1%}") for r in report.by_track],
        title=_("各認證及格率（及格÷應考）"),
    )
    return render(
        request,
        "reports/certification.html",
        {
            "report": report,
            "agency": agency,
            "agency_choices": _agency_choices(request),
            "chart": chart,
            **_downloads(
                agency,
                year,
                [
                    (ReportRun.Kind.CERTIFICATION, "", "xlsx", _("下載（XLSX）")),
                    (ReportRun.Kind.CERTIFICATION, "", "csv", _("下載（CSV）")),
                ],
            ),
            **_year_context(year),
        },
    )


@login_required
def center(request):
    year, file_format, agency = _agency_report_request(request)
    if file_format and (background := _too_large_for_the_request(request, agency)):
        return background
    report = builders.build_center_report(year=year, agency=agency)
    if file_format:
        return download("center", exports.center_rows(report), file_format, f"center-{year}")
    month_chart = charts.column_chart(
        [(f"{r['month']}", r["completions"]) for r in report.by_month], title=_("各月結訓人次")
    )
    top = max([r["hours"] for r in report.by_modality] + [1])
    modality_chart = charts.hbar_chart(
        [(r["modality_name"], r["hours"], f"{r['hours']:g}") for r in report.by_modality],
        maximum=top,
        title=_("各上課方式學習時數"),
    )
    return render(
        request,
        "reports/center.html",
        {
            "report": report,
            "agency": agency,
            "agency_choices": _agency_choices(request),
            "month_chart": month_chart,
            "modality_chart": modality_chart,
            **_downloads(
                agency,
                year,
                [
                    (ReportRun.Kind.CENTER, "", "xlsx", _("下載（XLSX）")),
                    (ReportRun.Kind.CENTER, "", "csv", _("下載（CSV）")),
                ],
            ),
            **_year_context(year),
        },
    )


@login_required
@require_POST
def request_run(request):
    if not roles.can_see_agency_reports(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind")
    if kind not in ReportRun.Kind.values:
        raise BadRequest(_("未知的報表種類。"))
    year = parse_year(request.POST.get("year"))
    file_format = parse_format(request.POST.get("format")) or "xlsx"
    try:
        agency = scoping.resolve_agency(request.user, request.POST.get("agency") or None)
    except Agency.DoesNotExist:
        raise Http404(_("查無此機關。")) from None
    run = runs.request_report_run(
        user=request.user,
        kind=kind,
        year=year,
        agency=agency,
        file_format=file_format,
        enqueue=tasks.build_report_run_task.delay,
    )
    return redirect("reports:run", pk=run.pk)


def _own_run(request, pk: int) -> ReportRun:
    run = get_object_or_404(ReportRun.objects.select_related("agency"), pk=pk)
    if not scoping.may_see_run(request.user, run):
        raise Http404
    return run


def _current_run(request, pk: int) -> ReportRun:
    runs.fail_stale_runs(pk=pk)  # the page learns of a lost worker even without celery beat
    return _own_run(request, pk)


@login_required
def run_detail(request, pk: int):
    return render(request, "reports/run.html", {"run": _current_run(request, pk)})


@login_required
def run_status(request, pk: int):
    run = _current_run(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "progress": run.progress,
            "done": run.status == ReportRun.Status.DONE,
            "error": run.error,
        }
    )


@login_required
@require_POST
def retry_run(request, pk: int):
    run = _current_run(request, pk)
    if run.status != ReportRun.Status.FAILED:
        raise BadRequest(_("只有失敗的報表可以重新產製。"))
    retried = runs.retry_report_run(run=run, user=request.user, enqueue=tasks.build_report_run_task.delay)
    return redirect("reports:run", pk=retried.pk)


@login_required
def run_download(request, pk: int):
    run = _own_run(request, pk)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404
    if run.kind == ReportRun.Kind.NONCOMPLIANT:  # the only run whose file names people
        record_access(
            request=request,
            what=f"reports.run.{run.kind}",
            channel=Channel.DOWNLOAD,
            scope=f"run={run.pk} {_scope(run.agency, run.year)}",
            person_count=0,
        )
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.file.name.rsplit("/", 1)[-1])


def _national_scope(params) -> tuple[dict, list[str]]:
    """Offering code or start/end dates, upload kind and encoding from a GET or POST; errors name the field."""
    errors: list[str] = []
    scope = {
        "kind": params.get("kind") or NationalIdExport.Kind.LIFELONG,
        "encoding": params.get("encoding") or national_export.DEFAULT_ENCODING,
        "offering": None,
        "start": None,
        "end": None,
    }
    if scope["kind"] not in NationalIdExport.Kind.values:
        errors.append(_("上傳檔種類須為終身學習或環境教育。"))
    if scope["encoding"] not in national_export.ENCODINGS:
        errors.append(_("編碼須為 Big5 (cp950) 或 UTF-8。"))
    code = (params.get("offering") or "").strip()
    if code:
        scope["offering"] = Offering.objects.select_related("course").filter(code=code).first()
        if scope["offering"] is None:
            errors.append(_("查無此班期代碼：%(code)s") % {"code": code})
    for name, label in (("start", _("起日")), ("end", _("迄日"))):
        if params.get(name):
            try:
                scope[name] = dt.date.fromisoformat(params[name])
            except ValueError:
                errors.append(_("%(field)s格式應為 YYYY-MM-DD。") % {"field": label})
    return scope, errors


@login_required
@require_http_methods(["GET", "POST"])
def national_export_view(request):
    """Readiness (GET) and export (POST) of the national portal uploads; training staff only.

    The files decrypt national IDs, so agency officers never get them. The page shows what the
    file will hold and who is left out before anything is decrypted (docs/national-upload.md).
    """
    if not roles.is_training_staff(request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    asked = any(params.get(k) for k in ("offering", "start", "end"))
    scope, errors = _national_scope(params)
    key_problem = national_export.national_id_key_problem()
    plan = None
    if asked and not errors:
        try:
            plan = national_export.plan_national_upload(**scope)
        except ValidationError as error:
            errors.extend(m for messages in error.message_dict.values() for m in messages)
    if plan is not None and request.method == "GET" and params.get("format") == "csv":
        response = HttpResponse(national_export.left_out_csv(plan), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{plan.file_stem}_readiness.csv"'
        return response
    if request.method == "POST" and plan is not None:
        if key_problem:
            errors.append(key_problem)
        else:
            try:
                upload = national_export.build_national_export(
                    user=request.user, client_ip=request.META.get("REMOTE_ADDR"), **scope
                )
            except national_export.NationalIdKeyError as error:
                errors.append(str(error))
            except ValidationError as error:
                errors.extend(m for messages in error.message_dict.values() for m in messages)
            else:
                audit = upload.audit
                period = (
                    f"offering={audit.offering.code}"
                    if audit.offering
                    else f"period={audit.period_start}..{audit.period_end}"
                )
                record_access(
                    request=request,
                    what="reports.national_export",
                    channel=Channel.DOWNLOAD,
                    people=sorted({row.person.pk for row in plan.rows}),
                    scope=f"export={audit.pk} {audit.kind} {period}",
                    person_count=audit.person_count,
                )
                response = HttpResponse(upload.content, content_type=upload.content_type)
                response["Content-Disposition"] = f'attachment; filename="{upload.filename}"'
                return response
    elif request.method == "POST" and not errors:
        errors.append(_("請指定班期，或起訖日期。"))
    context = {
        "errors": errors,
        "key_problem": key_problem,
        "plan": plan,
        "scope": scope,
        "params": params,
        "kinds": NationalIdExport.Kind.choices,
        "encodings": list(national_export.ENCODINGS.items()),
        "max_rows": national_export.MAX_ROWS_PER_FILE,
        "recent_exports": NationalIdExport.objects.select_related("exported_by", "offering")[:10],
    }
    return render(request, "reports/national_export.html", context, status=400 if errors else 200)


def api_docs(request):
    """The agency API's documentation: how to call it, and Swagger UI over its OpenAPI description."""
    return render(request, "reports/api_docs.html", _year_context(timezone.localdate().year))


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """The officer's own agency API token: issue (shown once), see its expiry, revoke."""
    if not roles.can_see_agency_reports(request.user):
        raise PermissionDenied
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            new_key = tokens.issue_api_token(user=request.user).key
        elif action == "revoke":
            tokens.revoke_api_tokens(user=request.user)
            messages.success(request, _("已撤銷您的 API 金鑰。"))
            return redirect("reports:api_token")
        else:
            raise BadRequest(_("action：必須是 issue 或 revoke。"))
    return render(
        request,
        "reports/api_token.html",
        {"tokens": tokens.live_api_tokens(user=request.user), "new_key": new_key},
    )


@login_required
def expiring_certificates(request):
    if not roles.can_see_agency_reports(request.user):
        raise PermissionDenied
    days, file_format = parse_days(request.GET.get("days")), parse_format(request.GET.get("format"))
    agency = scope_from(request)
    rows = builders.build_expiring_certificates(agency=agency, days=days, today=timezone.localdate())
    record_access(
        request=request,
        what=f"reports.expiring_certificates.{file_format or 'page'}",
        channel=Channel.DOWNLOAD if file_format else Channel.PAGE,
        people=[row["person_id"] for row in rows],
        scope=f"agency={agency.code if agency else 'city'} days={days}",
    )
    if file_format:
        return download("expiring_certificates", rows, file_format, f"expiring-certificates-{days}d")
    return render(
        request,
        "reports/expiring_certificates.html",
        {"rows": rows, "by_agency": builders.expiring_by_agency(rows), "days": days, "agency": agency},
    )


@login_required
def data_subject_export(request, employee_number: str):
    """Training staff and administrators: everything held about one person, as one JSON file."""
    if not roles.is_training_staff(request.user):
        raise PermissionDenied
    person = get_object_or_404(Person, employee_number=employee_number)
    payload = data_subject.build_data_subject_export(person=person)
    record_access(request=request, what="reports.data_subject_export", channel=Channel.DOWNLOAD, people=[person])
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="data-subject-{person.pk}.json"'
    return response
