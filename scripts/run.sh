#!/usr/bin/env bash
# Run the app locally: venv, assets, migrations, demo data, then a Celery
# worker (with embedded beat) in the background and the development server.
# With no DATABASE_URL/REDIS_URL this uses SQLite and a file broker under var/;
# when they are set they are used as they are. The first run writes .env (a new
# SECRET_KEY and DEBUG=1), which settings read, for this and any later manage.py command.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_lib.sh
. scripts/_lib.sh

# The development server speaks plain http: no redirect to https and no HTTPS-only cookies,
# even with DEBUG=0 (production keeps both on).
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}" SECURE_COOKIES="${SECURE_COOKIES:-0}"
ADDRESS="${RUNSERVER_ADDRESS:-127.0.0.1:8000}"

ensure_venv requirements.txt
ensure_dotenv
scripts/assets.sh

PY=.venv/bin/python
log "Applying migrations"
"$PY" manage.py migrate --noinput
log "Loading demo data"
"$PY" manage.py load_demo

# The worker runs beat inside it (one process, fine for local use only; production
# runs a single separate beat service). It stops when this script exits; setpriv
# also stops it if this script is killed outright.
log "Starting Celery worker with embedded beat"
worker=(.venv/bin/celery -A config worker -B --loglevel=WARNING)
if setpriv --help 2>/dev/null | grep -q pdeathsig; then
    worker=(setpriv --pdeathsig TERM "${worker[@]}")
fi
"${worker[@]}" &
worker_pid=$!

stop_worker() {
    trap - EXIT INT TERM
    if kill -0 "$worker_pid" 2>/dev/null; then
        kill -TERM "$worker_pid" 2>/dev/null || true
        # Warm shutdown finishes running tasks; give it 10 seconds, then stop it.
        for _ in $(seq 1 20); do
            kill -0 "$worker_pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$worker_pid" 2>/dev/null || true
    fi
    wait "$worker_pid" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "Starting the development server on http://$ADDRESS/ (Ctrl-C stops both)"
"$PY" manage.py runserver "$ADDRESS"
