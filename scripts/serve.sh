#!/usr/bin/env bash
# make serve: the web server (gunicorn) and the job worker together, as production runs them on one
# machine. Ctrl-C (or either one stopping) stops both. Production runs the same two commands under
# a process manager instead (README.md "Running in production").
set -u
PY="${PY:-.venv/bin/python}"
VENV_BIN="$(dirname "$PY")"

# Each in its own session, so Ctrl-C reaches this script only and each process is sent one TERM
# below: gunicorn lets requests in flight finish, the worker lets a running job finish (a second
# signal would stop the worker at once).
setsid "$VENV_BIN/gunicorn" -c casework/config/gunicorn.py &
web=$!
setsid "$PY" manage.py jobs_worker &
worker=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

# whichever stops first (Ctrl-C, a crash) takes the other down with it
wait -n "$web" "$worker"
status=$?
echo "serve: one of the two processes stopped (exit $status); stopping the other" >&2
exit "$status"
