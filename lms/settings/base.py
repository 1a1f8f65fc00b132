"""Settings for every environment.

Embedded default: a SQLite file under var/ and Celery tasks run in-process. Setting
DATABASE_URL and REDIS_URL switches the same code to PostgreSQL, Redis and a real
Celery worker; there is no separate production settings module. lms.checks refuses
the embedded SECRET_KEY once DATABASE_URL is set.
"""

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

INSTALLED_APPS = [
    "lms",
    "lms.people",
    "courses",
    "xapi",
    "cms",
    "reports",
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
    "rest_framework.authtoken",
    "drf_spectacular",
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
    "lms.middleware.ApiLaneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker and worker with REDIS_URL, tasks run in-process without it.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True  # a failing eager task fails the request or test; it must not vanish
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Taipei"
CELERY_BEAT_SCHEDULE: dict = {
    # On the 1st of every month at 06:00 Taipei time: snapshot this year's compliance per agency
    # and rule, e-mail each agency officer their subtree's summary and each learner who has not
    # met a rule a reminder (reports, issue 5).
    "reports-monthly-compliance": {
        "task": "reports.tasks.monthly_compliance_task",
        "schedule": __import__("celery.schedules", fromlist=["crontab"]).crontab(minute=0, hour=6, day_of_month=1),
    },
}

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
NODE_STATIC: list[tuple[str, str]] = []
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
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {"TITLE": "LMS agency API", "VERSION": "1.0.0"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# xAPI: the version announced on responses to requests that name none (see xapi/README.md).
XAPI_DEFAULT_VERSION = env("XAPI_DEFAULT_VERSION", default="2.0.0")
