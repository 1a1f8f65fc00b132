"""xAPI resources, without trailing slashes, as the specification names them (xAPI 1.0.3 §7)."""

from django.urls import path, re_path

from xapi import http, views

app_name = "xapi"

urlpatterns = [
    path("statements", views.statements, name="statements"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("activities", views.activities, name="activities"),
    path("agents", views.agents, name="agents"),
    path("about", views.about, name="about"),
    # Last: every other path answers a JSON 404 with the CORS headers, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", http.not_found),
]
