"""HR sync pages, mounted under the training desk at /learning/staff/hr-sync/ (lms/urls.py)."""

from django.urls import path

from lms.people import views

app_name = "people"

urlpatterns = [
    path("", views.hr_sync_home, name="hr_sync"),
    path("<int:pk>/", views.hr_sync_detail, name="hr_sync_detail"),
    path("<int:pk>/apply/", views.hr_sync_apply, name="hr_sync_apply"),
    path("samples/<str:name>", views.hr_sync_sample, name="hr_sync_sample"),
]
