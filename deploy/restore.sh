#!/usr/bin/env bash
# Restore a Kabinet backup made by deploy/backup.sh into an EMPTY PostgreSQL database.
#
#   createdb -O kabinet kabinet_restored
#   DATABASE_URL=postgres://kabinet@db/kabinet_restored MEDIA_ROOT=/srv/kabinet/var/media \
#     deploy/restore.sh /backups/kabinet/kabinet-20270101T031500Z.dump \
#                       [/backups/kabinet/kabinet-media-20270101T031500Z.tar.gz]
#
# Then `kabinet migrate` (a backup of an older version is brought up to this one) and point the
# app servers' DATABASE_URL at the restored database. All or nothing: one transaction.
set -euo pipefail
dump=${1:?"usage: $0 DUMP [MEDIA_TAR]"}
media=${2:-}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
tables=$(psql "$DATABASE_URL" -tAc \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != 0 ]; then
  echo "restore: the database already has $tables tables; restore into an empty one." >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$dump"
if [ -n "$media" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must name the folder to restore the uploaded files into}"
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xzf "$media"
fi
echo "restored $dump"
