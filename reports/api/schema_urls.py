"""The URL tree the OpenAPI description covers: the agency API under its public prefix only."""

from django.urls import include, path

urlpatterns = [path("api/agency/", include("reports.api.urls"))]
