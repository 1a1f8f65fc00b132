"""Settings for every environment.

Embedded default: a SQLite file under var/ and Celery tasks run in-process. Setting
DATABASE_URL and REDIS_URL switches the same code to PostgreSQL, Redis and a real
Celery worker; there is no separate production settings module. lms.checks refuses
the embedded SECRET_KEY once DATABASE_URL is set.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

env = environ.Env()
BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env("LMS_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

EMBEDDED_ONLY_SECRET_KEY = "embedded-only-insecure-key-do-not-use-with-a-real-database"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=EMBEDDED_ONLY_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Transport security, all from the environment (table in lms/README.md, docs/data-protection.md).
# The defaults suit the embedded site on http://127.0.0.1; production behind the TLS-terminating
# proxy sets them all, and CI runs `check --deploy --fail-level WARNING` with such values.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
# e.g. HTTP_X_FORWARDED_PROTO,https when the proxy sets that header (and strips it from clients).
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
# Content-Security-Policy (django-csp): our pages load scripts and styles from our own static
# files only (no inline script or style of ours, no CDN). Wagtail's admin sets style attributes
# from its own scripts, so style-src allows 'unsafe-inline'; under /admin/ only, script-src also
# allows Wagtail's own inline scripts (lms.middleware.WagtailAdminCSPMiddleware). Checked in a
# browser on the site and the admin: tests/browser/test_csp_browser.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

INSTALLED_APPS = [
    "lms",
    "lms.people",
    "lms.deliveries",
    "lms.audit",
    "courses",
    "xapi",
    "cms",
    "reports",
    "notices",
    "elearning",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "axes",
    "mozilla_django_oidc",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "elearning.middleware.ContentOriginMiddleware",  # the content origin bypasses everything below
    "lms.middleware.PersonalDataNoStoreMiddleware",
    "lms.middleware.ApiLaneMiddleware",
    "csp.middleware.CSPMiddleware",
    "lms.middleware.WagtailAdminCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.middleware.RejectControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the locked-out page
]

# Served by ApiLaneMiddleware without the page middleware below it (machine clients only).
API_LANE_PREFIXES = ("/xapi/",)

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.people.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lms.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server, the in-process tasks and a browser test
    # share the embedded database without "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Errors are logged and answered as misses: pages render with Redis down (lms/cache.py).
    # Short timeouts so an unreachable Redis costs a page milliseconds, not the OS's TCP timeout.
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker and worker with REDIS_URL, tasks run in-process without it.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True  # a failing eager task fails the request or test; it must not vanish
CELERY_TASK_ACKS_LATE = True
# With acks_late, a task whose worker process dies is given back to the broker and run again.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Taipei"
CELERY_BEAT_SCHEDULE: dict = {
    # Every 15 minutes: start what is due by the times staff set in the admin (通知排程, notices):
    # the daily session reminders, certificate expiry notices and renewals, and on the monthly
    # run's day the reports' compliance snapshot and e-mails (reports.tasks.monthly_compliance_task).
    "notices-due-schedules": {
        "task": "notices.tasks.run_due_schedules_task",
        "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(minute="*/15"),
    },
    # Every minute: deliver LRS changes whose retry is due or that the broker never received
    # (lms.deliveries, docs/deliveries.md).
    "deliveries-retry-due": {"task": "lms.deliveries.tasks.retry_due_deliveries_task", "schedule": 60.0},
    # Every five minutes: fail report runs whose worker was lost, so their page offers a retry.
    "reports-fail-stale-runs": {"task": "reports.tasks.fail_stale_runs_task", "schedule": 300.0},
    # Daily at 02:30 (Taipei): de-identify leavers past LMS_LEAVER_RETENTION_DAYS (lms.people.retention,
    # docs/data-protection.md "Retention"); a run that finds nobody is recorded too.
    "people-deidentify-leavers": {
        "task": "lms.people.tasks.deidentify_leavers_task",
        "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(hour=2, minute=30),
    },
}
# Days a leaver's personal data is kept after Person.left_on before it is de-identified (records
# stay for statistics). Default five years (1826 days); docs/data-protection.md, "Retention".
LMS_LEAVER_RETENTION_DAYS = env.int("LMS_LEAVER_RETENTION_DAYS", default=1826)
# With the broker down, sending a task fails within about a second instead of retrying for long:
# the page says so at once (reports.services.runs) and deliveries wait for the sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

# Wagtail's own background work (search index, references) stays on django-tasks'
# immediate backend; our work goes to Celery.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Sign-in (docs/accounts.md): throttling first, then the city's OpenID Connect provider when
# configured, then local passwords (demo, and accounts outside the provider).
AUTHENTICATION_BACKENDS = [
    "lms.people.throttling.LoginThrottleBackend",
    "lms.people.sso.EmployeeNumberOIDCBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: after 5 failures for one username from one address, that pair waits 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lms.people.views.locked_out"
AXES_VERBOSE = False
# OpenID Connect single sign-on (mozilla-django-oidc), on when OIDC_ISSUER and OIDC_CLIENT_ID are set.
# Endpoints come from the issuer's discovery document unless given (lms.people.sso).
OIDC_OP_ISSUER = env("OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_EMPLOYEE_NUMBER_CLAIM = env("OIDC_EMPLOYEE_NUMBER_CLAIM", default="employee_number")
OIDC_RP_SCOPES = env("OIDC_SCOPES", default="openid profile email")
OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGO", default="RS256")
OIDC_USE_PKCE = True
OIDC_AUTHENTICATE_CLASS = "lms.people.sso.SsoAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "mozilla_django_oidc.views.OIDCAuthenticationCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sso/refused/"
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")

# Users read Traditional Chinese (Taiwan); English stays available.
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on a missing root before the first collectstatic
# Front-end packages from npm (package.json, installed by scripts/lib.sh ensure_node_modules) are
# served from our own static files under static/vendor/<name>/: the LMS runs on an intranet, no CDN.
# One entry per package: (static prefix, folder inside node_modules).
NODE_MODULES = BASE_DIR / "node_modules"
NODE_STATIC: list[tuple[str, str]] = [("swagger-ui", "swagger-ui-dist"), ("scorm-again", "scorm-again/dist")]
STATICFILES_DIRS = [
    (f"vendor/{prefix}", NODE_MODULES / folder) for prefix, folder in NODE_STATIC if (NODE_MODULES / folder).is_dir()
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve static files without collectstatic in the embedded setup
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="lms@example.kcg.gov.tw")

# The Traditional Chinese face embedded in PDFs (certificates, learning records), found through
# fontconfig: Debian's fonts-arphic-uming holds CN, HK, TW and TW MBE faces; Taiwan's is "AR PL UMing TW".
LMS_PDF_FONT_FAMILY = env("LMS_PDF_FONT_FAMILY", default="AR PL UMing TW")
# 我的學習 shows a remote class's meeting link from this many minutes before each session (docs/trainee-home.md).
LMS_JOIN_LINK_LEAD_MINUTES = env.int("LMS_JOIN_LINK_LEAD_MINUTES", default=30)

WAGTAIL_SITE_NAME = _("高雄市政府公務人力發展中心 學習平臺")
# The admin runs on an intranet: no avatar lookups at gravatar.com, no call home for new releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")

# E-learning packages (docs/elearning.md): served from their own origin so that a package's
# scripts can never act as the signed-in user; the demo serves it on a second port.
ELEARNING_SITE_ORIGIN = env("ELEARNING_SITE_ORIGIN", default=WAGTAILADMIN_BASE_URL)
ELEARNING_CONTENT_ORIGIN = env("ELEARNING_CONTENT_ORIGIN", default="http://127.0.0.1:8001")
ELEARNING_PACKAGE_ROOT = env("ELEARNING_PACKAGE_ROOT", default=str(VAR_DIR / "elearning"))
ELEARNING_UPLOAD_MAX_BYTES = env.int("ELEARNING_UPLOAD_MAX_BYTES", default=300 * 1024 * 1024)
ELEARNING_PACKAGE_MAX_BYTES = env.int("ELEARNING_PACKAGE_MAX_BYTES", default=1024 * 1024 * 1024)
ELEARNING_PACKAGE_MAX_FILES = env.int("ELEARNING_PACKAGE_MAX_FILES", default=10_000)
ELEARNING_PACKAGE_MAX_RATIO = env.int("ELEARNING_PACKAGE_MAX_RATIO", default=200)
ELEARNING_COMMIT_MAX_BYTES = env.int("ELEARNING_COMMIT_MAX_BYTES", default=512 * 1024)

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("高雄市政府公務人力發展中心 學習平臺 機關報表 API"),
    "DESCRIPTION": _(
        "機關人事人員以個人權杖（Authorization: Token …）讀取所屬機關及下屬機關的報表數字；說明頁在 /api/agency/。"
    ),
    "VERSION": "1.0.0",
    # Its deploy check builds a schema of the whole URL tree, Wagtail's own admin API included,
    # and warns about views that are not ours; our schema (reports.api.schema_urls) is tested.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema is not public
}
# Agency API tokens (django-rest-knox): stored as SHA-512 digests, never in clear; each expires
# after AGENCY_API_TOKEN_DAYS and can be revoked by its officer (reports.services.tokens).
REST_KNOX = {
    "TOKEN_TTL": __import__("datetime").timedelta(days=env.int("AGENCY_API_TOKEN_DAYS", default=90)),
    "TOKEN_PREFIX": "lms_",
    "AUTO_REFRESH": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# xAPI: the version announced on responses to requests that name none (see xapi/README.md).
XAPI_DEFAULT_VERSION = env("XAPI_DEFAULT_VERSION", default="2.0.0")
# xAPI: refuse (400) a 1.0.3 profile PUT without If-Match/If-None-Match for a new document, as the
# ADL 1.0.3 conformance suite expects; off, such a PUT creates it, as the ADL reference LRS and
# clients such as tincan-py expect (see xapi/README.md).
XAPI_PROFILE_PUT_NEEDS_PRECONDITION = env.bool("XAPI_PROFILE_PUT_NEEDS_PRECONDITION", default=False)
