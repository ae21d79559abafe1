#!/usr/bin/env bash
# A throw-away Dovecot IMAP server on 127.0.0.1 for tests, CI and bench/mail.py.
#
#   .ci/dovecot.sh start    # prints the TEST_IMAP_URL to export
#   .ci/dovecot.sh stop
#   .ci/dovecot.sh url      # the URL only
#
# DOVECOT_PORT (10143), DOVECOT_RUN (/tmp/support-triage-dovecot-PORT), DOVECOT_USER (test),
# DOVECOT_PASSWORD (pass). The config is .ci/dovecot/dovecot.conf.in, filled in under the run
# folder; the machine's /etc/dovecot is never read or changed. Needs Debian's dovecot-imapd
# (apt-get install -y dovecot-imapd); .ci/run installs it when it is missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${DOVECOT_PORT:-10143}
RUN=${DOVECOT_RUN:-/tmp/support-triage-dovecot-$PORT}
USER_NAME=${DOVECOT_USER:-test}
PASSWORD=${DOVECOT_PASSWORD:-pass}
CONF=$RUN/dovecot.conf
DOVECOT=${DOVECOT_BIN:-$(command -v dovecot || echo /usr/sbin/dovecot)}

die() { printf 'dovecot.sh: %s\n' "$*" >&2; exit 1; }
url() { echo "imap://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/INBOX"; }

listening() {
    python3 - "$PORT" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    sys.exit(0 if s.recv(200).startswith(b"* OK") else 1)
except OSError:
    sys.exit(1)
PY
}

start() {
    [ -x "$DOVECOT" ] || die "dovecot is not installed (apt-get install -y dovecot-imapd)"
    if [ -f "$CONF" ] && listening; then
        echo "Dovecot already listening on 127.0.0.1:$PORT"
        echo "export TEST_IMAP_URL=$(url)"
        return
    fi
    if [ "$(id -u)" = 0 ]; then
        uid=$(id -u mail) gid=$(id -g mail) login=dovenull internal=dovecot first=$uid
    else
        uid=$(id -u) gid=$(id -g) login=$(id -un) internal=$(id -un) first=$uid
    fi
    mkdir -p "$RUN"/base "$RUN"/state "$RUN"/mail
    chmod 755 "$RUN" "$RUN"/base "$RUN"/state
    hash=$(doveadm pw -s SHA512-CRYPT -p "$PASSWORD")
    printf '%s:%s\n' "$USER_NAME" "$hash" > "$RUN/users"
    chmod 644 "$RUN/users"
    sed -e "s|@RUN@|$RUN|g" -e "s|@PORT@|$PORT|g" -e "s|@UID@|$uid|g" -e "s|@GID@|$gid|g" \
        -e "s|@LOGIN_USER@|$login|g" -e "s|@INTERNAL_USER@|$internal|g" \
        -e "s|@FIRST_UID@|$first|g" "$HERE/dovecot/dovecot.conf.in" > "$CONF"
    mkdir -p "$RUN/mail/$USER_NAME/Maildir"/{cur,new,tmp}
    chown -R "$uid:$gid" "$RUN/mail"
    # Its own stdio goes to a file: the daemon's children would otherwise hold a caller's pipe
    # (a `$(...)` or a captured subprocess) open forever.
    "$DOVECOT" -c "$CONF" </dev/null >"$RUN/start.log" 2>&1 || {
        cat "$RUN/start.log" >&2
        die "dovecot did not start (log: $RUN/dovecot.log)"
    }
    for _ in $(seq 50); do listening && break; sleep 0.1; done
    listening || { tail -20 "$RUN/dovecot.log" >&2 || true; die "Dovecot is not answering on 127.0.0.1:$PORT"; }
    echo "Dovecot listening on 127.0.0.1:$PORT (Maildir $RUN/mail/$USER_NAME/Maildir)"
    echo "export TEST_IMAP_URL=$(url)"
}

stop() {
    if [ -f "$CONF" ]; then
        doveadm -c "$CONF" stop 2>/dev/null || true
    fi
    echo "Dovecot on 127.0.0.1:$PORT stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
url) url ;;
*) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
