"""Read-only agency API: the report figures as JSON or CSV (?format=csv), scoped like the pages.

An agency officer authenticates with their own token (Authorization: Token …) and sees only
their agency subtree; asking for an agency outside it is a 403 with no data.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.audit.services import Channel, record_access
from lms.params import parse_year
from lms.people import roles
from lms.people.models import Agency
from lms.roc import roc_year
from reports import builders, exports, scoping
from reports.api.renderers import CSVRenderer
from reports.params import parse_days

PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="西元年（或民國年）；預設本年度"),
    OpenApiParameter(
        "agency", OpenApiTypes.STR, description="機關代碼；預設為您所屬機關（人事人員）或全市（訓練承辦人）"
    ),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="json（預設）或 csv"),
]

ROWS = {
    "type": "object",
    "properties": {
        "table": {"type": "string"},
        "year": {"type": "integer"},
        "roc_year": {"type": "integer"},
        "agency": {"type": "string", "nullable": True},
        "rows": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
}


def report_schema(summary, description, parameters=PARAMETERS):
    """The OpenAPI description of one report's GET: its query parameters and answers."""
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=description,
            parameters=parameters,
            responses={200: ROWS, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        )
    )


def _parameter(request, name: str, parse):
    """One query parameter parsed as the pages parse it; a bad value is a 400 keyed by its name."""
    try:
        return parse(request.query_params.get(name))
    except BadRequest as error:
        raise ValidationError({name: [str(error)]}) from None


class ReportAPIView(APIView):
    """One report over the caller's agency scope (reports.scoping), as JSON or CSV.

    A report reads its own parameters (`parameters`, by default ?year=), says them in the answer
    (`describe`) and builds its rows (`build`, `rows`); checking the role, resolving the agency
    and recording who was shown (`names_people`) are the same for every report.
    """

    renderer_classes = [JSONRenderer, CSVRenderer]
    table = ""
    names_people = False  # rows that name people are recorded in the access audit (lms.audit)

    def parameters(self, request) -> dict:
        return {"year": _parameter(request, "year", parse_year)}

    def describe(self, parameters: dict) -> dict:
        return {"year": parameters["year"], "roc_year": roc_year(parameters["year"])}

    def build(self, *, agency: Agency | None, **parameters):
        raise NotImplementedError

    def rows(self, report) -> list[dict]:
        return exports.FLATTENERS[self.table](report)

    def get(self, request):
        parameters = self.parameters(request)
        if not roles.can_see_agency_reports(request.user):
            raise PermissionDenied
        try:
            agency = scoping.resolve_agency(request.user, request.query_params.get("agency") or None)
        except Agency.DoesNotExist:
            raise NotFound from None
        rows = self.rows(self.build(agency=agency, **parameters))
        payload = {
            "table": self.table,
            **self.describe(parameters),
            "agency": agency.code if agency else None,
            "rows": rows,
        }
        if self.names_people:
            scope = " ".join(
                [f"agency={agency.code if agency else 'city'}", *(f"{k}={v}" for k, v in parameters.items())]
            )
            record_access(
                request=request,
                what=f"api.{self.table}",
                channel=Channel.API,
                people=[row["person_id"] for row in rows],
                scope=scope,
            )
        return Response(payload, status=status.HTTP_200_OK)


@report_schema(
    summary=_("各機關學習時數達成率"),
    description=_("各機關（含所屬機關彙總）、各規定的適用人數、達成人數、達成率與涵蓋率目標。"),
)
class ComplianceAPIView(ReportAPIView):
    """Per agency (rolled up the tree) and rule: eligible, compliant, share, coverage target."""

    table = "compliance_agencies"

    def build(self, *, agency, year):
        return builders.build_compliance_report(year=year, agency=agency)


@report_schema(
    summary=_("未達成人員名單"),
    description=_("尚未達成規定的人員，含員工編號、機關、已完成、應達與尚缺時數。"),
)
class NoncompliantAPIView(ReportAPIView):
    """The people who have not met a rule, with what they still miss."""

    table = "noncompliant"
    names_people = True

    def build(self, *, agency, year):
        return builders.build_compliance_report(year=year, agency=agency)


@report_schema(
    summary=_("認證與及格率"),
    description=_("各認證、班期與機關的受訓、應考、及格人數、及格率與核發證書數。"),
)
class CertificationAPIView(ReportAPIView):
    """Per track, offering and agency: trained, sat, passed, pass rates, certificates."""

    table = "certification"

    def build(self, *, agency, year):
        return builders.build_certification_report(year=year, agency=agency)


@report_schema(
    summary=_("訓練統計"),
    description=_("各上課方式、月份與主題的班數、結訓人次、人天次與學習時數。"),
)
class CenterAPIView(ReportAPIView):
    """Classes, completions, person-days and hours by modality, month and topic."""

    table = "center"

    def build(self, *, agency, year):
        return builders.build_center_report(year=year, agency=agency)


@report_schema(
    summary=None,
    description=None,
    parameters=[
        OpenApiParameter("days", OpenApiTypes.INT, description="未來幾天內到期（1–730，預設 90）"),
        *PARAMETERS[1:],
    ],
)
class ExpiringCertificatesAPIView(ReportAPIView):
    """Certificates expiring in the next N days (?days=, default 90) in the caller's scope."""

    table = "expiring_certificates"
    names_people = True

    def parameters(self, request) -> dict:
        return {"days": _parameter(request, "days", parse_days)}

    def describe(self, parameters: dict) -> dict:
        return {"days": parameters["days"]}

    def build(self, *, agency, days):
        return builders.build_expiring_certificates(agency=agency, days=days, today=timezone.localdate())

    def rows(self, report) -> list[dict]:
        return [{**row, "valid_until": row["valid_until"].isoformat()} for row in report]
