"""xAPI resources, without trailing slashes, as the specification names them (xAPI 1.0.3 §7)."""

from django.urls import path

from xapi import views

app_name = "xapi"

urlpatterns = [
    path("statements", views.statements, name="statements"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("activities", views.activities, name="activities"),
    path("agents", views.agents, name="agents"),
    path("about", views.about, name="about"),
]
