"""Settings shared by every mode; every value that differs between machines comes from the environment."""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def development_key(purpose: str) -> str:
    """A fixed Fernet key for machines that hold no real credentials (local, test): the same on every run, so
    stored data-source passwords stay readable, and useless anywhere that has a key of its own."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"cco-portal development {purpose}".encode()).digest()).decode()


environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "cco_portal.accounts",
    "cco_portal.organizations",
    "cco_portal.audit",
    "cco_portal.second_factor",
    "cco_portal.charts",
    "cco_portal.sso",
    "assessments",
    "roadmap",
    "metrics",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every query the request makes, the other middleware's included, is checked for scoping.
    "cco_portal.organizations.middleware.OrganizationScopingMiddleware",
    # Before anything reads a body (the CSRF check reads forms): an oversized one is refused unread.
    "cco_portal.body_size.RequestBodySizeMiddleware",
    # An address with a NUL or another control character is refused before any view or log sees it.
    "cco_portal.request_edge.RefuseControlCharactersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed the second factor (cco_portal/second_factor/).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The client address of the events that services record during the request (cco_portal/audit/).
    "cco_portal.audit.middleware.AuditContextMiddleware",
    # After the session, the user and messages: a signed-in person who owes a second factor goes to give it.
    "cco_portal.second_factor.middleware.SecondFactorGateMiddleware",
    # Last, as django-axes asks: it turns a lockout marked during authentication into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cco_portal.urls"
WSGI_APPLICATION = "cco_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cco_portal.organizations.context_processors.organizations",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL names another database.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Before the password is checked: an organization that requires single sign-on has turned passwords off.
    "cco_portal.sso.backends.PasswordOffForSingleSignOnBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The second factor (cco_portal/second_factor/): codes are counted by django-axes like passwords, so django-otp's
# own delay between failures is off; one lockout rule for the whole sign-in.
OTP_TOTP_ISSUER = "CCO Portal"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Whether the organizations' rule (who must have a second factor) is enforced. Always, except in the test
# settings, whose many signed-in admins have no device; the tests of the rule turn it on.
SECOND_FACTOR_RULE_ENFORCED = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lockout (django-axes, cco_portal/accounts/lockout.py), for the login page, the admin's and the API's
# token login alike: five failures for one email address from one client address pause that pair for 15
# minutes from the last attempt. Five leaves room for typos; a quarter of an hour makes guessing hopeless
# (about 500 tries a day) without leaving a person locked out for long. A success clears the count.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The field both login forms (the page's and the API's) send the email address in.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cco_portal.accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "cco_portal.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "cco_portal.accounts.lockout.lockout_response"
# How many proxies in front of the portal append to X-Forwarded-For. With none, the header is the client's
# own to write and is never read: the client address is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Response headers in every mode (HSTS and Secure cookies need HTTPS, so they are in production.py).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The portal's scripts take the CSRF token from the page (<meta name="csrf-token">), never from the cookie.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy (django-csp): scripts and styles from the portal's own static files; an inline
# script only with the request's nonce ({{ request.csp_nonce }}).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LANGUAGE_CODE = "en"
# The languages the portal has translations for (README, "Languages"); LocaleMiddleware picks among them only,
# so a browser asking for another one never gets Django's own strings in it beside English pages.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# Email: the console unless EMAIL_URL names an SMTP server (smtp+tls://user:password@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="CCO Portal <no-reply@cco-portal.localhost>")
# Absolute links in emails sent by workers, which have no request to build them from.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request is answered 401 with a WWW-Authenticate header.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: people read and try the API in Swagger UI (/api/docs/); DRF's browsable pages carry
    # inline styles the Content-Security-Policy refuses.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only: one content type per operation in the schema, so a generated client has one way to
    # send each body. The import upload, the one operation that takes a file, declares multipart itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # No OPTIONS metadata: it described forms for the browsable pages, the OpenAPI schema describes the API,
    # and building it failed (500) on views without a serializer or queryset. OPTIONS now answers 405.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "cco_portal.api_schema.PortalAutoSchema",
    # A service's refusal (Django's ValidationError) is a 400 wherever it is raised: cco_portal/service_errors.py.
    "EXCEPTION_HANDLER": "cco_portal.service_errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
# API tokens (django-rest-knox): stored as hashes, and expiring (cco_portal/accounts/services.py).
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CCO Portal API",
    "DESCRIPTION": (
        "Customer-experience leadership after Jeanne Bliss's Chief Customer Officer method. "
        "Every resource lives under an organization: /api/v1/orgs/{org_slug}/…"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Read-only fields (ids, urls) apart from what a client sends, and files as binary: what client
    # generators need to write requests that the API accepts.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from the installed package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cco_portal.api_schema.add_common_responses",
        "cco_portal.api_schema.describe_tags",
    ],
    # Fields named "kind" and "status" hold different choices in different apps: each set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "assessments.models.Kind",
        "RoleEnum": "cco_portal.organizations.roles.Role",
        "StatusEnum": "roadmap.models.Status",
        "ImportKindEnum": "metrics.models.ImportKind",
        "ImportStatusEnum": "metrics.models.ImportStatus",
        "SourceKindEnum": "metrics.sources.models.SourceKind",
        "PullStatusEnum": "metrics.sources.models.PullStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
        "ActionStatusEnum": "reports.models.ActionStatus",
        "PriorityStatusEnum": "roadmap.journey.models.PriorityStatus",
        "IssueStatusEnum": "roadmap.reliability.models.IssueStatus",
        "ListeningKindEnum": "roadmap.listening.models.SourceKind",
        "MaturityStageEnum": "roadmap.models.Stage",
    },
}

# Celery: in-process unless a broker is configured, so the embedded default needs no Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Redis re-delivers unacknowledged tasks after this; it must exceed the longest task time limit. (The
# service suite's worker that is killed on purpose sets a short one, with a shorter report time limit.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 10 * 60)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Customer movements are computed in this many shards of customers (see metrics/movements.py).
METRICS_SHARDS = env.int("METRICS_SHARDS", default=1)
# On PostgreSQL, the movements are classified in an in-process DuckDB (metrics/columnar.py), and a
# plain activity file is read, checked and added up in it (metrics/imports/columnar.py).
METRICS_COLUMNAR = env.bool("METRICS_COLUMNAR", default=True)
# The largest customer-data file an import takes (1 GiB is ~30M rows); larger ones are refused unread.
METRICS_MAX_UPLOAD_BYTES = env.int("METRICS_MAX_UPLOAD_BYTES", default=1024**3)
# The largest body any other request may have (forms and JSON are a few kilobytes); larger ones are refused unread.
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=10 * 1024**2)
# Data sources (metrics/sources/): a query's statement timeout and a file's whole fetch, in seconds. The key
# that encrypts their passwords is set per mode: production requires it, local and test derive a fixed one.
DATA_SOURCE_STATEMENT_TIMEOUT = env.int("DATA_SOURCE_STATEMENT_TIMEOUT", default=300)
DATA_SOURCE_FETCH_TIMEOUT = env.int("DATA_SOURCE_FETCH_TIMEOUT", default=300)

# The one schedule of recurring work; beat runs it when a broker is configured. Beat keeps it in the
# database (django-celery-beat), beside each organization's monthly report, which an admin sets in the portal.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "notify-overdue-milestones": {
        "task": "roadmap.tasks.notify_overdue_milestones_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Survey reminders due today; hourly in the working day, so that a worker down at the first hour still sends
    # them (each reminder exists once per person and day, so later runs send nothing twice).
    "send-survey-reminders": {
        "task": "assessments.tasks.send_due_reminders_task",
        "schedule": crontab(minute=15, hour="7-22"),
    },
    # Imports whose queueing failed (the broker was down) or whose worker went silent, queued again.
    "requeue-silent-imports": {
        "task": "metrics.tasks.requeue_silent_imports_task",
        "schedule": crontab(),
    },
    # Computations of the figures whose queueing failed or whose worker went silent, queued again.
    "requeue-stalled-computations": {
        "task": "metrics.tasks.requeue_stalled_computations_task",
        "schedule": crontab(),
    },
    # Reports of months whose data changed, once the imports have been quiet for REPORTS_DEBOUNCE_SECONDS.
    "refresh-changed-reports": {
        "task": "reports.tasks.refresh_changed_reports_task",
        "schedule": timedelta(seconds=env.int("REPORTS_SWEEP_SECONDS", default=60)),
    },
    # A monthly schedule for every organization that has none yet (new organizations).
    "ensure-report-schedules": {
        "task": "reports.tasks.ensure_report_schedules_task",
        "schedule": crontab(minute=5),
    },
}
# Imports in a row within this many seconds of each other make one recomputation of the reports.
REPORTS_DEBOUNCE_SECONDS = env.int("REPORTS_DEBOUNCE_SECONDS", default=60)
# A report's hard time limit, within the broker's visibility timeout: a report found running for longer
# than this has lost its worker, and may be taken over.
REPORTS_TASK_TIME_LIMIT = env.int("REPORTS_TASK_TIME_LIMIT", default=5 * 60)
# The report-ready email carries the report's PDF up to this size; a larger one is linked to instead, since
# mail servers commonly refuse messages of 10 MB or more (and base64 makes an attachment a third larger).
REPORT_EMAIL_ATTACHMENT_MAX_BYTES = env.int("REPORT_EMAIL_ATTACHMENT_MAX_BYTES", default=5 * 1024**2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes reports every sign-in at INFO; its failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
