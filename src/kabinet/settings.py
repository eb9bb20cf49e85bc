"""Kabinet settings, read from environment variables (see README, "Configuration").

SQLite (WAL) unless DATABASE_URL is set; local-memory cache unless REDIS_URL is set.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KABINET_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment; for development a key kept in var/ so sessions survive."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    return key


DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "kabinet.core",
    "kabinet.accounts",
    "kabinet.catalog",
    "kabinet.pricing",
    "kabinet.cart",
    "kabinet.orders",
    "kabinet.comms",
    "kabinet.exchange",
    "kabinet.imports",
    "kabinet.finance",
    "kabinet.api",
    "kabinet.web",
    "kabinet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kabinet.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kabinet.accounts.middleware.ForcedPasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kabinet.core.middleware.ContentSecurityPolicyMiddleware",
    # Last, as its documentation asks: it turns lockouts into our own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kabinet.urls"
WSGI_APPLICATION = "kabinet.wsgi.application"
ASGI_APPLICATION = "kabinet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kabinet.web.context_processors.portal",
                "kabinet.comms.context.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # The portal's queries are short; PostgreSQL's JIT compiler only adds latency to them
        # (measured: +0.9 s on a sorted catalog page).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "kabinet.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the task worker writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "kabinet",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks (Django Tasks API) ---------------------------------------------------
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Accounts, sessions, login throttling --------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kabinet.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "kabinet.accounts.hashers.TemporaryPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 12 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
PHONE_REGION = os.environ.get("PHONE_REGION", "RU")

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
# Lock the (login, address) pair, and the address alone after many tries on many logins.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kabinet.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kabinet.accounts.views.auth.lockout"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
NODE_MODULES = Path(os.environ.get("NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Partner documents (reconciliation acts): served only through scoped views, never as media.
KABINET_PRIVATE_DIR = Path(os.environ.get("KABINET_PRIVATE_DIR", VAR_DIR / "private"))

# --- E-mail and SMS ------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kabinet@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Credit limit at checkout: "warn", "block" (a draft may still be saved) or "off".
KABINET_CREDIT_CHECK = os.environ.get("KABINET_CREDIT_CHECK", "warn")
# Stock shown to partners: "exact" per warehouse, or "levels" (none / few / many).
KABINET_STOCK_DISPLAY = os.environ.get("KABINET_STOCK_DISPLAY", "exact")
# With "levels": below this quantity the level is "few", from it on "many" (0: none).
KABINET_STOCK_FEW = int(os.environ.get("KABINET_STOCK_FEW", 10))

# Quick order from a file: limits, the size above which checking runs as a task, retention.
KABINET_IMPORT_MAX_MB = float(os.environ.get("KABINET_IMPORT_MAX_MB", 20))
KABINET_IMPORT_MAX_ROWS = int(os.environ.get("KABINET_IMPORT_MAX_ROWS", 100_100))
KABINET_IMPORT_TASK_ROWS = int(os.environ.get("KABINET_IMPORT_TASK_ROWS", 2_000))
KABINET_IMPORT_KEEP_DAYS = int(os.environ.get("KABINET_IMPORT_KEEP_DAYS", 7))

# SMS through a pluggable sender: the file backend writes var/sms.log until a gateway is set.
KABINET_SMS_BACKEND = os.environ.get("KABINET_SMS_BACKEND", "kabinet.comms.sms.FileSmsSender")
KABINET_SMS_STATUSES = env_list("KABINET_SMS_STATUSES", "shortage,shipped")

# --- Security (production: DEBUG off, HTTPS) -----------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Failed logins are counted in the database (and shown in the admin); keep logs quiet.
        "axes": {"level": "WARNING"},
    },
}

# --- Kabinet -------------------------------------------------------------------------------
KABINET_SUPPLIER_NAME = os.environ.get("KABINET_SUPPLIER_NAME", "Kabinet")
KABINET_SITE_URL = os.environ.get("KABINET_SITE_URL", "http://127.0.0.1:8000")

# --- ERP integration API (/api/erp/v1/, docs/erp-api.md) ----------------------------------
# Largest request body (413 above it), largest act PDF, days the call log is kept.
KABINET_ERP_API_MAX_MB = float(os.environ.get("KABINET_ERP_API_MAX_MB", 32))
KABINET_ERP_ACT_MAX_MB = float(os.environ.get("KABINET_ERP_ACT_MAX_MB", 20))
KABINET_API_LOG_KEEP_DAYS = int(os.environ.get("KABINET_API_LOG_KEEP_DAYS", 90))

# --- 1C exchange (CommerceML over HTTP) ------------------------------------------------------
KABINET_EXCHANGE_PATH = os.environ.get("KABINET_EXCHANGE_PATH", "exchange/1c/").lstrip("/")
KABINET_EXCHANGE_DIR = Path(os.environ.get("KABINET_EXCHANGE_DIR", VAR_DIR / "exchange"))
KABINET_EXCHANGE_ZIP = env_bool("KABINET_EXCHANGE_ZIP", True)
# The chunk size 1C is told to split files into, and limits that protect the disk.
KABINET_EXCHANGE_FILE_LIMIT = int(os.environ.get("KABINET_EXCHANGE_FILE_LIMIT", 50 * 1024**2))
KABINET_EXCHANGE_MAX_FILE = int(os.environ.get("KABINET_EXCHANGE_MAX_FILE", 4 * 1024**3))
KABINET_EXCHANGE_MAX_UNZIPPED = int(os.environ.get("KABINET_EXCHANGE_MAX_UNZIPPED", 8 * 1024**3))
KABINET_EXCHANGE_MAX_ENTRIES = int(os.environ.get("KABINET_EXCHANGE_MAX_ENTRIES", 200_000))
# An import still "running" after this long lost its worker; the next mode=import re-queues it.
KABINET_EXCHANGE_STALE_SECONDS = int(os.environ.get("KABINET_EXCHANGE_STALE_SECONDS", 1800))
# 1C's order status names (as in "Статус заказа") → Kabinet statuses; extend for your 1C.
KABINET_1C_STATUS_MAP = {
    "Новый": "sent",
    "Не согласован": "sent",
    "На согласовании": "sent",
    "Согласован": "accepted",
    "В работе": "accepted",
    "К обеспечению": "accepted",
    "Ожидается предоплата (до обеспечения)": "accepted",
    "Ожидается согласование": "accepted",
    "Дефектура": "shortage",
    "К выполнению": "assembling",
    "Комплектуется": "assembling",
    "Собирается": "assembling",
    "К отгрузке": "assembling",
    "Отгружен": "shipped",
    "Отгружается": "shipped",
    "В пути": "shipped",
    "Выполнен": "completed",
    "Закрыт": "completed",
    "Доставлен": "completed",
    "Отменен": "cancelled",
    "Отменён": "cancelled",
}
