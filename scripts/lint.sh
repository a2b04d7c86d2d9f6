#!/usr/bin/env bash
# Static checks, each of which fails the build on any finding:
#   ruff's lint rules and code format, mypy against the baseline of errors already
#   known (mypy-baseline.txt, which may only shrink), migrations that match the
#   models, and Django's deployment checks with production settings.
#   scripts/lint.sh                     run the checks, stop at the first failure
#   scripts/lint.sh --update-baseline   rewrite mypy-baseline.txt from mypy's errors now
# Needs only .venv: no database server or Redis. Each step runs with its own
# environment, so nothing set by the caller (scripts/test.sh) changes what is checked.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_lib.sh
. scripts/_lib.sh

BASELINE=mypy-baseline.txt
for tool in ruff mypy mypy-baseline; do
    [ -x ".venv/bin/$tool" ] || die ".venv has no $tool: install requirements-dev.txt into .venv (make test does)"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A settings environment like a server's: DEBUG off, a key made for this run, and a
# throwaway SQLite database, so no step needs (or touches) a real one.
secret_key="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')"
anchor_key="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')"
settings_env=(
    env -i "PATH=$PATH" "HOME=${HOME:-/tmp}" "LANG=${LANG:-C.UTF-8}"
    DEBUG=0
    "SECRET_KEY=$secret_key"
    "DATABASE_URL=sqlite:///$work/lint.sqlite3"
    "AUDIT_ANCHOR_PATH=$work/anchors.jsonl"
)

# step DESCRIPTION COMMAND...: one line saying what is checked and how long it took;
# on a failure, the command's output and a message, then stop.
step() {
    local what="$1" started tenths status=0
    shift
    printf '==> %s ... ' "$what" >&2
    started="$(date +%s%N)"
    "$@" >"$work/output" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        printf 'failed\n' >&2
        cat "$work/output" >&2
        die "$what: failed (exit status $status)"
    fi
    tenths=$((($(date +%s%N) - started) / 100000000))
    printf 'ok (%d.%d s)\n' $((tenths / 10)) $((tenths % 10)) >&2
}

# mypy exits 1 when it reports errors and 2 when it could not check at all: only
# the first goes on to be compared with the baseline.
run_mypy() {
    local status=0
    "${settings_env[@]}" .venv/bin/mypy >"$work/mypy.txt" 2>&1 || status=$?
    if [ "$status" -gt 1 ]; then
        cat "$work/mypy.txt"
        return "$status"
    fi
}

mypy_against_baseline() {
    run_mypy || return
    .venv/bin/mypy-baseline filter --no-colors <"$work/mypy.txt" || {
        printf '\nA new error above: fix it. A baseline error fixed: run scripts/lint.sh --update-baseline and commit %s.\n' "$BASELINE"
        return 1
    }
}

if [ "${1:-}" = "--update-baseline" ]; then
    step "mypy: type errors, for the baseline" run_mypy
    .venv/bin/mypy-baseline sync --no-colors <"$work/mypy.txt" >/dev/null
    log "$BASELINE now holds $(grep -c . "$BASELINE" || true) errors"
    exit 0
fi
[ "$#" -eq 0 ] || die "usage: scripts/lint.sh [--update-baseline]"

step "ruff check: lint rules (pyflakes, pycodestyle, bugbear, pyupgrade, import order, Django)" \
    .venv/bin/ruff check --no-cache --quiet .
step "ruff format --check: code format" .venv/bin/ruff format --check --no-cache --quiet .
step "mypy: no type errors beyond $BASELINE" mypy_against_baseline
step "makemigrations --check: the migrations match the models" \
    "${settings_env[@]}" .venv/bin/python manage.py makemigrations --check --dry-run
step "check --deploy: Django's deployment checks with production settings" \
    "${settings_env[@]}" ALLOWED_HOSTS=casework.example.org "AUDIT_ANCHOR_KEY=$anchor_key" \
    .venv/bin/python manage.py check --deploy --fail-level WARNING
