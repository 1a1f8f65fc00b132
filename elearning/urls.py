from django.urls import path

from elearning import views

app_name = "elearning"

urlpatterns = [
    path("courses/<str:code>/launch/", views.launch, name="launch"),
    path("attempts/<uuid:attempt_id>/commit/", views.commit, name="commit"),
]
