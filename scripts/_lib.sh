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

# ensure_venv REQUIREMENTS_FILE
# Creates .venv if it is missing or broken, and pip-installs REQUIREMENTS_FILE
# only when the requirements (or the venv's Python) changed since the last
# successful install. The stamp is a hash kept inside .venv.
ensure_venv() {
    local req="$1" stamp hash python
    [ -f "$req" ] || die "$req not found"
    if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
        python="$(find_python)"
        log "Creating .venv with $python"
        rm -rf .venv
        "$python" -m venv .venv
        .venv/bin/python -m pip install --quiet --upgrade pip
    fi
    stamp=".venv/.installed-$(basename "$req" .txt)"
    # requirements-dev.txt includes requirements.txt, so hash every requirements file.
    hash="$( { .venv/bin/python -VV; cat requirements*.txt; } | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
        return 0
    fi
    log "Installing Python packages from $req"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    printf '%s\n' "$hash" >"$stamp"
}
