"""Read-only agency API: the report figures as JSON or CSV (?format=csv), scoped like the pages.

An agency officer authenticates with their own token (Authorization: Token …) and sees only
their agency subtree; asking for an agency outside it is a 403 with no data.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.audit.services import Channel, record_access
from lms.people.models import Agency
from reports import builders, exports, scoping
from reports.api.renderers import CSVRenderer
from reports.views import parse_days, parse_year

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


class ReportAPIView(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer]
    table = ""
    names_people = False  # rows that name people are recorded in the access audit (lms.audit)

    def build(self, *, year: int, agency: Agency | None):
        raise NotImplementedError

    def rows(self, report) -> list[dict]:
        return exports.FLATTENERS[self.table](report)

    @extend_schema(parameters=PARAMETERS, responses={200: ROWS, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT})
    def get(self, request):
        try:
            year = parse_year(request.query_params.get("year"))
        except BadRequest as error:
            raise ValidationError({"year": [str(error)]}) from None
        if not scoping.can_see_agency_reports(request.user):
            raise PermissionDenied
        try:
            agency = scoping.resolve_agency(request.user, request.query_params.get("agency") or None)
        except Agency.DoesNotExist:
            raise NotFound from None
        report = self.build(year=year, agency=agency)
        payload = {
            "table": self.table,
            "year": year,
            "roc_year": year - 1911,
            "agency": agency.code if agency else None,
            "rows": self.rows(report),
        }
        if self.names_people:
            scope = f"agency={agency.code if agency else 'city'} year={year}"
            record_access(
                request=request,
                what=f"api.{self.table}",
                channel=Channel.API,
                people=[row["person_id"] for row in payload["rows"]],
                scope=scope,
            )
        return Response(payload, status=status.HTTP_200_OK)


@extend_schema_view(
    get=extend_schema(
        summary=_("各機關學習時數達成率"),
        description=_("各機關（含所屬機關彙總）、各規定的適用人數、達成人數、達成率與涵蓋率目標。"),
    )
)
class ComplianceAPIView(ReportAPIView):
    """Per agency (rolled up the tree) and rule: eligible, compliant, share, coverage target."""

    table = "compliance_agencies"

    def build(self, *, year, agency):
        return builders.build_compliance_report(year=year, agency=agency)


@extend_schema_view(
    get=extend_schema(
        summary=_("未達成人員名單"),
        description=_("尚未達成規定的人員，含員工編號、機關、已完成、應達與尚缺時數。"),
    )
)
class NoncompliantAPIView(ReportAPIView):
    """The people who have not met a rule, with what they still miss."""

    table = "noncompliant"
    names_people = True

    def build(self, *, year, agency):
        return builders.build_compliance_report(year=year, agency=agency)


@extend_schema_view(
    get=extend_schema(
        summary=_("認證與及格率"),
        description=_("各認證、班期與機關的受訓、應考、及格人數、及格率與核發證書數。"),
    )
)
class CertificationAPIView(ReportAPIView):
    """Per track, offering and agency: trained, sat, passed, pass rates, certificates."""

    table = "certification"

    def build(self, *, year, agency):
        return builders.build_certification_report(year=year, agency=agency)


@extend_schema_view(
    get=extend_schema(
        summary=_("訓練統計"),
        description=_("各上課方式、月份與主題的班數、結訓人次、人天次與學習時數。"),
    )
)
class CenterAPIView(ReportAPIView):
    """Classes, completions, person-days and hours by modality, month and topic."""

    table = "center"

    def build(self, *, year, agency):
        return builders.build_center_report(year=year, agency=agency)


class ExpiringCertificatesAPIView(APIView):
    """Certificates expiring in the next N days (?days=, default 90) in the caller's scope."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    table = "expiring_certificates"

    @extend_schema(
        parameters=[
            OpenApiParameter("days", OpenApiTypes.INT, description="未來幾天內到期（1–730，預設 90）"),
            *PARAMETERS[1:],
        ],
        responses={200: ROWS, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            days = parse_days(request.query_params.get("days"))
        except BadRequest as error:
            raise ValidationError({"days": [str(error)]}) from None
        if not scoping.can_see_agency_reports(request.user):
            raise PermissionDenied
        try:
            agency = scoping.resolve_agency(request.user, request.query_params.get("agency") or None)
        except Agency.DoesNotExist:
            raise NotFound from None
        from django.utils import timezone

        rows = builders.build_expiring_certificates(agency=agency, days=days, today=timezone.localdate())
        payload = {
            "table": self.table,
            "days": days,
            "agency": agency.code if agency else None,
            "rows": [{**row, "valid_until": row["valid_until"].isoformat()} for row in rows],
        }
        record_access(
            request=request,
            what=f"api.{self.table}",
            channel=Channel.API,
            people=[row["person_id"] for row in rows],
            scope=f"agency={agency.code if agency else 'city'} days={days}",
        )
        return Response(payload, status=status.HTTP_200_OK)
