"""URLs of the content origin only (elearning.middleware.ContentOriginMiddleware); never in lms.urls."""

from django.urls import path

from elearning import content_views

urlpatterns = [
    path("runtime/<str:name>", content_views.runtime_script, name="content-runtime"),
    path("launch/<uuid:storage_key>/", content_views.launch_frame, name="content-launch"),
    path("packages/<uuid:storage_key>/<path:path>", content_views.package_file, name="content-file"),
]
