#!/usr/bin/env bash
# Back up Kabinet: the PostgreSQL database (pg_dump, custom format) and the uploaded files.
#
#   DATABASE_URL=postgres://kabinet@db/kabinet MEDIA_ROOT=/srv/kabinet/var/media \
#     deploy/backup.sh /backups/kabinet
#
# Writes kabinet-<UTC time>.dump (and kabinet-media-<UTC time>.tar.gz when MEDIA_ROOT is a
# folder) into the folder given, keeps the newest KEEP backups (default 14) and prints the
# dump's path. pg_dump reads one consistent snapshot while the portal keeps running.
set -euo pipefail
dest=${1:?"usage: $0 BACKUP_FOLDER"}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
keep=${KEEP:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
# Written under a temporary name first: a backup cut short never looks like a good one.
pg_dump --format=custom --no-owner --no-privileges --file="$dest/kabinet-$stamp.dump.part" \
  "$DATABASE_URL"
mv "$dest/kabinet-$stamp.dump.part" "$dest/kabinet-$stamp.dump"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$dest/kabinet-media-$stamp.tar.gz.part" .
  mv "$dest/kabinet-media-$stamp.tar.gz.part" "$dest/kabinet-media-$stamp.tar.gz"
fi
for pattern in 'kabinet-2*.dump' 'kabinet-media-*.tar.gz'; do
  find "$dest" -maxdepth 1 -name "$pattern" -print | sort -r | tail -n +$((keep + 1)) \
    | xargs -r rm --
done
echo "$dest/kabinet-$stamp.dump"
