from django.conf import settings
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.people import views as people_views

handler400 = "lms.views.bad_request"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; without this it reached Wagtail as a 404.
    path("favicon.ico", RedirectView.as_view(url=static("lms/favicon.ico"), permanent=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", people_views.SiteLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sso/refused/", people_views.sso_refused, name="sso_refused"),
    path("accounts/", include("django.contrib.auth.urls")),  # password change and reset by e-mail
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("xapi/", include("xapi.urls")),
    path("learning/staff/hr-sync/", include("lms.people.urls")),
    path("learning/", include("courses.urls")),
    path("notices/", include("notices.urls")),
    path("elearning/", include("elearning.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("reports/", include("reports.urls")),
    path("api/agency/", include("reports.api.urls")),
]

# Wagtail's page serving is last: it catches every other path.
urlpatterns += [path("", include(wagtail_urls))]
