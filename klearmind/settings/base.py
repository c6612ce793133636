"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("KLEARMIND_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The production settings say True: they refuse what is only fit for one developer's machine
# (klearmind/settings/checks.py), and `load_demo` refuses to run.
PRODUCTION = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "klearmind.accounts",  # first, so its sign-in templates override Wagtail's
    "klearmind.clinic",
    "klearmind.pages",
    "klearmind.audit",
    "klearmind.encryption",
    "klearmind.outbox",
    "klearmind.comments",
    "klearmind.enquiries",
    "klearmind.intake",
    "klearmind.booking",
    "klearmind.care",
    "klearmind.payments",  # deposits, packages, memberships and the ledger, on Stripe
    "klearmind.demo",  # `manage.py load_demo`: every app's part of the demo clinic
    "klearmind.worker",  # before django_tasks_db: its db_worker requeues abandoned tasks
    "klearmind.scheduler",
    "klearmind.workday",  # each role's home screen in the back office
    "klearmind.portal",  # the patient portal at /my/
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
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
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "klearmind.pages.page_cache.PageCacheMiddleware",  # first: it stores what the rest made
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "klearmind.pages.middleware.CachedSiteMiddleware",
    "klearmind.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "klearmind.clinic.language.PathLanguageMiddleware",  # /es/… is Spanish, the rest English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "klearmind.accounts.middleware.StaffSessionMiddleware",
    "klearmind.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its own response
]

ROOT_URLCONF = "klearmind.urls"
WSGI_APPLICATION = "klearmind.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: an SQLite file under var/ unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'klearmind.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock up front,
    # so two writers queue instead of failing half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, otherwise memory local to the process (one developer's
# server only: production refuses it, as every gunicorn worker would keep its own).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "klearmind.pages.redis_cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "klearmind"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "klearmind",
        }
    }

# Page cache (README, "Page cache"): how long the app keeps a published page for anonymous
# readers (0 turns it off), and how long a reverse proxy or CDN may keep it (s-maxage).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_PROXY_SECONDS = int(os.environ.get("PAGE_CACHE_PROXY_SECONDS", "10"))
# Purge requests for a proxy or CDN in front, sent when a page or its comments change; none
# when nothing is configured.
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
    }
if os.environ.get("CLOUDFLARE_ZONEID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN", ""),
        "ZONEID": os.environ["CLOUDFLARE_ZONEID"],
    }

# Background work: Django's task API, stored in the database and run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A task running longer than this is taken to be abandoned by a dead worker on another machine
# and queued again when a worker starts (a dead worker on the same machine is seen at once).
# Every task finishes in well under a minute; an SMTP send gives up after EMAIL_TIMEOUT.
TASK_LEASE_SECONDS = int(os.environ.get("TASK_LEASE_SECONDS", "900"))

# E-mail: printed to the console unless an SMTP host is configured (production refuses the
# console: patients' e-mails carry their names and private links).
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Klearmind <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Card payments through Stripe (README, "Payments"). Without a secret key the clinic records
# payments taken at the desk only. STRIPE_API_BASE points the server and the browser at another
# Stripe, such as the fake one (localstripe) the tests and the demo use; its Stripe.js is then
# served from that address too.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "").rstrip("/")
STRIPE_JS_URL = (
    f"{STRIPE_API_BASE}/js.stripe.com/v3/" if STRIPE_API_BASE else "https://js.stripe.com/v3/"
)

# Staff sign-in (see klearmind/accounts and the README's "Staff accounts" section).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address first
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads older hashes, then upgrades
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
WAGTAILADMIN_USER_LOGIN_FORM = "klearmind.accounts.forms.StaffLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "klearmind.accounts.forms.StaffPasswordResetForm"  # noqa: S105
LOGIN_URL = "wagtailadmin_login"
# Sessions end when the browser closes, after a quiet spell (shorter for anyone who can see
# health information) and, whatever happens, after a working day.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 60 * 60
STAFF_IDLE_MINUTES_HEALTH = int(os.environ.get("STAFF_IDLE_MINUTES_HEALTH", "15"))
STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
STAFF_IDLE_WARNING_SECONDS = 120
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Klearmind")
OTP_TOTP_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10
# Lockout: after this many failed sign-ins for one username from one address, or this many
# from one address whatever the usernames (klearmind.accounts.lockout, decision 009).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "klearmind.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# The same client address as the audit log, behind the same number of trusted proxies.
AXES_CLIENT_IP_CALLABLE = "klearmind.clinic.http.client_ip"

