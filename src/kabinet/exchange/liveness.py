"""Whether the import of an exchange file still has a live worker.

The worker running a file's import holds a lock that the operating system or the database
releases by itself when the worker dies, even by `kill -9`:

* on PostgreSQL, a session-level advisory lock (key FILE_LOCK_SPACE, file id) on the worker's
  connection: PostgreSQL drops it with the connection of a dead process;
* on SQLite (worker and web server on one machine, by necessity), an flock on
  KABINET_EXCHANGE_DIR/.locks/<file id>.lock: the kernel drops it with the dead process.

So "the file says importing but nobody holds its lock" means the worker died, which the next
mode=import call sees at once (no timeout to wait for).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

# The first key of the two-key advisory locks, one per file: "1C" "1A" (import) in hex-speak.
FILE_LOCK_SPACE = 0x1C1A
# How long a worker tries for a file's SQLite lock before leaving the file to its holder.
CLAIM_PATIENCE = 1.0


def _key(file_id: int) -> int:
    return int(file_id) & 0x7FFFFFFF  # the second key is an int4


def _lock_path(file_id: int) -> Path:
    return Path(settings.KABINET_EXCHANGE_DIR) / ".locks" / f"{int(file_id)}.lock"


@contextmanager
def import_claim(file_id: int) -> Iterator[bool]:
    """Hold the file's import lock while the block runs; False when a live worker holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [FILE_LOCK_SPACE, _key(file_id)])
            claimed = cursor.fetchone()[0]
        try:
            yield claimed
        finally:
            if claimed and connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [FILE_LOCK_SPACE, _key(file_id)]
                    )
        return
    path = _lock_path(file_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _flock_within(descriptor, CLAIM_PATIENCE):
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _flock_within(descriptor: int, seconds: float) -> bool:
    """Take the lock, retrying a moment: import_alive() holds it for an instant to look."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)


def import_alive(file_id: int) -> bool:
    """Does a live worker hold this file's import lock?"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 2)",
                [FILE_LOCK_SPACE, _key(file_id)],
            )
            return cursor.fetchone()[0]
    path = _lock_path(file_id)
    if not path.exists():
        return False
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return False
    finally:
        os.close(descriptor)


def import_lock_forget(file_ids) -> None:
    """Remove the SQLite lock files of imports that are over (nothing to do on PostgreSQL)."""
    for file_id in file_ids:
        _lock_path(file_id).unlink(missing_ok=True)
