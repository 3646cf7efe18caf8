"""Casework settings: one file, everything from the environment with safe defaults.

SQLite is the embedded default (zero set-up); production sets DATABASE_URL to PostgreSQL.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DJANGO_DEBUG=(bool, False),
    DJANGO_ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CASE_NOTE_EDIT_WINDOW_HOURS=(int, 24),
    DJANGO_SESSION_IDLE_MINUTES=(int, 30),
    CASEWORK_MFA_REQUIRED=(bool, True),
    CASEWORK_DEMO_SIGN_IN=(bool, False),
    AXES_FAILURE_LIMIT=(int, 5),
    AXES_COOLOFF_MINUTES=(int, 30),
    API_THROTTLE_RATE=(str, "600/minute"),
)

DEBUG = env("DJANGO_DEBUG")
# Production sets DJANGO_SECRET_KEY; the fallback exists so the demo and tests run with no set-up.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "casework.core.admin_apps.CaseworkAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "casework.core",
    "casework.accounts",
    "casework.organisations",
    "casework.people",
    "casework.registration",
    "casework.cases",
    "casework.looked_after",
    "casework.contracts",
    "casework.audit",
    "casework.synthetic",
    "rest_framework",
    "drf_spectacular",
    "casework.api",
    # background jobs (docs/architecture.md "Background jobs")
    "django_tasks",
    "django_tasks_db",
    "casework.jobs",
]

# Signing in and sessions (docs/security.md): django-otp marks a session that has passed MFA;
# KeepDraftMiddleware keeps a case note posted from an expired session before LoginRequired sends
# the person to sign in; MfaRequiredMiddleware sends a signed-in but unverified person to the MFA
# pages; AxesMiddleware (last, as django-axes requires) answers a locked-out sign-in.
MIDDLEWARE = [
    # first: every response, redirects and static files too, carries X-Request-ID, and every log
    # line of the request its id (casework/core/request_id.py, "Serving" in docs/architecture.md)
    "casework.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on everything after static files: pages, downloads, the API (docs/security.md)
    "casework.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # writes a signed-in session at most once a minute (docs/security.md "Sessions end after inactivity")
    "casework.accounts.middleware.SessionKeptAliveMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # the user itself on the request, not two lazy proxies read hundreds of times a page
    "casework.accounts.middleware.UserLoadedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casework.accounts.middleware.KeepDraftMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "casework.accounts.middleware.MfaRequiredMiddleware",
    # logs every person record a page opens, and answers "This record is restricted" (docs/security.md)
    "casework.audit.middleware.RecordViewMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casework.config.urls"
WSGI_APPLICATION = "casework.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "casework" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.core.context_processors.navigation",
                "casework.accounts.context_processors.sign_in",
            ],
            # short_date ("7 Dec 2026") on every page without a load tag (casework/core/templatetags/dates.py)
            "builtins": ["casework.core.templatetags.dates"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a seed or a second request writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
# Daily pages (issue 14, docs/benchmarks.md "The daily page mix"): a connection is kept for a minute
# rather than opened per request (a PostgreSQL backend costs a fork and an authentication), and
# checked before reuse, so a restarted database costs a reconnect, not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the user's organisation loaded in the same query (casework/accounts/backends.py)
    "casework.accounts.backends.CaseworkBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "casework" / "static"]
# Production runs collectstatic into DJANGO_STATIC_ROOT; the demo and tests serve from the finders.
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=None)
WHITENOISE_USE_FINDERS = True
# Files served at the site's root rather than under /static/ (the favicon browsers ask for).
WHITENOISE_ROOT = BASE_DIR / "casework" / "static" / "root"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

SESSION_COOKIE_HTTPONLY = True
# A session ends after this long without a request: accounts/middleware.py SessionKeptAliveMiddleware
# writes it again (restarting the clock) once its last write is a minute old, not on every request.
SESSION_COOKIE_AGE = 60 * env("DJANGO_SESSION_IDLE_MINUTES")
SESSION_SAVE_EVERY_REQUEST = False
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # DJANGO_SECURE_COOKIES=false is for servers on plain HTTP (the tests' own): it also turns the
    # HTTPS redirect off unless DJANGO_SECURE_SSL_REDIRECT says otherwise.
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # asked over plain HTTP by the proxy
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds every subdomain of the registrable domain for months: the domain's owner
    # decides that, not this application, so it is off unless DJANGO_HSTS_PRELOAD=true (and
    # check --deploy's reminder about it is silenced only while it is off).
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a proxy that ends TLS, e.g. DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
# (only when the proxy always sets or strips that header).
if env("DJANGO_SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = tuple(env.list("DJANGO_SECURE_PROXY_SSL_HEADER"))

# Content Security Policy (django-csp): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Multi-factor authentication (django-otp): every user, after the password, with an authenticator
# app (TOTP) or a one-time recovery code. Only a test of the switch itself turns it off.
CASEWORK_MFA_REQUIRED = env("CASEWORK_MFA_REQUIRED")
OTP_TOTP_ISSUER = "Casework"
# The demo's one-click sign-in as each demo user (make demo sets it; docs/security.md, "The demo's
# one-click sign-in"). Honoured only in a database the seed filled, for the seed's demo users; a
# system check refuses it at start-up on any other database with accounts, and check --deploy always.
CASEWORK_DEMO_SIGN_IN = env("CASEWORK_DEMO_SIGN_IN")

# Sign-in lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from one
# address lock that pair out for AXES_COOLOFF_MINUTES, counted from the last counted failure.
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env("AXES_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "casework.accounts.views.locked_out"
# The audit log records sign-ins; axes keeps only the failed attempts it counts, and logs nothing
# that names a person.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# How long an author may still correct a case note before it is locked for good.
CASE_NOTE_EDIT_WINDOW_HOURS = env("CASE_NOTE_EDIT_WINDOW_HOURS")

# Serving (docs/architecture.md "Serving"). Logs: one JSON object a line on stderr, each
# with the request's id; query strings cut and exceptions logged as type and frames only, so no
# personal data reaches a log (casework/core/logs.py). DJANGO_LOG_LEVEL=INFO shows more.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "casework.core.logs.RequestIdFilter"}},
    "formatters": {"json_lines": {"()": "casework.core.logs.JsonLineFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json_lines", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
    "loggers": {
        "axes": {"level": "ERROR"},
        # runserver's line per request (make demo): Django's default prints it with its query string
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# /readyz answers 503 when the job worker's last heartbeat is older than this (it beats at least
# every few seconds while it runs: casework/jobs).
CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int("CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=60)

# The DfE SSDA903 rules run in their own virtual environment (see requirements-903.txt).
SSDA903_VALIDATOR_PYTHON = env("SSDA903_VALIDATOR_PYTHON", default=str(BASE_DIR / ".venv-903" / "bin" / "python"))
SSDA903_VALIDATOR_TIMEOUT = env.int("SSDA903_VALIDATOR_TIMEOUT", default=1800)

# Uploads (casework/core/uploads.py, docs/security.md "Uploads had no size limit"). The most one
# upload field's files may hold together, and (for the 903 import) the most one year's CSV files
# may hold once a zip is opened: the largest authority's year is a few MB. The most rows one 903
# file may have: the largest authority's episodes table has some thousands a year.
CASEWORK_UPLOAD_MAX_BYTES = env.int("CASEWORK_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
CASEWORK_UPLOAD_MAX_ROWS = env.int("CASEWORK_UPLOAD_MAX_ROWS", default=100_000)
# A file past FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file, not memory; past the limit
# above, the first handler keeps nothing more of it. Django's defaults, stated: 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the request without its files
DATA_UPLOAD_MAX_NUMBER_FILES = 40  # two years of 903 files (13 tables each), with room to spare
FILE_UPLOAD_HANDLERS = [
    "casework.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The API (casework/api, docs/architecture.md "API"): JSON only, token or session authentication,
# one error shape, pages of at most 100 rows.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "casework.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "casework.api.permissions.TokenMayWrite",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["casework.api.permissions.UserRateThrottle"],
    # no browsable API and no form posts: its pages need inline scripts, and JSON is the contract
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "casework.api.pagination.Pagination",
    "EXCEPTION_HANDLER": "casework.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "casework.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # no OPTIONS answers: the schema describes the API, and an OPTIONS on a record out of scope
    # must be a 404 like any other method
    "DEFAULT_METADATA_CLASS": None,
}
# Requests per user (service account or signed-in person), e.g. "600/minute"; counted in the cache.
API_THROTTLE_RATE = env("API_THROTTLE_RATE")
SPECTACULAR_SETTINGS = {
    "TITLE": "Casework API",
    "DESCRIPTION": "Read access to people, registrations, cases, allocations, case notes, looked-after "
    "children and contracts in the caller's scope, the contract monitoring report, and adding case notes. "
    "Every error has the shape {\"error\": {\"status\", \"code\", \"message\", \"fields\"}}.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casework.api.schema.response_fields_always_present",
    ],
}

# Background jobs (docs/architecture.md "Background jobs"): django-tasks with its database
# backend, so the queue is a table in the same database (SQLite or PostgreSQL) and needs no other
# server; the worker is `manage.py jobs_worker`. A job's file is deleted this many hours after it
# was made (or when the requester makes a newer one of the same kind).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CASEWORK_JOB_FILE_HOURS = env.int("CASEWORK_JOB_FILE_HOURS", default=24)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # the worker is a second writer beside the web server: a write waits for the other's
    # transaction (an import's, say) rather than failing after SQLite's default 5 seconds
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 30)

# Read replica (docs/architecture.md "Scaling past one server"): with DATABASE_REPLICA_URL
# set, the reports and exports that opt in (casework/core/db_routers.py) read from the replica;
# every other read, every write and every migration uses default. Unset: everything uses default.
# Leave it unset for the test suite: tests that need the alias add it themselves (tests/core/test_db_routers.py).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["casework.core.db_routers.ReportsToReplicaRouter"]
