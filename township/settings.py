"""Settings for the township conduct administration.  Everything that differs between machines comes
from the environment (see .env.example); there are no per-machine settings files."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False)
# Keys anyone can read (this file, .env.example): fine on a developer's machine, never in
# production, where the site refuses to start with one; `check --deploy` fails on them too
# (township.security.check_secret_key).
DEFAULT_SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 20
PUBLIC_SECRET_KEYS = frozenset({DEFAULT_SECRET_KEY, "change-me-to-50-random-characters"})
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or DEFAULT_SECRET_KEY
if PRODUCTION and SECRET_KEY in PUBLIC_SECRET_KEYS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DJANGO_PRODUCTION is set but DJANGO_SECRET_KEY is unset or a published example: set "
        'DJANGO_SECRET_KEY to 50 or more random characters (e.g. python -c "import secrets; '
        'print(secrets.token_urlsafe(50))").'
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "import_export",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_celery_beat",
    "django_celery_results",
    "township",
    "conduct",
    "conduct.reception",
    "meetings",
    "fieldwork",
    "petitions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "township.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "township.middleware.IdleTimeoutMiddleware",
    "township.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "township.passwords.PasswordPolicyMiddleware",  # a due password change comes first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "township.middleware.AdminCSPMiddleware",  # the admin's own relaxation, /admin/ only
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
    "township.security.SecurityLogMiddleware",
]

ROOT_URLCONF = "township.urls"
WSGI_APPLICATION = "township.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "township.context_processors.shell",
            ],
        },
    },
]

# PostgreSQL only: the embedded server of `make run`/`make test`, or DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env("TEST_DATABASE_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
# redis-py wants unix:// where kombu wants redis+socket://
_CACHE_REDIS_URL = REDIS_URL.replace("redis+socket://", "unix://")
CACHES = {
    "default": {
        # Django's RedisCache, but Redis down is a cache miss, not a 500 (township/cache.py).
        "BACKEND": "township.cache.ResilientRedisCache",
        "LOCATION": _CACHE_REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="township"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "township.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords (issue 14, township/passwords.py): Argon2id, older hashes upgraded at the next login;
# at least 10 characters with letters, digits and a symbol or mixed case; none of the last
# PASSWORD_HISTORY_COUNT again; changed after PASSWORD_MAX_AGE_DAYS (0 = never).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "township.passwords.ComplexityValidator"},
    {"NAME": "township.passwords.PasswordHistoryValidator"},
]
PASSWORD_HISTORY_COUNT = 5
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): by username and IP together, with a finite cool-off ...
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and by IP alone across usernames (password spraying): AXES_IP_FAILURE_LIMIT failures from
# one IP within AXES_IP_FAILURE_WINDOW lock that IP until they age out of the window.  axes
# compares every lockout parameter with one limit, so this second limit is township's handler
# (township.security.TownshipAxesHandler), counting axes' failure log.
AXES_HANDLER = "township.security.TownshipAxesHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=10)
AXES_IP_FAILURE_WINDOW = timedelta(minutes=env.int("AXES_IP_FAILURE_WINDOW_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# Session idle timeout: a phone left on a desk logs out.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): only our own files, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["township.formats"]  # zh-Hans groups amounts by thousands
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@township.local")

# Celery: Redis broker; results in the database so reports survive a Redis restart.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged task (its worker died) is delivered again after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often workers sweep for such tasks (seconds, and every Nth sweep scans Redis).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=6),
}
APPRAISAL_PAUSE_IN_TRANSACTION = env.float("APPRAISAL_PAUSE_IN_TRANSACTION", default=0)  # worker-kill test
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Apps add their own entries in AppConfig.ready(); DatabaseScheduler stores them in the database.
CELERY_BEAT_SCHEDULE = {
    "remind-waiting-approvals": {"task": "township.tasks.remind_waiting_approvals", "schedule": 3600.0},
    # Emails that could not be queued while Redis was down go out when it is back.
    "send-pending-notification-emails": {
        "task": "township.tasks.send_pending_notification_emails",
        "schedule": 600.0,
    },
    "appraisal-quarter-end": {
        "task": "township.tasks.appraisal_period_end",
        "schedule": crontab(minute=30, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
        "args": ["quarter"],
    },
    "appraisal-monthly-statistics": {
        "task": "township.tasks.appraisal_period_end",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
        "args": ["month"],
    },
    # The audit chains' retention (township.audit): rows past AUDIT_RETENTION_DAYS only.
    "audit-retention": {"task": "township.tasks.audit_retention", "schedule": crontab(minute=20, hour=4)},
    # The cross-record checks (R-XCK-1..8) of the day before, after the nightly attendance.
    "crosschecks-nightly": {
        "task": "township.tasks.crosscheck_nightly",
        "schedule": crontab(minute=40, hour=2),
    },
    "appraisal-year-end": {
        "task": "township.tasks.appraisal_period_end",
        "schedule": crontab(minute=30, hour=3, day_of_month=5, month_of_year=1),
        "args": ["year"],
    },
}

# The security log and the role grants are kept this many days (township.audit; at least 180,
# 等保 2.0 level 3: six months of audit records), then pruned by the beat task audit-retention.
AUDIT_RETENTION_DAYS = max(180, env.int("AUDIT_RETENTION_DAYS", default=180))

# /healthz gives component detail (database, Redis, worker) only to a request carrying this
# token in the X-Healthz-Token header (monitoring) or to a signed-in administrator; everyone else
# gets a bare {"status": "ok"} / 503 {"status": "degraded"}.  Empty: no token is accepted.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", default="")

# Approvals waiting longer than this are reminded by the beat task.
APPROVAL_REMIND_AFTER_HOURS = env.int("APPROVAL_REMIND_AFTER_HOURS", default=24)

# File imports (township/imports.py): a file over any of these is refused whole, before any row
# is kept.  A workbook's unpacked size is checked before it is parsed (zip bombs).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)
IMPORT_MAX_SECONDS = env.int("IMPORT_MAX_SECONDS", default=10)
# One import at a time per person: the lock expires after this even if its request died.
IMPORT_LOCK_SECONDS = env.int("IMPORT_LOCK_SECONDS", default=120)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False


UNFOLD = {
    "SITE_TITLE": _("Township conduct administration"),
    "SITE_HEADER": _("Township conduct administration"),
    "SHOW_LANGUAGES": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "township.security": {"handlers": ["console"], "level": "INFO"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
