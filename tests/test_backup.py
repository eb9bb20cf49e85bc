"""docs/deployment.md's backup and restore, run for real (PostgreSQL only): deploy/backup.sh
dumps the database and the uploaded files, deploy/restore.sh brings both back into an empty
database and folder, and the restored portal has every migration and the same rows."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from kabinet.accounts.models import Partner, User

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL only: pg_dump and pg_restore",
)


def database_url(name: str) -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{name}"
    )


def run(*args, **env):
    return subprocess.run(
        [*args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = database_url("postgres")
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_its_files(
    transactional_db, partner, partner_admin, empty_database, tmp_path
):
    media = tmp_path / "media"
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "order.xlsx").write_bytes(b"uploaded order")
    backups = tmp_path / "backups"

    made = run(
        "deploy/backup.sh",
        str(backups),
        DATABASE_URL=database_url(connection.settings_dict["NAME"]),
        MEDIA_ROOT=str(media),
    )
    assert made.returncode == 0, made.stderr
    dump = Path(made.stdout.strip())
    [archive] = backups.glob("kabinet-media-*.tar.gz")
    assert (dump.is_file(), dump.suffix) == (True, ".dump")

    restored_media = tmp_path / "restored-media"
    restored = run(
        "deploy/restore.sh",
        str(dump),
        str(archive),
        DATABASE_URL=empty_database,
        MEDIA_ROOT=str(restored_media),
    )
    assert restored.returncode == 0, restored.stderr
    assert (restored_media / "imports" / "order.xlsx").read_bytes() == b"uploaded order"

    migrated = run(
        sys.executable,
        "-m",
        "kabinet.cli",
        "migrate",
        "--check",
        DATABASE_URL=empty_database,
        DJANGO_SETTINGS_MODULE="kabinet.settings",
        KABINET_VAR_DIR=str(tmp_path / "var"),
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr  # nothing left to apply
    with psycopg.connect(empty_database) as db:
        partners = db.execute("SELECT name FROM accounts_partner ORDER BY id").fetchall()
        emails = db.execute("SELECT email FROM accounts_user ORDER BY id").fetchall()
    assert [name for (name,) in partners] == list(
        Partner.objects.order_by("id").values_list("name", flat=True)
    )
    assert [email for (email,) in emails] == list(
        User.objects.order_by("id").values_list("email", flat=True)
    )
    assert partner_admin.email in [email for (email,) in emails]

    again = run("deploy/restore.sh", str(dump), DATABASE_URL=empty_database)
    assert again.returncode == 1
    assert "restore into an empty one" in again.stderr
