#!/usr/bin/env bash
# The whole test suite against the machine's PostgreSQL and Redis.
#   scripts/test.sh [pytest arguments...]      (make test PYTEST_ARGS="-k name")
# Starts PostgreSQL and Redis if they are down, installs the Debian packages the
# tests need if any is missing, builds .venv and the assets, then runs pytest.
# Exits with pytest's status (5 = no tests collected, which counts as a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_lib.sh
. scripts/_lib.sh

TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/safeguarding}"
TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        die "need root to run: $*"
    fi
}

# 1. Debian packages: Chromium (Playwright browser tests), WeasyPrint's
#    libraries, poppler-utils (pdftotext for PDF checks).
packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
missing=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# Another apt run (unattended upgrades, a second checkout's test run) may hold apt's locks:
# wait for them rather than fail. DPkg::Lock::Timeout covers dpkg's lock (install) but not the
# package lists' lock that `apt-get update` takes, so update is tried again while that is held.
APT_LOCK_WAIT=300
apt_update() {
    local errors waited=0
    errors="$(mktemp)"
    until as_root apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" update -qq 2>"$errors"; do
        if ! grep -q "Could not get lock" "$errors" || [ "$waited" -ge "$APT_LOCK_WAIT" ]; then
            cat "$errors" >&2
            rm -f "$errors"
            return 1
        fi
        sleep 5
        waited=$((waited + 5))
    done
    cat "$errors" >&2
    rm -f "$errors"
}
if [ "${#missing[@]}" -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_update
    as_root apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" install -y -qq --no-install-recommends \
        "${missing[@]}" </dev/null
fi

# 2. PostgreSQL
wait_for() {  # wait_for DESCRIPTION COMMAND...
    local what="$1" i
    shift
    for i in $(seq 1 60); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    die "$what did not come up within 30 seconds"
}
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    command -v pg_ctlcluster >/dev/null 2>&1 || die "PostgreSQL is not installed (Debian package postgresql)"
    pg_version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "Starting PostgreSQL $pg_version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
fi
wait_for "PostgreSQL" pg_isready -q -h 127.0.0.1 -p 5432

# 3. Redis
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
    command -v redis-server >/dev/null 2>&1 || die "Redis is not installed (Debian package redis-server)"
    log "Starting Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for "Redis" sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'

# 4. Python packages and front-end assets
ensure_venv requirements-dev.txt
scripts/assets.sh

# 5. Tests, on one pytest-xdist worker per core (PYTEST_WORKERS to change; -n 0 in the
#    arguments runs in this process). Each worker has its own PostgreSQL database
#    (pytest-django's test_<name>_gw0, _gw1, ...) and its own Redis database, counting down
#    from TEST_REDIS_URL's (tests/redis_per_worker.py); the tests empty theirs around every
#    test. A whole test file goes to one worker, so its module fixtures (the test identity
#    provider) start once.
redis-cli -u "$TEST_REDIS_URL" flushdb >/dev/null

export DATABASE_URL="$TEST_DATABASE_URL"
export REDIS_URL="$TEST_REDIS_URL"
export SECRET_KEY=test-only-secret
export DEBUG=0
unset ALLOW_GENERATED_SECRET_KEY
# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse ORM calls from it in browser tests.
export DJANGO_ALLOW_ASYNC_UNSAFE=true

scripts/lint.sh
log "Running pytest"
status=0
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist loadfile "$@" || status=$?
if [ "$status" -eq 5 ]; then
    printf 'error: pytest collected no tests\n' >&2
fi
exit "$status"