# English and Spanish (docs/decisions/043). English pages keep their addresses; Spanish ones
# start with /es/. Wagtail's locales are the same two languages.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PROJECT_DIR / "locale"]
# `load_demo` builds the Spanish pages beside the English ones. The test suite turns this off
# (a third of every demo load) except in the tests of the Spanish pages, which turn it on.
DEMO_SPANISH = True
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security headers that apply everywhere (HSTS and secure cookies are production's).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(self), camera=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

# The players a visitor may load by clicking a video; nothing else is framed.
VIDEO_PLAYER_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "frame-src": list(VIDEO_PLAYER_ORIGINS),
        "media-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's admin ships inline scripts and styles, and previews pages in a same-origin frame.
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": [_SELF],
    "script-src": [_SELF, "'unsafe-inline'"],
    "style-src": [_SELF, "'unsafe-inline'"],
    "img-src": [_SELF, "data:", "blob:"],
    "font-src": [_SELF, "data:"],
    "connect-src": [_SELF],
    "frame-src": [_SELF, *VIDEO_PLAYER_ORIGINS],
    "media-src": [_SELF],
    "object-src": ["'none'"],
    "base-uri": [_SELF],
    "form-action": [_SELF],
    "frame-ancestors": [_SELF],
}
ADMIN_PATH_PREFIXES = ("/admin/",)

WAGTAIL_SITE_NAME = "Klearmind"
# The address links in e-mails start with; `make run` sets it to the host and port it serves.
BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL or "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents are only ever sent by Wagtail's view, which checks their collection's privacy first;
# nothing serves MEDIA_ROOT/documents/ directly (klearmind/pages/documents.py, decision 016).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_RESPONSIVE_HTML = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # staff avatars never leak an e-mail hash to a third party
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# How many reverse proxies in front of the app append to X-Forwarded-For; 0 trusts none of it,
# so the audit log, the lockout and comments' flood control use REMOTE_ADDR. Behind one TLS
# proxy, say 1.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Audit events are kept this long (six years, HIPAA's documentation period), then
# `manage.py archive_audit_events` archives them here and deletes them. See docs/decisions/007.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", str(6 * 365)))
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))

# Field encryption (klearmind.encryption): Fernet keys, the first encrypts and all decrypt; and
# the separate key for the keyed hashes that lookups use. See docs/decisions/008.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
FIELD_LOOKUP_KEY = os.environ.get("FIELD_LOOKUP_KEY", "")

# A visit's private link (and the browser it was opened in) works until this many days after
# the visit, or after the last visit of an induction series. See docs/decisions/011.
VISIT_LINK_DAYS_AFTER = int(os.environ.get("VISIT_LINK_DAYS_AFTER", "30"))

# Where the contact form's notices go when the form page names no address.
CLINIC_NOTIFY_EMAIL = os.environ.get("CLINIC_NOTIFY_EMAIL", "front-desk@localhost")

# Spam checks run on every new comment, in order; append a dotted path to add a spam service
# (see klearmind/comments/spam.py for the interface).
COMMENTS_SPAM_CHECKERS = [
    "klearmind.comments.spam.honeypot",
    "klearmind.comments.spam.time_trap",
]


def _not_a_task_start(record) -> bool:
    # django_tasks logs a task when it starts and again when it ends: the end line says all.
    return record.funcName != "log_task_started"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_per_task": {
            "()": "django.utils.log.CallbackFilter",
            "callback": _not_a_task_start,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every page edit at INFO; its own audit trail already records them.
        "wagtail": {"level": "WARNING"},
        # The task worker logs only failed tasks; TASKS_LOG_LEVEL=INFO adds one line per task
        # as it ends. The worker keeps these levels (klearmind/worker's db_worker).
        "django_tasks": {
            "level": os.environ.get("TASKS_LOG_LEVEL", "WARNING"),
            "filters": ["one_line_per_task"],
        },
        # The scheduler lists its jobs itself when it starts.
        "apscheduler": {"level": "WARNING"},
    },
}
