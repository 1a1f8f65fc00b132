from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from reports import views as pages
from reports.api import views

app_name = "agency_api"

urlpatterns = [
    path("", pages.api_docs, name="docs"),
    path("compliance/", views.ComplianceAPIView.as_view(), name="compliance"),
    path("noncompliant/", views.NoncompliantAPIView.as_view(), name="noncompliant"),
    path("certification/", views.CertificationAPIView.as_view(), name="certification"),
    path("center/", views.CenterAPIView.as_view(), name="center"),
    path("certificates/expiring/", views.ExpiringCertificatesAPIView.as_view(), name="expiring_certificates"),
    path("schema/", SpectacularAPIView.as_view(urlconf="reports.api.schema_urls"), name="schema"),
]
