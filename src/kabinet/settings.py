"""Kabinet settings, read from environment variables (see README, "Configuration").

SQLite (WAL) unless DATABASE_URL is set; local-memory cache unless REDIS_URL is set.
"""

import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
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


def env_mapping(name: str, default: dict[str, str]) -> dict[str, str]:
    """`default` with the pairs of the environment variable `name` merged over it.

    The variable is a JSON object (`{"Готов к отгрузке": "assembling"}`) or `key=value` pairs
    separated by semicolons (`Готов к отгрузке=assembling;Резерв=accepted`).
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return dict(default)
    if raw.startswith("{"):
        extra = json.loads(raw)
        if not all(isinstance(v, str) for v in extra.values()):
            raise ValueError(f"{name}: every value must be a string")
    else:
        extra = {}
        for pair in filter(None, (part.strip() for part in raw.split(";"))):
            key, sep, value = pair.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise ValueError(f"{name}: {pair!r} is not key=value")
            extra[key.strip()] = value.strip()
    return {**default, **extra}


def _secret_key(debug: bool) -> str:
    """SECRET_KEY from the environment; required in production (DEBUG off).

    In development (DEBUG on) a generated key is kept in var/secret_key, readable by its owner
    only, so sessions survive restarts.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production (DEBUG off) set the SECRET_KEY environment "
            "variable to a long random string, e.g. the output of: "
            'python3 -c "import secrets; print(secrets.token_urlsafe(64))". '
            "For development set DEBUG=1 instead."
        )
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        if key_file.stat().st_mode & 0o077:
            key_file.chmod(0o600)  # a key written by an older version was readable by all
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Created with owner-only permissions from the start: no moment when others can read it.
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    print(
        f"SECRET_KEY is not set: generated a development key into {key_file} (mode 0600). "
        "Set SECRET_KEY in production.",
        file=sys.stderr,
    )
    return key


DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key(DEBUG)
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
    "kabinet.approvals",
    "kabinet.comms",
    "kabinet.exchange",
    "kabinet.imports",
    "kabinet.events",
    "kabinet.conversations",
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
                "kabinet.conversations.context.unread_messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# Seconds a database connection is kept for the next request (0: closed after each one).
# The development server (`runserver`, `kabinet demo`) runs each client connection in its own
# thread, so a kept connection would only pile up there: it always closes them.
DEV_SERVER = len(sys.argv) > 1 and sys.argv[1] in {"runserver", "demo"}
DB_CONN_MAX_AGE = 0 if DEV_SERVER else int(os.environ.get("DB_CONN_MAX_AGE", 60))
if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=DB_CONN_MAX_AGE)}
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

# --- Cache, sessions ----------------------------------------------------------------------
# With REDIS_URL: Redis is the cache shared by every app server, and sessions are "cached_db":
# read from Redis, written through to the database. A restarted (emptied) Redis costs one
# database read per session; nobody is logged out. Without it: a per-process memory cache and
# database sessions (one server).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kabinet",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks (Django Tasks API) ---------------------------------------------------
# TASKS_BACKEND: "database" (default: django-tasks-db, the queue is a table, `kabinet worker`
# polls it) or "rq" (the queue is in Redis at REDIS_URL, `kabinet worker` runs RQ's worker);
# any other value is a backend's import path.
TASKS_BACKEND_ALIASES = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip() or "database"
TASKS_BACKEND = TASKS_BACKEND_ALIASES.get(TASKS_BACKEND, TASKS_BACKEND)
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
if TASKS_BACKEND.endswith("RQBackend") and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (the queue is kept in Redis).")
if REDIS_URL:
    # RQ's apps are there whenever Redis is, so that a worker on either backend can start.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # A task may run for as long as the largest 1C import or quick-order check takes.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}

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
# Password-reset letters: at most this many per account, and requests per client address, an hour.
KABINET_RESET_ACCOUNT_LIMIT = int(os.environ.get("PASSWORD_RESET_ACCOUNT_LIMIT", 3))
KABINET_RESET_ADDRESS_LIMIT = int(os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", 20))
PHONE_REGION = os.environ.get("PHONE_REGION", "RU")

# Behind a TLS-terminating proxy: trust X-Forwarded-Proto, and take the client's address from
# X-Forwarded-For as appended by this many proxies (the login and reset throttles count it).
BEHIND_PROXY = env_bool("BEHIND_PROXY")
KABINET_TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0))

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
# Lock the (login, address) pair after AXES_FAILURE_LIMIT failures, and the address alone after
# this many failures on any logins (kabinet.accounts.throttle); never an account as such.
KABINET_LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "kabinet.accounts.throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "kabinet.accounts.throttle.client_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kabinet.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kabinet.accounts.views.auth.lockout"
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
# Private files (message and claim attachments, reconciliation acts): never under MEDIA_ROOT,
# served only through scoped views after the access check.
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

