"""victimcare settings: everything comes from the environment (django-environ).

With no DATABASE_URL the database is SQLite under var/; with no REDIS_URL / CELERY_BROKER_URL Celery
uses kombu's filesystem transport under var/broker, so `make run` needs no services. Tests and
production use PostgreSQL and Redis.
"""

import contextlib
from pathlib import Path

import csp.constants
import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-key-change-me")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "victimcare.accounts",
    "victimcare.audit",
    "victimcare.core",
    "cases",
    "messaging",
    "contacts",
    "portal",
    "referrals",
    "surveys",
    "reporting",
    "victimcare.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "victimcare.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "victimcare.accounts.middleware.TwoFactorMiddleware",
    "portal.session.PortalSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "victimcare.urls"
WSGI_APPLICATION = "victimcare.wsgi.application"

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
                "victimcare.context_processors.service",
                "csp.context_processors.nonce",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'victimcare.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, worker and beat share the file; IMMEDIATE transactions take the write lock
    # up front so a busy writer makes others wait (timeout) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the pages' queries are short, and on a large table the planner's cost estimate
    # passes jit_above_cost, so compiling took a second where running took milliseconds (bench.case_lists).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # cases.views.SignInView sends case workers straight to their work
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
with contextlib.suppress(OSError):  # read-only image: collectstatic has already filled it
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "victimcare.core.static_storage.GzipManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "sent-email"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="victimcare@demo.police.uk")
# Used in emails to link back to the service.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Delivery channels for victim messages / GOV.UK Notify ----------------------------------------
VC_EMAIL_BACKEND = env.str("VC_EMAIL_BACKEND", default="messaging.channels.DjangoEmailBackend")
VC_SMS_BACKEND = env.str("VC_SMS_BACKEND", default="messaging.channels.FileSmsBackend")
VC_SMS_FILE_PATH = env.str("VC_SMS_FILE_PATH", default=str(VAR_DIR / "sent-sms"))
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID", default="")
NOTIFY_EMAIL_REPLY_TO_ID = env.str("NOTIFY_EMAIL_REPLY_TO_ID", default="")
NOTIFY_SMS_SENDER_ID = env.str("NOTIFY_SMS_SENDER_ID", default="")
# Notify sends this as "Authorization: Bearer <token>" on delivery receipts; empty disables the endpoint.
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="")

# --- Celery -------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None) or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Celery's Django fix-up closes the database connection around every task unless this is set, so each
# task paid for a new connection (about 6 ms, and slower first statements). Reuse it; the task_prerun hook
# in victimcare/celery.py still applies CONN_MAX_AGE and the health checks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat runs the deadline scan and the outbox sweep, and how long a message may sit in "sending"
# (its worker died mid-send) before the sweep tries it again. Only the fault tests (bench/faults.py)
# shorten them, so that a run with several beat ticks and a recovery takes minutes, not an hour.
VC_SCAN_INTERVAL_SECONDS = env.float("VC_SCAN_INTERVAL_SECONDS", default=120.0)
VC_OUTBOX_SWEEP_SECONDS = env.float("VC_OUTBOX_SWEEP_SECONDS", default=60.0)
# Compliance dashboards and returns: counts and rates of fewer than this many are not shown.
VC_SUPPRESS_BELOW = env.int("VC_SUPPRESS_BELOW", default=10)
VC_OUTBOX_SENDING_TIMEOUT_SECONDS = env.int("VC_OUTBOX_SENDING_TIMEOUT_SECONDS", default=600)

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "victimcare.accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["victimcare.core.api.IsStaffMember"],
    "DEFAULT_PAGINATION_CLASS": "victimcare.core.api.Pagination",
    # JSON (too deep a body is a 400, not a 500), forms and files, as DRF's defaults otherwise.
    "DEFAULT_PARSER_CLASSES": [
        "victimcare.core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "victimcare.core.api_errors.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "victimcare API",
    "DESCRIPTION": "Crimes, victims and case events, with the same access rules as the staff web UI.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (no CDN: the service may run on a closed network).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The partner API (/api/partner/) has a schema and docs of its own (referrals.api).
    "PREPROCESSING_HOOKS": ["referrals.api.staff_endpoints_only"],
}

# Content Security Policy (django-csp): our own origin only; scripts only from our static files or with
# the page's nonce (the two GOV.UK Frontend start-up lines); no inline styles or event handlers anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF, csp.constants.NONCE],
        "style-src": [csp.constants.SELF],
        "img-src": [csp.constants.SELF, "data:"],
        "font-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
        "base-uri": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
    }
}

