"""The learning pages, mounted at /learning/ (lms/urls.py)."""

from django.urls import path

from courses import views

app_name = "learning"

urlpatterns = [
    path("", views.my_learning, name="my"),
    path("record.<str:fmt>", views.learning_record, name="record"),
    path("offerings/<str:code>/enroll/", views.enroll, name="enroll"),
    path("offerings/<str:code>/nominate/", views.nominate, name="nominate"),
    path("enrollments/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("enrollments/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verify/<uuid:code>/", views.verify, name="verify"),
    path("staff/", views.staff_home, name="staff"),
    path("staff/offerings/<str:code>/", views.roster, name="roster"),
    path("staff/offerings/<str:code>/sessions/<int:session_id>/attendance/", views.mark_attendance, name="attendance"),
    path("staff/offerings/<str:code>/roster-file/", views.upload_roster, name="roster_file"),
    path("staff/offerings/<str:code>/fill-waitlist/", views.fill_waitlist, name="fill_waitlist"),
    path(
        "staff/offerings/<str:code>/sessions/<int:session_id>/meeting-report/",
        views.upload_meeting_report,
        name="meeting_report",
    ),
    path("staff/reviews/<int:pk>/", views.resolve_review, name="resolve_review"),
    path("staff/enrollments/<int:pk>/decide/", views.decide, name="decide"),
    path("staff/external/", views.external_activities, name="external"),
    path("staff/external/<int:pk>/", views.map_external, name="map_external"),
    path("staff/assessments/<int:pk>/", views.assessment_results, name="assessment"),
    path("staff/satisfaction/", views.satisfaction, name="satisfaction"),
    path("staff/people/", views.person_records, name="person_records"),
    path("staff/completions/<int:pk>/void/", views.void_completion_view, name="void_completion"),
]