# The personal price list: above this many SKUs it is built by a task (with progress); built
# files are kept in a private folder that only the portal's views serve (shared by every app
# server and worker, like MEDIA_ROOT).
KABINET_PRICE_LIST_TASK_ROWS = int(os.environ.get("KABINET_PRICE_LIST_TASK_ROWS", 2_000))

# SMS through a pluggable sender: the file backend writes var/sms.log until a gateway is set.
KABINET_SMS_BACKEND = os.environ.get("KABINET_SMS_BACKEND", "kabinet.comms.sms.FileSmsSender")
KABINET_SMS_STATUSES = env_list("KABINET_SMS_STATUSES", "shortage,shipped")
# Who gets those SMS: "author" (the order's author) or "everyone" told of the order event.
KABINET_SMS_TO = os.environ.get("KABINET_SMS_TO", "author")

# --- Security (production: DEBUG off, HTTPS) -----------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer checks app servers over plain HTTP: answer it, never redirect it.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if BEHIND_PROXY:
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
# An archive unpacking to more than this many times its size is refused as a zip bomb.
KABINET_EXCHANGE_MAX_RATIO = float(os.environ.get("KABINET_EXCHANGE_MAX_RATIO", 200))
# Work folders kept after an exchange ends, per kind (catalog, orders), for diagnosis.
KABINET_EXCHANGE_KEEP_SESSIONS = int(os.environ.get("KABINET_EXCHANGE_KEEP_SESSIONS", 3))
# An exchange session with no call from 1C for this long (and no live import) is closed:
# complete, or failed when an import was left unfinished; its work folder is then cleaned.
KABINET_EXCHANGE_STALE_SECONDS = int(os.environ.get("KABINET_EXCHANGE_STALE_SECONDS", 1800))
# mode=import waits this long (seconds) for the import to end before answering `progress`.
KABINET_EXCHANGE_IMPORT_WAIT = float(os.environ.get("KABINET_EXCHANGE_IMPORT_WAIT", 5))
# Wrong exchange passwords: free failures per address, then a delay doubling from
# KABINET_EXCHANGE_AUTH_DELAY up to …_DELAY_MAX seconds per wrong attempt (never a lockout).
KABINET_EXCHANGE_AUTH_FREE = int(os.environ.get("KABINET_EXCHANGE_AUTH_FREE", 5))
KABINET_EXCHANGE_AUTH_DELAY = float(os.environ.get("KABINET_EXCHANGE_AUTH_DELAY", 1))
KABINET_EXCHANGE_AUTH_DELAY_MAX = float(os.environ.get("KABINET_EXCHANGE_AUTH_DELAY_MAX", 10))
# 1C's order status names (as in "Статус заказа", any case) → Kabinet statuses. Extend it for
# your 1C with the environment variable of the same name, merged over this built-in map.
KABINET_1C_STATUS_MAP_BUILT_IN = {
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
KABINET_1C_STATUS_MAP = env_mapping("KABINET_1C_STATUS_MAP", KABINET_1C_STATUS_MAP_BUILT_IN)
