"""我的通知, notice settings, the personal calendar feed and the staff log, mounted at /notices/ (lms/urls.py)."""

from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.my_notices, name="list"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/invite.ics", views.notice_ics, name="ics"),
    path("settings/", views.preferences, name="preferences"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("staff/", views.staff_log, name="staff_log"),
    path("staff/<int:pk>/resend/", views.resend, name="resend"),
]
