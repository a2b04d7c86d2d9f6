#!/usr/bin/env bash
# Rebuild the lock files from the ranges:
#   requirements.in     -> requirements.txt      (the app)
#   requirements-dev.in -> requirements-dev.txt  (tests and tools; the app's pins as constraints)
#   scripts/lock.sh [uv pip compile options]   e.g. --upgrade, or --upgrade-package django
# Pins already in a lock are kept unless an option asks for an upgrade, so a new range in an
# .in file changes only what it must.
#
# uv rather than pip-tools: it resolves in seconds, comes as one binary from PyPI (pinned in the
# dev lock like everything else), and --universal writes one lock with the markers and hashes for
# every platform, so a developer's laptop, CI and the Docker image read the same file. Installs
# need no uv: plain `pip install --require-hashes -r requirements*.txt`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_lib.sh
. scripts/_lib.sh

if [ ! -x .venv/bin/python ]; then
    ensure_venv requirements-dev.txt
elif [ ! -x .venv/bin/uv ]; then
    log "Installing uv from requirements-dev.txt"
    uv_pin="$(mktemp)"
    trap 'rm -f "$uv_pin"' EXIT
    # uv's own entry in the lock: its pin line and hash lines up to the last continuation.
    awk '/^uv==/ {found = 1} found {print} found && !/\\$/ {exit}' requirements-dev.txt >"$uv_pin"
    [ -s "$uv_pin" ] || die "uv is not pinned in requirements-dev.txt"
    pip_install --no-deps -r "$uv_pin"
fi

compile() {  # compile INPUT OUTPUT [options]
    local input="$1" output="$2"
    shift 2
    log "Locking $input into $output"
    .venv/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
        --custom-compile-command "make lock" "$input" --output-file "$output" "$@"
}
compile requirements.in requirements.txt "$@"
compile requirements-dev.in requirements-dev.txt "$@"
