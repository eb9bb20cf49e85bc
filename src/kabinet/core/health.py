"""Liveness and readiness for load balancers and orchestrators.

Liveness says the process answers (no database, no cache: a database outage must not make the
orchestrator restart every app server). Readiness says this server can serve a request now:
the database answers, the cache answers, and every migration of this code is applied.
What failed is logged here; the answer names only the check, never an error text.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

# Once every migration of this code is applied it stays so for the life of the process (a
# later migrate comes with newer code, i.e. a new process): check it only until it holds.
_migrations_applied = False


def _database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _cache() -> bool:
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


def _migrations() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
    return _migrations_applied


CHECKS = {"database": _database, "cache": _cache, "migrations": _migrations}


def readiness() -> dict[str, bool]:
    """Each check's outcome; a check that raises has failed (and is logged)."""
    outcome = {}
    for name, check in CHECKS.items():
        try:
            outcome[name] = bool(check())
        except Exception:
            logger.exception("readiness check %r failed", name)
            outcome[name] = False
        if name == "database" and not outcome[name]:
            outcome["migrations"] = False  # cannot be read without the database
            break
    return outcome
