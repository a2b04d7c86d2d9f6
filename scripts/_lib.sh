# Shared helpers for scripts/*.sh (sourced, not run).
# shellcheck shell=bash

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Python that creates .venv: $PYTHON if set, else python3.11, else a python3 >= 3.11.
find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    die "Python 3.11 or newer not found (set PYTHON=/path/to/python3.11)"
}

# venv_pip ARGS...: the venv's pip, quietly. A machine's pip configuration may name package
# folders that do not exist there; pip warns about each on every run, so those lines are dropped.
venv_pip() {
    .venv/bin/python -m pip --quiet --disable-pip-version-check "$@" 2>&1 \
        | { grep -v "^WARNING: Location '.*' is ignored" || true; }
}

# pip_install ARGS...: install into .venv, every package checked against a lock's hashes.
pip_install() { venv_pip install --require-hashes "$@"; }

# ensure_venv LOCK_FILE
# Creates .venv if it is missing or broken, and installs LOCK_FILE (requirements.txt
# or requirements-dev.txt, exact versions with hashes) only when a lock (or the venv's
# Python) changed since the last successful install. The stamp is a hash kept inside .venv.
ensure_venv() {
    local req="$1" stamp hash python
    [ -f "$req" ] || die "$req not found"
    if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
        python="$(find_python)"
        log "Creating .venv with $python"
        rm -rf .venv
        "$python" -m venv .venv
        venv_pip install --upgrade pip
    fi
    stamp=".venv/.installed-$(basename "$req" .txt)"
    # requirements-dev.txt holds the app's pins too, so hash both locks.
    hash="$( { .venv/bin/python -VV; cat requirements*.txt; } | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
        return 0
    fi
    log "Installing Python packages from $req"
    pip_install -r "$req"
    printf '%s\n' "$hash" >"$stamp"
}

# ensure_dotenv: writes .env for local runs when there is none: a new random SECRET_KEY and
# DEBUG=1. Settings read it, so `.venv/bin/python manage.py ...` works in this checkout with
# nothing set by hand; a variable set in the environment still wins. Needs .venv (ensure_venv).
ensure_dotenv() {
    [ -e .env ] && return 0
    local key
    key="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    log "Writing .env (a new SECRET_KEY and DEBUG=1, for this checkout only)"
    (
        umask 077
        printf '%s\n' \
            "# Local settings for this checkout, written once by make run. Never copy it to a server." \
            "SECRET_KEY=$key" \
            "DEBUG=1" >.env
    )
}