# API tokens last this long (then the client asks /api/token/ again); a password change revokes them.
API_TOKEN_LIFETIME_HOURS = env.int("API_TOKEN_LIFETIME_HOURS", default=24)
# Two-factor sign-in (victimcare.accounts.two_factor): always for administrators; also for these roles
# (comma-separated role codes: officer, supervisor, inspector, analyst, partner). Anyone may turn it on.
TWO_FACTOR_REQUIRED_ROLES = tuple(env.list("TWO_FACTOR_REQUIRED_ROLES", default=[]))
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Victim care")

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The container's own health check asks over plain HTTP from inside; nothing else is served that way.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# --- Victim portal ------------------------------------------------------------------------------
# Portal sessions end after this much inactivity (issue 4: 15 minutes).
PORTAL_IDLE_SECONDS = env.int("PORTAL_IDLE_SECONDS", default=15 * 60)
PORTAL_ACTIVATION_HOURS = env.int("PORTAL_ACTIVATION_HOURS", default=72)
# At most one survey invitation per person in this many days, whatever the case or plan.
SURVEY_PERIOD_DAYS = env.int("SURVEY_PERIOD_DAYS", default=365)
if SURVEY_PERIOD_DAYS < 1:
    raise ImproperlyConfigured("SURVEY_PERIOD_DAYS must be 1 or more.")
# Cases in each team's monthly dip sample.
DIP_SAMPLE_SIZE = env.int("DIP_SAMPLE_SIZE", default=20)
if not 1 <= DIP_SAMPLE_SIZE <= 200:
    raise ImproperlyConfigured("DIP_SAMPLE_SIZE must be between 1 and 200.")
PORTAL_RESET_MINUTES = env.int("PORTAL_RESET_MINUTES", default=60)
# Force setting: offer the portal to every victim who has an email address marked safe, without the
# officer ticking "offer the portal" on the record-crime form.
PORTAL_OPT_IN_ALL_SAFE_EMAIL = env.bool("PORTAL_OPT_IN_ALL_SAFE_EMAIL", default=False)
# The case lists count at most this many cases ("more than 10,000 cases": search or filter to narrow).
CASE_LIST_COUNT_LIMIT = env.int("CASE_LIST_COUNT_LIMIT", default=10_000)
# Staff sign-in (web, admin, API token, two-factor codes): failures per account, and per address (higher:
# a station's staff share one address behind its gateway), within 15 minutes, lock out.
STAFF_SIGN_IN_ACCOUNT_LIMIT = env.int("STAFF_SIGN_IN_ACCOUNT_LIMIT", default=10)
STAFF_SIGN_IN_ADDRESS_LIMIT = env.int("STAFF_SIGN_IN_ADDRESS_LIMIT", default=50)
# Sign-in: this many failures for one crime reference, or from one address, within the window locks out.
PORTAL_SIGN_IN_LIMIT = env.int("PORTAL_SIGN_IN_LIMIT", default=5)
PORTAL_SIGN_IN_WINDOW_SECONDS = env.int("PORTAL_SIGN_IN_WINDOW_SECONDS", default=15 * 60)

# Service name and the force shown in the header.
FORCE_NAME = env.str("FORCE_NAME", default="Demo Constabulary")
FORCE_NAME_CY = env.str("FORCE_NAME_CY", default="Heddlu Demo")  # the force's name in Welsh messages
# Audit: trust X-Forwarded-For only behind a proxy that sets it.
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "victimcare.core.logging.NoTracebackForRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Letters ---
# Letters to victims are PDFs (messaging.letters). The default backend writes them to a print
# queue folder; "messaging.notify.NotifyLetterBackend" sends them to GOV.UK Notify instead.
VC_LETTER_BACKEND = env.str("VC_LETTER_BACKEND", default="messaging.channels.FileLetterBackend")
VC_LETTER_FILE_PATH = env.str("VC_LETTER_FILE_PATH", default=str(VAR_DIR / "letters"))
# The force's return address at the top right of every letter (comma-separated lines).
VC_LETTER_SENDER_ADDRESS = env.list(
    "VC_LETTER_SENDER_ADDRESS", default=["Victim Care Unit", "Police Headquarters", "Anytown", "AN1 1AA"]
)
# GOV.UK Notify postage for letters: "first", "second" or "economy" (blank: the Notify service's default).
NOTIFY_LETTER_POSTAGE = env.str("NOTIFY_LETTER_POSTAGE", default="")
