from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("compliance/", views.compliance, name="compliance"),
    path("learner/", views.learner, name="learner"),
    path("certification/", views.certification, name="certification"),
    path("center/", views.center, name="center"),
    path("certificates/expiring/", views.expiring_certificates, name="expiring_certificates"),
    path("runs/", views.request_run, name="request_run"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/download/", views.run_download, name="run_download"),
    path("runs/<int:pk>/retry/", views.retry_run, name="run_retry"),
    path("national-export/", views.national_export_view, name="national_export"),
    path("api-token/", views.api_token, name="api_token"),
    path("people/<str:employee_number>/data-export/", views.data_subject_export, name="data_subject_export"),
]
