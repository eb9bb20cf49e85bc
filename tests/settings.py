"""Test settings: production settings less HTTPS redirects, with fast password hashing."""

import os
from pathlib import Path

# Production settings refuse to start without a SECRET_KEY; the tests run with DEBUG off.
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)


def _redis_url_per_test_process(url: str) -> str:
    """REDIS_URL with a database number of its own for each xdist process: the tests empty
    the cache (FLUSHDB) before each test, which must not empty another process's database."""
    from urllib.parse import urlsplit, urlunsplit

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + 1 + int(worker[2:])}"))


if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_url_per_test_process(os.environ["REDIS_URL"])

from kabinet.settings import *  # noqa: E402, F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "kabinet.accounts.hashers.TemporaryPasswordHasher",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file (in RAM where there is /dev/shm), not SQLite's shared-cache memory database: the
    # live server and the task worker run in other threads, and shared-cache memory databases
    # lock whole tables between connections ("database table is locked").
    import os as _os
    import tempfile as _tempfile

    _folder = "/dev/shm" if _os.path.isdir("/dev/shm") else _tempfile.gettempdir()
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": _os.path.join(_folder, f"kabinet-test-{_os.getpid()}.sqlite3")
    }

KABINET_SMS_BACKEND = "kabinet.comms.sms.MemorySmsSender"

# Private files of the test run (attachments, acts, price lists): a throw-away folder, never
# the project's var/ (tests that count files use their own).
import tempfile as _tempfile_private  # noqa: E402

KABINET_PRIVATE_DIR = Path(_tempfile_private.mkdtemp(prefix="kabinet-private-"))
