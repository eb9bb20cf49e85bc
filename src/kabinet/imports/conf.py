"""Settings of quick order, with their defaults (each may be set in settings.py / environment).

KABINET_IMPORT_MAX_MB        largest file accepted (20)
KABINET_IMPORT_MAX_ROWS      most rows in a sheet or lines in a paste (100,000)
KABINET_IMPORT_TASK_ROWS     above this many rows a file is checked by a background task (2,000)
KABINET_IMPORT_KEEP_DAYS     jobs and their files are deleted after this many days (7)
KABINET_IMPORT_CHECK_BATCH   rows matched, checked and stored at a time (5,000): what a check
                             holds in memory whatever the size of the file
"""

from django.conf import settings

from kabinet.imports.reading import ReadLimits

_MB = 1024 * 1024


def max_bytes() -> int:
    return int(float(getattr(settings, "KABINET_IMPORT_MAX_MB", 20)) * _MB)


def max_rows() -> int:
    return int(getattr(settings, "KABINET_IMPORT_MAX_ROWS", 100_000))


def task_rows() -> int:
    return int(getattr(settings, "KABINET_IMPORT_TASK_ROWS", 2_000))


def check_batch() -> int:
    return max(1, int(getattr(settings, "KABINET_IMPORT_CHECK_BATCH", 5_000)))


def keep_days() -> int:
    return int(getattr(settings, "KABINET_IMPORT_KEEP_DAYS", 7))


def read_limits() -> ReadLimits:
    return ReadLimits(max_bytes=max_bytes(), max_rows=max_rows())
