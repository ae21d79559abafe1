#!/usr/bin/env bash
# Back up a PostgreSQL database with pg_dump and restore it into a NEW database, then compare
# the row counts of the main tables in both (README: "Backup and restore").
#
#   bench/backup_restore.sh SOURCE_DATABASE_URL TARGET_DATABASE_NAME [DUMP_FILE]
#
#   bench/backup_restore.sh postgres://postgres@127.0.0.1:5432/support_triage triage_restored \
#       /var/backups/triage-$(date +%F).dump
#
# The dump is pg_dump's custom format (-Fc: compressed, restorable table by table). The target
# must not exist yet: a restore never overwrites a live database. Ownership and grants are not
# carried over (--no-owner --no-privileges), so the dump restores under any role; the restore
# runs in one transaction and stops at the first error, leaving nothing half-restored.
set -euo pipefail

usage() { sed -n '5,6p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
SOURCE=$1
TARGET=$2
DUMP=${3:-$(mktemp "${TMPDIR:-/tmp}/support-triage.XXXXXX.dump")}
SERVER=${SOURCE%/*}                      # postgres://user@host:port
case "$TARGET" in *[!a-zA-Z0-9_]*|"") echo "target name: letters, digits, _ only" >&2; exit 2;; esac

if [ "$(psql "$SERVER/postgres" -tAc "select count(*) from pg_database where datname = '$TARGET'")" != 0 ]; then
    echo "refusing to restore into $TARGET: it already exists" >&2
    exit 1
fi

started=$(date +%s.%N)
pg_dump --format=custom --no-owner --no-privileges --file "$DUMP" "$SOURCE"
dumped=$(date +%s.%N)
psql "$SERVER/postgres" -qc "create database $TARGET"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname "$SERVER/$TARGET" "$DUMP"
restored=$(date +%s.%N)

awk -v d="$DUMP" -v size="$(du -h "$DUMP" | cut -f1)" -v a="$started" -v b="$dumped" -v c="$restored" \
    'BEGIN { printf "dump: %s (%s); pg_dump %.2f s, pg_restore %.2f s\n", d, size, b - a, c - b }'


# Row counts of the main tables, side by side: any difference is an error.
tables="auth_user authtoken_token triage_account triage_ticket triage_ticketevent \
presales_presalesrequest queues_notice queues_loadepisode"
status=0
for table in $tables; do
    a=$(psql "$SOURCE" -tAc "select count(*) from $table")
    b=$(psql "$SERVER/$TARGET" -tAc "select count(*) from $table")
    mark=ok; [ "$a" = "$b" ] || { mark=DIFFERENT; status=1; }
    printf '%-28s %8s %8s  %s\n' "$table" "$a" "$b" "$mark"
done
exit $status
